package dev.chatlane

import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Test
import java.io.InputStream
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.nio.file.Path
import java.util.concurrent.LinkedBlockingQueue
import java.util.concurrent.TimeUnit
import kotlin.test.assertEquals
import kotlin.test.assertNotNull
import kotlin.test.assertNull
import kotlin.test.assertTrue

/**
 * The webhook example (`dev.chatlane.demo.WebhookKt`, `src/main/kotlin/dev/chatlane/demo/Webhook.kt`)
 * run as its README says, in a child JVM configured by the environment, with the sandbox
 * pushing to it: each receipt pushed three times is printed once, a user's message is printed,
 * a push without the URL token is refused, and nothing else is printed.
 */
class WebhookExampleTest {
    @Test
    fun `the example prints each pushed event once`() = runBlocking<Unit> {
        StoreFile().use { store ->
            val java = Path.of(System.getProperty("java.home"), "bin", "java").toString()
            val builder = ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "dev.chatlane.demo.WebhookKt")
            builder.environment() += mapOf(
                "PORT" to "0",
                "CHATLANE_CAMS_TOKEN" to "example-token",
                "WHATSAPP_APP_SECRET" to META_APP_SECRET,
                "CHATLANE_EVENT_STORE" to store.path,
            )
            val child = builder.start()
            try {
                val stdout = lines(child.inputStream)
                val stderr = lines(child.errorStream)
                val listening = assertNotNull(stderr.poll(30, TimeUnit.SECONDS), "the example did not start")
                val url = assertNotNull(Regex("^webhook listening on (http://\\S+)$").find(listening), listening).groupValues[1]
                pushingSandbox(url, pushToken = "example-token").use { sandbox ->
                    val user = sandbox.newRecipient()
                    Client(camsOptions(sandbox)).use { client ->
                        sandbox.inject(duplicate(3), to = user, times = 3)
                        val receipt = client.send(template(user))
                        val printed = List(3) { stdout.poll(10, TimeUnit.SECONDS) }
                        assertEquals(listOf("Sent", "Delivered", "Read").map { "status ${receipt.messageId} $it" }, printed)
                        until("9 pushes") { pushes(sandbox, "status").size >= 9 }

                        sandbox.inbound(from = user, to = "8613800000000", text = "hello")
                        val inbound = assertNotNull(stdout.poll(10, TimeUnit.SECONDS), "the user's message")
                        assertEquals(listOf("inbound", user), inbound.split(' ').let { listOf(it[0], it[2]) })
                    }
                    val unsigned = HttpRequest.newBuilder(URI.create("$url/cams/status")).POST(HttpRequest.BodyPublishers.ofString("[]")).build()
                    assertEquals(401, HttpClient.newHttpClient().send(unsigned, HttpResponse.BodyHandlers.discarding()).statusCode())
                    val logged = assertNotNull(stderr.poll(10, TimeUnit.SECONDS), "the refusal is logged")
                    assertTrue(logged.startsWith("401 /cams/status: SignatureMismatch: "), logged)
                    assertNull(stdout.poll(500, TimeUnit.MILLISECONDS), "the redeliveries print nothing")
                }
            } finally {
                child.destroyForcibly().waitFor()
            }
        }
    }

    /** The lines of [stream], read on a daemon thread as they come. */
    private fun lines(stream: InputStream): LinkedBlockingQueue<String> {
        val lines = LinkedBlockingQueue<String>()
        Thread { stream.bufferedReader().lineSequence().forEach(lines::put) }.apply { isDaemon = true }.start()
        return lines
    }
}
