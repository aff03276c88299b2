package dev.chatlane

import kotlinx.coroutines.delay
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Test
import java.time.Duration
import java.time.Instant
import java.util.concurrent.CopyOnWriteArrayList
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertNotEquals
import kotlin.test.assertNull
import kotlin.test.assertTrue

/**
 * A Meta client's token through `ClientOptions`: its known expiry and scopes reach the core,
 * and with `renewWith` the sandbox's app renews it before a send, telling the `tokenObserver`.
 */
class RenewalTest : SandboxTest() {
    /** Records each renewed token; throws after recording it when [fail] is set. */
    private class Renewals(private val fail: Boolean = false) : TokenObserver {
        val tokens = CopyOnWriteArrayList<AccessToken>()

        override fun onTokenRenewed(token: AccessToken) {
            tokens.add(token)
            if (fail) throw IllegalStateException("a token observer that throws")
        }
    }

    /** A new sandbox token living 3 seconds, known to expire then, with the messaging scope. */
    private fun threeSecondToken() = AccessToken(
        sandbox.metaToken(listOf(MESSAGING_SCOPE), lifetimeSeconds = 3),
        expiresAt = Instant.now().plusSeconds(3),
        scopes = listOf(MESSAGING_SCOPE),
    )

    /**
     * Options renewing [token] through [app] within 2.9 s of its expiry, telling [observer]:
     * for a 3-second token, once half its life (1.5 s) has passed.
     */
    private fun renewing(token: AccessToken, app: MetaApp, observer: TokenObserver) =
        metaOptions(token).copy(renewWith = app, tokenObserver = observer, tokenRenewalMarginMs = 2_900uL)

    @Test
    fun `a token near its expiry is renewed before the next send and handed to the observer once`() =
        runBlocking<Unit> {
            val short = threeSecondToken()
            val renewals = Renewals()
            metaApp().use { app ->
                val options = renewing(short, app, renewals)
                Client(options).use { meta ->
                    val to = sandbox.newRecipient()
                    meta.send(metaText(to))
                    assertTrue(renewals.tokens.isEmpty(), "fresh, the token is used as it is")
                    delay(1_600)
                    meta.send(metaText(to))
                    val renewed = renewals.tokens.single()
                    assertNotEquals(short.token(), renewed.token())
                    assertFromNow(Duration.ofDays(60), renewed.expiresAt())
                    assertEquals(listOf(MESSAGING_SCOPE), renewed.scopes())
                    // Later sends go out with the renewed token: the old one is refused now.
                    sandbox.revokeMetaToken(short.token())
                    meta.send(metaText(to))
                    assertEquals(1, renewals.tokens.size, "renewed once, then used")
                    assertEquals(3, sandbox.metaLedgerTo(to).size)
                    for (text in listOf(options.toString(), meta.toString(), short.toString(), renewed.toString())) {
                        assertFalse(short.token() in text || renewed.token() in text, "a token leaked: $text")
                    }
                }
            }
        }

    @Test
    fun `a token observer that throws does not fail the send that renewed the token`() = runBlocking<Unit> {
        val renewals = Renewals(fail = true)
        metaApp().use { app ->
            Client(renewing(threeSecondToken(), app, renewals)).use { meta ->
                delay(1_600)
                val to = sandbox.newRecipient()
                val receipt = meta.send(metaText(to))
                assertEquals(1, renewals.tokens.size)
                assertEquals(receipt.messageId, sandbox.metaLedgerTo(to).single().messageId)
            }
        }
    }

    @Test
    fun `a token whose known scopes lack whatsapp_business_messaging is refused when the client is built`() {
        val token = AccessToken(META_TOKEN, scopes = listOf("whatsapp_business_management"))
        val e = assertFailsWith<ChatlaneException.Permission> { Client(metaOptions(token)) }
        assertEquals("MissingScope", e.code)
        assertEquals(0u, e.attempts)
    }

    @Test
    fun `a token known to have expired fails the send without a request`() = runBlocking<Unit> {
        val expired = AccessToken(META_TOKEN, expiresAt = Instant.now().minusSeconds(1))
        Client(metaOptions(expired)).use { meta ->
            val to = sandbox.newRecipient()
            val e = assertFailsWith<ChatlaneException.Authentication> { meta.send(metaText(to)) }
            assertEquals("TokenExpired", e.code)
            assertNull(e.httpStatus)
            assertTrue(sandbox.requestsTo(to).isEmpty())
        }
    }

    @Test
    fun `renewal options without an access token, or tuning without renewWith, are Configuration exceptions`() {
        metaApp().use { app ->
            val tokenless = ClientOptions(provider = "meta", endpoint = sandbox.endpoint)
            val refused = listOf(
                tokenless.copy(renewWith = app),
                tokenless.copy(tokenRenewalMarginMs = 1_000uL),
                metaOptions().copy(tokenObserver = Renewals()),
            )
            for (options in refused) {
                val e = assertFailsWith<ChatlaneException.Configuration>(options.toString()) { Client(options) }
                assertEquals("InvalidConfig", e.code)
            }
        }
    }
}
