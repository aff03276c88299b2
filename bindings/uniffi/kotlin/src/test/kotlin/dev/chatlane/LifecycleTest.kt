package dev.chatlane

import dev.chatlane.model.Channel
import dev.chatlane.model.Content
import dev.chatlane.model.Message
import dev.chatlane.model.Text
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.cancel
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeoutOrNull
import kotlinx.serialization.json.buildJsonObject
import kotlinx.serialization.json.put
import org.junit.jupiter.api.Test
import java.nio.file.Path
import java.util.UUID
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit
import kotlin.system.exitProcess
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertNull
import kotlin.test.assertTrue

/** Child JVMs per way of ending mid-flight, and how many run at once. */
private const val EXIT_RUNS = 8
private const val EXIT_PARALLEL = 4

private fun text(to: String) =
    Message(channel = Channel.WHATSAPP, from = "8613900000000", to = to, content = Content.Text(Text("hi")))

/**
 * Cancellation and shutdown through the generated Kotlin API: a cancelled coroutine's send
 * never goes out later, a JVM that ends with sends in flight ends cleanly every time, and one
 * client's pacing never holds up another client of the same account.
 */
class LifecycleTest : SandboxTest() {
    @Test
    fun `a send cancelled while it waits for its pacing slot never goes out`() = runBlocking<Unit> {
        val keyId = "kt-cancel-" + UUID.randomUUID()
        Sandbox.start(accessKeyId = keyId).use { own ->
            val options = ClientOptions(
                credentials = Credentials(keyId, SANDBOX_KEY_SECRET),
                endpoint = own.endpoint,
                rateLimitPerSecond = 1.0,
            )
            Client(options).use { paced ->
                val to = own.newRecipient()
                paced.send(text(to))
                assertNull(withTimeoutOrNull(300) { paced.send(text(to)) }, "the second send waits for its slot")
                delay(1_500)
                assertEquals(1, own.requestsTo(to).size)
                assertEquals(1, own.ledgerTo(to).size)
            }
        }
    }

    @Test
    fun `a send cancelled during a retry backoff is never retried`() = runBlocking<Unit> {
        val to = sandbox.newRecipient()
        sandbox.inject(Fault.throttle(retryAfterMs = 1_000), to)
        assertNull(withTimeoutOrNull(300) { client.send(text(to)) }, "the send waits for its retry")
        assertEquals(1, sandbox.requestsTo(to).size, "the first attempt went out and was throttled")
        delay(1_500)
        assertEquals(listOf("Throttling.User"), sandbox.requestsTo(to).map { it.outcome })
    }

    @Test
    fun `a slow client never makes a fast one of the same account wait`() = runBlocking<Unit> {
        val to = sandbox.newRecipient()
        Client(options().copy(rateLimitPerSecond = 0.1)).use { slow ->
            Client(options().copy(rateLimitMaxWaitMs = 1_000uL)).use { fast ->
                slow.send(text(to))
                // Made to wait for the slow client's schedule (10 s), the fast one would be
                // refused (RateLimited) by its one-second maximum wait.
                repeat(5) { fast.send(text(to)) }
            }
        }
        Client(options().copy(rateLimitPerSecond = 0.1, rateLimitMaxWaitMs = 1_000uL)).use { capped ->
            assertFailsWith<ChatlaneException.Throttled> { capped.send(text(to)) }
        }
    }

    @Test
    fun `a JVM that ends with sends in flight ends cleanly every time`() {
        val to = sandbox.newRecipient()
        val latency = buildJsonObject {
            put("kind", "latency")
            put("ms", 20)
            put("jitterMs", 300)
        }
        sandbox.inject(latency, to, times = 1_000_000)
        val java = Path.of(System.getProperty("java.home"), "bin", "java").toString()
        val classpath = System.getProperty("java.class.path")
        val pool = Executors.newFixedThreadPool(EXIT_PARALLEL)
        try {
            val runs = listOf("exit", "return", "cancel").flatMap { how ->
                (0 until EXIT_RUNS).map { run ->
                    val delayMs = 100 + (run % 4) * 60
                    pool.submit<Pair<String, Int>> {
                        val child = ProcessBuilder(
                            java, "-cp", classpath, EndMidFlight::class.java.name,
                            sandbox.endpoint, to, how, delayMs.toString(),
                        ).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start()
                        check(child.waitFor(60, TimeUnit.SECONDS)) { "a child JVM ($how) still runs after 60 s" }
                        how to child.exitValue()
                    }
                }
            }.map { it.get() }
            val failed = runs.filter { (_, status) -> status != 0 }
            assertEquals(emptyList(), failed, "${failed.size} of ${runs.size} child JVMs failed (status 134: SIGABRT, 139: SIGSEGV)")
            assertTrue(sandbox.requestsTo(to).isNotEmpty(), "the children's sends reached the sandbox")
        } finally {
            pool.shutdownNow()
        }
    }
}

/**
 * The child JVM of the test above: starts 200 sends against the sandbox (`args`: endpoint,
 * recipient, how to end, delay in ms) and, after the delay, ends while they are in flight:
 * `exitProcess(0)`, returning from `main` (the sends run on daemon threads), or cancelling
 * them and exiting at once.
 */
object EndMidFlight {
    @JvmStatic
    fun main(args: Array<String>) {
        val (endpoint, to, how, delayMs) = args
        val options = ClientOptions(
            credentials = Credentials(SANDBOX_KEY_ID, SANDBOX_KEY_SECRET),
            endpoint = endpoint,
            rateLimitDisabled = how != "cancel",
        )
        val client = Client(options)
        val scope = CoroutineScope(Dispatchers.Default)
        repeat(200) { scope.launch { runCatching { client.send(text(to)) } } }
        Thread.sleep(delayMs.toLong())
        when (how) {
            "exit" -> exitProcess(0)
            "cancel" -> {
                scope.cancel()
                exitProcess(0)
            }
        }
    }
}
