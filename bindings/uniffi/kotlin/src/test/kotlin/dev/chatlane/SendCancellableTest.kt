package dev.chatlane

import dev.chatlane.model.Channel
import dev.chatlane.model.Content
import dev.chatlane.model.Message
import dev.chatlane.model.Text
import kotlinx.coroutines.async
import kotlinx.coroutines.delay
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Test
import kotlin.test.assertEquals
import kotlin.test.assertNotNull
import kotlin.test.assertNull

/**
 * `sendCancellable`, which Swift's hand-written `send(_:options:)` cancels with its task
 * (Kotlin cancels `send` with its coroutine): a send waiting for its pacing slot returns
 * `null` when cancelled and never goes out; one cancelled before it starts sends nothing.
 */
class SendCancellableTest : SandboxTest() {
    private fun text(to: String) = Message(channel = Channel.WHATSAPP, from = "8613800000000", to = to, content = Content.Text(Text("hi")))

    @Test
    fun `a cancelled send waiting for its pacing slot never goes out`() = runBlocking<Unit> {
        // Its own AccessKey ID: the pacing budget at 1/s belongs to this test alone.
        val ownId = "kt-cancellable-${taskId()}"
        Sandbox.start(ownId).use { own ->
            val options = ClientOptions(credentials = Credentials(ownId, SANDBOX_KEY_SECRET), endpoint = own.endpoint, rateLimitPerSecond = 1.0)
            Client(options).use { client ->
                val (first, second) = own.newRecipient() to own.newRecipient()
                assertNotNull(client.sendCancellable(text(first), SendCancellation()))
                val cancellation = SendCancellation()
                val waiting = async { client.sendCancellable(text(second), cancellation) }
                delay(100)
                cancellation.cancel()
                assertNull(waiting.await())
                delay(1_200)
                assertEquals(0, own.ledgerTo(second).size)
            }
        }
    }

    @Test
    fun `a send cancelled before it starts sends nothing`() = runBlocking<Unit> {
        val cancellation = SendCancellation()
        cancellation.cancel()
        val to = sandbox.newRecipient()
        assertNull(client.sendCancellable(text(to), cancellation))
        assertEquals(0, sandbox.requestsTo(to).size)
    }
}
