package dev.chatlane

import dev.chatlane.model.Channel
import dev.chatlane.model.Content
import dev.chatlane.model.Message
import dev.chatlane.model.Text
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Test
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith

/** A send's own settings: `SendOptions(timeoutMs)` replaces the client's request timeout for its attempts. */
class SendOptionsTest : SandboxTest() {
    private fun text(to: String) = Message(channel = Channel.WHATSAPP, from = "8613800000000", to = to, content = Content.Text(Text("hi")))

    @Test
    fun `a shorter timeout of its own gives up on a slow answer`() = runBlocking<Unit> {
        val to = sandbox.newRecipient()
        sandbox.inject(Fault.latency(2_000), to)
        Client(options().copy(requestTimeoutMs = 10_000u)).use { client ->
            val e = assertFailsWith<ChatlaneException.OutcomeUnknown> { client.send(text(to), SendOptions(timeoutMs = 100u)) }
            assertEquals(1u, e.attempts)
        }
    }

    @Test
    fun `a longer timeout of its own waits for a slow answer`() = runBlocking<Unit> {
        val to = sandbox.newRecipient()
        sandbox.inject(Fault.latency(300), to)
        Client(options().copy(requestTimeoutMs = 100u)).use { client ->
            assertEquals(1u, client.send(text(to), SendOptions(timeoutMs = 5_000u)).attempts)
        }
    }

    @Test
    fun `a bad timeout is a Configuration error`() = runBlocking<Unit> {
        for (bad in listOf(0uL, 100_000_000uL)) {
            val e = assertFailsWith<ChatlaneException.Configuration> { client.send(text(sandbox.newRecipient()), SendOptions(timeoutMs = bad)) }
            assertEquals("InvalidConfig", e.code)
        }
    }
}
