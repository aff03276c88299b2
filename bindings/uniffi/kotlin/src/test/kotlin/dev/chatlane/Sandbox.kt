package dev.chatlane

import dev.chatlane.model.Channel
import dev.chatlane.model.Content
import dev.chatlane.model.Message
import dev.chatlane.model.Text
import kotlinx.serialization.json.Json
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.JsonPrimitive
import kotlinx.serialization.json.buildJsonObject
import kotlinx.serialization.json.contentOrNull
import kotlinx.serialization.json.jsonArray
import kotlinx.serialization.json.jsonObject
import kotlinx.serialization.json.jsonPrimitive
import kotlinx.serialization.json.long
import kotlinx.serialization.json.put
import kotlinx.serialization.json.putJsonArray
import kotlinx.serialization.json.putJsonObject
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.TestInstance
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.nio.file.Files
import java.nio.file.Path
import java.time.Duration
import java.time.Instant
import java.util.Base64
import java.util.UUID
import java.util.concurrent.CompletableFuture
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicInteger
import kotlin.test.assertNotNull
import kotlin.test.assertTrue

/** The sandbox's default AccessKey pair. */
const val SANDBOX_KEY_ID = "sandbox-access-key-id"
const val SANDBOX_KEY_SECRET = "sandbox-access-key-secret"

/** The sandbox's default Meta app, its token (all the app's scopes, never expires) and business number. */
const val META_APP_ID = "900000000000001"
const val META_APP_SECRET = "sandbox-meta-app-secret"
const val META_TOKEN = "sandbox-meta-access-token"
const val META_PHONE_NUMBER_ID = "106540352242922"

/** The scope a Meta send needs. */
const val MESSAGING_SCOPE = "whatsapp_business_messaging"

/** One message the sandbox accepted. */
data class LedgerEntry(val action: String, val messageId: String, val requestId: String, val params: Map<String, String>)

/** One message Meta's face accepted. */
data class MetaLedgerEntry(
    /** The `wamid.…` answered. */
    val messageId: String,
    val phoneNumberId: String,
    /** The body's `to` (else its `recipient`). */
    val recipient: String,
    /** The request body as received. */
    val body: JsonObject,
    val bizOpaqueCallbackData: String?,
)

/** One authenticated request the sandbox received, accepted or not (its journal). */
data class JournalEntry(
    val action: String,
    val taskId: String?,
    val to: String?,
    /** Microseconds since the sandbox started. */
    val receivedAtUs: Long,
    /** `"OK"`, the platform code answered, or the injected fault (`"malformed"`, `"drop"`…). */
    val outcome: String,
)

/** The sandbox's injectable faults, as the JSON `POST /_sandbox/faults` takes. */
object Fault {
    /** HTTP 400 `Throttling.User` with `x-acs-retry-after: [retryAfterMs]`. */
    fun throttle(retryAfterMs: Long) = buildJsonObject {
        put("kind", "throttle")
        put("retryAfterMs", retryAfterMs)
    }

    /** An error answer with this HTTP status and platform code (status 200: a business error). */
    fun error(status: Int, code: String, message: String) = buildJsonObject {
        put("kind", "error")
        put("status", status)
        put("code", code)
        put("message", message)
    }

    /** HTTP 200 with a body that is not JSON (the `x-acs-request-id` header is set). */
    fun malformed() = buildJsonObject { put("kind", "malformed") }

    /** Accepts the message into the ledger and never answers. */
    fun hang() = buildJsonObject { put("kind", "hang") }

    /** Answers normally after [ms] milliseconds. */
    fun latency(ms: Long) = buildJsonObject {
        put("kind", "latency")
        put("ms", ms)
    }
}

/**
 * A `chatlane sandbox --port 0` subprocess: the binary comes from `CHATLANE_BIN`, else the
 * `chatlane.bin` system property (set by the pom to `target/debug/chatlane`).
 */
class Sandbox private constructor(private val process: Process, val endpoint: String) : AutoCloseable {
    private val http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
    private val recipients = AtomicInteger()

    /** Every message accepted so far, oldest first. */
    fun ledger(): List<LedgerEntry> = getArray("/_sandbox/ledger").map { entry ->
        LedgerEntry(
            action = entry.string("action")!!,
            messageId = entry.string("messageId")!!,
            requestId = entry.string("requestId")!!,
            params = entry.getValue("params").jsonObject.mapValues { it.value.jsonPrimitive.content },
        )
    }

    /** The accepted messages whose `TaskId` is [taskId]. */
    fun ledgerFor(taskId: String): List<LedgerEntry> = ledger().filter { it.params["TaskId"] == taskId }

    /** The accepted messages to recipient [to]. */
    fun ledgerTo(to: String): List<LedgerEntry> = ledger().filter { it.params["To"] == to }

    /** Every authenticated request so far, oldest first. */
    fun requests(): List<JournalEntry> = getArray("/_sandbox/requests").map { entry ->
        JournalEntry(
            action = entry.string("action")!!,
            taskId = entry.string("taskId"),
            to = entry.string("to"),
            receivedAtUs = entry.getValue("receivedAtUs").jsonPrimitive.long,
            outcome = entry.string("outcome")!!,
        )
    }

    /** The requests addressed to recipient [to], oldest first. */
    fun requestsTo(to: String): List<JournalEntry> = requests().filter { it.to == to }

    /**
     * Makes the next [times] requests to recipient [to] (`null`: any request, a read too) fail
     * with [fault] (see [Fault]), on the [api] face: `cams`, or `meta` (then an `error`
     * fault's `code` is Meta's number).
     */
    fun inject(fault: JsonObject, to: String?, times: Int = 1, api: String = "cams") {
        val rule = buildJsonObject {
            put("api", api)
            put("fault", fault)
            put("times", times)
            to?.let { put("to", it) }
        }
        post("/_sandbox/faults", rule, expected = 204)
    }

    /** Every message Meta's face accepted so far, oldest first. */
    fun metaLedger(): List<MetaLedgerEntry> = getArray("/_sandbox/meta/ledger").map { entry ->
        MetaLedgerEntry(
            messageId = entry.string("messageId")!!,
            phoneNumberId = entry.string("phoneNumberId")!!,
            recipient = entry.string("recipient")!!,
            body = entry.getValue("body").jsonObject,
            bizOpaqueCallbackData = entry.string("bizOpaqueCallbackData"),
        )
    }

    /** The Meta messages accepted for recipient [to]. */
    fun metaLedgerTo(to: String): List<MetaLedgerEntry> = metaLedger().filter { it.recipient == to }

    /** A new Meta token of the default app with exactly [scopes], expiring after [lifetimeSeconds] (`null`: never). */
    fun metaToken(scopes: List<String>, lifetimeSeconds: Long? = null): String {
        val body = buildJsonObject {
            putJsonArray("scopes") { scopes.forEach { add(JsonPrimitive(it)) } }
            lifetimeSeconds?.let { put("lifetimeSeconds", it) }
        }
        return Json.parseToJsonElement(post("/_sandbox/meta/tokens", body)).jsonObject.string("access_token")!!
    }

    /** Revokes the Meta [token]: Meta's face then refuses it with code 190. */
    fun revokeMetaToken(token: String) {
        post("/_sandbox/meta/tokens/revoke", buildJsonObject { put("token", token) }, expected = 204)
    }

    /** An authorization code for the default app, handed over without a redirect (as the JS SDK's popup does). */
    fun metaCode(): String =
        Json.parseToJsonElement(post("/_sandbox/meta/codes", JsonObject(emptyMap()))).jsonObject.string("code")!!

    /** A user's message [text] from [from] to the business number [to]: opens the window, pushed to the inbound callback. */
    fun inbound(from: String, to: String, text: String) {
        val body = buildJsonObject {
            put("from", from)
            put("to", to)
            put("text", text)
        }
        post("/_sandbox/inbound", body)
    }

    /**
     * A user's image from [from] to the business number [to] on Meta's face, as Meta's webhook
     * would bring it: the media ID it was stored under (as media of [to]).
     */
    fun metaInboundImage(from: String, to: String, data: ByteArray, mimeType: String): String {
        val body = buildJsonObject {
            put("from", from)
            put("to", to)
            putJsonObject("image") {
                put("data", Base64.getEncoder().encodeToString(data))
                put("mimeType", mimeType)
            }
        }
        return Json.parseToJsonElement(post("/_sandbox/meta/inbound", body)).jsonObject.string("mediaId")!!
    }

    /** Expires every Meta media download URL issued so far: each then answers 404. */
    fun expireMetaMediaUrls() {
        post("/_sandbox/meta/media/expire-urls", JsonObject(emptyMap()), expected = 204)
    }

    /** Damages the stored bytes of Meta media [id], keeping the SHA-256 Meta gives for it. */
    fun corruptMetaMedia(id: String) {
        post("/_sandbox/meta/media/$id/corrupt", JsonObject(emptyMap()), expected = 204)
    }

    /** Every push the sandbox made so far (`kind`, `url`, `body`, and `outcome`: the receiver's HTTP status). */
    fun callbacks(): List<JsonObject> = getArray("/_sandbox/callbacks")

    /** The body [path] answers to a `POST` of [body], checked to come with status [expected]. */
    private fun post(path: String, body: JsonObject, expected: Int = 200): String {
        val request = HttpRequest.newBuilder(URI.create("$endpoint$path"))
            .header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
            .build()
        val response = http.send(request, HttpResponse.BodyHandlers.ofString())
        check(response.statusCode() == expected) { "$path answered HTTP ${response.statusCode()}: ${response.body()}" }
        return response.body()
    }

    /** A WhatsApp number no other test of this sandbox uses, so faults and records stay apart. */
    fun newRecipient(): String = "6591%07d".format(recipients.incrementAndGet())

    /** The JSON array of objects [path] answers. */
    private fun getArray(path: String): List<JsonObject> {
        val request = HttpRequest.newBuilder(URI.create("$endpoint$path")).GET().build()
        val response = http.send(request, HttpResponse.BodyHandlers.ofString())
        check(response.statusCode() == 200) { "$path answered HTTP ${response.statusCode()}: ${response.body()}" }
        return Json.parseToJsonElement(response.body()).jsonArray.map { it.jsonObject }
    }

    /** The string at [key]; `null` when absent or JSON `null`. */
    private fun JsonObject.string(key: String): String? = get(key)?.jsonPrimitive?.contentOrNull

    override fun close() {
        process.destroy()
        if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly().waitFor()
    }

    companion object {
        private val LISTENING = Regex("""^chatlane sandbox listening on (http://\S+)$""")

        /**
         * Starts a sandbox on a free port and waits for its address. Another [accessKeyId]
         * (signed with [SANDBOX_KEY_SECRET]) gives the clients of this sandbox their own
         * pacing budget: chatlane paces per AccessKey ID, process-wide. [config] is the JSON of
         * a configuration file (`--config`: channel instances, callback URLs, Meta's webhook…).
         */
        fun start(accessKeyId: String = SANDBOX_KEY_ID, config: String? = null): Sandbox {
            val bin = System.getenv("CHATLANE_BIN") ?: System.getProperty("chatlane.bin")
                ?: error("set CHATLANE_BIN or -Dchatlane.bin to the chatlane binary")
            check(Files.isExecutable(Path.of(bin))) { "$bin is not built: run `cargo build -p chatlane-cli`" }
            val configArgs = config?.let { json ->
                val file = Files.createTempFile("chatlane-sandbox-", ".json").apply { toFile().deleteOnExit() }
                Files.writeString(file, json)
                listOf("--config", file.toString())
            }.orEmpty()
            val process = ProcessBuilder(listOf(bin, "sandbox", "--port", "0", "--access-key-id", accessKeyId) + configArgs)
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

/** Asserts [instant] is [expected] from now, give or take a minute. */
fun assertFromNow(expected: Duration, instant: Instant?) {
    val left = Duration.between(Instant.now(), assertNotNull(instant))
    assertTrue(left > expected.minusMinutes(1) && left <= expected, "expires in $left, expected $expected")
}

/** A test class whose tests share one sandbox and a client of it, closed after them. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SandboxTest {
    protected lateinit var sandbox: Sandbox
    protected lateinit var client: Client

    @BeforeAll
    fun startSandbox() {
        sandbox = Sandbox.start()
        client = Client(options())
    }

    @AfterAll
    fun stopSandbox() {
        client.close()
        sandbox.close()
    }

    /** Options for a client of the sandbox that signs with [secret]. */
    protected fun options(secret: String = SANDBOX_KEY_SECRET) =
        ClientOptions(credentials = Credentials(SANDBOX_KEY_ID, secret), endpoint = sandbox.endpoint)

    /** The sandbox's default Meta app, with [secret]. */
    protected fun metaApp(secret: String = META_APP_SECRET) =
        MetaApp(META_APP_ID, secret, graphUrl = sandbox.endpoint, dialogUrl = sandbox.endpoint)

    /** Options for a client of the sandbox's Meta face that sends with [token]. */
    protected fun metaOptions(token: AccessToken = AccessToken(META_TOKEN)) =
        ClientOptions(provider = "meta", accessToken = token, endpoint = sandbox.endpoint)

    /** A text from the sandbox's business number to [to]. */
    protected fun metaText(to: String, taskId: String? = null) = Message(
        channel = Channel.WHATSAPP,
        from = META_PHONE_NUMBER_ID,
        to = to,
        content = Content.Text(Text("hi from Kotlin")),
        taskId = taskId,
    )

    /** A `TaskId` no other test uses. */
    protected fun taskId() = "kt-" + UUID.randomUUID()
}
