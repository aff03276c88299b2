package dev.chatlane

import dev.chatlane.model.Address
import dev.chatlane.model.Business
import dev.chatlane.model.CamsPushKind
import dev.chatlane.model.ChatUser
import dev.chatlane.model.Contact
import dev.chatlane.model.ContactKind
import dev.chatlane.model.DeliveryStatus
import dev.chatlane.model.Event
import dev.chatlane.model.InboundContent
import dev.chatlane.model.InboundMedia
import dev.chatlane.model.ProviderKind
import dev.chatlane.model.SignatureMatch
import kotlinx.serialization.json.Json
import kotlinx.serialization.json.JsonArray
import kotlinx.serialization.json.JsonElement
import kotlinx.serialization.json.JsonNull
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.JsonPrimitive
import kotlinx.serialization.json.jsonArray
import kotlinx.serialization.json.jsonObject
import kotlinx.serialization.json.jsonPrimitive
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.DynamicTest.dynamicTest
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestFactory
import java.math.BigDecimal
import java.nio.file.Path
import javax.crypto.Mac
import javax.crypto.spec.SecretKeySpec
import kotlin.io.path.listDirectoryEntries
import kotlin.io.path.readText
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertNotEquals
import kotlin.test.assertTrue
import kotlin.test.fail

private const val SECRET = "webhook-test-app-secret"

/**
 * The webhook fixtures (`tests/webhooks/`, see its README) through the Kotlin API: every body
 * gives exactly its events, as the UniFFI records (written back to the JSON shape field by
 * field by [json] here, and compared as JSON values) and their dedup keys, or exactly its
 * error code, as in every other chatlane language. Then Meta's signature and subscription
 * checks.
 */
class WebhooksTest {
    private val root = Path.of(System.getProperty("chatlane.root") ?: error("set -Dchatlane.root to the repository"))

    private val cases: List<JsonObject> by lazy {
        root.resolve("tests/webhooks").listDirectoryEntries("*.json").sorted().flatMap { file ->
            Json.parseToJsonElement(file.readText()).jsonObject.getValue("cases").jsonArray.map { it.jsonObject }
        }
    }

    /** Every case of every JSON file in `tests/webhooks`. */
    @TestFactory
    fun `webhook cases`(): List<DynamicTest> {
        assertTrue(cases.size >= 60, "${cases.size} cases in $root/tests/webhooks")
        return cases.map { case ->
            val name = case.text("name")
            dynamicTest(name) {
                try {
                    verify(case)
                } catch (e: Throwable) {
                    throw AssertionError("$name: ${e.message}", e)
                }
            }
        }
    }

    private fun verify(case: JsonObject) {
        val error = case["error"]
        if (error != null) {
            val refused = assertFailsWith<ChatlaneException> { parse(case) }
            assertEquals(error.jsonObject.text("code"), refused.code())
            return
        }
        val events = parse(case)
        assertEquals(normalized(case.getValue("events")), normalized(JsonArray(events.map(::json))), "events")
        case["dedupKeys"]?.let { keys ->
            assertEquals(keys.jsonArray.map { it.jsonPrimitive.content }, events.map(::dedupKey), "dedup keys")
        }
    }

    @Test
    fun `the Meta signature is checked over the raw or escaped body`() {
        val case = caseNamed("meta_inbound/reaction")
        val body = bodyOf(case)
        assertEquals(SignatureMatch.RAW, verifyMetaSignature(SECRET, body, signature(SECRET, body)))
        val escaped = body.decodeToString().map { c -> if (c > '~') "\\u%04x".format(c.code) else c.toString() }.joinToString("")
        assertNotEquals(escaped, body.decodeToString(), "the body has characters to escape")
        assertEquals(SignatureMatch.ESCAPED_UNICODE, verifyMetaSignature(SECRET, body, signature(SECRET, escaped.toByteArray())))
        for (header in listOf(signature("another-secret", body), signature(SECRET, body + ' '.code.toByte()), "sha256=00", null)) {
            val refused = assertFailsWith<ChatlaneException.Authentication> { verifyMetaSignature(SECRET, body, header) }
            assertEquals("SignatureMismatch", refused.code())
            assertFalse(SECRET in refused.toString())
        }
        assertFailsWith<ChatlaneException.Configuration> { verifyMetaSignature("", body, signature(SECRET, body)) }
        assertEquals(normalized(case.getValue("events")), normalized(JsonArray(parseMetaWebhook(body).map(::json))))
    }

    @Test
    fun `the Meta subscription challenge is echoed for the right token only`() {
        val query = "hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=verify-me"
        assertEquals("1158201444", verifyMetaChallenge(query, "verify-me"))
        assertEquals("1158201444", verifyMetaChallenge("?$query", "verify-me"))
        val refused = assertFailsWith<ChatlaneException.Authentication> { verifyMetaChallenge(query, "verify-you") }
        assertEquals("SignatureMismatch", refused.code())
        val unsubscribe = query.replace("subscribe", "unsubscribe")
        assertFailsWith<ChatlaneException.InvalidParameter> { verifyMetaChallenge(unsubscribe, "verify-me") }
        assertFailsWith<ChatlaneException.Configuration> { verifyMetaChallenge(query, "") }
    }

    private fun parse(case: JsonObject): List<Event> = when (case.text("provider")) {
        "cams" -> parseCamsPush(bodyOf(case), if (case.text("kind") == "status") CamsPushKind.STATUS else CamsPushKind.INBOUND)
        else -> parseMetaWebhook(bodyOf(case))
    }

    private fun caseNamed(name: String): JsonObject = cases.single { it.text("name") == name }

    /** A case's body as the README says to send it: compact JSON text, or `rawBody`, as UTF-8. */
    private fun bodyOf(case: JsonObject): ByteArray =
        ((case["rawBody"] as? JsonPrimitive)?.content ?: case.getValue("body").toString()).toByteArray()

    private fun signature(secret: String, body: ByteArray): String {
        val mac = Mac.getInstance("HmacSHA256").apply { init(SecretKeySpec(secret.toByteArray(), "HmacSHA256")) }
        return "sha256=" + mac.doFinal(body).joinToString("") { "%02x".format(it) }
    }

    private fun JsonObject.text(key: String): String = getValue(key).jsonPrimitive.content
}

/** A JSON value with numbers as [BigDecimal]s, so that `1.5`, `1.50` and `15E-1` compare equal. */
private fun normalized(element: JsonElement): Any? = when (element) {
    JsonNull -> null
    is JsonObject -> element.mapValues { normalized(it.value) }
    is JsonArray -> element.map(::normalized)
    is JsonPrimitive -> when {
        element.isString -> element.content
        element.content == "true" || element.content == "false" -> element.content.toBoolean()
        else -> BigDecimal(element.content).stripTrailingZeros()
    }
}

/** An object of the entries whose value is set: absent keys stay absent, as in the core's JSON. */
private fun obj(vararg entries: Pair<String, JsonElement?>): JsonObject = JsonObject(
    entries.mapNotNull { (key, value) -> value?.let { key to it } }.toMap(),
)

private fun text(value: String?): JsonElement? = value?.let(::JsonPrimitive)

private fun number(value: ULong?): JsonElement? = value?.let { JsonPrimitive(BigDecimal(it.toString())) }

private fun number(value: Double?): JsonElement? = value?.let(::JsonPrimitive)

private fun flag(value: Boolean): JsonElement? = if (value) JsonPrimitive(true) else null

private fun <T> list(items: List<T>, write: (T) -> JsonElement): JsonElement? =
    items.takeIf { it.isNotEmpty() }?.let { JsonArray(it.map(write)) }

private fun provider(kind: ProviderKind): JsonElement = JsonPrimitive(
    when (kind) {
        ProviderKind.CAMS -> "cams"
        ProviderKind.META -> "meta"
    },
)

/** An event record in the core's JSON shape, every field written (tests/webhooks/README.md). */
private fun json(event: Event): JsonObject = when (event) {
    is Event.Status -> event.v1.run {
        obj(
            "event" to JsonPrimitive("status"),
            "provider" to provider(provider),
            "messageId" to JsonPrimitive(messageId),
            "taskId" to text(taskId),
            "business" to json(business),
            "recipient" to json(recipient),
            "status" to json(status),
            "timestampMs" to number(timestampMs),
            "errors" to list(errors) {
                obj("code" to JsonPrimitive(it.code), "title" to text(it.title), "description" to text(it.description))
            },
            "conversation" to conversation?.let {
                obj("id" to text(it.id), "category" to text(it.category), "expiresAtMs" to number(it.expiresAtMs))
            },
            "pricing" to pricing?.let {
                obj(
                    "billable" to it.billable?.let(::JsonPrimitive),
                    "model" to text(it.model),
                    "type" to text(it.kind),
                    "category" to text(it.category),
                )
            },
        )
    }
    is Event.Inbound -> event.v1.run {
        obj(
            "event" to JsonPrimitive("inbound"),
            "provider" to provider(provider),
            "messageId" to JsonPrimitive(messageId),
            "business" to json(business),
            "sender" to json(sender),
            "timestampMs" to number(timestampMs),
            "context" to context?.let {
                obj(
                    "messageId" to text(it.messageId),
                    "from" to text(it.from),
                    "forwarded" to flag(it.forwarded),
                    "frequentlyForwarded" to flag(it.frequentlyForwarded),
                )
            },
            "content" to json(content),
        )
    }
    is Event.Unsupported -> event.v1.run {
        obj(
            "event" to JsonPrimitive("unsupported"),
            "provider" to provider(provider),
            "name" to JsonPrimitive(name),
            "raw" to JsonPrimitive(raw),
            "reason" to text(reason),
            "accountId" to text(accountId),
        )
    }
}

private fun json(business: Business): JsonObject = obj(
    "number" to JsonPrimitive(business.number),
    "displayNumber" to text(business.displayNumber),
    "accountId" to text(business.accountId),
    "custSpaceId" to text(business.custSpaceId),
)

private fun json(user: ChatUser): JsonObject = obj(
    "phone" to text(user.phone),
    "userId" to text(user.userId),
    "parentUserId" to text(user.parentUserId),
    "username" to text(user.username),
    "name" to text(user.name),
)

private fun json(status: DeliveryStatus): JsonElement = when (status) {
    DeliveryStatus.Sent -> JsonPrimitive("sent")
    DeliveryStatus.Delivered -> JsonPrimitive("delivered")
    DeliveryStatus.Read -> JsonPrimitive("read")
    DeliveryStatus.Played -> JsonPrimitive("played")
    DeliveryStatus.Failed -> JsonPrimitive("failed")
    DeliveryStatus.Deleted -> JsonPrimitive("deleted")
    DeliveryStatus.Subscribe -> JsonPrimitive("subscribe")
    DeliveryStatus.Unsubscribe -> JsonPrimitive("unsubscribe")
    is DeliveryStatus.Other -> obj("other" to JsonPrimitive(status.v1))
}

/** A content object: its `type` tag, then its fields. */
private fun tagged(type: String, vararg fields: Pair<String, JsonElement?>): JsonObject = obj("type" to JsonPrimitive(type), *fields)

/** The fields of a media file, after the content's `type` and before the kind's own. */
private fun media(type: String, media: InboundMedia, vararg more: Pair<String, JsonElement?>): JsonObject = tagged(
    type,
    "id" to text(media.id),
    "mimeType" to text(media.mimeType),
    "sha256" to text(media.sha256),
    "url" to text(media.url),
    "caption" to text(media.caption),
    *more,
)

private fun json(content: InboundContent): JsonObject = when (content) {
    is InboundContent.Text -> tagged("text", "body" to JsonPrimitive(content.v1.body))
    is InboundContent.Image -> media("image", content.v1)
    is InboundContent.Video -> media("video", content.v1)
    is InboundContent.Audio -> media("audio", content.v1.media, "voice" to flag(content.v1.voice))
    is InboundContent.Document -> media("document", content.v1.media, "filename" to text(content.v1.filename))
    is InboundContent.Sticker -> media("sticker", content.v1.media, "animated" to flag(content.v1.animated))
    is InboundContent.Location -> content.v1.run {
        tagged(
            "location",
            "latitude" to JsonPrimitive(latitude),
            "longitude" to JsonPrimitive(longitude),
            "name" to text(name),
            "address" to text(address),
            "url" to text(url),
        )
    }
    is InboundContent.Contacts -> tagged("contacts", "contacts" to JsonArray(content.v1.contacts.map(::json)))
    is InboundContent.QuickReply -> tagged("quick_reply", "payload" to text(content.v1.payload), "text" to text(content.v1.text))
    is InboundContent.ButtonReply -> tagged("button_reply", "id" to text(content.v1.id), "title" to text(content.v1.title))
    is InboundContent.ListReply -> content.v1.run {
        tagged("list_reply", "id" to text(id), "title" to text(title), "description" to text(description))
    }
    is InboundContent.FlowReply -> content.v1.run {
        tagged("flow_reply", "responseJson" to text(responseJson), "body" to text(body), "name" to text(name))
    }
    is InboundContent.Reaction -> tagged("reaction", "messageId" to text(content.v1.messageId), "emoji" to text(content.v1.emoji))
    is InboundContent.Order -> content.v1.run {
        tagged(
            "order",
            "catalogId" to text(catalogId),
            "text" to text(text),
            "items" to list(items) {
                obj(
                    "productRetailerId" to JsonPrimitive(it.productRetailerId),
                    "quantity" to number(it.quantity),
                    "itemPrice" to number(it.itemPrice),
                    "currency" to text(it.currency),
                )
            },
        )
    }
    is InboundContent.System -> content.v1.run {
        tagged("system", "body" to text(body), "systemType" to text(systemType), "newPhone" to text(newPhone))
    }
    is InboundContent.Unsupported -> content.v1.run {
        tagged("unsupported", "messageType" to text(messageType), "raw" to text(raw), "reason" to text(reason))
    }
}

private fun kind(kind: ContactKind?): JsonElement? = kind?.let {
    JsonPrimitive(
        when (it) {
            ContactKind.HOME -> "HOME"
            ContactKind.WORK -> "WORK"
        },
    )
}

/** A contact card in the message model's JSON shape. */
private fun json(contact: Contact): JsonObject = obj(
    "name" to contact.name.run {
        obj(
            "formatted_name" to JsonPrimitive(formattedName),
            "first_name" to text(firstName),
            "last_name" to text(lastName),
            "middle_name" to text(middleName),
            "suffix" to text(suffix),
            "prefix" to text(prefix),
        )
    },
    "addresses" to list(contact.addresses) { address: Address ->
        obj(
            "street" to text(address.street),
            "city" to text(address.city),
            "state" to text(address.state),
            "zip" to text(address.zip),
            "country" to text(address.country),
            "country_code" to text(address.countryCode),
            "type" to kind(address.kind),
        )
    },
    "birthday" to text(contact.birthday),
    "emails" to list(contact.emails) { obj("email" to JsonPrimitive(it.email), "type" to kind(it.kind)) },
    "org" to contact.org?.let { obj("company" to text(it.company), "department" to text(it.department), "title" to text(it.title)) },
    "phones" to list(contact.phones) { obj("phone" to JsonPrimitive(it.phone), "type" to text(it.kind), "wa_id" to text(it.waId)) },
    "urls" to list(contact.urls) { obj("url" to JsonPrimitive(it.url), "type" to kind(it.kind)) },
)
