package dev.chatlane

import dev.chatlane.model.Channel
import dev.chatlane.model.Content
import dev.chatlane.model.Image
import dev.chatlane.model.MediaRef
import dev.chatlane.model.MediaUpload
import dev.chatlane.model.Message
import kotlinx.coroutines.runBlocking
import kotlinx.serialization.json.buildJsonObject
import kotlinx.serialization.json.jsonObject
import kotlinx.serialization.json.put
import org.junit.jupiter.api.Test
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.nio.file.Files
import java.security.MessageDigest
import kotlin.test.assertContentEquals
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertNotNull
import kotlin.test.assertTrue

/**
 * Meta's media through the generated Kotlin API against the sandbox's Meta face: a file
 * uploaded for the business number and sent by its media ID, looked up, downloaded with its
 * SHA-256 checked (a stale URL replaced, a damaged file refused), deleted; a user's image
 * downloaded by the ID its message gave; and what a CAMS client or a numberless upload refuses.
 */
class MetaMediaTest : SandboxTest() {
    private val png = byteArrayOf(0x89.toByte(), 'P'.code.toByte(), 'N'.code.toByte(), 'G'.code.toByte()) + ByteArray(5_000) { 3 }

    /** [png] uploaded for the sandbox's number through [meta]. */
    private suspend fun upload(meta: Client) =
        meta.uploadMedia(MediaUpload(bytes = png, fileName = "logo.png", phoneNumberId = META_PHONE_NUMBER_ID))

    @Test
    fun `an upload for the number gives a media ID, sent as an image, described and downloaded`() = runBlocking<Unit> {
        Client(metaOptions()).use { meta ->
            val uploaded = upload(meta)
            val id = assertNotNull(uploaded.id)
            assertEquals(listOf(null, null), listOf(uploaded.url, uploaded.key), "a URL and a key are CAMS's")
            assertEquals(png.size.toULong() to "image/png", uploaded.size to uploaded.contentType)

            val to = sandbox.newRecipient()
            val image = Content.Image(Image(id = id, caption = "our logo"))
            val receipt = meta.send(Message(channel = Channel.WHATSAPP, from = META_PHONE_NUMBER_ID, to = to, content = image))
            val sent = sandbox.metaLedgerTo(to).single()
            assertEquals(receipt.messageId, sent.messageId)
            val expected = buildJsonObject {
                put("id", id)
                put("caption", "our logo")
            }
            assertEquals(expected, sent.body.getValue("image").jsonObject)

            val info = meta.mediaInfo(MediaRef(mediaId = id))
            assertEquals(listOf(id, "image/png", sha256(png)), listOf(info.id, info.contentType, info.sha256))
            assertEquals(png.size.toULong(), info.size)
            assertTrue(info.url.startsWith("${sandbox.endpoint}/whatsapp_business/attachments/?"), info.url)
            assertEquals(info, meta.mediaInfo(MediaRef(mediaId = id, phoneNumberId = META_PHONE_NUMBER_ID)))

            val downloaded = meta.downloadMedia(MediaRef(mediaId = id, phoneNumberId = META_PHONE_NUMBER_ID))
            assertContentEquals(png, downloaded.data)
            assertEquals("image/png" to info.sha256, downloaded.contentType to downloaded.sha256)

            val otherNumber = MediaRef(mediaId = id, phoneNumberId = "106540352242999")
            val foreign = assertFailsWith<ChatlaneException.InvalidParameter> { meta.mediaInfo(otherNumber) }
            assertEquals("100", foreign.platformCode)
        }
    }

    @Test
    fun `a download after its URL expired asks for a fresh one, and a damaged file is MalformedResponse`() = runBlocking<Unit> {
        Client(metaOptions()).use { meta ->
            val media = MediaRef(mediaId = upload(meta).id!!)
            val stale = meta.mediaInfo(media).url
            sandbox.expireMetaMediaUrls()
            assertEquals(404, get(stale, bearer = META_TOKEN), "the URL looked up before is dead")
            assertContentEquals(png, meta.downloadMedia(media).data)

            sandbox.corruptMetaMedia(media.mediaId)
            val damaged = assertFailsWith<ChatlaneException.MalformedResponse> { meta.downloadMedia(media) }
            assertEquals("MalformedResponse", damaged.code)
            assertTrue(damaged.detail.contains("damaged"), damaged.detail)
        }
    }

    @Test
    fun `a deleted media is gone, so looking it up, downloading or deleting it again is InvalidParameter`() = runBlocking<Unit> {
        Client(metaOptions()).use { meta ->
            val media = MediaRef(mediaId = upload(meta).id!!, phoneNumberId = META_PHONE_NUMBER_ID)
            meta.deleteMedia(media)
            val lookup = assertFailsWith<ChatlaneException.InvalidParameter> { meta.mediaInfo(media) }
            assertEquals("InvalidParameter" to "100", lookup.code to lookup.platformCode)
            assertFailsWith<ChatlaneException.InvalidParameter> { meta.downloadMedia(media) }
            assertFailsWith<ChatlaneException.InvalidParameter> { meta.deleteMedia(media) }
        }
    }

    @Test
    fun `a user's image is downloaded by the media ID its message gave`() = runBlocking<Unit> {
        val photo = byteArrayOf(0xff.toByte(), 0xd8.toByte(), 0xff.toByte(), 0xe0.toByte()) + "a user's photo".toByteArray()
        val mediaId = sandbox.metaInboundImage(from = sandbox.newRecipient(), to = META_PHONE_NUMBER_ID, data = photo, mimeType = "image/jpeg")
        Client(metaOptions()).use { meta ->
            val downloaded = meta.downloadMedia(MediaRef(mediaId = mediaId))
            assertContentEquals(photo, downloaded.data)
            assertEquals("image/jpeg" to sha256(photo), downloaded.contentType to downloaded.sha256)
        }
    }

    @Test
    fun `a Meta upload needs the number it is for, and nothing is sent without it`() = runBlocking<Unit> {
        Client(metaOptions()).use { meta ->
            val dir = Files.createTempDirectory("chatlane-meta-media")
            try {
                val file = Files.write(dir.resolve("logo.png"), png)
                val before = sandbox.requests().size
                val numberless = assertFailsWith<ChatlaneException.InvalidParameter> {
                    meta.uploadMedia(MediaUpload(bytes = png, fileName = "logo.png"))
                }
                assertTrue(numberless.detail.startsWith("phoneNumberId: required"), numberless.detail)
                assertFailsWith<ChatlaneException.InvalidParameter> { meta.uploadMediaFile(file.toString()) }
                assertEquals(before, sandbox.requests().size, "nothing is sent")

                val uploaded = meta.uploadMediaFile(file.toString(), phoneNumberId = META_PHONE_NUMBER_ID)
                assertEquals("image/png", meta.mediaInfo(MediaRef(mediaId = uploaded.id!!)).contentType)
            } finally {
                dir.toFile().deleteRecursively()
            }
        }
    }

    @Test
    fun `a CAMS client has no media by ID`() = runBlocking<Unit> {
        val media = MediaRef(mediaId = "1037543291543636")
        val calls = listOf<suspend () -> Unit>(
            { client.mediaInfo(media) },
            { client.downloadMedia(media) },
            { client.deleteMedia(media) },
        )
        for (call in calls) {
            val refused = assertFailsWith<ChatlaneException.Configuration> { call() }
            assertEquals("InvalidConfig", refused.code)
            assertEquals(0u, refused.attempts, "nothing is sent")
        }
        val byId = Message(channel = Channel.WHATSAPP, from = "8613800000000", to = sandbox.newRecipient(),
            content = Content.Image(Image(id = "1037543291543636")))
        val found = violations(byId).map { it.code to it.path }
        assertTrue("channel_unsupported" to "content.id" in found, "$found")
    }

    /** The lowercase hex SHA-256 of [bytes], as Meta gives it. */
    private fun sha256(bytes: ByteArray) = MessageDigest.getInstance("SHA-256").digest(bytes).joinToString("") { "%02x".format(it) }

    /** The HTTP status a `GET` of [url] with the bearer token [bearer] answers. */
    private fun get(url: String, bearer: String): Int {
        val request = HttpRequest.newBuilder(URI(url)).header("authorization", "Bearer $bearer").build()
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.discarding()).statusCode()
    }
}
