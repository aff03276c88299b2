package dev.chatlane

import dev.chatlane.model.Channel
import dev.chatlane.model.Content
import dev.chatlane.model.Direction
import dev.chatlane.model.HistoryQuery
import dev.chatlane.model.HistoryRecord
import dev.chatlane.model.Message
import dev.chatlane.model.PhoneNumberQuery
import dev.chatlane.model.Template
import dev.chatlane.model.TemplateQuery
import dev.chatlane.model.TemplateRef
import dev.chatlane.model.TemplateSummary
import dev.chatlane.model.Text
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.flow
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeoutOrNull
import kotlinx.serialization.json.Json
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.contentOrNull
import kotlinx.serialization.json.jsonArray
import kotlinx.serialization.json.jsonObject
import kotlinx.serialization.json.jsonPrimitive
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.DynamicTest.dynamicTest
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestFactory
import org.junit.jupiter.api.TestInstance
import java.nio.file.Path
import java.util.UUID
import kotlin.io.path.listDirectoryEntries
import kotlin.io.path.readText
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertIs
import kotlin.test.assertNotNull
import kotlin.test.assertNull
import kotlin.test.assertTrue
import kotlin.test.fail

/** The business number of the sandbox's channel instance [SPACE]. */
private const val BUSINESS = "8613800000000"
private const val SPACE = "cams-kt"

/**
 * The operations beyond sending through the generated Kotlin API: every shared case of
 * `tests/operations` through [operationParams] (CAMS) or [metaRequest] (Meta), then history, templates and phone numbers
 * against a sandbox whose registry holds five approved templates and one in review.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OperationsTest {
    private val root = Path.of(System.getProperty("chatlane.root") ?: error("set -Dchatlane.root to the repository"))

    /** Its own AccessKey ID: this class's reads and sends are paced apart from other classes'. */
    private val keyId = "kt-ops-" + UUID.randomUUID()
    private lateinit var sandbox: Sandbox
    private lateinit var client: Client

    /** The sandbox's configuration: [SPACE] and its template registry. */
    private lateinit var config: String

    @BeforeAll
    fun start() {
        val templates = (1..5).joinToString(",") { i ->
            """{"code": "T$i", "name": "t$i", "language": "en", "variables": ["name"], "body": "Hi $(name)"}"""
        }
        val buttons = """[{"Type": "QUICK_REPLY", "Text": "Yes"},
            {"Type": "URL", "Text": "Track", "Url": "https://example.com/t/{{1}}", "UrlType": "dynamic"}]"""
        config = """{"custSpaces": [{"id": "$SPACE", "numbers": ["$BUSINESS"]}],
            "templates": [$templates,
              {"code": "R1", "name": "review", "language": "en", "auditStatus": "auditing", "category": "MARKETING",
               "body": "Soon", "buttons": $buttons}]}"""
        sandbox = Sandbox.start(keyId, config)
        client = Client(options(sandbox))
    }

    @AfterAll
    fun stop() {
        client.close()
        sandbox.close()
    }

    private fun options(sandbox: Sandbox) = ClientOptions(
        credentials = Credentials(keyId, SANDBOX_KEY_SECRET),
        endpoint = sandbox.endpoint,
        custSpaceId = SPACE,
    )

    /** Every case of every JSON file in `tests/operations`: its exact wire parameters or Graph request, or its typed error. */
    @TestFactory
    fun `operation cases`(): List<DynamicTest> {
        val files = root.resolve("tests/operations").listDirectoryEntries("*.json").sorted()
        val cases = files.flatMap { Json.parseToJsonElement(it.readText()).jsonObject.getValue("cases").jsonArray }
        assertTrue(cases.size >= 40, "only ${cases.size} cases in $root/tests/operations")
        return cases.map { it.jsonObject }.map { case ->
            val name = case.string("name") ?: fail("a case without a name: $case")
            dynamicTest(name) {
                try {
                    verify(case)
                } catch (e: Throwable) {
                    throw AssertionError("$name: ${e.message}", e)
                }
            }
        }
    }

    /** A CAMS case's wire parameters, or a Meta case's first Graph request (`"provider": "meta"`). */
    private fun verify(case: JsonObject) {
        val operation = case.string("operation") ?: fail("no operation")
        val query = case["query"]?.toString() ?: fail("no query")
        val meta = case.string("provider") == "meta"
        val outcome = { ->
            if (meta) {
                val request = metaRequest(operation, query, case.string("clientWabaId"))
                mapOf("method" to request.method, "path" to request.path)
            } else {
                operationParams(operation, query, case.string("clientCustSpaceId"))
            }
        }
        val want = case[if (meta) "graph" else "wire"]?.jsonObject
        val expected = case["error"]?.jsonObject
        if (want != null) {
            assertNull(expected, "both an outcome and an error")
            assertEquals(want.mapValues { it.value.jsonPrimitive.content }.toSortedMap(), outcome().toSortedMap())
            return
        }
        expected ?: fail("neither an outcome nor an error")
        val e = assertFailsWith<ChatlaneException> { outcome() }
        assertEquals(expected.string("code"), e.code(), e.detail())
        if (e.code() == "InvalidParameter") assertIs<ChatlaneException.InvalidParameter>(e)
        val field = expected.string("field")!!
        assertTrue(field.isEmpty() || e.detail().contains("$field: "), "the detail names $field: ${e.detail()}")
    }

    @Test
    fun `an unknown operation or a query that is not JSON is a typed error`() {
        val unknown = assertFailsWith<ChatlaneException.Configuration> { operationParams("SendChatappMessage", "{}") }
        assertEquals("InvalidConfig", unknown.code())
        val notJson = assertFailsWith<ChatlaneException.InvalidParameter> { operationParams("ListChatappTemplate", "{") }
        assertEquals("InvalidParameter", notJson.code())
    }

    @Test
    fun `templates page through every page`() = runBlocking<Unit> {
        val pages = mutableListOf<UInt>()
        val templates = mutableListOf<TemplateSummary>()
        var query = TemplateQuery(pageSize = 2u)
        while (true) {
            val page = client.listTemplates(query)
            assertEquals(query.page ?: 1u, page.page)
            assertEquals(2u, page.pageSize)
            assertEquals(6uL, page.total)
            pages += page.page
            templates += page.templates
            query = query.copy(page = page.nextPage ?: break)
        }
        assertEquals(listOf(1u, 2u, 3u), pages)
        assertEquals(listOf("T1", "T2", "T3", "T4", "T5", "R1"), templates.map { it.code })
        val review = templates.last()
        assertEquals(listOf("review", "en", "auditing", "MARKETING"), listOf(review.name, review.language, review.auditStatus, review.category))

        // The core's walk: the same pages, each asked for while the one before is read.
        val walk = client.templatePages(TemplateQuery(pageSize = 2u))
        val walked = mutableListOf<List<String>>()
        while (true) walked += (walk.next() ?: break).templates.map { it.code }
        assertEquals(listOf(listOf("T1", "T2"), listOf("T3", "T4"), listOf("T5", "R1")), walked)
        assertNull(walk.next(), "the walk stays over")
        val all = client.templatePages()
        assertEquals(6, all.next()?.templates?.size, "the default query: every template on the first page")
        assertNull(all.next())

        val everything = client.listTemplates()
        assertEquals(templates, everything.templates, "the default query: every template on the first page")
        assertNull(everything.nextPage)
        val approved = client.listTemplates(TemplateQuery(auditStatus = "pass"))
        assertEquals(listOf("T1", "T2", "T3", "T4", "T5"), approved.templates.map { it.code })
        assertEquals(listOf("T4"), client.listTemplates(TemplateQuery(name = "t4")).templates.map { it.code })
        assertEquals(emptyList(), client.listTemplates(TemplateQuery(language = "pt_BR")).templates)
    }

    @Test
    fun `a template in full or a typed error`() = runBlocking<Unit> {
        val detail = client.template(TemplateRef(code = "T1", language = "en"))
        assertEquals(listOf("T1", "t1", "en", "pass"), listOf(detail.code, detail.name, detail.language, detail.auditStatus))
        assertTrue(detail.allowSend)
        assertEquals("Hi $(name)", detail.components.single { it.kind == "BODY" }.text)
        assertEquals(setOf("name"), detail.example.keys)
        assertEquals("T2", client.template(TemplateRef(name = "t2", language = "en")).code, "by name")

        val review = client.template(TemplateRef(code = "R1", language = "en"))
        assertTrue(!review.allowSend, "a template in review may not be sent")
        val buttons = review.components.single { it.kind == "BUTTONS" }.buttons
        assertEquals(listOf("QUICK_REPLY", "URL"), buttons.map { it.kind })
        assertEquals(listOf("Track", "https://example.com/t/{{1}}", "dynamic"), buttons[1].let { listOf(it.text, it.url, it.urlType) })

        val missing = assertFailsWith<ChatlaneException.Template> { client.template(TemplateRef(code = "T9", language = "en")) }
        assertEquals("TemplateNotFound", missing.code())
        assertEquals("DetailError.TemplateNotExist", missing.platformCode())
        assertNotNull(missing.requestId())
        val otherLanguage = assertFailsWith<ChatlaneException.Template> { client.template(TemplateRef(code = "T1", language = "de")) }
        assertEquals("TemplateNotFound", otherLanguage.code())
    }

    /**
     * Runs [block] with a client checking template sends ([ClientOptions.templateCacheTtlMs] [ttlMs])
     * against a sandbox of its own with this class's registry, so its sends stay out of the
     * shared sandbox's history.
     */
    private fun withCheckingClient(ttlMs: ULong, block: suspend (Sandbox, Client) -> Unit) = runBlocking<Unit> {
        val key = "kt-ops-cache-" + UUID.randomUUID()
        Sandbox.start(key, config).use { own ->
            val options = ClientOptions(credentials = Credentials(key, SANDBOX_KEY_SECRET), endpoint = own.endpoint, custSpaceId = SPACE)
            Client(options.copy(templateCacheTtlMs = ttlMs)).use { checking -> block(own, checking) }
        }
    }

    /** GetChatappTemplateDetail requests [box] answered (found or not), throttled attempts left out. */
    private fun templateReads(box: Sandbox) = box.requests().count { it.action == "GetChatappTemplateDetail" && it.outcome != "Throttling.User" }

    private fun template(code: String, vararg params: Pair<String, String>) = Message(
        channel = Channel.WHATSAPP, from = BUSINESS, to = "6591240021",
        template = Template(code = code, language = "en", params = mapOf(*params)),
    )

    @Test
    fun `a send that does not fit its cached template is refused with every violation before it goes`() =
        withCheckingClient(60_000uL) { own, checking ->
            checking.send(template("T1", "name" to "Ada"))
            val wrong = assertFailsWith<ChatlaneException.Validation> { checking.send(template("T1", "nmae" to "Ada")) }
            assertEquals("InvalidMessage", wrong.code)
            assertEquals(
                listOf(
                    Triple("required", "template.params.name", "required by template T1"),
                    Triple("not_allowed", "template.params.nmae", "not a variable of template T1"),
                ),
                wrong.violations.map { Triple(it.code, it.path, it.message) },
            )
            assertEquals("TemplateNotApproved", assertFailsWith<ChatlaneException.Template> { checking.send(template("R1")) }.code)
            repeat(2) {
                assertEquals("TemplateNotFound", assertFailsWith<ChatlaneException.Template> { checking.send(template("T9")) }.code)
            }
            assertEquals(1, own.ledger().size, "nothing that does not fit was sent")
            assertEquals(3, templateReads(own), "each template read once (T1, R1, T9), then cached")
        }

    @Test
    fun `a cached template is read again once its TTL has passed`() = withCheckingClient(2_000uL) { own, checking ->
        repeat(2) { checking.send(template("T3", "name" to "Bo")) }
        assertEquals(1, templateReads(own))
        delay(2_200)
        checking.send(template("T3", "name" to "Bo"))
        assertEquals(2, templateReads(own))
    }

    @Test
    fun `a query that cannot be asked is InvalidParameter and nothing is sent`() = runBlocking<Unit> {
        val before = sandbox.requests().size
        val refusals = listOf(
            "page" to suspend { client.listTemplates(TemplateQuery(page = 0u)) },
            "pageSize" to suspend { client.listTemplates(TemplateQuery(pageSize = 1001u)) },
            "page" to suspend { client.listMessages(HistoryQuery(businessNumber = BUSINESS, page = 0u)) },
            "businessNumber" to suspend { client.listMessages(HistoryQuery(businessNumber = " ")) },
            "channel" to suspend { client.listMessages(HistoryQuery(businessNumber = BUSINESS, channel = Channel.MESSENGER)) },
            "sinceMs" to suspend { client.listMessages(HistoryQuery(businessNumber = BUSINESS, sinceMs = 2uL, untilMs = 1uL)) },
            "code" to suspend { client.template(TemplateRef(language = "en")) },
            "language" to suspend { client.template(TemplateRef(code = "T1", language = "")) },
        )
        for ((field, call) in refusals) {
            val e = assertFailsWith<ChatlaneException.InvalidParameter>(field) { call() }
            assertEquals("InvalidParameter", e.code())
            assertTrue(e.detail().startsWith("$field: "), e.detail())
            assertEquals(0u, e.attempts())
        }
        assertEquals(before, sandbox.requests().size, "nothing was sent")
    }

    @Test
    fun `history holds the sends and an inbound message, paged and filtered`() = runBlocking<Unit> {
        val (ada, bob) = sandbox.newRecipient() to sandbox.newRecipient()
        val first = send(ada, template = "T1", name = "Ada")
        val outsideWindow = send(bob, text = "first")
        delay(20)
        val mark = System.currentTimeMillis()
        delay(20)
        sandbox.inbound(from = ada, to = BUSINESS, text = "hello")
        val later = listOf(send(ada, text = "thanks"), send(bob, template = "T2", name = "Bob"), send(ada, text = "again"), send(ada, template = "T3", name = "Ada"))
        // The sandbox's order: newest first; the inbound message's ID is the sandbox's own (null here).
        val sent = listOf(first, outsideWindow, null) + later
        val newestFirst = sent.reversed()

        // Each send's status receipts move it on: read, or failed outside the 24-hour window.
        val settled = eventually { page(HistoryQuery(businessNumber = BUSINESS)).takeIf { page -> page.none { it.status in setOf("accepted", "sent", "delivered") } } }
        assertEquals(7, settled.size)

        val pages = mutableListOf<Int>()
        val records = mutableListOf<HistoryRecord>()
        var query = HistoryQuery(businessNumber = BUSINESS, pageSize = 2u)
        while (true) {
            val page = client.listMessages(query)
            assertEquals(query.page ?: 1u, page.page)
            pages += page.records.size
            records += page.records
            query = query.copy(page = page.nextPage ?: break)
        }
        assertEquals(listOf(2, 2, 2, 1), pages)
        assertEquals(settled, records, "the pages hold what one page of 100 holds")
        assertEquals(records, client.history(HistoryQuery(businessNumber = BUSINESS, pageSize = 3u)).toList(), "the README's Flow")
        assertEquals(newestFirst.map { if (it == null) Direction.INBOUND else Direction.OUTBOUND }, records.map { it.direction })
        assertEquals(newestFirst.filterNotNull(), records.filter { it.direction == Direction.OUTBOUND }.map { it.messageId })
        assertTrue(records.all { it.businessNumber == BUSINESS && it.channel == "whatsapp" && it.sentAtMs != null })

        val inbound = records.single { it.direction == Direction.INBOUND }
        assertEquals(listOf(ada, "text", "hello", "received"), listOf(inbound.userNumber, inbound.messageType, inbound.content, inbound.status))
        val template = records.single { it.messageId == first }
        assertEquals(listOf("template", "Hi Ada", "T1", "t1", "en", "read"),
            listOf(template.messageType, template.content, template.templateCode, template.templateName, template.language, template.status))
        val failed = records.single { it.messageId == outsideWindow }
        assertEquals(listOf(bob, "text", "first", "failed"), listOf(failed.userNumber, failed.messageType, failed.content, failed.status))
        assertNotNull(failed.failReason)

        assertEquals(listOf(later[1], outsideWindow), page(HistoryQuery(businessNumber = BUSINESS, userNumber = bob)).map { it.messageId })
        assertEquals(listOf(inbound), page(HistoryQuery(businessNumber = BUSINESS, direction = Direction.INBOUND)))
        assertEquals(6, page(HistoryQuery(businessNumber = BUSINESS, direction = Direction.OUTBOUND)).size)
        assertEquals(listOf(first), page(HistoryQuery(businessNumber = BUSINESS, templateCode = "T1")).map { it.messageId })
        assertEquals(listOf(outsideWindow), page(HistoryQuery(businessNumber = BUSINESS, status = "failed")).map { it.messageId })
        assertEquals(records.take(5), page(HistoryQuery(businessNumber = BUSINESS, sinceMs = mark.toULong())))
        assertEquals(records.drop(5), page(HistoryQuery(businessNumber = BUSINESS, untilMs = mark.toULong())))
        assertEquals(emptyList(), page(HistoryQuery(businessNumber = BUSINESS, channel = Channel.VIBER)))
    }

    @Test
    fun `phone numbers with their status, quality and tier`() = runBlocking<Unit> {
        val config = """{"custSpaces": [
            {"id": "$SPACE", "numbers": ["$BUSINESS",
               {"number": "8613800000001", "status": "PENDING", "verifiedName": "Acme", "qualityRating": "YELLOW", "messagingLimitTier": "TIER_1K"}],
             "statusCallbackUrl": "http://127.0.0.1:9/status", "upCallbackUrl": "http://127.0.0.1:9/inbound"},
            {"id": "cams-other", "numbers": ["8613800000009"]}]}"""
        Sandbox.start(keyId, config).use { own ->
            Client(options(own)).use { client ->
                val numbers = client.phoneNumbers()
                assertEquals(listOf(BUSINESS, "8613800000001"), numbers.map { it.phoneNumber }, "the client's channel instance")
                val (plain, pending) = numbers
                assertEquals(listOf("Chatlane Sandbox", "CONNECTED", "GREEN", "TIER_10K"),
                    listOf(plain.verifiedName, plain.status, plain.qualityRating, plain.messagingLimitTier))
                assertEquals(listOf("Acme", "PENDING", "YELLOW", "TIER_1K"),
                    listOf(pending.verifiedName, pending.status, pending.qualityRating, pending.messagingLimitTier))
                assertEquals("http://127.0.0.1:9/status", plain.statusCallbackUrl)
                assertEquals("http://127.0.0.1:9/inbound", plain.inboundCallbackUrl)
                assertTrue(!plain.official)

                assertEquals(listOf(pending), client.phoneNumbers(PhoneNumberQuery(status = "PENDING")))
                val other = client.phoneNumbers(PhoneNumberQuery(custSpaceId = "cams-other"))
                assertEquals(listOf("8613800000009"), other.map { it.phoneNumber })
                val notOurs = assertFailsWith<ChatlaneException> { client.phoneNumbers(PhoneNumberQuery(custSpaceId = "cams-9")) }
                assertEquals("Authentication.NoAuth", notOurs.platformCode())
            }
        }
    }

    @Test
    fun `a Meta client has none of the CAMS operations`() = runBlocking<Unit> {
        val before = sandbox.requests().size
        Client(ClientOptions(provider = "meta", accessToken = AccessToken(META_TOKEN), endpoint = sandbox.endpoint)).use { meta ->
            // Queries that could be asked of CAMS (a Meta client's history is its event store's: HistoryTest).
            val calls = listOf(
                "ListChatappTemplate" to suspend { meta.listTemplates() },
                "GetChatappTemplateDetail" to suspend { meta.template(TemplateRef(code = "T1", language = "en")) },
                "QueryChatappPhoneNumbers" to suspend { meta.phoneNumbers() },
            )
            for ((operation, call) in calls) {
                val e = assertFailsWith<ChatlaneException.Configuration>(operation) { call() }
                assertEquals("InvalidConfig", e.code())
                assertTrue(e.detail().contains(operation), e.detail())
            }
        }
        assertEquals(before, sandbox.requests().size, "nothing was sent")
    }

    @Test
    fun `a cancelled read leaves the client working`() = runBlocking<Unit> {
        sandbox.inject(Fault.latency(2_000), to = null)
        assertNull(withTimeoutOrNull(300) { client.listTemplates() }, "the slow read is cancelled")
        assertEquals(6, client.listTemplates().templates.size, "the next read answers")
    }

    /** Sends a text, or template [template] with its `name` variable set to [name], from [BUSINESS] to [to]: its `MessageId`. */
    private suspend fun send(to: String, text: String? = null, template: String? = null, name: String? = null): String {
        val message = when {
            template != null -> Message(channel = Channel.WHATSAPP, from = BUSINESS, to = to,
                template = Template(code = template, language = "en", params = mapOf("name" to name!!)))
            else -> Message(channel = Channel.WHATSAPP, from = BUSINESS, to = to, content = Content.Text(Text(text!!)))
        }
        return client.send(message).messageId
    }

    /** Every record [query] matches, page after page: the `Flow` the README shows. */
    private fun Client.history(query: HistoryQuery): Flow<HistoryRecord> = flow {
        val pages = messagePages(query)
        while (true) pages.next()?.records?.forEach { emit(it) } ?: break
    }

    /** The records of the first page of 100 that [query] asks for. */
    private suspend fun page(query: HistoryQuery): List<HistoryRecord> = client.listMessages(query.copy(pageSize = 100u)).records

    /** What [probe] gives once it gives something, asked every 100 ms for up to 10 s. */
    private suspend fun <T : Any> eventually(probe: suspend () -> T?): T {
        repeat(100) {
            probe()?.let { return it }
            delay(100)
        }
        return probe() ?: fail("not settled after 10 s")
    }

    /** The string at [key]; `null` when absent or JSON `null`. */
    private fun JsonObject.string(key: String): String? = get(key)?.jsonPrimitive?.contentOrNull
}
