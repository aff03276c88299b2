package dev.chatlane

import kotlinx.coroutines.delay
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeoutOrNull
import kotlinx.serialization.json.Json
import kotlinx.serialization.json.buildJsonObject
import kotlinx.serialization.json.put
import org.junit.jupiter.api.Test
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertNull
import kotlin.test.assertTrue

/**
 * Sends through Meta's Cloud API (`provider = "meta"`) with the generated Kotlin API against
 * the sandbox's Meta face: the body on the wire, token failures and their replacement,
 * Meta's error codes, retries, what a Meta client refuses, and cancellation.
 */
class MetaTest : SandboxTest() {
    /** Meta's Graph error envelope with this numeric [code] and HTTP [status]. */
    private fun graphError(status: Int, code: Int) = buildJsonObject {
        put("kind", "error")
        put("status", status)
        put("code", code)
    }

    @Test
    fun `a send lands in Meta's ledger with its body and its TaskId as biz_opaque_callback_data`() = runBlocking<Unit> {
        val to = sandbox.newRecipient()
        val message = metaText(to)
        val receipt = Client(metaOptions()).use { it.send(message) }
        assertTrue(receipt.messageId.startsWith("wamid."), receipt.messageId)
        assertEquals(1u, receipt.attempts)
        val entry = sandbox.metaLedgerTo(to).single()
        assertEquals(receipt.messageId, entry.messageId)
        assertEquals(META_PHONE_NUMBER_ID, entry.phoneNumberId)
        assertTrue(receipt.taskId.isNotEmpty(), "a TaskId is generated")
        assertEquals(receipt.taskId, entry.bizOpaqueCallbackData)
        assertEquals(Json.parseToJsonElement(metaBody(message, receipt.taskId)), entry.body)
    }

    @Test
    fun `a revoked token is TokenExpired, and the next send fails the same way without reaching the sandbox`() =
        runBlocking<Unit> {
            val token = sandbox.metaToken(listOf(MESSAGING_SCOPE))
            Client(metaOptions(AccessToken(token))).use { meta ->
                val to = sandbox.newRecipient()
                meta.send(metaText(to))
                sandbox.revokeMetaToken(token)
                val refused = assertFailsWith<ChatlaneException.Authentication> { meta.send(metaText(to)) }
                assertEquals("TokenExpired", refused.code)
                assertEquals("190", refused.platformCode)
                assertEquals(401u, refused.httpStatus)
                assertFalse(token in refused.message + refused.detail, refused.message)
                val next = assertFailsWith<ChatlaneException.Authentication> { meta.send(metaText(to)) }
                assertEquals("TokenExpired", next.code)
                assertNull(next.httpStatus, "no answer: the request was never made")
                assertNull(next.platformCode)
                assertEquals(1, sandbox.metaLedgerTo(to).size)
            }
        }

    @Test
    fun `setAccessToken replaces a revoked token for the next send`() = runBlocking<Unit> {
        val token = sandbox.metaToken(listOf(MESSAGING_SCOPE))
        Client(metaOptions(AccessToken(token))).use { meta ->
            val to = sandbox.newRecipient()
            sandbox.revokeMetaToken(token)
            assertFailsWith<ChatlaneException.Authentication> { meta.send(metaText(to)) }
            meta.setAccessToken(AccessToken(sandbox.metaToken(listOf(MESSAGING_SCOPE))))
            val receipt = meta.send(metaText(to))
            assertEquals(receipt.messageId, sandbox.metaLedgerTo(to).single().messageId)
        }
    }

    @Test
    fun `a token without whatsapp_business_messaging is a Permission exception`() = runBlocking<Unit> {
        val token = sandbox.metaToken(listOf("whatsapp_business_management"))
        Client(metaOptions(AccessToken(token))).use { meta ->
            val to = sandbox.newRecipient()
            val e = assertFailsWith<ChatlaneException.Permission> { meta.send(metaText(to)) }
            assertEquals("PermissionDenied", e.code)
            assertEquals("10", e.platformCode)
            assertEquals(403u, e.httpStatus)
            assertEquals(1u, e.attempts)
            assertTrue(sandbox.metaLedgerTo(to).isEmpty())
        }
    }

    @Test
    fun `Meta's throughput error 130429 is retried and the message sent once`() = runBlocking<Unit> {
        val to = sandbox.newRecipient()
        sandbox.inject(graphError(400, 130429), to, api = "meta")
        val receipt = Client(metaOptions()).use { it.send(metaText(to)) }
        assertEquals(2u, receipt.attempts)
        assertEquals(listOf("130429", "OK"), sandbox.requestsTo(to).map { it.outcome })
        assertEquals(receipt.messageId, sandbox.metaLedgerTo(to).single().messageId)
    }

    @Test
    fun `131047 outside the customer service window is a SessionWindow exception`() = runBlocking<Unit> {
        val to = sandbox.newRecipient()
        sandbox.inject(graphError(400, 131047), to, api = "meta")
        val taskId = taskId()
        val e = Client(metaOptions()).use { meta ->
            assertFailsWith<ChatlaneException.SessionWindow> { meta.send(metaText(to, taskId)) }
        }
        assertEquals("SessionWindowClosed", e.code)
        assertEquals("131047", e.platformCode)
        assertEquals(taskId, e.taskId)
        assertEquals(1u, e.attempts)
        assertTrue(sandbox.metaLedgerTo(to).isEmpty())
    }

    @Test
    fun `Meta has no mass send, a Validation exception and nothing sent`() = runBlocking<Unit> {
        val to = sandbox.newRecipient()
        val mass = massMessageFromJson(
            """{"from":"$META_PHONE_NUMBER_ID","template":{"name":"order_update","language":"en_US"},
                "recipients":[{"to":"$to"}]}""",
        )
        val e = Client(metaOptions()).use { meta ->
            assertFailsWith<ChatlaneException.Validation> { meta.sendMass(mass) }
        }
        assertEquals("InvalidMessage", e.code)
        assertEquals(0u, e.attempts)
        assertTrue(sandbox.requestsTo(to).isEmpty())
    }

    @Test
    fun `each API refuses the other's credentials with a Configuration exception`() = runBlocking<Unit> {
        Client(metaOptions()).use { meta ->
            val e = assertFailsWith<ChatlaneException.Configuration> {
                meta.setCredentials(Credentials(SANDBOX_KEY_ID, SANDBOX_KEY_SECRET))
            }
            assertEquals("InvalidConfig", e.code)
        }
        val e = assertFailsWith<ChatlaneException.Configuration> { client.setAccessToken(AccessToken(META_TOKEN)) }
        assertEquals("InvalidConfig", e.code)
        assertFalse(META_TOKEN in e.message + e.detail, e.message)
    }

    @Test
    fun `the token never appears in toString, only through token()`() {
        val secret = "EAAG-never-printed-token"
        val token = AccessToken(secret)
        val options = metaOptions(token)
        Client(options).use { meta ->
            for (text in listOf(token.toString(), options.toString(), meta.toString())) {
                assertFalse(secret in text, "the token leaked: $text")
            }
        }
        assertTrue("AccessToken" in token.toString(), token.toString())
        assertEquals(secret, token.token())
        assertNull(token.expiresAt())
        assertEquals(emptyList(), token.scopes())
    }

    @Test
    fun `a Meta send cancelled while it waits for its pacing slot never goes out`() = runBlocking<Unit> {
        Client(metaOptions().copy(rateLimitPerSecond = 1.0)).use { paced ->
            val to = sandbox.newRecipient()
            paced.send(metaText(to))
            assertNull(withTimeoutOrNull(300) { paced.send(metaText(to)) }, "the second send waits for its slot")
            delay(1_500)
            assertEquals(1, sandbox.requestsTo(to).size)
            assertEquals(1, sandbox.metaLedgerTo(to).size)
        }
    }
}
