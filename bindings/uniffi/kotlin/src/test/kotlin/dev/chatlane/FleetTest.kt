package dev.chatlane

import dev.chatlane.model.Channel
import dev.chatlane.model.Content
import dev.chatlane.model.Message
import dev.chatlane.model.Text
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Test
import java.net.ServerSocket
import java.net.Socket
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertTrue

/**
 * Pacing shared through a real Redis (`rateLimitRedisUrl`, `account`): clients of one account
 * take one budget, a send fails with `RateLimited` while Redis is down (nothing sent), and the
 * options never print a password. The test scripts install `redis-server`.
 */
class FleetTest : SandboxTest() {
    private val port = ServerSocket(0).use { it.localPort }
    private var redis: Process = startRedis()
    private val url = "redis://127.0.0.1:$port"

    private fun startRedis(): Process {
        val process = ProcessBuilder("redis-server", "--port", "$port", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start()
        val deadline = System.nanoTime() + 10_000_000_000
        while (runCatching { Socket("127.0.0.1", port).close() }.isFailure) {
            check(System.nanoTime() < deadline) { "redis-server did not start on port $port" }
            Thread.sleep(20)
        }
        return process
    }

    @AfterAll
    fun stopRedis() {
        redis.destroyForcibly().waitFor()
    }

    private fun text(to: String) =
        Message(channel = Channel.WHATSAPP, from = "8613800000000", to = to, content = Content.Text(Text("hi")))

    private fun paced(account: String) =
        options().copy(account = account, rateLimitPerSecond = 1.0, rateLimitMaxWaitMs = 0uL, rateLimitRedisUrl = url)

    @Test
    fun `clients of one account take one budget through Redis`() = runBlocking<Unit> {
        val to = sandbox.newRecipient()
        Client(paced("kt-shared")).use { it.send(text(to)) }
        Client(paced("kt-shared")).use { second ->
            val e = assertFailsWith<ChatlaneException.Throttled> { second.send(text(to)) }
            assertEquals("RateLimited", e.code)
            assertTrue((e.retryAfterMs ?: 0uL) > 800uL, "retryAfterMs: ${e.retryAfterMs}")
        }
        Client(paced("kt-other")).use { it.send(text(to)) }
        assertEquals(2, sandbox.ledgerTo(to).size)
    }

    @Test
    fun `while Redis is down a send fails with RateLimited and nothing goes out`() = runBlocking<Unit> {
        val down = ServerSocket(0).use { it.localPort }
        val options = options().copy(rateLimitRedisUrl = "redis://127.0.0.1:$down", rateLimitMaxWaitMs = 300uL)
        Client(options).use { client ->
            val to = sandbox.newRecipient()
            val e = assertFailsWith<ChatlaneException.Throttled> { client.send(text(to)) }
            assertEquals("RateLimited", e.code)
            assertTrue("did not answer within the allowed wait" in e.detail, e.detail)
            assertEquals(0, sandbox.requestsTo(to).size)
        }
    }

    @Test
    fun `options print no password`() {
        val options = options().copy(
            rateLimitRedisUrl = "redis://:pa55word@10.0.0.5:6379/0",
            rateLimitRedisOutage = "local",
            rateLimitInstances = 4u,
            proxy = "http://user:hunter2@proxy.example:3128",
        )
        val shown = options.toString()
        assertFalse("pa55word" in shown || "hunter2" in shown || SANDBOX_KEY_SECRET in shown, shown)
        assertTrue("redis://***@10.0.0.5:6379/0" in shown, shown)
        val refused = assertFailsWith<ChatlaneException.Configuration> {
            Client(options.copy(rateLimitInstances = null))
        }
        assertTrue("rate_limit_instances" in refused.detail, refused.detail)
        assertFalse("pa55word" in refused.toString(), refused.toString())
    }
}
