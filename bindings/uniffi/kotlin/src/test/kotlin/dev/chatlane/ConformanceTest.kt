package dev.chatlane

import kotlinx.serialization.json.Json
import kotlinx.serialization.json.JsonElement
import kotlinx.serialization.json.JsonNull
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.jsonArray
import kotlinx.serialization.json.jsonObject
import kotlinx.serialization.json.jsonPrimitive
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.DynamicTest.dynamicTest
import org.junit.jupiter.api.TestFactory
import java.nio.file.Path
import kotlin.io.path.listDirectoryEntries
import kotlin.io.path.readText
import kotlin.test.assertEquals
import kotlin.test.assertTrue
import kotlin.test.fail

/** A shared case: a message's JSON and what every language must make of it. */
private class Case(
    val name: String,
    val mass: Boolean,
    /** The message's JSON text, keys in the file's order. */
    val message: String,
    /** The exact wire parameters of a valid message. */
    val wire: Map<String, String>?,
    /** The `(code, path)` violations of an invalid one, in order. */
    val violations: List<Pair<String, String>>?,
)

/**
 * The cross-language cases through the Kotlin records: each message's JSON becomes a record
 * in Rust ([messageFromJson]), crosses into Kotlin and back into Rust ([wireParams],
 * [violations]), and must come out as the core's own test expects: the same violations,
 * byte for byte the same wire parameters (template variables keep their order across the FFI).
 */
class ConformanceTest {
    private val root = Path.of(System.getProperty("chatlane.root") ?: error("set -Dchatlane.root to the repository"))

    /** Every case of every JSON file in `tests/conformance`. */
    @TestFactory
    fun `conformance cases`(): List<DynamicTest> {
        val files = root.resolve("tests/conformance").listDirectoryEntries("*.json").sorted()
        assertTrue(files.isNotEmpty(), "no cases in $root/tests/conformance")
        return files.flatMap { file -> parse(file).getValue("cases").jsonArray.map { case(it.jsonObject) } }.map(::named)
    }

    /** The model of each signing vector (`tests/vectors/models.json`) against the vector's request. */
    @TestFactory
    fun `signing vector models`(): List<DynamicTest> {
        val vectors = root.resolve("tests/vectors")
        val models = parse(vectors.resolve("models.json")).getValue("models").jsonObject
        assertTrue(models.isNotEmpty(), "no models in $vectors/models.json")
        return models.map { (file, model) ->
            val inputs = parse(vectors.resolve(file)).getValue("inputs").jsonObject
            val wire = strings(inputs["query_params"]) + strings(inputs["form_params"]) - setOf("Action", "Version")
            val case = Case(
                name = file,
                mass = model.jsonObject.string("operation") == "SendChatappMassMessage",
                message = model.jsonObject.getValue("message").toString(),
                wire = wire,
                violations = null,
            )
            named(case)
        }
    }

    /** A test of [case] whose failure, exception or not, starts with the case's name. */
    private fun named(case: Case): DynamicTest = dynamicTest(case.name) {
        try {
            verify(case)
        } catch (e: Throwable) {
            throw AssertionError("${case.name}: ${e.message}", e)
        }
    }

    private fun verify(case: Case) {
        val (found, wire) = if (case.mass) {
            val message = massMessageFromJson(case.message)
            massViolations(message) to massWireParams(message)
        } else {
            val message = messageFromJson(case.message)
            violations(message) to wireParams(message)
        }
        val pairs = found.map { it.code to it.path }
        if (case.violations != null) {
            assertEquals(case.violations, pairs, "violations (code, path)")
            return
        }
        assertEquals(emptyList(), pairs, "expected a valid message")
        assertWire(case.wire!!, wire)
    }

    private fun assertWire(expected: Map<String, String>, actual: Map<String, String>) {
        assertEquals(expected.keys.sorted(), actual.keys.sorted(), "wire parameter names")
        for ((name, value) in expected) {
            assertEquals(value, actual[name], name)
        }
    }

    private fun case(json: JsonObject): Case {
        val name = json.string("name") ?: fail("a case without a name: $json")
        return Case(
            name = name,
            mass = when (val operation = json.string("operation")) {
                "SendChatappMessage" -> false
                "SendChatappMassMessage" -> true
                else -> fail("$name: unknown operation $operation")
            },
            message = json["message"]?.toString() ?: fail("$name: no message"),
            wire = json["wire"]?.let(::strings),
            violations = json["violations"]?.jsonArray?.map {
                val violation = it.jsonObject
                violation.string("code")!! to violation.string("path")!!
            },
        )
    }

    private fun parse(file: Path): JsonObject = Json.parseToJsonElement(file.readText()).jsonObject

    /** A JSON object of strings as a map; absent or `null` is empty. */
    private fun strings(element: JsonElement?): Map<String, String> =
        if (element == null || element == JsonNull) emptyMap() else element.jsonObject.mapValues { it.value.jsonPrimitive.content }

    private fun JsonObject.string(key: String): String? = get(key)?.jsonPrimitive?.content
}
