package dev.chatlane

import dev.chatlane.model.Channel
import dev.chatlane.model.Content
import dev.chatlane.model.Message
import dev.chatlane.model.Template
import dev.chatlane.model.Text
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Test
import java.net.ServerSocket
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertNotNull
import kotlin.test.assertTrue

private const val FROM = "8613900000000"
private const val TO = "8613800000000"

/** The generated Kotlin API end to end against the sandbox. */
class ClientTest : SandboxTest() {
    private fun text(body: String, taskId: String? = null, from: String = FROM) =
        Message(channel = Channel.WHATSAPP, from = from, to = TO, content = Content.Text(Text(body)), taskId = taskId)

    @Test
    fun `a template lands in the ledger with the exact wire parameters`() = runBlocking<Unit> {
        val taskId = taskId()
        val receipt = client.send(
            Message(
                channel = Channel.WHATSAPP,
                from = FROM,
                to = TO,
                template = Template(
                    code = "744c4b5c79c94324",
                    language = "en",
                    params = linkedMapOf("name" to "Ada", "code" to "1234"),
                    payload = listOf("yes", "no"),
                ),
                taskId = taskId,
            ),
        )
        val entry = sandbox.ledgerFor(taskId).single()
        assertEquals("SendChatappMessage", entry.action)
        assertEquals(receipt.messageId, entry.messageId)
        assertEquals(receipt.requestId, entry.requestId)
        assertEquals(
            mapOf(
                "ChannelType" to "whatsapp",
                "From" to FROM,
                "To" to TO,
                "TaskId" to taskId,
                "Type" to "template",
                "TemplateCode" to "744c4b5c79c94324",
                "Language" to "en",
                "TemplateParams" to """{"name":"Ada","code":"1234"}""",
                "Payload" to """["yes","no"]""",
            ),
            entry.params.filterKeys { it != "CustSpaceId" },
        )
    }

    @Test
    fun `a text is sent as Type=message with JSON content`() = runBlocking<Unit> {
        val taskId = taskId()
        val receipt = client.send(text("héllo from Kotlin", taskId))
        val entry = sandbox.ledgerFor(taskId).single()
        assertEquals(receipt.messageId, entry.messageId)
        assertEquals("message", entry.params["Type"])
        assertEquals("text", entry.params["MessageType"])
        assertEquals("""{"text":"héllo from Kotlin"}""", entry.params["Content"])
        assertEquals(null, entry.params["TemplateCode"])
    }

    @Test
    fun `the channel and the per-message CustSpaceId reach the wire`() = runBlocking<Unit> {
        val taskId = taskId()
        client.send(
            Message(
                channel = Channel.MESSENGER,
                from = "page-1",
                to = "psid-2",
                content = Content.Text(Text("hi")),
                taskId = taskId,
                custSpaceId = "cams-kt",
            ),
        )
        val params = sandbox.ledgerFor(taskId).single().params
        assertEquals("messenger", params["ChannelType"])
        assertEquals("cams-kt", params["CustSpaceId"])
    }

    @Test
    fun `twenty concurrent sends all land`() = runBlocking<Unit> {
        val batch = taskId()
        val receipts = (1..20).map { i ->
            async(Dispatchers.Default) {
                client.send(text("message $i", "$batch-$i"))
            }
        }.awaitAll()
        assertEquals(20, receipts.map { it.messageId }.toSet().size)
        val landed = sandbox.ledger().filter { it.params["TaskId"]?.startsWith("$batch-") == true }
        assertEquals((1..20).map { "$batch-$it" }.toSet(), landed.map { it.params.getValue("TaskId") }.toSet())
        assertEquals(receipts.map { it.messageId }.toSet(), landed.map { it.messageId }.toSet())
    }

    @Test
    fun `without Credentials the environment's AccessKey signs the request`() = runBlocking<Unit> {
        assertEquals(SANDBOX_KEY_SECRET, System.getenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET"), "set by the pom")
        val taskId = taskId()
        Client(ClientOptions(endpoint = sandbox.endpoint)).use { fromEnv ->
            fromEnv.send(text("hi", taskId))
        }
        assertEquals(1, sandbox.ledgerFor(taskId).size)
    }

    @Test
    fun `a wrong secret is an Authentication exception with the platform's details`() = runBlocking<Unit> {
        val wrong = Client(options("wrong-secret-value"))
        val e = assertFailsWith<ChatlaneException.Authentication> {
            wrong.send(text("hi"))
        }
        assertEquals("SignatureMismatch", e.code)
        assertEquals("SignatureDoesNotMatch", e.platformCode)
        assertEquals(400u, e.httpStatus)
        assertFalse(e.requestId.isNullOrBlank(), "requestId: ${e.requestId}")
        assertEquals(1u, e.attempts, "a rejected signature is not retried")
        assertTrue(e.violations.isEmpty())
        val base: ChatlaneException = e
        assertEquals("SignatureMismatch", base.code())
        assertEquals(e.requestId, base.requestId())
        assertEquals(400u, base.httpStatus())
        assertTrue(e.message.startsWith("code=SignatureMismatch, detail="), e.message)
        assertFalse("wrong-secret-value" in e.message + e.toString() + e.detail)
    }

    @Test
    fun `an invalid message is a Validation exception with every violation and sends nothing`() = runBlocking<Unit> {
        val taskId = taskId()
        val e = assertFailsWith<ChatlaneException.Validation> {
            client.send(text("", taskId, from = "+86 139"))
        }
        assertEquals("InvalidMessage", e.code)
        assertEquals(listOf("from" to "digits_only", "content.text" to "required"), e.violations.map { it.path to it.code })
        assertTrue(e.violations.all { it.message.isNotBlank() })
        assertEquals(null, e.httpStatus)
        assertEquals(null, e.taskId, "nothing was sent")
        assertEquals(0u, e.attempts)
        assertEquals(e.violations, (e as ChatlaneException).violations())
        assertTrue(sandbox.ledgerFor(taskId).isEmpty())
    }

    @Test
    fun `plain HTTP to a non-loopback host is a Configuration exception`() {
        val e = assertFailsWith<ChatlaneException.Configuration> {
            Client(options().copy(endpoint = "http://example.com"))
        }
        assertEquals("InvalidConfig", e.code)
        val zero = assertFailsWith<ChatlaneException.Configuration> {
            Client(options().copy(connectTimeoutMs = 0uL))
        }
        assertEquals("InvalidConfig", zero.code)
        val empty = assertFailsWith<ChatlaneException.Configuration> { Credentials(SANDBOX_KEY_ID, " ") }
        assertEquals("MissingCredentials", empty.code)
    }

    @Test
    fun `secrets never appear in toString or messages`() {
        val secret = "s3cr3t-never-printed"
        val token = "t0k3n-never-printed"
        val credentials = Credentials("AK-visible", secret, token)
        val options = ClientOptions(credentials = credentials, endpoint = sandbox.endpoint, custSpaceId = "cams-1")
        Client(options).use { c ->
            val shown = listOf(credentials.toString(), options.toString(), c.toString())
            for (text in shown) {
                assertTrue("AK-visible" in text, "the key id names the account: $text")
                assertFalse(secret in text || token in text, "a secret leaked: $text")
            }
        }
        assertEquals("AK-visible", credentials.accessKeyId())
        val e = assertFailsWith<ChatlaneException.Configuration> {
            Client(options.copy(endpoint = "http://example.com"))
        }
        assertFalse(secret in e.message + e.toString() + e.detail, e.message)
    }

    @Test
    fun `a refused connection is a Network exception`() = runBlocking<Unit> {
        val port = ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress()).use { it.localPort }
        val refused = Client(
            options().copy(endpoint = "http://127.0.0.1:$port"),
        )
        val taskId = taskId()
        val e = assertFailsWith<ChatlaneException.Network> {
            refused.send(text("hi", taskId))
        }
        assertEquals("Connect", e.code)
        assertEquals(null, e.httpStatus)
        assertEquals(taskId, e.taskId)
        assertNotNull(e.detail)
    }
}
