package dev.chatlane

import kotlinx.coroutines.runBlocking
import kotlinx.serialization.json.Json
import kotlinx.serialization.json.jsonObject
import kotlinx.serialization.json.jsonPrimitive
import org.junit.jupiter.api.Test
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.time.Duration
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertNotNull
import kotlin.test.assertTrue

private const val REDIRECT = "https://app.example.test/meta/callback"

/**
 * Meta's OAuth through [MetaApp] against the sandbox's Graph and dialog hosts: the
 * authorization-code flow with `state` and PKCE, its refusals, the code handed over without a
 * redirect, the long-lived exchange and `debug_token`.
 */
class OAuthTest : SandboxTest() {
    private val browser = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build()

    /** The query string the login dialog at [url] redirects back to [REDIRECT] with, as a browser would follow it. */
    private fun signIn(url: String): String {
        val response = browser.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString())
        assertEquals(302, response.statusCode(), response.body())
        val location = URI.create(response.headers().firstValue("location").orElseThrow())
        assertEquals(REDIRECT, "${location.scheme}://${location.authority}${location.path}")
        return location.rawQuery
    }

    @Test
    fun `the dialog's callback exchanged for a token that sends`() = runBlocking<Unit> {
        metaApp().use { app ->
            val request = app.authorizationUrl(REDIRECT, listOf(MESSAGING_SCOPE))
            assertTrue(request.url.startsWith("${sandbox.endpoint}/v25.0/dialog/oauth?"), request.url)
            assertTrue("client_id=$META_APP_ID" in request.url && "code_challenge_method=S256" in request.url, request.url)
            val stored = request.pending.toJson()
            val query = signIn(request.url)
            val token = app.exchangeCallback(PendingAuthorization.fromJson(stored), query)
            assertFromNow(Duration.ofHours(1), token.expiresAt())
            val to = sandbox.newRecipient()
            val receipt = Client(metaOptions(token)).use { it.send(metaText(to)) }
            assertEquals(receipt.messageId, sandbox.metaLedgerTo(to).single().messageId)
        }
    }

    @Test
    fun `a callback of another sign-in is StateMismatch`() = runBlocking<Unit> {
        metaApp().use { app ->
            val first = app.authorizationUrl(REDIRECT, listOf(MESSAGING_SCOPE))
            val second = app.authorizationUrl(REDIRECT, listOf(MESSAGING_SCOPE))
            val query = signIn(second.url)
            val e = assertFailsWith<ChatlaneException.Authentication> { app.exchangeCallback(first.pending, query) }
            assertEquals("StateMismatch", e.code)
            assertEquals(0u, e.attempts)
            assertNotNull(app.exchangeCallback(second.pending, query), "its own sign-in still exchanges the code")
        }
    }

    @Test
    fun `a code exchanged twice is InvalidGrant`() = runBlocking<Unit> {
        metaApp().use { app ->
            val request = app.authorizationUrl(REDIRECT, listOf(MESSAGING_SCOPE))
            val query = signIn(request.url)
            app.exchangeCallback(request.pending, query)
            val e = assertFailsWith<ChatlaneException.Authentication> { app.exchangeCallback(request.pending, query) }
            assertEquals("InvalidGrant", e.code)
        }
    }

    @Test
    fun `a wrong app secret is InvalidClient, never quoted`() = runBlocking<Unit> {
        val secret = "wrong-app-secret-never-printed"
        metaApp(secret).use { wrong ->
            val e = assertFailsWith<ChatlaneException.Authentication> { wrong.exchangeCode(sandbox.metaCode()) }
            assertEquals("InvalidClient", e.code)
            assertFalse(secret in e.message + e.detail + wrong.toString(), e.message)
        }
    }

    @Test
    fun `a code handed over without a redirect is exchanged, and inspect describes the token`() = runBlocking<Unit> {
        metaApp().use { app ->
            val token = app.exchangeCode(sandbox.metaCode())
            val info = app.inspect(token)
            assertTrue(info.isValid)
            assertEquals(META_APP_ID, info.appId)
            assertEquals("USER", info.kind)
            assertTrue(MESSAGING_SCOPE in info.scopes, "${info.scopes}")
            assertTrue(info.granularScopes.any { it.scope == MESSAGING_SCOPE && it.targetIds.isNotEmpty() }, "$info")
            assertEquals(Duration.ofHours(1), Duration.between(assertNotNull(info.issuedAt), assertNotNull(info.expiresAt)))
            sandbox.revokeMetaToken(token.token())
            assertFalse(app.inspect(token).isValid)
        }
    }

    @Test
    fun `longLived gives a token of about 60 days`() = runBlocking<Unit> {
        metaApp().use { app ->
            val short = app.exchangeCode(sandbox.metaCode())
            val long = app.longLived(short)
            assertFromNow(Duration.ofDays(60), long.expiresAt())
            assertTrue(app.inspect(long).isValid)
        }
    }

    @Test
    fun `neither the app secret, the tokens nor the PKCE verifier appear in toString`() = runBlocking<Unit> {
        metaApp().use { app ->
            val request = app.authorizationUrl(REDIRECT, listOf(MESSAGING_SCOPE))
            val verifier = Json.parseToJsonElement(request.pending.toJson()).jsonObject.getValue("verifier").jsonPrimitive.content
            val token = app.exchangeCallback(request.pending, signIn(request.url))
            val shown = listOf(app.toString(), request.toString(), request.pending.toString(), token.toString())
            for (text in shown) {
                assertFalse(META_APP_SECRET in text || verifier in text || token.token() in text, "a secret leaked: $text")
            }
            assertTrue(REDIRECT in request.pending.toString(), "the redirect URI is not secret: ${request.pending}")
        }
    }

    @Test
    fun `a stored pending authorization that is not one is a Configuration exception`() {
        val e = assertFailsWith<ChatlaneException.Configuration> { PendingAuthorization.fromJson("""{"state":"x"}""") }
        assertEquals("InvalidConfig", e.code)
        val bad = assertFailsWith<ChatlaneException.Configuration> { MetaApp(META_APP_ID, META_APP_SECRET, graphUrl = "http://graph.example") }
        assertEquals("InvalidConfig", bad.code)
    }
}
