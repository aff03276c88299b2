package dev.chatlane

import com.sun.net.httpserver.HttpExchange
import com.sun.net.httpserver.HttpServer
import dev.chatlane.model.CamsPushKind
import dev.chatlane.model.Channel
import dev.chatlane.model.Content
import dev.chatlane.model.DeliveryStatus
import dev.chatlane.model.Event
import dev.chatlane.model.Message
import dev.chatlane.model.ProviderKind
import dev.chatlane.model.Template
import dev.chatlane.model.Text
import kotlinx.coroutines.runBlocking
import kotlinx.serialization.json.Json
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.jsonObject
import kotlinx.serialization.json.jsonPrimitive
import org.junit.jupiter.api.Test
import java.net.InetAddress
import java.net.InetSocketAddress
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.nio.file.Files
import java.nio.file.Path
import java.util.UUID
import java.util.concurrent.CopyOnWriteArrayList
import java.util.concurrent.TimeUnit
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertIs
import kotlin.test.assertNotNull
import kotlin.test.assertNull
import kotlin.test.assertTrue
import kotlin.test.fail

/** The business number of the sandbox's channel instance, and the CAMS push URLs' token. */
private const val BUSINESS = "8613800000000"
private const val PUSH_TOKEN = "push-token"
private const val TEMPLATE_CODE = "744c4b5c79c94324"

/** The Meta user the sandbox's Meta tests send to. */
private const val META_USER = "16505551234"

/** An SQLite event store in a directory of its own, removed (with its WAL) when closed. */
class StoreFile : AutoCloseable {
    private val dir: Path = Files.createTempDirectory("chatlane-receive-")

    /** The file, as `eventStore` takes it. */
    val path: String = dir.resolve("events.db").toString()

    override fun close() {
        dir.toFile().deleteRecursively()
    }
}

/**
 * A webhook server on a free loopback port, as an app writes one with the JDK's HttpServer:
 * each request goes through [receiver] (`/cams/status`, `/cams/inbound`, else Meta's), its
 * answer is sent, and its new events are kept (processed), then committed.
 */
class WebhookServer(val receiver: Receiver) : AutoCloseable {
    /** Every event processed, in order. */
    val events: MutableList<Event> = CopyOnWriteArrayList()

    /** Every reply given, in order. */
    val replies: MutableList<WebhookReply> = CopyOnWriteArrayList()

    private val server = HttpServer.create(InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0)

    /** `http://127.0.0.1:PORT`. */
    val url = "http://127.0.0.1:${server.address.port}"

    init {
        server.createContext("/") { exchange -> exchange.answer() }
        server.start()
    }

    private fun HttpExchange.answer() {
        try {
            val endpoint = when (requestURI.path) {
                "/cams/status" -> WebhookEndpoint.CAMS_STATUS
                "/cams/inbound" -> WebhookEndpoint.CAMS_INBOUND
                else -> WebhookEndpoint.META
            }
            val body = requestBody.readAllBytes()
            val reply = runBlocking {
                receiver.handle(endpoint, requestMethod, requestURI.rawQuery.orEmpty(), requestHeaders, body, remoteAddress.address.hostAddress)
            }
            replies += reply
            val answer = reply.body.toByteArray()
            responseHeaders.set("content-type", reply.contentType)
            sendResponseHeaders(reply.status.toInt(), if (answer.isEmpty()) -1 else answer.size.toLong())
            responseBody.write(answer)
            events += reply.events
            runBlocking { receiver.commit(reply.events) }
        } finally {
            close()
        }
    }

    override fun close() {
        server.stop(0)
    }
}

/**
 * The webhook `Receiver` through the Kotlin API, end to end with the sandbox pushing CAMS
 * receipts, users' messages and Meta's signed webhooks to a JDK HttpServer built on it over an
 * SQLite event store, which the sending client shares (as `sandbox/tests/receive.rs` does in
 * Rust): redeliveries yield each event once, a wrong app secret yields none, the 24-hour window
 * refuses free-form messages before sending until the user writes, a send whose answer never
 * came is resolved by its receipt, what a crashed process claimed comes back through
 * `reclaim`, and bad input is a typed refusal, never a crash.
 */
class ReceiverTest {
    private val http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()

    @Test
    fun `CAMS receipts pushed three times are processed once`() = runBlocking<Unit> {
        StoreFile().use { store ->
            receiving(store) { server, sandbox ->
                val user = sandbox.newRecipient()
                Client(camsOptions(sandbox)).use { client ->
                    sandbox.inject(duplicate(3), to = user, times = 3)
                    val receipt = client.send(template(user))
                    until("9 pushes") { pushes(sandbox, "status").size >= 9 }
                    assertEquals(9, pushes(sandbox, "status").size, "each of the 3 receipts pushed 3 times")
                    until("three statuses") { statuses(server, receipt.messageId).size == 3 }
                    Thread.sleep(100)
                    assertEquals(listOf(DeliveryStatus.Sent, DeliveryStatus.Delivered, DeliveryStatus.Read), statuses(server, receipt.messageId))
                    assertEquals(6, server.replies.sumOf { it.skipped.toInt() }, "the 6 redeliveries were skipped")
                    assertTrue(server.replies.all { it.status.toInt() == 200 && it.error == null })
                }
            }
        }
    }

    @Test
    fun `Meta webhooks are verified and deduplicated`() = runBlocking<Unit> {
        StoreFile().use { store ->
            receiving(store) { server, sandbox ->
                Client(metaOptions(sandbox)).use { client ->
                    sandbox.inject(duplicate(2), to = META_USER, times = 3, api = "meta")
                    val receipt = client.send(metaTemplate())
                    until("6 pushes") { pushes(sandbox, "meta_status").size >= 6 }
                    until("three statuses") { statuses(server, receipt.messageId).size == 3 }
                    Thread.sleep(100)
                    assertEquals(listOf(DeliveryStatus.Sent, DeliveryStatus.Delivered, DeliveryStatus.Read), statuses(server, receipt.messageId))
                    val status = assertIs<Event.Status>(server.events.first()).v1
                    assertEquals(ProviderKind.META, status.provider)
                    assertEquals(3, server.replies.sumOf { it.skipped.toInt() })
                }
            }
        }
    }

    @Test
    fun `Meta webhooks signed with another app secret are refused with 401 and no events`() = runBlocking<Unit> {
        StoreFile().use { store ->
            receiving(store, appSecret = "not-the-app-secret") { server, sandbox ->
                Client(metaOptions(sandbox)).use { client ->
                    client.send(metaTemplate())
                    until("3 pushes") { pushes(sandbox, "meta_status").size >= 3 }
                    assertEquals(listOf("401", "401", "401"), pushes(sandbox, "meta_status").map { it.text("outcome") })
                    assertEquals(emptyList(), server.events)
                    for (reply in server.replies) {
                        assertEquals(401, reply.status.toInt())
                        val error = assertIs<ChatlaneException.Authentication>(reply.error)
                        assertEquals("SignatureMismatch", error.code)
                        assertEquals("SignatureMismatch", Json.parseToJsonElement(reply.body).jsonObject.text("code"))
                    }
                }
            }
        }
    }

    @Test
    fun `a free-form message waits for the user's message`() = runBlocking<Unit> {
        StoreFile().use { store ->
            receiving(store) { server, sandbox ->
                val user = sandbox.newRecipient()
                val enforcing = camsOptions(sandbox).copy(eventStore = store.path, sessionWindow = "enforce")
                Client(enforcing).use { client ->
                    val text = Message(channel = Channel.WHATSAPP, from = BUSINESS, to = user, content = Content.Text(Text("your order shipped")))
                    val refused = assertFailsWith<ChatlaneException.SessionWindow> { client.send(text) }
                    assertEquals("SessionWindowClosed", refused.code)
                    assertNotNull(refused.taskId)
                    assertEquals(emptyList(), sandbox.ledger(), "refused before sending")
                    client.send(template(user))
                    // Asked to, a client sends its fallback template instead, with the message's TaskId.
                    val fallbackOptions = enforcing.copy(
                        sessionWindow = "fallback",
                        sessionWindowTemplate = "744c4b5c79c94324",
                        sessionWindowLanguage = "en",
                    )
                    Client(fallbackOptions).use { fallback ->
                        val receipt = fallback.send(text.copy(taskId = "reengage-$user"))
                        assertTrue(receipt.fallback)
                        val sent = sandbox.ledgerFor("reengage-$user").single()
                        assertEquals(receipt.messageId, sent.messageId)
                        assertEquals(listOf("template", "744c4b5c79c94324"), listOf(sent.params["Type"], sent.params["TemplateCode"]))
                    }

                    sandbox.inbound(from = user, to = BUSINESS, text = "where is my order?")
                    until("the user's message") { server.events.any { it is Event.Inbound && it.v1.sender.phone == user } }
                    assertFalse(client.send(text).fallback)
                    assertEquals(3, sandbox.ledgerTo(user).size)
                }
            }
        }
    }

    @Test
    fun `a send whose answer never came is resolved by its receipt`() = runBlocking<Unit> {
        StoreFile().use { store ->
            receiving(store) { server, sandbox ->
                val receiver = server.receiver
                val user = sandbox.newRecipient()
                val options = camsOptions(sandbox).copy(eventStore = store.path, requestTimeoutMs = 300u, maxAttempts = 1u)
                Client(options).use { client ->
                    sandbox.inject(Fault.hang(), to = user)
                    val taskId = "order-" + UUID.randomUUID()
                    val unknown = assertFailsWith<ChatlaneException.OutcomeUnknown> { client.send(template(user).copy(taskId = taskId)) }
                    assertEquals(taskId, unknown.taskId)
                    var record: SendRecord? = null
                    until("the receipt resolves the send") {
                        record = runBlocking { receiver.send(taskId, ProviderKind.CAMS) }
                        record?.state != SendState.Unknown
                    }
                    val ledger = sandbox.ledgerFor(taskId)
                    assertEquals(1, ledger.size, "sent once, never again")
                    val resolved = assertNotNull(record)
                    assertEquals(SendState.Accepted(ledger.single().messageId), resolved.state)
                    assertEquals(Triple(ProviderKind.CAMS, BUSINESS, user), Triple(resolved.provider, resolved.from, resolved.to))
                    assertNull(receiver.send("never-sent", ProviderKind.CAMS))
                }
            }
        }
    }

    @Test
    fun `what a crashed process claimed comes back through reclaim, once`() = runBlocking<Unit> {
        StoreFile().use { store ->
            val messageId = "m-" + UUID.randomUUID()
            val body = """[{"MessageId":"$messageId","Status":"Sent","From":"$BUSINESS","To":"6591234567","Timestamp":1691043638000},""" +
                """{"MessageId":"$messageId","Status":"Delivered","From":"$BUSINESS","To":"6591234567","Timestamp":1691043639000}]"""
            val java = Path.of(System.getProperty("java.home"), "bin", "java").toString()
            val child = ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), HandleThenCrash::class.java.name, store.path, body)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start()
            assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child JVM still runs after 60 s")
            assertEquals("200 2", child.inputStream.bufferedReader().readText().trim(), "the child handled both receipts")
            assertEquals(HandleThenCrash.HALTED, child.exitValue())

            Receiver(ReceiverOptions(camsToken = PUSH_TOKEN, eventStore = store.path)).use { receiver ->
                val again = receiver.handle(WebhookEndpoint.CAMS_STATUS, "POST", "token=$PUSH_TOKEN", body = body.toByteArray())
                assertEquals(200, again.status.toInt())
                assertEquals(emptyList(), again.events, "already claimed by the crashed process")
                assertEquals(2u, again.skipped)
                val reclaimed = receiver.reclaim(leaseMs = 0u, limit = 100u)
                // Claimed in the same instant: oldest claim first, then by key.
                val expected = parseCamsPush(body.toByteArray(), CamsPushKind.STATUS).map(::dedupKey).sorted()
                assertEquals(expected, reclaimed.map(::dedupKey))
                receiver.commit(reclaimed)
                assertEquals(emptyList(), receiver.reclaim(leaseMs = 0u, limit = 100u))
                assertEquals(emptyList(), receiver.handle(WebhookEndpoint.CAMS_STATUS, "POST", "token=$PUSH_TOKEN", body = body.toByteArray()).events)
            }
        }
    }

    @Test
    fun `bad input is a typed refusal and the server keeps answering`() = runBlocking<Unit> {
        val options = ReceiverOptions(metaAppSecret = META_APP_SECRET, camsToken = PUSH_TOKEN, eventStore = ":memory:")
        Receiver(options).use { receiver ->
            WebhookServer(receiver).use { server ->
                val status = "${server.url}/cams/status?token=$PUSH_TOKEN"
                assertEquals(400, post(status, """[{"MessageId": "m-1", "Sta""".toByteArray()))
                assertIs<ChatlaneException.InvalidParameter>(server.replies.last().error)
                assertEquals(413, post(status, ByteArray(10 * 1024 * 1024) { 'x'.code.toByte() }))
                assertIs<ChatlaneException.InvalidParameter>(server.replies.last().error)
                assertEquals(401, post("${server.url}/meta", """{"object":"whatsapp_business_account","entry":[]}""".toByteArray()))
                assertEquals("SignatureMismatch", assertIs<ChatlaneException.Authentication>(server.replies.last().error).code)
                assertEquals(401, post("${server.url}/cams/status?token=wrong", "[]".toByteArray()))
                assertEquals(405, http.send(HttpRequest.newBuilder(URI.create(status)).GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode())
                assertEquals(emptyList(), server.events)

                val receipt = """[{"MessageId":"m-2","Status":"Read","From":"$BUSINESS","To":"6591234567"}]"""
                assertEquals(200, post(status, receipt.toByteArray()))
                assertEquals(listOf(DeliveryStatus.Read), statuses(server, "m-2"))
                assertNull(server.replies.last().error)
            }
        }
    }

    @Test
    fun `options, addresses and the subscription challenge`() = runBlocking<Unit> {
        val configuration = listOf(
            ReceiverOptions(camsAllowedIps = listOf("nope")),
            ReceiverOptions(camsToken = ""),
            ReceiverOptions(camsToken = PUSH_TOKEN, camsUnauthenticated = true),
            ReceiverOptions(eventStore = ""),
        )
        for (options in configuration) {
            assertEquals("InvalidConfig", assertFailsWith<ChatlaneException.Configuration> { Receiver(options) }.code)
        }
        val unopenable = ReceiverOptions(eventStore = "/nonexistent-dir/x/events.db")
        assertEquals("StoreFailed", assertFailsWith<ChatlaneException.Storage> { Receiver(unopenable) }.code)

        val options = ReceiverOptions(metaAppSecret = "app-s3cret", metaVerifyToken = "verify-me", camsToken = "t0ken", camsAllowedIps = listOf("10.0.0.0/8"))
        Receiver(options).use { receiver ->
            for (shown in listOf(options.toString(), receiver.toString())) {
                assertFalse("app-s3cret" in shown || "verify-me" in shown || "t0ken" in shown, shown)
            }
            val push = "[]".toByteArray()
            val refused = assertFailsWith<ChatlaneException.InvalidParameter> {
                receiver.handle(WebhookEndpoint.CAMS_INBOUND, "POST", "token=t0ken", body = push, remoteAddr = "localhost")
            }
            assertEquals("InvalidParameter", refused.code)
            val outside = receiver.handle(WebhookEndpoint.CAMS_INBOUND, "POST", "token=t0ken", body = push, remoteAddr = "203.0.113.7")
            assertEquals(403, outside.status.toInt())
            assertIs<ChatlaneException.Permission>(outside.error)
            val inside = receiver.handle(WebhookEndpoint.CAMS_INBOUND, "POST", "?token=t0ken", body = push, remoteAddr = "10.1.2.3:5555")
            assertEquals(Pair(200, null), Pair(inside.status.toInt(), inside.error))
            assertEquals("application/json", inside.contentType)

            val subscribe = "hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token="
            val challenge = receiver.handle(WebhookEndpoint.META, "GET", subscribe + "verify-me", body = ByteArray(0))
            assertEquals(Triple(200, "text/plain", "1158201444"), Triple(challenge.status.toInt(), challenge.contentType, challenge.body))
            assertEquals(403, receiver.handle(WebhookEndpoint.META, "GET", subscribe + "verify-you", body = ByteArray(0)).status.toInt())

            // Without a store every delivery is handed out, and there is nothing to reclaim or look up.
            val receipt = """[{"MessageId":"m-3","Status":"Sent","From":"$BUSINESS","To":"6591234567"}]""".toByteArray()
            repeat(2) {
                val reply = receiver.handle(WebhookEndpoint.CAMS_STATUS, "POST", "token=t0ken", mapOf("Content-Type" to listOf("application/json")), receipt, "10.0.0.1")
                assertEquals(1, reply.events.size)
                receiver.commit(reply.events)
            }
            assertEquals(emptyList(), receiver.reclaim(leaseMs = 0u, limit = 10u))
            assertNull(receiver.send("order-1", ProviderKind.CAMS))
        }
    }

    /**
     * Runs [body] with a [WebhookServer] over a receiver on [store] (Meta's [appSecret], the CAMS
     * push token) and a sandbox pushing CAMS receipts and users' messages and Meta's webhooks to it.
     */
    private suspend fun receiving(store: StoreFile, appSecret: String = META_APP_SECRET, body: suspend (WebhookServer, Sandbox) -> Unit) {
        Receiver(ReceiverOptions(metaAppSecret = appSecret, camsToken = PUSH_TOKEN, eventStore = store.path)).use { receiver ->
            WebhookServer(receiver).use { server ->
                pushingSandbox(server.url).use { sandbox -> body(server, sandbox) }
            }
        }
    }

    /** The statuses [server] processed for message [messageId], in order. */
    private fun statuses(server: WebhookServer, messageId: String): List<DeliveryStatus> =
        server.events.filterIsInstance<Event.Status>().filter { it.v1.messageId == messageId }.map { it.v1.status }

    /** The answer's status to a POST of [body] to [url]. */
    private fun post(url: String, body: ByteArray): Int {
        val request = HttpRequest.newBuilder(URI.create(url))
            .header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build()
        return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode()
    }
}

/** A sandbox pushing CAMS receipts and users' messages and Meta's webhooks to the server at [url]. */
fun pushingSandbox(url: String, pushToken: String = PUSH_TOKEN): Sandbox = Sandbox.start(
    config = """
        {"custSpaces": [{"id": "cams-1", "numbers": ["$BUSINESS"],
                         "statusCallbackUrl": "$url/cams/status?token=$pushToken",
                         "upCallbackUrl": "$url/cams/inbound?token=$pushToken"}],
         "meta": {"webhookUrl": "$url/meta"},
         "receiptDelayMs": 5}
    """.trimIndent(),
)

/** A CAMS client of [sandbox] without pacing. */
fun camsOptions(sandbox: Sandbox) = ClientOptions(
    credentials = Credentials(SANDBOX_KEY_ID, SANDBOX_KEY_SECRET),
    endpoint = sandbox.endpoint,
    rateLimitDisabled = true,
)

/** A client of [sandbox]'s Meta face. */
private fun metaOptions(sandbox: Sandbox) = ClientOptions(provider = "meta", accessToken = AccessToken(META_TOKEN), endpoint = sandbox.endpoint)

/** The sandbox's template from the business number to [to]. */
fun template(to: String) = Message(channel = Channel.WHATSAPP, from = BUSINESS, to = to, template = Template(code = TEMPLATE_CODE, language = "en"))

/** A Meta template from the sandbox's business number to [META_USER]. */
private fun metaTemplate() = Message(
    channel = Channel.WHATSAPP,
    from = META_PHONE_NUMBER_ID,
    to = META_USER,
    template = Template(name = "order_update", language = "en_US"),
)

/** The push fault delivering each push [count] times. */
fun duplicate(count: Int): JsonObject = Json.parseToJsonElement("""{"kind": "duplicate", "count": $count}""").jsonObject

/** The sandbox's pushes of [kind] so far. */
fun pushes(sandbox: Sandbox, kind: String): List<JsonObject> = sandbox.callbacks().filter { it.text("kind") == kind }

/** The string at [key]. */
private fun JsonObject.text(key: String): String = getValue(key).jsonPrimitive.content

/** Waits (up to 10 s) until [done] holds. */
fun until(what: String, done: () -> Boolean) {
    val deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10)
    while (!done()) {
        if (System.nanoTime() > deadline) fail("never $what")
        Thread.sleep(10)
    }
}

/**
 * The child JVM of the restart test (`args`: the store file, a CAMS status body): a receiver on
 * the store handles the body, prints the reply's status and event count, and the process halts
 * without committing or cleaning up, as a crash would.
 */
object HandleThenCrash {
    /** The exit status it halts with. */
    const val HALTED = 3

    @JvmStatic
    fun main(args: Array<String>) {
        val (store, body) = args
        val receiver = Receiver(ReceiverOptions(camsToken = PUSH_TOKEN, eventStore = store))
        val reply = runBlocking { receiver.handle(WebhookEndpoint.CAMS_STATUS, "POST", "token=$PUSH_TOKEN", body = body.toByteArray()) }
        println("${reply.status} ${reply.events.size}")
        System.out.flush()
        Runtime.getRuntime().halt(HALTED)
    }
}
