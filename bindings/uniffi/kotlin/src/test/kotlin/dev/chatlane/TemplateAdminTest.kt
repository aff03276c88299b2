package dev.chatlane

import dev.chatlane.model.NewTemplate
import dev.chatlane.model.TemplateButton
import dev.chatlane.model.TemplateComponent
import dev.chatlane.model.TemplateDeletion
import dev.chatlane.model.TemplateEdit
import dev.chatlane.model.TemplateQuery
import dev.chatlane.model.TemplateRef
import kotlinx.coroutines.delay
import kotlinx.coroutines.runBlocking
import kotlinx.serialization.json.buildJsonObject
import kotlinx.serialization.json.put
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import java.util.UUID
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertTrue

/**
 * Template management through the generated Kotlin API against a sandbox whose reviews take
 * 600 ms: a template created, listed in review then approved, changed and deleted; refusals
 * before anything is sent; typed errors; and a write whose answer is lost is not made again.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TemplateAdminTest {
    /** Its own AccessKey ID: this class's calls are paced apart from other classes'. */
    private val keyId = "kt-tmpl-" + UUID.randomUUID()
    private lateinit var sandbox: Sandbox
    private lateinit var client: Client

    @BeforeAll
    fun start() {
        sandbox = Sandbox.start(keyId, """{"templateReviewMs": 600}""")
        client = Client(ClientOptions(credentials = Credentials(keyId, SANDBOX_KEY_SECRET), endpoint = sandbox.endpoint, custSpaceId = "cams-kt-tmpl"))
    }

    @AfterAll
    fun stop() {
        client.close()
        sandbox.close()
    }

    private val components = listOf(
        TemplateComponent(kind = "HEADER", format = "TEXT", text = "Order $(order)"),
        TemplateComponent(kind = "BODY", text = "Hi $(name), order $(order) shipped."),
        TemplateComponent(kind = "BUTTONS", buttons = listOf(
            TemplateButton(kind = "URL", text = "Track", url = "https://t.example/$(order)", urlType = "dynamic"))),
    )

    private fun orderUpdate(name: String = "order_update") = NewTemplate(
        name = name, language = "en", category = "UTILITY", components = components, example = mapOf("name" to "Ada", "order" to "42"))

    private fun writes() = sandbox.requests().count { it.action.matches(Regex("(Create|Modify|Delete)ChatappTemplate")) }

    @Test
    fun `a template is created, reviewed, changed and deleted`() = runBlocking<Unit> {
        val saved = client.createTemplate(orderUpdate())
        assertEquals("order_update", saved.name)
        assertTrue(saved.code.matches(Regex("\\d{18}")), saved.code)
        val listed = client.listTemplates(TemplateQuery(code = saved.code)).templates.single()
        assertEquals(listOf("auditing", "UTILITY"), listOf(listed.auditStatus, listed.category))

        delay(700)
        val detail = client.template(TemplateRef(code = saved.code, language = "en"))
        assertTrue(detail.allowSend, "approved after its review")
        assertEquals(components, detail.components, "what was written is read back")
        assertEquals(mapOf("name" to "Ada", "order" to "42"), detail.example)

        val edit = TemplateEdit(code = saved.code, language = "en",
            components = listOf(TemplateComponent(kind = "BODY", text = "Bye $(who)")), messageSendTtlSeconds = 600u)
        assertEquals(saved, client.modifyTemplate(edit))
        val changed = client.template(TemplateRef(code = saved.code, language = "en"))
        assertEquals(listOf<Any?>("auditing", 600uL, "Bye $(who)"), listOf(changed.auditStatus, changed.messageSendTtlSeconds, changed.components.single().text))

        client.deleteTemplate(TemplateDeletion(code = saved.code))
        assertEquals(emptyList(), client.listTemplates(TemplateQuery(code = saved.code)).templates)
        val again = assertFailsWith<ChatlaneException.Template> { client.deleteTemplate(TemplateDeletion(code = saved.code)) }
        assertEquals(listOf("TemplateNotFound", "DelError.TemplateNotExist"), listOf(again.code(), again.platformCode()))
        val unknown = assertFailsWith<ChatlaneException.Template> { client.modifyTemplate(edit) }
        assertEquals("TemplateNotFound", unknown.code())
    }

    @Test
    fun `writes are checked before anything is sent, each refusal naming its field`() = runBlocking<Unit> {
        val before = writes()
        val body = TemplateComponent(kind = "BODY", text = "Hi")
        val refusals = listOf(
            "components" to suspend { client.createTemplate(orderUpdate().copy(components = emptyList())) },
            "category" to suspend { client.createTemplate(orderUpdate().copy(category = "PROMO")) },
            "components[0].text" to suspend { client.createTemplate(orderUpdate().copy(components = listOf(body.copy(text = "Hi {{1}}")))) },
            "components[1].buttons" to suspend {
                val urls = List(3) { TemplateButton(kind = "URL", text = "a", url = "https://a.example") }
                client.createTemplate(orderUpdate().copy(components = listOf(body, TemplateComponent(kind = "BUTTONS", buttons = urls))))
            },
            "code" to suspend { client.modifyTemplate(TemplateEdit(language = "en", components = listOf(body))) },
            "language" to suspend { client.deleteTemplate(TemplateDeletion(code = "C", language = "")) },
        )
        for ((field, call) in refusals) {
            val e = assertFailsWith<ChatlaneException.InvalidParameter>(field) { call() }
            assertTrue(e.detail().startsWith("$field: "), e.detail())
            assertEquals(0u, e.attempts())
        }
        assertEquals(before, writes(), "nothing was sent")

        val saved = client.createTemplate(orderUpdate("taken"))
        val taken = assertFailsWith<ChatlaneException.InvalidParameter> { client.createTemplate(orderUpdate("taken")) }
        assertEquals("InvalidParameter.TemplateNameExist", taken.platformCode())
        client.deleteTemplate(TemplateDeletion(code = saved.code, language = "en"))
    }

    @Test
    fun `a write whose answer is lost is not made again, a 503 is`() = runBlocking<Unit> {
        val creates = sandbox.requests().count { it.action == "CreateChatappTemplate" }
        sandbox.inject(buildJsonObject { put("kind", "accept_then_drop") }, to = null)
        val lost = assertFailsWith<ChatlaneException.OutcomeUnknown> { client.createTemplate(orderUpdate("lost")) }
        assertEquals(1u, lost.attempts())
        assertEquals(creates + 1, sandbox.requests().count { it.action == "CreateChatappTemplate" })
        assertEquals(listOf("lost"), client.listTemplates(TemplateQuery(name = "lost")).templates.map { it.name }, "it took, once")

        val deletes = sandbox.requests().count { it.action == "DeleteChatappTemplate" }
        sandbox.inject(buildJsonObject { put("kind", "error"); put("status", 503) }, to = null)
        client.deleteTemplate(TemplateDeletion(name = "lost"))
        assertEquals(deletes + 2, sandbox.requests().count { it.action == "DeleteChatappTemplate" }, "a 503 proves nothing was done")
    }

    @Test
    fun `a Meta client manages no CAMS templates`() = runBlocking<Unit> {
        Client(ClientOptions(provider = "meta", accessToken = AccessToken(META_TOKEN), endpoint = sandbox.endpoint)).use { meta ->
            val e = assertFailsWith<ChatlaneException.Configuration> { meta.createTemplate(orderUpdate()) }
            assertTrue(e.detail().contains("CreateChatappTemplate is a CAMS operation"), e.detail())
        }
    }
}
