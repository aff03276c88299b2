// A user's Kotlin program on the installed jar: suspending sends of a template and a text in
// runBlocking (the library comes from the jar's linux-x86-64/ resources through JNA).
import dev.chatlane.ChatlaneException
import dev.chatlane.Client
import dev.chatlane.ClientOptions
import dev.chatlane.model.Channel
import dev.chatlane.model.Content
import dev.chatlane.model.Message
import dev.chatlane.model.Template
import dev.chatlane.model.Text
import kotlinx.coroutines.runBlocking
import kotlin.system.exitProcess

fun main() = runBlocking {
    val client = Client(ClientOptions(endpoint = System.getenv("CHATLANE_ENDPOINT")))
    try {
        val template = client.send(
            Message(
                channel = Channel.WHATSAPP, from = "8613900000000", to = "8613800000000",
                template = Template(code = "744c4b5c79c94324", language = "en", params = mapOf("name" to "Ada")),
            ),
        )
        println("kotlin  template  MessageId=${template.messageId}")
        val text = client.send(
            Message(channel = Channel.WHATSAPP, from = "8613900000000", to = "8613800000000", content = Content.Text(Text(text = "Hello from a jar"))),
        )
        println("kotlin  text      MessageId=${text.messageId}")
    } catch (error: ChatlaneException) {
        System.err.println("kotlin  failed    [${error.code()}] $error")
        exitProcess(1)
    } finally {
        client.close()
    }
}
