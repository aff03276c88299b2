package dev.chatlane

import dev.chatlane.model.Channel
import dev.chatlane.model.Content
import dev.chatlane.model.Message
import dev.chatlane.model.Text
import kotlinx.coroutines.runBlocking
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.buildJsonObject
import kotlinx.serialization.json.put
import kotlinx.serialization.json.putJsonObject
import org.junit.jupiter.api.Test
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertNotNull
import kotlin.test.assertNull
import kotlin.test.assertTrue

private const val SENDER = "8613900000000"

/**
 * Answers that must never lead to a second send, through the generated Kotlin API: an
 * accepted message answered with garbage, a success carrying a retry-after header, a 502
 * with the code `ServiceUnavailable` (outcome unknown) against a 503 (retried). The
 * sandbox's ledger proves whether the message was accepted, its journal how many requests
 * were made.
 */
class OutcomesTest : SandboxTest() {
    private fun text(to: String) =
        Message(channel = Channel.WHATSAPP, from = SENDER, to = to, content = Content.Text(Text("hi")))

    /** Accepts the message as usual, then answers HTTP 200 with [body]. */
    private fun acceptThen(body: String) = buildJsonObject {
        put("kind", "accept_then")
        put("body", body)
    }

    /** An error answer with [status] and the platform code [code]. */
    private fun error(status: Int, code: String) = buildJsonObject {
        put("kind", "error")
        put("status", status)
        put("code", code)
    }

    /** Sends to [to] against [fault]: the OutcomeUnknown exception, checked to follow exactly one request. */
    private suspend fun outcomeUnknown(fault: JsonObject, to: String): ChatlaneException.OutcomeUnknown {
        sandbox.inject(fault, to)
        val e = assertFailsWith<ChatlaneException.OutcomeUnknown> { client.send(text(to)) }
        assertEquals("OutcomeUnknown", e.code)
        assertEquals(1u, e.attempts, "an outcome-unknown send is never retried")
        assertEquals(1, sandbox.requestsTo(to).size)
        return e
    }

    @Test
    fun `an accepted message answered with garbage is OutcomeUnknown, in the ledger once with its TaskId`() =
        runBlocking<Unit> {
            val to = sandbox.newRecipient()
            val e = outcomeUnknown(acceptThen("<html>502 Bad Gateway</html>"), to)
            assertEquals(200u, e.httpStatus)
            val taskId = assertNotNull(e.taskId)
            assertEquals(taskId, sandbox.ledgerTo(to).single().params["TaskId"])
        }

    @Test
    fun `Code OK without a MessageId is OutcomeUnknown`() = runBlocking<Unit> {
        val to = sandbox.newRecipient()
        val e = outcomeUnknown(acceptThen("""{"Code":"OK"}"""), to)
        assertEquals(listOf(e.taskId), sandbox.ledgerTo(to).map { it.params["TaskId"] })
    }

    @Test
    fun `an answer that is not JSON is OutcomeUnknown naming the request id`() = runBlocking<Unit> {
        val to = sandbox.newRecipient()
        val e = outcomeUnknown(Fault.malformed(), to)
        val requestId = assertNotNull(e.requestId, "taken from the x-acs-request-id header")
        assertTrue(requestId in e.detail, e.detail)
        assertTrue(sandbox.ledgerTo(to).isEmpty())
    }

    @Test
    fun `a success with a retry-after header is a receipt after one attempt`() = runBlocking<Unit> {
        val to = sandbox.newRecipient()
        val fault = buildJsonObject {
            put("kind", "with_headers")
            putJsonObject("headers") { put("x-acs-retry-after", "300") }
        }
        sandbox.inject(fault, to)
        val receipt = client.send(text(to))
        assertEquals(1u, receipt.attempts)
        assertEquals(listOf("OK"), sandbox.requestsTo(to).map { it.outcome })
        assertEquals(receipt.messageId, sandbox.ledgerTo(to).single().messageId)
    }

    @Test
    fun `a 502 with Code ServiceUnavailable is OutcomeUnknown and is not retried`() = runBlocking<Unit> {
        val to = sandbox.newRecipient()
        val e = outcomeUnknown(error(502, "ServiceUnavailable"), to)
        assertEquals("ServiceUnavailable", e.platformCode)
        assertEquals(502u, e.httpStatus)
        assertNull(e.retryAfterMs)
        assertTrue(sandbox.ledgerTo(to).isEmpty())
    }

    @Test
    fun `a 503 is retried and the message is sent once`() = runBlocking<Unit> {
        val to = sandbox.newRecipient()
        sandbox.inject(error(503, "ServiceUnavailable"), to)
        val receipt = client.send(text(to))
        assertEquals(2u, receipt.attempts)
        assertEquals(listOf("ServiceUnavailable", "OK"), sandbox.requestsTo(to).map { it.outcome })
        assertFalse(receipt.messageId.isEmpty())
        assertEquals(receipt.messageId, sandbox.ledgerTo(to).single().messageId)
    }
}
