package dev.chatlane

import org.json.JSONArray
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.nio.file.Files
import java.nio.file.Path
import java.util.concurrent.CompletableFuture
import java.util.concurrent.TimeUnit

/** The sandbox's default AccessKey pair. */
const val SANDBOX_KEY_ID = "sandbox-access-key-id"
const val SANDBOX_KEY_SECRET = "sandbox-access-key-secret"

/** One message the sandbox accepted. */
data class LedgerEntry(val action: String, val messageId: String, val requestId: String, val params: Map<String, String>)

/**
 * A `chatlane sandbox --port 0` subprocess: the binary comes from `CHATLANE_BIN`, else the
 * `chatlane.bin` system property (set by the pom to `target/debug/chatlane`).
 */
class Sandbox private constructor(private val process: Process, val endpoint: String) : AutoCloseable {
    private val http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()

    /** Every message accepted so far, oldest first. */
    fun ledger(): List<LedgerEntry> {
        val request = HttpRequest.newBuilder(URI.create("$endpoint/_sandbox/ledger")).GET().build()
        val response = http.send(request, HttpResponse.BodyHandlers.ofString())
        check(response.statusCode() == 200) { "ledger answered HTTP ${response.statusCode()}: ${response.body()}" }
        val entries = JSONArray(response.body())
        return (0 until entries.length()).map { i ->
            val entry = entries.getJSONObject(i)
            val params = entry.getJSONObject("params")
            LedgerEntry(
                action = entry.getString("action"),
                messageId = entry.getString("messageId"),
                requestId = entry.getString("requestId"),
                params = params.keySet().associateWith { params.getString(it) },
            )
        }
    }

    /** The accepted messages whose `TaskId` is [taskId]. */
    fun ledgerFor(taskId: String): List<LedgerEntry> = ledger().filter { it.params["TaskId"] == taskId }

    override fun close() {
        process.destroy()
        if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly().waitFor()
    }

    companion object {
        private val LISTENING = Regex("""^chatlane sandbox listening on (http://\S+)$""")

        /** Starts a sandbox on a free port and waits for its address. */
        fun start(): Sandbox {
            val bin = System.getenv("CHATLANE_BIN") ?: System.getProperty("chatlane.bin")
                ?: error("set CHATLANE_BIN or -Dchatlane.bin to the chatlane binary")
            check(Files.isExecutable(Path.of(bin))) { "$bin is not built: run `cargo build -p chatlane-cli`" }
            val process = ProcessBuilder(bin, "sandbox", "--port", "0")
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start()
            val stdout = process.inputStream.bufferedReader()
            val first = try {
                CompletableFuture.supplyAsync { stdout.readLine() }.get(30, TimeUnit.SECONDS)
            } catch (e: Exception) {
                process.destroyForcibly()
                throw IllegalStateException("the sandbox did not announce its address", e)
            }
            val endpoint = first?.let { LISTENING.find(it)?.groupValues?.get(1) }
            if (endpoint == null) {
                process.destroyForcibly()
                error("unexpected first sandbox line: $first")
            }
            Thread { stdout.lineSequence().forEach { _ -> } }.apply { isDaemon = true }.start()
            return Sandbox(process, endpoint)
        }
    }
}
