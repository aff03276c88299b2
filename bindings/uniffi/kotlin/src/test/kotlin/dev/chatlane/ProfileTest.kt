package dev.chatlane

import dev.chatlane.model.Channel
import dev.chatlane.model.Content
import dev.chatlane.model.Message
import dev.chatlane.model.Text
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Test
import java.nio.file.Files
import java.time.Instant
import java.util.concurrent.atomic.AtomicInteger
import java.nio.file.Path
import kotlin.io.path.writeText
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertTrue

/** Credentials from a profile of the Alibaba Cloud CLI's configuration (`profile`, `profileFile`) and from an ECS RAM role. */
class ProfileTest : SandboxTest() {
    /** A config whose profile `sandbox` holds the sandbox's keys and `stale` unknown ones. */
    private fun config(): Path = Files.createTempFile("chatlane-aliyun-", ".json").apply {
        toFile().deleteOnExit()
        writeText(
            """{"current":"stale","profiles":[
              {"name":"stale","mode":"AK","access_key_id":"stale-id","access_key_secret":"stale-secret"},
              {"name":"sandbox","mode":"AK","access_key_id":"$SANDBOX_KEY_ID","access_key_secret":"$SANDBOX_KEY_SECRET"}]}""",
        )
    }

    @Test
    fun `a named profile signs the sends`() = runBlocking<Unit> {
        Client(ClientOptions(profile = "sandbox", profileFile = config().toString(), endpoint = sandbox.endpoint)).use { client ->
            val to = sandbox.newRecipient()
            val receipt = client.send(Message(channel = Channel.WHATSAPP, from = "8613800000000", to = to, content = Content.Text(Text("hi"))))
            assertEquals(receipt.messageId, sandbox.ledgerTo(to).single().messageId)
        }
    }

    @Test
    fun `a missing profile is MissingCredentials and keys with a profile are refused`() {
        val missing = assertFailsWith<ChatlaneException.Configuration> {
            Client(ClientOptions(profile = "nope", profileFile = config().toString()))
        }
        assertEquals("MissingCredentials", missing.code)
        assertTrue(missing.toString().contains("nope"), missing.toString())
        val both = assertFailsWith<ChatlaneException.Configuration> {
            Client(options().copy(profile = "sandbox"))
        }
        assertEquals("InvalidConfig", both.code)
    }

    @Test
    fun `an ECS RAM role signs the sends with its STS credentials`() = runBlocking<Unit> {
        // The sandbox emulates the instance metadata service too: "" takes the instance's role.
        val options = ClientOptions(endpoint = sandbox.endpoint, ecsRamRole = "", ecsMetadataEndpoint = sandbox.endpoint)
        Client(options).use { client ->
            val to = sandbox.newRecipient()
            val receipt = client.send(Message(channel = Channel.WHATSAPP, from = "8613800000000", to = to, content = Content.Text(Text("hi"))))
            assertEquals(receipt.messageId, sandbox.ledgerTo(to).single().messageId)
        }
        val unknown = ClientOptions(endpoint = sandbox.endpoint, ecsRamRole = "nope", ecsMetadataEndpoint = sandbox.endpoint)
        Client(unknown).use { client ->
            val e = assertFailsWith<ChatlaneException.Configuration> {
                client.send(Message(channel = Channel.WHATSAPP, from = "8613800000000", to = sandbox.newRecipient(), content = Content.Text(Text("hi"))))
            }
            assertEquals("MissingCredentials", e.code)
        }
    }

    @Test
    fun `a credentials provider is asked once while its credentials last, and a throwing one sends nothing`() = runBlocking<Unit> {
        val calls = AtomicInteger()
        val provider = object : CredentialsProvider {
            override fun credentials(): ProvidedCredentials {
                calls.incrementAndGet()
                return ProvidedCredentials(Credentials(SANDBOX_KEY_ID, SANDBOX_KEY_SECRET, "provided-token"), Instant.now().plusSeconds(3600))
            }
        }
        val text = { Message(channel = Channel.WHATSAPP, from = "8613800000000", to = sandbox.newRecipient(), content = Content.Text(Text("hi"))) }
        Client(ClientOptions(credentialsProvider = provider, endpoint = sandbox.endpoint)).use { client ->
            client.send(text())
            client.send(text())
        }
        assertEquals(1, calls.get())
        val sealed = object : CredentialsProvider {
            override fun credentials(): ProvidedCredentials = throw java.io.IOException("the vault is sealed")
        }
        Client(ClientOptions(credentialsProvider = sealed, endpoint = sandbox.endpoint)).use { client ->
            val e = assertFailsWith<ChatlaneException.Configuration> { client.send(text()) }
            assertEquals("MissingCredentials", e.code)
            assertEquals(0u, e.attempts)
        }
    }
}
