package dev.chatlane

import dev.chatlane.model.Channel
import dev.chatlane.model.Content
import dev.chatlane.model.Message
import dev.chatlane.model.ProviderKind
import dev.chatlane.model.Text
import kotlinx.coroutines.runBlocking
import kotlinx.serialization.json.buildJsonObject
import kotlinx.serialization.json.put
import org.junit.jupiter.api.Test
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertTrue

private const val SENDER = "8613800000000"
private const val HISTORY = "ListChatappMessage"

/**
 * Sends of unknown outcome resolved through the generated Kotlin API: `reconcile` reads the
 * sandbox's history, and only a send it proves absent goes again, once, with
 * `SendOptions(resend = true)`. The sandbox's ledger proves what was accepted.
 */
class ReconcileTest : SandboxTest() {
    /** A client of the sandbox that records unknown outcomes in [eventStore]. */
    private fun recording(eventStore: String) =
        Client(options().copy(custSpaceId = "cams-sandbox", eventStore = eventStore))

    private fun text(to: String, taskId: String) =
        Message(channel = Channel.WHATSAPP, from = SENDER, to = to, content = Content.Text(Text("your order shipped")), taskId = taskId)

    private fun fault(kind: String) = buildJsonObject { put("kind", kind) }

    /** How many history reads the sandbox has answered. */
    private fun historyReads() = sandbox.requests().count { it.action == HISTORY }

    /** Sends [message] against the fault [kind]: an unknown outcome carrying its TaskId. */
    private suspend fun unknown(client: Client, kind: String, message: Message) {
        sandbox.inject(fault(kind), to = message.to)
        val e = assertFailsWith<ChatlaneException.OutcomeUnknown> { client.send(message) }
        assertEquals(message.taskId, e.taskId)
    }

    @Test
    fun `a send history does not hold is absent and goes again once`() = runBlocking<Unit> {
        StoreFile().use { store ->
            recording(store.path).use { client ->
                val to = sandbox.newRecipient()
                val message = text(to, taskId())
                val taskId = message.taskId!!
                unknown(client, "drop", message)
                assertTrue(sandbox.ledgerFor(taskId).isEmpty())

                val reads = historyReads()
                val resolved = client.reconcile(settleMs = 0u).single()
                assertEquals(listOf(ProviderKind.CAMS, taskId, SENDER, to), listOf(resolved.provider, resolved.taskId, resolved.from, resolved.to))
                assertEquals(SendState.Absent, resolved.state)
                assertTrue(historyReads() > reads, "absence is proven by the history")

                val receipt = client.send(message, SendOptions(resend = true))
                assertEquals(taskId, receipt.taskId)
                assertEquals(receipt.messageId, sandbox.ledgerFor(taskId).single().messageId)

                val again = assertFailsWith<ChatlaneException.OutcomeUnknown> { client.send(message, SendOptions(resend = true)) }
                assertTrue("not proven absent" in again.detail, again.detail)
                assertEquals(taskId, again.taskId)
                assertEquals(1, sandbox.ledgerFor(taskId).size, "never twice")
                assertTrue(client.reconcile(settleMs = 0u).isEmpty(), "nothing is unknown any more")
            }
        }
    }

    @Test
    fun `a send history holds stays unknown and is never resent`() = runBlocking<Unit> {
        recording(":memory:").use { client ->
            val message = text(sandbox.newRecipient(), taskId())
            unknown(client, "accept_then_drop", message)
            assertEquals(1, sandbox.ledgerFor(message.taskId!!).size)

            assertEquals(SendState.Unknown, client.reconcile(settleMs = 0u).single().state, "history holds what may be it")
            val refused = assertFailsWith<ChatlaneException.OutcomeUnknown> { client.send(message, SendOptions(resend = true)) }
            assertEquals(0u, refused.attempts, "refused before any request")
            assertEquals(1, sandbox.ledgerFor(message.taskId!!).size)
        }
    }

    @Test
    fun `by default history is not read before the send settles`() = runBlocking<Unit> {
        recording(":memory:").use { client ->
            val message = text(sandbox.newRecipient(), taskId())
            unknown(client, "drop", message)
            val reads = historyReads()
            assertEquals(SendState.Unknown, client.reconcile().single().state)
            assertEquals(reads, historyReads(), "ten minutes have not passed")
        }
    }

    @Test
    fun `a resend through sendCancellable is refused unless proven absent`() = runBlocking<Unit> {
        recording(":memory:").use { client ->
            val message = text(sandbox.newRecipient(), taskId())
            assertFailsWith<ChatlaneException.OutcomeUnknown> {
                client.sendCancellable(message, SendCancellation(), SendOptions(resend = true))
            }
            assertTrue(sandbox.ledgerFor(message.taskId!!).isEmpty())
        }
    }

    @Test
    fun `reconciling needs an event store`() = runBlocking<Unit> {
        val e = assertFailsWith<ChatlaneException.Configuration> { client.reconcile() }
        assertEquals("InvalidConfig", e.code)
        val message = text(sandbox.newRecipient(), taskId())
        assertFailsWith<ChatlaneException.Configuration> { client.send(message, SendOptions(resend = true)) }
        assertTrue(sandbox.ledgerFor(message.taskId!!).isEmpty())
    }
}
