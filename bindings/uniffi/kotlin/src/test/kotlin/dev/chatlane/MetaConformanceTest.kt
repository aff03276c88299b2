package dev.chatlane

import kotlinx.serialization.json.Json
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

/**
 * The Meta conformance cases (both files of `tests/conformance/meta`) through the Kotlin records: each
 * message's JSON becomes a record in Rust ([messageFromJson]), crosses into Kotlin and back
 * ([metaViolations], [metaBody]), and must give exactly the case's violations `(code, path)`
 * in order, or exactly its request body (compared as parsed JSON, `taskId` as
 * `biz_opaque_callback_data`).
 */
class MetaConformanceTest {
    private val root = Path.of(System.getProperty("chatlane.root") ?: error("set -Dchatlane.root to the repository"))
    private val conformance = root.resolve("tests/conformance")

    /** The shared files' messages by case name, per file, read once. */
    private val sharedCases = mutableMapOf<String, Map<String, String>>()

    /** Every case of both Meta files. */
    @TestFactory
    fun `meta conformance cases`(): List<DynamicTest> {
        val files = conformance.resolve("meta").listDirectoryEntries("*.json").map { it.fileName.toString() }.sorted()
        assertEquals(listOf("meta.json", "shared.json"), files)
        return files.flatMap { file ->
            val cases = parse(conformance.resolve("meta/$file")).getValue("cases").jsonArray.map { it.jsonObject }
            assertTrue(cases.isNotEmpty(), "no cases in meta/$file")
            cases.map { case ->
                val name = case.string("name") ?: fail("meta/$file: a case without a name")
                dynamicTest(name) {
                    try {
                        verify(message(name, case), case)
                    } catch (e: Throwable) {
                        throw AssertionError("$name: ${e.message}", e)
                    }
                }
            }
        }
    }

    private fun verify(messageJson: String, case: JsonObject) {
        val message = messageFromJson(messageJson)
        val found = metaViolations(message).map { it.code to it.path }
        val expected = case["violations"]?.jsonArray?.map {
            val violation = it.jsonObject
            violation.string("code")!! to violation.string("path")!!
        }
        if (expected != null) {
            assertEquals(expected, found, "violations (code, path)")
            return
        }
        assertEquals(emptyList(), found, "expected a valid message")
        val body = case["body"]?.jsonObject ?: fail("neither a body nor violations")
        assertEquals(body, Json.parseToJsonElement(metaBody(message, message.taskId)), "body")
    }

    /** The case's message JSON: its own (`meta/…`), or the shared case of its name in its `source` file. */
    private fun message(name: String, case: JsonObject): String {
        case["message"]?.let { return it.toString() }
        val source = case.string("source") ?: fail("neither a message nor a source")
        val shared = sharedCases.getOrPut(source) {
            parse(conformance.resolve(source)).getValue("cases").jsonArray.associate {
                it.jsonObject.string("name")!! to it.jsonObject.getValue("message").toString()
            }
        }
        return shared[name] ?: fail("no case $name in $source")
    }

    private fun parse(file: Path): JsonObject = Json.parseToJsonElement(file.readText()).jsonObject

    private fun JsonObject.string(key: String): String? = get(key)?.jsonPrimitive?.content
}
