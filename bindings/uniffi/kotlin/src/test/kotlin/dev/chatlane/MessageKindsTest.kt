package dev.chatlane

import dev.chatlane.model.ButtonAction
import dev.chatlane.model.Channel
import dev.chatlane.model.Contact
import dev.chatlane.model.ContactKind
import dev.chatlane.model.ContactName
import dev.chatlane.model.Contacts
import dev.chatlane.model.Content
import dev.chatlane.model.Email
import dev.chatlane.model.Header
import dev.chatlane.model.Interactive
import dev.chatlane.model.InteractiveText
import dev.chatlane.model.ListAction
import dev.chatlane.model.ListRow
import dev.chatlane.model.ListSection
import dev.chatlane.model.MassMessage
import dev.chatlane.model.Message
import dev.chatlane.model.Phone
import dev.chatlane.model.Recipient
import dev.chatlane.model.Reply
import dev.chatlane.model.ReplyButton
import dev.chatlane.model.Template
import dev.chatlane.model.TextVideo
import dev.chatlane.model.ViberLabel
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Test
import kotlin.test.assertEquals

private const val FROM = "8613900000000"
private const val TO = "8613800000000"

/**
 * Message kinds built natively from the generated records, with named arguments: each is
 * valid, and what reaches the sandbox's ledger is exactly its [wireParams].
 */
class MessageKindsTest : SandboxTest() {
    private fun whatsapp(content: Content) =
        Message(channel = Channel.WHATSAPP, from = FROM, to = TO, content = content, taskId = taskId())

    /** Sends [message] and checks the ledger holds exactly its wire parameters. */
    private suspend fun assertLands(message: Message, messageType: String) {
        assertEquals(emptyList(), violations(message))
        val expected = wireParams(message)
        assertEquals(messageType, expected["MessageType"])
        val receipt = client.send(message)
        val entry = sandbox.ledgerFor(receipt.taskId).single()
        assertEquals("SendChatappMessage", entry.action)
        assertEquals(receipt.messageId, entry.messageId)
        assertEquals(expected, entry.params)
    }

    @Test
    fun `interactive reply buttons`() = runBlocking<Unit> {
        val buttons = Interactive.Button(
            header = Header.Text(text = "Order 42"),
            body = InteractiveText(text = "Deliver tomorrow between 9 and 12?"),
            footer = InteractiveText(text = "Reply to confirm"),
            action = ButtonAction(
                buttons = listOf(
                    ReplyButton(reply = Reply(id = "yes", title = "Yes")),
                    ReplyButton(reply = Reply(id = "later", title = "Another day")),
                ),
            ),
        )
        assertLands(whatsapp(Content.Interactive(buttons)), "interactive")
    }

    @Test
    fun `interactive list`() = runBlocking<Unit> {
        val list = Interactive.List(
            body = InteractiveText(text = "Pick a delivery slot"),
            action = ListAction(
                button = "Slots",
                sections = listOf(
                    ListSection(
                        title = "Monday",
                        rows = listOf(
                            ListRow(id = "mon-9", title = "9:00–12:00", description = "Morning"),
                            ListRow(id = "mon-14", title = "14:00–17:00"),
                        ),
                    ),
                    ListSection(title = "Tuesday", rows = listOf(ListRow(id = "tue-9", title = "9:00–12:00"))),
                ),
            ),
        )
        assertLands(whatsapp(Content.Interactive(list)), "interactive")
    }

    @Test
    fun `contact cards`() = runBlocking<Unit> {
        val ada = Contact(
            name = ContactName(formattedName = "Ada Lovelace", firstName = "Ada", lastName = "Lovelace"),
            phones = listOf(Phone(phone = "+44 20 7946 0000", kind = "CELL", waId = "442079460000")),
            emails = listOf(Email(email = "ada@example.com", kind = ContactKind.WORK)),
        )
        assertLands(whatsapp(Content.Contacts(Contacts(contacts = listOf(ada)))), "contacts")
    }

    @Test
    fun `viber text with a video`() = runBlocking<Unit> {
        val video = TextVideo(
            text = "Our new collection",
            link = "https://example.com/collection.mp4",
            thumbnail = "https://example.com/collection.jpg",
            fileSize = 1_048_576uL,
            duration = 42u,
        )
        val message = Message(
            channel = Channel.VIBER,
            from = "viber-service-1",
            to = TO,
            content = Content.TextVideo(video),
            taskId = taskId(),
            label = ViberLabel.PROMOTION,
            ttl = 3600u,
        )
        assertLands(message, "text_video")
    }

    @Test
    fun `a mass send lands as one SendChatappMassMessage`() = runBlocking<Unit> {
        val message = MassMessage(
            channel = Channel.WHATSAPP,
            from = FROM,
            template = Template(code = "744c4b5c79c94324", language = "en", params = mapOf("shop" to "Ada's")),
            recipients = listOf(
                Recipient(to = "8613800000001", params = mapOf("name" to "Ada")),
                Recipient(to = "8613800000002", params = mapOf("name" to "Grace"), payload = listOf("stop")),
            ),
            taskId = taskId(),
        )
        assertEquals(emptyList(), massViolations(message))
        val receipt = client.sendMass(message)
        val entry = sandbox.ledgerFor(receipt.taskId).single()
        assertEquals("SendChatappMassMessage", entry.action)
        assertEquals(receipt.messageId, entry.messageId, "the GroupMessageId")
        assertEquals(massWireParams(message), entry.params)
    }
}
