// The Kotlin webhook example: a receiver on the JDK's own HTTP server (com.sun.net.httpserver).
// CAMS pushes arrive on /cams/status and /cams/inbound (give CAMS these URLs with
// `?token=<CHATLANE_CAMS_TOKEN>`), Meta's webhook on /meta (signed with WHATSAPP_APP_SECRET; its
// subscription request answered for WHATSAPP_VERIFY_TOKEN). Each new event is printed as one
// line and committed in the event store (CHATLANE_EVENT_STORE, default chatlane-events.db), so
// a redelivery prints nothing, also after a restart. Listens on 127.0.0.1:PORT (default 8080;
// 0: any free port), behind the reverse proxy that terminates TLS. From the repository root:
//
//   mvn -q -B -f bindings/uniffi/kotlin/pom.xml compile
//   k=bindings/uniffi/kotlin/target
//   CHATLANE_CAMS_TOKEN=s3cret java -cp "$k/classes:$(cat $k/runtime-classpath.txt)" dev.chatlane.demo.WebhookKt
package dev.chatlane.demo

import com.sun.net.httpserver.HttpServer
import dev.chatlane.ChatlaneException
import dev.chatlane.Receiver
import dev.chatlane.ReceiverOptions
import dev.chatlane.WebhookEndpoint
import dev.chatlane.model.DeliveryStatus
import dev.chatlane.model.Event
import kotlinx.coroutines.runBlocking
import java.net.InetAddress
import java.net.InetSocketAddress
import java.util.concurrent.Executors
import kotlin.system.exitProcess

/** The path each push arrives on. */
private val ENDPOINTS = mapOf(
    "/cams/status" to WebhookEndpoint.CAMS_STATUS,
    "/cams/inbound" to WebhookEndpoint.CAMS_INBOUND,
    "/meta" to WebhookEndpoint.META,
)

/** One byte over the 4 MiB a receiver accepts: a longer body is refused (413) without reading it all. */
private const val MAX_READ = 4 * 1024 * 1024 + 1

/**
 * An HTTP server on [address] (not started) answering every push with [receiver], four at a
 * time: the answer goes back first (with an event store, the events are recorded before it
 * says 200), then each new event is given to [process] and committed. A refusal is logged to
 * stderr.
 */
fun webhookServer(receiver: Receiver, address: InetSocketAddress, process: (Event) -> Unit): HttpServer {
    val server = HttpServer.create(address, 0)
    server.executor = Executors.newFixedThreadPool(4)
    for ((path, endpoint) in ENDPOINTS) {
        server.createContext(path) { exchange ->
            val reply = try {
                runBlocking {
                    receiver.handle(
                        endpoint,
                        method = exchange.requestMethod,
                        query = exchange.requestURI.rawQuery.orEmpty(),
                        headers = exchange.requestHeaders,
                        body = exchange.requestBody.readNBytes(MAX_READ),
                        remoteAddr = exchange.remoteAddress.address.hostAddress,
                    )
                }.also { reply ->
                    val body = reply.body.toByteArray()
                    exchange.responseHeaders.set("content-type", reply.contentType)
                    exchange.sendResponseHeaders(reply.status.toInt(), if (body.isEmpty()) -1 else body.size.toLong())
                    exchange.responseBody.write(body)
                }
            } finally {
                exchange.close()
            }
            reply.error?.let { System.err.println("${reply.status} $path: ${it.code()}: ${it.detail()}") }
            reply.events.forEach(process)
            runBlocking { receiver.commit(reply.events) }
        }
    }
    return server
}

/** One line for [event]: `status <MessageId> <status>`, `inbound <MessageId> <sender>` or `unsupported <name>`. */
fun describe(event: Event): String = when (event) {
    is Event.Status -> {
        val status = event.v1.status
        "status ${event.v1.messageId} ${if (status is DeliveryStatus.Other) status.v1 else status::class.simpleName}"
    }
    is Event.Inbound -> "inbound ${event.v1.messageId} ${event.v1.sender.phone ?: event.v1.sender.userId}"
    is Event.Unsupported -> "unsupported ${event.v1.name}"
}

/**
 * Serves the receiver the environment describes; prints `webhook listening on http://…` to
 * stderr, then each new event to stdout. Events a previous run recorded but never committed
 * (it crashed) are printed first. Exits 1 on a configuration error.
 */
fun main() {
    val options = ReceiverOptions(
        metaAppSecret = System.getenv("WHATSAPP_APP_SECRET"),
        metaVerifyToken = System.getenv("WHATSAPP_VERIFY_TOKEN"),
        camsToken = System.getenv("CHATLANE_CAMS_TOKEN"),
        eventStore = System.getenv("CHATLANE_EVENT_STORE") ?: "chatlane-events.db",
    )
    val receiver = try {
        Receiver(options)
    } catch (e: ChatlaneException) {
        System.err.println("webhook: ${e.code()}: ${e.detail()}")
        exitProcess(1)
    }
    val print = { event: Event -> println(describe(event)) }
    runBlocking {
        // This process alone uses the store: whatever is uncommitted was held by a run that died.
        val unfinished = receiver.reclaim(leaseMs = 0u, limit = 10_000u)
        unfinished.forEach(print)
        receiver.commit(unfinished)
    }
    val port = System.getenv("PORT")?.toInt() ?: 8080
    val server = webhookServer(receiver, InetSocketAddress(InetAddress.getLoopbackAddress(), port), print)
    server.start()
    System.err.println("webhook listening on http://127.0.0.1:${server.address.port}")
}
