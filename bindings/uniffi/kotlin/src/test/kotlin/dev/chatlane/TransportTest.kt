package dev.chatlane

import dev.chatlane.model.Channel
import dev.chatlane.model.Content
import dev.chatlane.model.Message
import dev.chatlane.model.Text
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import java.net.ServerSocket
import java.nio.file.Files
import java.nio.file.Path
import java.util.Collections
import java.util.concurrent.CompletableFuture
import java.util.concurrent.TimeUnit
import kotlin.concurrent.thread
import kotlin.io.path.readText
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertTrue

/** Transport options: a private CA (`caCertificates`, against `chatlane sandbox --tls`) and a `proxy`. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TransportTest {
    private lateinit var process: Process
    private lateinit var endpoint: String
    private lateinit var ca: String
    private lateinit var caDir: Path
    private val message = Message(channel = Channel.WHATSAPP, from = "8613800000000", to = "6591234567", content = Content.Text(Text("hi")))

    private fun options(endpoint: String) =
        ClientOptions(credentials = Credentials(SANDBOX_KEY_ID, SANDBOX_KEY_SECRET), endpoint = endpoint, maxAttempts = 1u)

    @BeforeAll
    fun startTlsSandbox() {
        val bin = System.getenv("CHATLANE_BIN") ?: System.getProperty("chatlane.bin") ?: error("set CHATLANE_BIN")
        val caFile: Path = Files.createTempDirectory("chatlane-tls-").resolve("ca.pem")
        caDir = caFile.parent
        process = ProcessBuilder(bin, "sandbox", "--port", "0", "--tls", "--ca-out", caFile.toString())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start()
        val stdout = process.inputStream.bufferedReader()
        val first = CompletableFuture.supplyAsync { stdout.readLine() }.get(30, TimeUnit.SECONDS)
        endpoint = Regex("""^chatlane sandbox listening on (https://127\.0\.0\.1:\d+)$""").find(first)?.groupValues?.get(1)
            ?: error("unexpected first line: $first")
        thread(isDaemon = true) { stdout.lineSequence().forEach { _ -> } }
        ca = caFile.readText()
    }

    @AfterAll
    fun stop() {
        process.destroy()
        caDir.toFile().deleteRecursively()
    }

    @Test
    fun `a client trusting the CA sends over https`() = runBlocking<Unit> {
        Client(options(endpoint).copy(caCertificates = ca)).use { assertTrue(it.send(message).messageId.isNotEmpty()) }
    }

    @Test
    fun `a client not trusting it sends nothing`() = runBlocking<Unit> {
        Client(options(endpoint)).use { client ->
            val e = assertFailsWith<ChatlaneException.Network> { client.send(message) }
            assertEquals("Connect", e.code)
        }
    }

    @Test
    fun `the proxy carries the request and its password stays hidden`() = runBlocking<Unit> {
        val server = ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())
        val seen = Collections.synchronizedList(mutableListOf<String>())
        thread(isDaemon = true) {
            runCatching {
                while (true) {
                    server.accept().use { socket ->
                        seen += socket.getInputStream().bufferedReader(Charsets.ISO_8859_1).readLine()
                        socket.getOutputStream().write("HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n".toByteArray())
                    }
                }
            }
        }
        val proxy = "http://user:hunter2@127.0.0.1:${server.localPort}"
        Client(options("https://cams.example.invalid").copy(proxy = proxy)).use { client ->
            val e = assertFailsWith<ChatlaneException.Network> { client.send(message) }
            assertEquals("Connect", e.code)
            assertFalse(e.toString().contains("hunter2"), e.toString())
        }
        server.close()
        assertEquals(listOf("CONNECT cams.example.invalid:443 HTTP/1.1"), seen.toList())
    }

    @Test
    fun `bad CA certificates or proxy are Configuration errors`() {
        for (bad in listOf(options(endpoint).copy(caCertificates = "not a certificate"), options(endpoint).copy(proxy = "socks5://u:hunter2@h:1"))) {
            val e = assertFailsWith<ChatlaneException.Configuration> { Client(bad) }
            assertEquals("InvalidConfig", e.code)
            assertFalse(e.toString().contains("hunter2"), e.toString())
        }
    }
}
