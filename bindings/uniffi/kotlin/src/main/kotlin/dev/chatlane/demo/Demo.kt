// The Kotlin demo: a template, a text and a location through chatlane.
//
// Reads the endpoint from CHATLANE_ENDPOINT (the CAMS default when unset) and the
// credentials from ALIBABA_CLOUD_ACCESS_KEY_ID / ALIBABA_CLOUD_ACCESS_KEY_SECRET (the core
// reads them when no Credentials are given). From the repository root:
//
//   mvn -q -B -f bindings/uniffi/kotlin/pom.xml compile
//   k=bindings/uniffi/kotlin/target
//   java -cp "$k/classes:$(cat $k/runtime-classpath.txt)" dev.chatlane.demo.DemoKt
package dev.chatlane.demo

import dev.chatlane.ChatlaneException
import dev.chatlane.Client
import dev.chatlane.ClientOptions
import dev.chatlane.model.Channel
import dev.chatlane.model.Content
import dev.chatlane.model.Location
import dev.chatlane.model.Message
import dev.chatlane.model.Template
import dev.chatlane.model.Text
import kotlinx.coroutines.runBlocking
import kotlin.system.exitProcess

/** The demo's sender and recipient (WhatsApp numbers, digits only). */
private const val FROM = "8613900000000"
private const val TO = "8613800000000"

/** Sends a template, a text and a location and prints their `MessageId`s; exits 1 on an error. */
fun main() {
    try {
        runBlocking {
            Client(ClientOptions(endpoint = System.getenv("CHATLANE_ENDPOINT"))).use { client ->
                val template = client.send(
                    Message(
                        channel = Channel.WHATSAPP,
                        from = FROM,
                        to = TO,
                        template = Template(code = "744c4b5c79c94324", language = "en", params = mapOf("name" to "Ada")),
                    ),
                )
                println("kotlin  template  MessageId=${template.messageId}")
                val text = client.send(
                    Message(channel = Channel.WHATSAPP, from = FROM, to = TO, content = Content.Text(Text(text = "Hello from Kotlin"))),
                )
                println("kotlin  text      MessageId=${text.messageId}")
                val place = Location(longitude = 103.8545, latitude = 1.2868, name = "Merlion Park", address = "1 Fullerton Rd")
                val location = client.send(
                    Message(channel = Channel.WHATSAPP, from = FROM, to = TO, content = Content.Location(place)),
                )
                println("kotlin  location  MessageId=${location.messageId}")
            }
        }
    } catch (e: ChatlaneException) {
        System.err.println("kotlin  failed: ${e.code()}: ${e.detail()}")
        exitProcess(1)
    }
}
