package dev.chatlane

import dev.chatlane.model.Channel
import dev.chatlane.model.Direction
import dev.chatlane.model.HistoryQuery
import dev.chatlane.model.HistoryRecord
import kotlinx.coroutines.runBlocking
import kotlinx.serialization.json.Json
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.jsonArray
import kotlinx.serialization.json.jsonObject
import kotlinx.serialization.json.jsonPrimitive
import org.junit.jupiter.api.Test
import java.nio.file.Path
import javax.crypto.Mac
import javax.crypto.spec.SecretKeySpec
import kotlin.io.path.readText
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertNull
import kotlin.test.assertTrue

private const val APP_SECRET = "history-test-app-secret"
private const val PHONE_NUMBER_ID = "106540352242922"

/**
 * A Meta client's message history: Meta keeps none to ask for, so `listMessages` on a Meta
 * client lists what its `eventStore` recorded of the webhooks a [Receiver] on the same store
 * admitted. The bodies are the webhook fixtures (`tests/webhooks/`), signed as Meta signs
 * them; nothing goes over the network.
 */
class MetaHistoryTest {
    private val root = Path.of(System.getProperty("chatlane.root") ?: error("set -Dchatlane.root to the repository"))

    private val cases = listOf(
        "meta_batch/several_entries_changes_messages_statuses",
        "meta_status/sent_with_conversation_and_pricing",
        "meta_status/read",
        "meta_status/failed_with_error",
    )

    @Test
    fun `a Meta client lists what its receiver recorded`() = runBlocking<Unit> {
        StoreFile().use { store ->
            ingest(store.path)
            Client(metaClient(store.path)).use { client ->
                val first = client.listMessages(HistoryQuery(businessNumber = PHONE_NUMBER_ID, pageSize = 2u))
                assertEquals(listOf("wamid.m2", "wamid.s10") to 2u, ids(first.records) to first.nextPage)
                val last = client.listMessages(HistoryQuery(businessNumber = PHONE_NUMBER_ID, page = 3u, pageSize = 2u))
                assertEquals(listOf("wamid.f1") to null, ids(last.records) to last.nextPage)
                val records = every(client, HistoryQuery(businessNumber = PHONE_NUMBER_ID, pageSize = 2u))
                assertEquals(listOf("wamid.m2", "wamid.s10", "wamid.s1", "wamid.m1", "wamid.f1"), ids(records))

                val byId = records.associateBy { it.messageId }
                val omar = byId.getValue("wamid.m2")
                assertEquals(Direction.INBOUND, omar.direction)
                assertEquals(listOf("447700900123", "received", "text", "from Omar", "whatsapp"),
                    listOf(omar.userNumber, omar.status, omar.messageType, omar.content, omar.channel))
                assertEquals(1749416384000uL, omar.sentAtMs)
                val read = byId.getValue("wamid.s1")
                assertEquals(Direction.OUTBOUND, read.direction)
                assertEquals(listOf("16505551234", "read", "CONVERSATION_ID"), listOf(read.userNumber, read.status, read.conversationId))
                assertNull(read.content, "receipts carry no content")
                assertEquals("delivered", byId.getValue("wamid.s10").status)
                assertTrue(byId.getValue("wamid.f1").failReason!!.startsWith("131049: "))

                val query = HistoryQuery(businessNumber = PHONE_NUMBER_ID)
                assertEquals(listOf("wamid.m1"), ids(every(client, query.copy(userNumber = "US.13491208655302741918"))))
                assertEquals(listOf("wamid.f1"), ids(every(client, query.copy(direction = Direction.OUTBOUND, status = "failed"))))
                assertEquals(listOf("wamid.m2"), ids(every(client, query.copy(sinceMs = 1749416384000uL))))
                assertEquals(listOf("wamid.e2m1"), ids(every(client, HistoryQuery(businessNumber = "106540352242999"))))
            }
        }
    }

    @Test
    fun `a Meta client needs the store and refuses the CAMS filters`() = runBlocking<Unit> {
        Client(ClientOptions(provider = "meta", accessToken = AccessToken("token"))).use { storeless ->
            val e = assertFailsWith<ChatlaneException.Configuration> { storeless.listMessages(HistoryQuery(businessNumber = PHONE_NUMBER_ID)) }
            assertEquals("InvalidConfig", e.code())
            assertTrue(e.detail().contains("event_store"), e.detail())
        }
        StoreFile().use { store ->
            Client(metaClient(store.path)).use { client ->
                val query = HistoryQuery(businessNumber = PHONE_NUMBER_ID)
                val refused = listOf(
                    "templateCode" to query.copy(templateCode = "744c4b5c79c94324"),
                    "groupMessageId" to query.copy(groupMessageId = "g-1"),
                    "custSpaceId" to query.copy(custSpaceId = "cams-1"),
                    "channel" to query.copy(channel = Channel.VIBER),
                )
                for ((field, refusedQuery) in refused) {
                    val e = assertFailsWith<ChatlaneException.InvalidParameter>(field) { client.listMessages(refusedQuery) }
                    assertTrue(e.detail().startsWith("$field: "), e.detail())
                }
                val empty = client.listMessages(query)
                assertEquals(emptyList<HistoryRecord>() to null, empty.records to empty.nextPage)
            }
        }
    }

    private fun metaClient(eventStore: String) =
        ClientOptions(provider = "meta", accessToken = AccessToken("token"), eventStore = eventStore)

    /** A receiver on [eventStore] admits the cases' bodies, then commits their events. */
    private suspend fun ingest(eventStore: String) {
        Receiver(ReceiverOptions(metaAppSecret = APP_SECRET, eventStore = eventStore)).use { receiver ->
            for (name in cases) {
                val body = bodyOf(name)
                val headers = mapOf("X-Hub-Signature-256" to listOf(signature(body)))
                val reply = receiver.handle(WebhookEndpoint.META, "POST", headers = headers, body = body)
                assertEquals(200, reply.status.toInt(), reply.body)
                receiver.commit(reply.events)
            }
        }
    }

    /** Every record of [query]'s pages, asking with `page = nextPage` until there is none. */
    private suspend fun every(client: Client, query: HistoryQuery): List<HistoryRecord> {
        val records = mutableListOf<HistoryRecord>()
        var next: UInt? = query.page
        do {
            val page = client.listMessages(query.copy(page = next))
            records += page.records
            next = page.nextPage
        } while (next != null)
        return records
    }

    private fun ids(records: List<HistoryRecord>) = records.map { it.messageId }

    /** The body of the webhook case [name], compact JSON as its README says to send it. */
    private fun bodyOf(name: String): ByteArray {
        val file = root.resolve("tests/webhooks/${name.substringBefore('/')}.json")
        val case = Json.parseToJsonElement(file.readText()).jsonObject.getValue("cases").jsonArray
            .map { it.jsonObject }
            .single { it.getValue("name").jsonPrimitive.content == name }
        return (case.getValue("body") as JsonObject).toString().toByteArray()
    }

    private fun signature(body: ByteArray): String {
        val mac = Mac.getInstance("HmacSHA256").apply { init(SecretKeySpec(APP_SECRET.toByteArray(), "HmacSHA256")) }
        return "sha256=" + mac.doFinal(body).joinToString("") { "%02x".format(it) }
    }
}
