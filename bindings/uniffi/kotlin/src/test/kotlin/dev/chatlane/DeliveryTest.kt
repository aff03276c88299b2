package dev.chatlane

import dev.chatlane.model.Channel
import dev.chatlane.model.Content
import dev.chatlane.model.Message
import dev.chatlane.model.Text
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Test
import java.net.InetAddress
import java.net.ServerSocket
import java.util.UUID
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertNotNull
import kotlin.test.assertTrue

private const val FROM = "8613900000000"
private val GENERATED_TASK_ID = Regex("[0-9a-f]{32}")

/**
 * The delivery engine through the generated Kotlin API: retries, outcome-unknown sends,
 * platform answers, panics, pacing, credential rotation and receipts, checked
 * against the sandbox's fault injection, request journal and ledger. Every test sends to its
 * own recipient, so faults and records never mix.
 */
class DeliveryTest : SandboxTest() {
    private fun text(to: String, taskId: String? = null) =
        Message(channel = Channel.WHATSAPP, from = FROM, to = to, content = Content.Text(Text("hi")), taskId = taskId)

    @Test
    fun `a throttled send is retried after the server's retry-after and succeeds`() = runBlocking<Unit> {
        val to = sandbox.newRecipient()
        sandbox.inject(Fault.throttle(retryAfterMs = 300), to)
        val receipt = client.send(text(to))
        assertEquals(2u, receipt.attempts)
        val requests = sandbox.requestsTo(to)
        assertEquals(listOf("Throttling.User", "OK"), requests.map { it.outcome })
        assertEquals(listOf(receipt.taskId, receipt.taskId), requests.map { it.taskId }, "one TaskId for both attempts")
        val gap = requests[1].receivedAtUs - requests[0].receivedAtUs
        assertTrue(gap >= 300_000, "the retry came $gap µs after the throttled attempt")
        assertEquals(receipt.messageId, sandbox.ledgerTo(to).single().messageId)
    }

    @Test
    fun `a refused connection is retried up to maxAttempts, then a Network exception`() = runBlocking<Unit> {
        val port = ServerSocket(0, 1, InetAddress.getLoopbackAddress()).use { it.localPort }
        val options = options().copy(endpoint = "http://127.0.0.1:$port", maxAttempts = 3u)
        Client(options).use { refused ->
            val e = assertFailsWith<ChatlaneException.Network> { refused.send(text(sandbox.newRecipient())) }
            assertEquals("Connect", e.code)
            assertEquals(3u, e.attempts)
            assertEquals(3u, (e as ChatlaneException).attempts(), "the base accessor")
            assertTrue(GENERATED_TASK_ID.matches(e.taskId.orEmpty()), "taskId: ${e.taskId}")
        }
    }

    @Test
    fun `an answer that never comes is OutcomeUnknown with the TaskId that reached the ledger`() = runBlocking<Unit> {
        val to = sandbox.newRecipient()
        sandbox.inject(Fault.hang(), to)
        Client(options().copy(requestTimeoutMs = 500uL)).use { impatient ->
            val e = assertFailsWith<ChatlaneException.OutcomeUnknown> { impatient.send(text(to)) }
            assertEquals("OutcomeUnknown", e.code)
            assertEquals(1u, e.attempts, "an outcome-unknown send is never retried")
            val taskId = assertNotNull(e.taskId)
            assertEquals(taskId, sandbox.ledgerTo(to).single().params["TaskId"])
            assertEquals(1, sandbox.requestsTo(to).size)
        }
    }

    @Test
    fun `a business error in an HTTP 200 answer is an InvalidParameter exception and is not retried`() = runBlocking<Unit> {
        val to = sandbox.newRecipient()
        sandbox.inject(Fault.error(200, "InvalidParameter.PhoneNumberError", "The phone number is invalid."), to)
        val e = assertFailsWith<ChatlaneException.InvalidParameter> { client.send(text(to)) }
        assertEquals("InvalidParameter", e.code)
        assertEquals("InvalidParameter.PhoneNumberError", e.platformCode)
        assertEquals(200u, e.httpStatus)
        assertFalse(e.requestId.isNullOrBlank(), "requestId: ${e.requestId}")
        assertEquals(1u, e.attempts)
        assertEquals(listOf("InvalidParameter.PhoneNumberError"), sandbox.requestsTo(to).map { it.outcome })
        assertTrue(sandbox.ledgerTo(to).isEmpty())
    }

    @Test
    fun `a panic in the core is an Internal exception and the process carries on`() = runBlocking<Unit> {
        repeat(2) {
            val e = assertFailsWith<ChatlaneException.Internal> { panicProbe() }
            assertEquals("Internal", e.code)
            assertTrue("deliberate panic" in e.detail, e.detail)
        }
        val to = sandbox.newRecipient()
        val receipt = client.send(text(to))
        assertEquals(receipt.messageId, sandbox.ledgerTo(to).single().messageId)
    }

    @Test
    fun `fail-fast pacing refuses a send beyond the rate and sends nothing`() = runBlocking<Unit> {
        // A budget of its own: chatlane paces per AccessKey ID across the whole process.
        val keyId = "kt-pacing-" + UUID.randomUUID()
        Sandbox.start(accessKeyId = keyId).use { own ->
            val options = ClientOptions(
                credentials = Credentials(keyId, SANDBOX_KEY_SECRET),
                endpoint = own.endpoint,
                rateLimitPerSecond = 1.0,
                rateLimitMaxWaitMs = 0uL,
            )
            Client(options).use { paced ->
                val to = own.newRecipient()
                paced.send(text(to))
                val e = assertFailsWith<ChatlaneException.Throttled> { paced.send(text(to)) }
                assertEquals("RateLimited", e.code)
                assertTrue((e.retryAfterMs ?: 0uL) > 0uL, "retryAfterMs: ${e.retryAfterMs}")
                assertEquals(null, e.httpStatus, "no answer: nothing was sent")
                assertEquals(1, own.ledgerTo(to).size)
                assertEquals(1, own.requestsTo(to).size)
            }
        }
    }

    @Test
    fun `setCredentials replaces the credentials of later sends and never shows a secret`() = runBlocking<Unit> {
        val wrongSecret = "wrong-secret-before-rotation"
        Client(options(wrongSecret)).use { rotating ->
            val to = sandbox.newRecipient()
            val rejected = assertFailsWith<ChatlaneException.Authentication> { rotating.send(text(to)) }
            assertEquals("SignatureMismatch", rejected.code)

            rotating.setCredentials(Credentials(SANDBOX_KEY_ID, SANDBOX_KEY_SECRET))
            val receipt = rotating.send(text(to))
            assertEquals(receipt.messageId, sandbox.ledgerTo(to).single().messageId)
            val shown = rotating.toString()
            assertTrue(SANDBOX_KEY_ID in shown, shown)
            assertFalse(SANDBOX_KEY_SECRET in shown || wrongSecret in shown, shown)

            val rotatedSecret = "s3cr3t-after-rotation"
            val rotatedToken = "t0k3n-after-rotation"
            rotating.setCredentials(Credentials("AK-rotated", rotatedSecret, rotatedToken))
            val rotated = rotating.toString()
            assertTrue("AK-rotated" in rotated, "toString shows the key id in use: $rotated")
            assertFalse(rotatedSecret in rotated || rotatedToken in rotated, rotated)
            val unknown = assertFailsWith<ChatlaneException.Authentication> { rotating.send(text(to)) }
            assertEquals("InvalidAccessKey", unknown.code, "the rotated key id signed the request")
            val reported = unknown.message + unknown.detail
            assertFalse(rotatedSecret in reported || rotatedToken in reported, reported)
        }
    }

    @Test
    fun `the receipt carries the TaskId that went on the wire and one attempt`() = runBlocking<Unit> {
        val to = sandbox.newRecipient()
        val given = taskId()
        val kept = client.send(text(to, taskId = given))
        assertEquals(given, kept.taskId)
        assertEquals(1u, kept.attempts)
        val generated = client.send(text(to))
        assertTrue(GENERATED_TASK_ID.matches(generated.taskId), generated.taskId)
        assertEquals(1u, generated.attempts)
        val ledger = sandbox.ledgerTo(to)
        assertEquals(listOf(given, generated.taskId), ledger.map { it.params["TaskId"] })
        assertEquals(listOf(kept.messageId, generated.messageId), ledger.map { it.messageId })
    }
}
