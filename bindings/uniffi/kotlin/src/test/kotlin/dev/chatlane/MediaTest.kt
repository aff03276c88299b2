package dev.chatlane

import dev.chatlane.model.Channel
import dev.chatlane.model.Content
import dev.chatlane.model.Image
import dev.chatlane.model.MediaUpload
import dev.chatlane.model.Message
import kotlinx.coroutines.runBlocking
import kotlinx.serialization.json.Json
import kotlinx.serialization.json.jsonObject
import kotlinx.serialization.json.jsonPrimitive
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.nio.file.Files
import java.util.UUID
import kotlin.test.assertContentEquals
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertNotNull
import kotlin.test.assertNull
import kotlin.test.assertTrue

private const val BUSINESS = "8613800000000"
private const val SPACE = "cams-kt-media"

/** Media uploads through the generated Kotlin API against a sandbox's in-memory bucket. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MediaTest {
    private val keyId = "kt-media-" + UUID.randomUUID()
    private val png = byteArrayOf(0x89.toByte(), 'P'.code.toByte(), 'N'.code.toByte(), 'G'.code.toByte()) + ByteArray(10_000) { 7 }
    private lateinit var sandbox: Sandbox
    private lateinit var client: Client

    @BeforeAll
    fun start() {
        sandbox = Sandbox.start(keyId, """{"custSpaces": [{"id": "$SPACE", "numbers": ["$BUSINESS"]}]}""")
        client = Client(ClientOptions(credentials = Credentials(keyId, SANDBOX_KEY_SECRET), endpoint = sandbox.endpoint, custSpaceId = SPACE))
    }

    @AfterAll
    fun stop() {
        client.close()
        sandbox.close()
    }

    /** What the bucket serves at [url], without credentials. */
    private fun served(url: String): ByteArray {
        val answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI(url)).build(), HttpResponse.BodyHandlers.ofByteArray())
        assertEquals(200, answer.statusCode())
        return answer.body()
    }

    @Test
    fun `bytes are uploaded, served back and sent as an image link`() = runBlocking<Unit> {
        val uploaded = client.uploadMedia(MediaUpload(bytes = png, fileName = "logo.png"))
        assertEquals(png.size.toULong() to "image/png", uploaded.size to uploaded.contentType)
        assertNull(uploaded.id, "a media ID is Meta's")
        val key = assertNotNull(uploaded.key)
        val url = assertNotNull(uploaded.url)
        assertTrue(key.startsWith("$SPACE/") && key.endsWith("-logo.png"), key)
        assertTrue(url.startsWith("${sandbox.endpoint}/") && url.endsWith(key), url)
        assertContentEquals(png, served(url))

        val ada = sandbox.newRecipient()
        sandbox.inbound(from = ada, to = BUSINESS, text = "send me your logo")
        val image = Content.Image(Image(link = url, caption = "our logo"))
        val receipt = client.send(Message(channel = Channel.WHATSAPP, from = BUSINESS, to = ada, content = image))
        val entry = sandbox.ledger().single { it.messageId == receipt.messageId }
        val link = Json.parseToJsonElement(entry.params.getValue("Content")).jsonObject.getValue("link").jsonPrimitive.content
        assertEquals(url, link)

        val typed = client.uploadMedia(MediaUpload(bytes = png, fileName = "voice", contentType = "audio/ogg", custSpaceId = SPACE))
        assertEquals("audio/ogg", typed.contentType)
    }

    @Test
    fun `a file is uploaded by its path, named after it unless told otherwise`() = runBlocking<Unit> {
        val dir = Files.createTempDirectory("chatlane-media")
        try {
            val file = Files.write(dir.resolve("banner.png"), png)
            val uploaded = client.uploadMediaFile(file.toString())
            assertEquals(png.size.toULong() to "image/png", uploaded.size to uploaded.contentType)
            assertTrue(uploaded.key!!.endsWith("-banner.png"), uploaded.key)
            assertContentEquals(png, served(uploaded.url!!))
            val renamed = client.uploadMediaFile(file.toString(), fileName = "note.pdf")
            assertEquals("application/pdf", renamed.contentType)
            assertTrue(renamed.key!!.endsWith("-note.pdf"), renamed.key)

            val before = sandbox.requests().size
            val missing = assertFailsWith<ChatlaneException.Configuration> { client.uploadMediaFile(dir.resolve("absent.png").toString()) }
            assertEquals("InvalidConfig", missing.code)
            assertTrue(missing.toString().contains("absent.png"), missing.toString())
            assertEquals(before, sandbox.requests().size, "nothing is sent for a file that cannot be read")
        } finally {
            dir.toFile().deleteRecursively()
        }
    }

    @Test
    fun `what cannot be uploaded is InvalidParameter and nothing is sent`() = runBlocking<Unit> {
        val before = sandbox.requests().size to sandbox.ledger().size
        val empty = assertFailsWith<ChatlaneException.InvalidParameter> {
            client.uploadMedia(MediaUpload(bytes = ByteArray(0), fileName = "logo.png"))
        }
        assertEquals("InvalidParameter", empty.code())
        assertTrue(empty.detail().startsWith("bytes: the file is empty"), empty.detail())
        val nameless = assertFailsWith<ChatlaneException.InvalidParameter> { client.uploadMedia(MediaUpload(bytes = png, fileName = " ")) }
        assertTrue(nameless.detail().startsWith("fileName: required"), nameless.detail())
        assertEquals(before, sandbox.requests().size to sandbox.ledger().size)
    }
}
