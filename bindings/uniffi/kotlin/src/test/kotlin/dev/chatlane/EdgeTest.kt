package dev.chatlane

import dev.chatlane.model.Channel
import dev.chatlane.model.Content
import dev.chatlane.model.Location
import dev.chatlane.model.Message
import kotlinx.coroutines.runBlocking
import kotlinx.serialization.json.Json
import kotlinx.serialization.json.JsonArray
import kotlinx.serialization.json.JsonElement
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.JsonPrimitive
import kotlinx.serialization.json.booleanOrNull
import kotlinx.serialization.json.intOrNull
import kotlinx.serialization.json.jsonArray
import kotlinx.serialization.json.jsonObject
import kotlinx.serialization.json.jsonPrimitive
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.DynamicTest.dynamicTest
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestFactory
import java.nio.file.Path
import kotlin.io.path.readText
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertTrue
import kotlin.test.fail

/** A Kotlin value a case cannot be given as: the record's types refuse it before chatlane runs. */
private object Unrepresentable

/**
 * The shared edge cases (the JSON files of `tests/edge/`, see its README) through the Kotlin API. Options
 * become the typed [ClientOptions] record: a value its types cannot hold (a negative or
 * 2^32 count, a string for a number) is refused by Kotlin itself, and the test checks that
 * it is; every other value must give the same error as in every language.
 */
class EdgeTest {
    private val root = Path.of(System.getProperty("chatlane.root") ?: error("set -Dchatlane.root to the repository"))

    private fun cases(file: String): List<JsonObject> {
        val cases = Json.parseToJsonElement(root.resolve("tests/edge/$file").readText()).jsonObject.getValue("cases").jsonArray
        assertTrue(cases.size >= 10, "$file: too few cases")
        return cases.map { it.jsonObject }
    }

    @TestFactory
    fun `options json`(): List<DynamicTest> {
        val defaults = mapOf(
            "access_key_id" to JsonPrimitive("edge-key-id"),
            "access_key_secret" to JsonPrimitive("edge-key-secret"),
            "endpoint" to JsonPrimitive("http://127.0.0.1:9"),
        )
        var representable = 0
        val tests = cases("options.json").map { case ->
            dynamicTest(case.text("name")) {
                val options = defaults + case.getValue("options").jsonObject
                val expected = (case["error"] as? JsonPrimitive)?.takeIf { it.isString }?.content
                val outcome = runCatching { record(options) }
                if (outcome.getOrNull() === Unrepresentable) {
                    assertTrue(expected != null, "Kotlin's types refuse a value every other language accepts")
                    return@dynamicTest
                }
                representable++
                val thrown = outcome.exceptionOrNull() ?: runCatching { Client(outcome.getOrThrow() as ClientOptions).close() }.exceptionOrNull()
                if (expected == null) {
                    assertEquals(null, thrown, "the client should be built")
                    return@dynamicTest
                }
                assertTrue(thrown is ChatlaneException.Configuration, "expected a Configuration exception, got $thrown")
                assertEquals(expected, thrown.code)
                (case["hidden"] as? JsonPrimitive)?.content?.let { hidden ->
                    assertFalse(thrown.toString().contains(hidden), "the error quotes the secret: $thrown")
                }
            }
        }
        return tests + dynamicTest("most cases fit the Kotlin record") { assertTrue(representable >= 15, "$representable") }
    }

    /** The options as the Kotlin record, or [Unrepresentable]; credentials that Kotlin can hold but chatlane refuses throw. */
    private fun record(options: Map<String, JsonElement>): Any {
        var id: String? = null
        var secret: String? = null
        var built = ClientOptions()
        for ((name, value) in options) {
            when (name) {
                "access_key_id" -> id = text(value) ?: return Unrepresentable
                "access_key_secret" -> secret = text(value) ?: return Unrepresentable
                "endpoint" -> built = built.copy(endpoint = text(value) ?: return Unrepresentable)
                "cust_space_id" -> built = built.copy(custSpaceId = text(value) ?: return Unrepresentable)
                "rate_limit_per_second" -> built = built.copy(rateLimitPerSecond = double(value) ?: return Unrepresentable)
                "rate_limit_burst" -> built = built.copy(rateLimitBurst = whole(value)?.toUIntOrNull() ?: return Unrepresentable)
                "max_attempts" -> built = built.copy(maxAttempts = whole(value)?.toUIntOrNull() ?: return Unrepresentable)
                "rate_limit_disabled" -> built = built.copy(rateLimitDisabled = (value as? JsonPrimitive)?.takeUnless { it.isString }?.booleanOrNull ?: return Unrepresentable)
                "connect_timeout" -> built = built.copy(connectTimeoutMs = millis(value) ?: return Unrepresentable)
                "request_timeout" -> built = built.copy(requestTimeoutMs = millis(value) ?: return Unrepresentable)
                "rate_limit_max_wait" -> built = built.copy(rateLimitMaxWaitMs = millis(value) ?: return Unrepresentable)
                "retry_deadline" -> built = built.copy(retryDeadlineMs = millis(value) ?: return Unrepresentable)
                else -> fail("unknown option $name")
            }
        }
        return built.copy(credentials = Credentials(id ?: return Unrepresentable, secret ?: return Unrepresentable))
    }

    private fun text(value: JsonElement): String? = when {
        value is JsonPrimitive && value.isString -> value.content
        value is JsonObject && "\$repeat" in value -> value.getValue("\$repeat").jsonArray.let { (s, n) -> s.jsonPrimitive.content.repeat(n.jsonPrimitive.intOrNull!!) }
        else -> null
    }

    private fun double(value: JsonElement): Double? = when {
        value is JsonPrimitive && !value.isString -> value.content.toDoubleOrNull()
        value is JsonObject && "\$float" in value -> value.getValue("\$float").jsonPrimitive.content.toDouble()
        else -> null
    }

    /** The decimal text of a whole number (a plain number or an `$int`), else null. */
    private fun whole(value: JsonElement): String? = when {
        value is JsonPrimitive && !value.isString -> value.content
        value is JsonObject && "\$int" in value -> value.getValue("\$int").jsonPrimitive.content
        else -> null
    }

    private fun millis(value: JsonElement): ULong? = (value as? JsonObject)?.get("\$ms")?.jsonPrimitive?.content?.toULongOrNull()

    @TestFactory
    fun `messages json`(): List<DynamicTest> {
        var ran = 0
        val tests = cases("messages.json").map { case ->
            dynamicTest(case.text("name")) {
                if (case["unbuildable"]?.jsonObject?.containsKey("kotlin") == true) return@dynamicTest
                ran++
                val message = messageFromJson(build(case.getValue("message")).toString())
                val expected = case.getValue("violations").jsonArray.map { it.jsonObject.text("code") to it.jsonObject.text("path") }
                assertEquals(expected, violations(message).map { it.code to it.path })
                if (expected.isNotEmpty()) {
                    val client = Client(ClientOptions(credentials = Credentials("edge-key-id", "edge-key-secret"), endpoint = "http://127.0.0.1:9"))
                    val e = assertFailsWith<ChatlaneException.Validation> { runBlocking { client.send(message) } }
                    assertEquals(expected, e.violations.map { it.code to it.path })
                    client.close()
                }
            }
        }
        return tests + dynamicTest("most message cases run in Kotlin") { assertTrue(ran >= 7, "$ran") }
    }

    /** The JSON a case's message (with its buildable markers) stands for. */
    private fun build(value: JsonElement): JsonElement = when {
        value is JsonObject && "\$repeat" in value -> JsonPrimitive(text(value))
        value is JsonObject && "\$nest" in value -> {
            var nested: JsonElement = JsonPrimitive(1)
            repeat(value.getValue("\$nest").jsonPrimitive.intOrNull!!) { nested = JsonObject(mapOf("a" to nested)) }
            nested
        }
        value is JsonObject -> JsonObject(value.mapValues { build(it.value) })
        value is JsonArray -> JsonArray(value.map(::build))
        else -> value
    }

    @Test
    fun `the ClientOptions record declares every option of the core's table`() {
        val declared = ClientOptions::class.java.declaredFields.map { it.name }.toSet()
        val keys = setOf("accessKeyId", "accessKeySecret", "securityToken")
        val missing = clientOptionNames().filter { it !in declared && it !in keys }
        assertEquals(emptyList(), missing, "declared: $declared")
        assertTrue("credentials" in declared)
    }

    @Test
    fun `a record holding NaN is refused as out of range`() {
        // JSON text has no NaN, so the shared cases cannot say this for Kotlin; records can.
        val message = Message(
            channel = Channel.WHATSAPP,
            from = "8613800000000",
            to = "6591234567",
            content = Content.Location(Location(longitude = 103.8, latitude = Double.NaN)),
        )
        assertEquals(listOf("out_of_range" to "content.latitude"), violations(message).map { it.code to it.path })
    }

    @Test
    fun `a panic in a synchronous entry point is an Internal exception`() {
        val e = assertFailsWith<ChatlaneException.Internal> { panicProbeSync() }
        assertEquals("Internal", e.code)
        assertTrue(e.toString().contains("deliberate panic"), e.toString())
    }

    private fun JsonObject.text(key: String): String = getValue(key).jsonPrimitive.content
}
