package dev.chatlane

import dev.chatlane.model.Channel
import dev.chatlane.model.Content
import dev.chatlane.model.Message
import dev.chatlane.model.Text
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Test
import java.time.Duration
import java.util.concurrent.CopyOnWriteArrayList
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertNull
import kotlin.test.assertTrue

/**
 * `ClientOptions.observer` against the sandbox's faults: a throttled then accepted send, a
 * refused one, and an observer that throws. The hooks run before `send` returns.
 */
class ObserveTest : SandboxTest() {
    private fun text(to: String) =
        Message(channel = Channel.WHATSAPP, from = "8613900000000", to = to, content = Content.Text(Text("hi")))

    /** Records every event; throws from each hook when [fail] is set. */
    private class Recorder(private val fail: Boolean = false) : SendObserver {
        val retries = CopyOnWriteArrayList<RetryEvent>()
        val outcomes = CopyOnWriteArrayList<OutcomeEvent>()

        override fun onRetry(event: RetryEvent) {
            retries.add(event)
            if (fail) throw IllegalStateException("an observer that throws")
        }

        override fun onOutcome(event: OutcomeEvent) {
            outcomes.add(event)
            if (fail) throw IllegalStateException("an observer that throws")
        }
    }

    @Test
    fun `a throttled then accepted send calls onRetry once and onOutcome once`() = runBlocking<Unit> {
        val to = sandbox.newRecipient()
        sandbox.inject(Fault.throttle(retryAfterMs = 50), to)
        val recorder = Recorder()
        val receipt = Client(options().copy(observer = recorder)).use { it.send(text(to)) }
        val retry = recorder.retries.single()
        assertEquals(
            RetryEvent("SendChatappMessage", receipt.taskId, 1u, "Throttled", 400u.toUShort(), Duration.ofMillis(50)),
            retry,
        )
        val outcome = recorder.outcomes.single()
        assertEquals(receipt.messageId, outcome.messageId)
        assertEquals(receipt.requestId, outcome.requestId)
        assertEquals(receipt.taskId, outcome.taskId)
        assertEquals(2u, outcome.attempts)
        assertNull(outcome.errorCode)
    }

    @Test
    fun `a refused send's outcome carries its error code`() = runBlocking<Unit> {
        val to = sandbox.newRecipient()
        sandbox.inject(Fault.error(403, "Forbidden.RAM", "no permission"), to)
        val recorder = Recorder()
        val e = Client(options().copy(observer = recorder)).use { refused ->
            assertFailsWith<ChatlaneException.Permission> { refused.send(text(to)) }
        }
        val outcome = recorder.outcomes.single()
        assertEquals(e.code, outcome.errorCode)
        assertEquals(403u.toUShort(), outcome.httpStatus)
        assertEquals(e.taskId, outcome.taskId)
        assertNull(outcome.messageId)
        assertTrue(recorder.retries.isEmpty())
    }

    @Test
    fun `an observer that throws does not change the send's result`() = runBlocking<Unit> {
        val to = sandbox.newRecipient()
        sandbox.inject(Fault.throttle(retryAfterMs = 50), to)
        val recorder = Recorder(fail = true)
        val receipt = Client(options().copy(observer = recorder)).use { it.send(text(to)) }
        assertEquals(2u, receipt.attempts)
        assertEquals(1, recorder.retries.size)
        assertEquals(receipt.messageId, recorder.outcomes.single().messageId)
        assertEquals(receipt.messageId, sandbox.ledgerTo(to).single().messageId)
    }
}
