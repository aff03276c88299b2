// chatlane from Kotlin against the benchmark endpoints, as bench/PROTOCOL.md describes (impl
// `chatlane-kotlin`): for CAMS (BENCH_ENDPOINT), then Meta's Cloud API (BENCH_META_ENDPOINT),
// `sequential` (runBlocking, one send at a time) and `inflight64` (BENCH_INFLIGHT coroutines on
// Dispatchers.Default, each sending one message at a time until all are sent); `import` and
// `rss_after_10000` (CAMS, read before the Meta client exists). Clients have fake credentials
// and client-side pacing off. JSON lines go to stdout, everything else to stderr; the first
// failed send ends the run with exit code 1.
//
// `import` is the time from the first touch of a chatlane class to a built `Client` (loading
// the generated classes, JNA and the native library, registering its functions, building the
// client) and the RSS right after it, median of 10 fresh JVMs started by this program (each
// runs `BenchKt --import-once`). JVM start-up itself is excluded: the clock starts in `main`.
//
// Compiled into the Kotlin package's classes by its Maven profile `bench`, which bundles the
// release build of the native library (target/release). From the repository root:
//
//   cargo build --release --locked -p chatlane-uniffi && cargo build --locked -p uniffi-bindgen
//   mvn -q -B -Pbench -f bindings/uniffi/kotlin/pom.xml -Dchatlane.skipCargo=true compile
//   k=bindings/uniffi/kotlin/target
//   BENCH_ENDPOINT=http://127.0.0.1:18080 BENCH_META_ENDPOINT=http://127.0.0.1:18090 \
//     BENCH_COUNT=20000 BENCH_INFLIGHT=64 \
//     java -cp "$k/classes:$(cat $k/runtime-classpath.txt)" dev.chatlane.bench.BenchKt
//
// (Without -Dchatlane.skipCargo=true the profile runs both cargo builds itself.)
package dev.chatlane.bench

import dev.chatlane.AccessToken
import dev.chatlane.ChatlaneException
import dev.chatlane.Client
import dev.chatlane.ClientOptions
import dev.chatlane.Credentials
import dev.chatlane.model.Channel
import dev.chatlane.model.Content
import dev.chatlane.model.Message
import dev.chatlane.model.Template
import dev.chatlane.model.Text
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withContext
import java.io.File
import java.lang.management.ManagementFactory
import java.util.Locale
import java.util.concurrent.atomic.AtomicInteger
import kotlin.system.exitProcess

private const val IMPL = "chatlane-kotlin"
private const val WARM_UP = 1_000
private const val RSS_SENDS = 10_000
private const val IMPORT_RUNS = 10
private const val IMPORT_ONCE = "--import-once"

/** The APIs measured, in this order, and the variable naming each one's endpoint. */
private enum class Provider(val endpointVariable: String) {
    CAMS("BENCH_ENDPOINT"),
    META("BENCH_META_ENDPOINT"),
    ;

    /** The `provider` option and label: `cams`, `meta`. */
    val label get() = name.lowercase()
    val endpoint get() = System.getenv(endpointVariable) ?: fail("$endpointVariable is not set")
}

fun main(args: Array<String>) {
    if (args.contentEquals(arrayOf(IMPORT_ONCE))) {
        importOnce()
        return
    }
    val count = envNumber("BENCH_COUNT", 20_000)
    val inflight = envNumber("BENCH_INFLIGHT", 64)
    try {
        run(count, inflight)
    } catch (e: ChatlaneException) {
        fail("send failed (${e.code()}): ${e.message}")
    }
    exitProcess(0)
}

private fun run(count: Int, inflight: Int) {
    System.err.println("$IMPL: $count messages per scenario, pacing off")
    val (importMs, importRss) = importInFreshJvms()
    line("import", "\"ms\": ${fmt(importMs, 2)}, \"rss_mb\": ${fmt(importRss, 1)}")

    for (provider in Provider.entries) {
        newClient(provider).use { client ->
            val messages = messages(provider)
            runBlocking { sequential(client, messages, WARM_UP) }
            val (seqSeconds, seqLatencies) = runBlocking { sequential(client, messages, count) }
            throughput(provider, "sequential", count, seqSeconds, seqLatencies)

            runBlocking { inFlight(client, messages, WARM_UP, inflight) }
            val (inSeconds, inLatencies) = runBlocking { inFlight(client, messages, count, inflight) }
            throughput(provider, "inflight$inflight", count, inSeconds, inLatencies)

            if (provider == Provider.CAMS) rssAfterSends(client, messages, count)
        }
    }
}

/** `rss_after_10000`: the RSS after [RSS_SENDS] more sequential sends on `client`. */
private fun rssAfterSends(client: Client, messages: List<Message>, count: Int) {
    val allocatedBefore = allocatedBytes()
    runBlocking { sequential(client, messages, RSS_SENDS) }
    line("rss_after_10000", "\"rss_mb\": ${fmt(rssMb(), 1)}")
    val perSend = (allocatedBytes() - allocatedBefore) / RSS_SENDS
    val heap = Runtime.getRuntime()
    System.err.println(
        "$IMPL: ${2 * (WARM_UP + count) + RSS_SENDS} sends in this process before the RSS reading; " +
            "JVM heap committed ${heap.totalMemory() shr 20} MiB (max ${heap.maxMemory() shr 20} MiB: " +
            "-Xmx bounds it), ~$perSend bytes allocated on the heap per sequential send",
    )
}

/** A `provider` client for its endpoint, with fake credentials and pacing off. */
private fun newClient(provider: Provider): Client {
    val options = ClientOptions(provider = provider.label, endpoint = provider.endpoint, rateLimitDisabled = true)
    return Client(
        when (provider) {
            Provider.CAMS -> options.copy(credentials = Credentials("bench-key-id", "bench-key-secret"))
            Provider.META -> options.copy(accessToken = AccessToken("bench-token"))
        },
    )
}

/** The messages sends cycle through: CAMS a template then a text, Meta a text from a phone number ID. */
private fun messages(provider: Provider): List<Message> {
    fun text(from: String) =
        Message(channel = Channel.WHATSAPP, from = from, to = "6591234567", content = Content.Text(Text(text = "hello")))
    return when (provider) {
        Provider.CAMS -> listOf(
            Message(
                channel = Channel.WHATSAPP,
                from = "8613800000000",
                to = "6591234567",
                template = Template(code = "744c4b5c79c94324", language = "en", params = mapOf("name" to "Ada", "code" to "123456")),
            ),
            text("8613800000000"),
        )
        Provider.META -> listOf(text("106540352242922"))
    }
}

/** `count` sends one after another: elapsed seconds and each send's latency in ns. */
private suspend fun sequential(client: Client, messages: List<Message>, count: Int): Pair<Double, LongArray> {
    val latencies = LongArray(count)
    val started = System.nanoTime()
    for (i in 0 until count) {
        val sent = System.nanoTime()
        client.send(messages[i % messages.size])
        latencies[i] = System.nanoTime() - sent
    }
    return (System.nanoTime() - started) / 1e9 to latencies
}

/**
 * `count` sends by `inflight` coroutines on Dispatchers.Default, each sending one message at a
 * time until all are sent (PROTOCOL.md's workers). The first failure cancels the rest and is
 * rethrown.
 */
private suspend fun inFlight(client: Client, messages: List<Message>, count: Int, inflight: Int): Pair<Double, LongArray> =
    withContext(Dispatchers.Default) {
        val latencies = LongArray(count)
        val next = AtomicInteger()
        val started = System.nanoTime()
        coroutineScope {
            repeat(inflight) {
                launch {
                    while (true) {
                        val i = next.getAndIncrement()
                        if (i >= count) break
                        val sent = System.nanoTime()
                        client.send(messages[i % messages.size])
                        latencies[i] = System.nanoTime() - sent
                    }
                }
            }
        }
        (System.nanoTime() - started) / 1e9 to latencies
    }

/** The child side of `import`: times the first (CAMS) `Client`, prints `ms rss_mb` and exits. */
private fun importOnce() {
    val started = System.nanoTime()
    val client = newClient(Provider.CAMS)
    val ms = (System.nanoTime() - started) / 1e6
    val rss = rssMb()
    client.close()
    println("${fmt(ms, 3)} ${fmt(rss, 2)}")
}

/** Median `import` time and RSS over [IMPORT_RUNS] fresh JVMs with this JVM's options. */
private fun importInFreshJvms(): Pair<Double, Double> {
    val java = File(System.getProperty("java.home"), "bin/java").path
    val command = listOf(java) + ManagementFactory.getRuntimeMXBean().inputArguments +
        listOf("-cp", System.getProperty("java.class.path"), "dev.chatlane.bench.BenchKt", IMPORT_ONCE)
    val samples = (1..IMPORT_RUNS).map {
        val process = ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start()
        val out = process.inputStream.bufferedReader().readText().trim()
        if (process.waitFor() != 0) fail("the import probe failed (exit ${process.exitValue()}): $out")
        val (ms, rss) = out.split(" ").map(String::toDouble)
        ms to rss
    }
    return median(samples.map { it.first }) to median(samples.map { it.second })
}

private fun throughput(provider: Provider, scenario: String, count: Int, seconds: Double, latencies: LongArray) {
    latencies.sort()
    line(
        scenario,
        "\"provider\": \"${provider.label}\", \"count\": $count, \"seconds\": ${fmt(seconds, 4)}, \"msgs_per_s\": ${fmt(count / seconds, 1)}, " +
            "\"p50_us\": ${fmt(percentileUs(latencies, 0.50), 1)}, \"p99_us\": ${fmt(percentileUs(latencies, 0.99), 1)}",
    )
}

/** Nearest-rank percentile of sorted nanosecond latencies, in microseconds. */
private fun percentileUs(sorted: LongArray, p: Double): Double {
    val rank = Math.ceil(p * sorted.size).toInt().coerceIn(1, sorted.size)
    return sorted[rank - 1] / 1e3
}

private fun median(values: List<Double>): Double {
    val sorted = values.sorted()
    val mid = sorted.size / 2
    return if (sorted.size % 2 == 1) sorted[mid] else (sorted[mid - 1] + sorted[mid]) / 2
}

/** Bytes allocated on the JVM heap by every thread since start-up (HotSpot's estimate). */
private fun allocatedBytes(): Long =
    (ManagementFactory.getThreadMXBean() as com.sun.management.ThreadMXBean).totalThreadAllocatedBytes

/** Resident set size from /proc/self/status, in MiB. */
private fun rssMb(): Double {
    val line = File("/proc/self/status").readLines().firstOrNull { it.startsWith("VmRSS:") }
        ?: fail("cannot read VmRSS from /proc/self/status")
    return line.split(Regex("\\s+"))[1].toDouble() / 1024
}

private fun line(scenario: String, fields: String) =
    println("{\"impl\": \"$IMPL\", \"scenario\": \"$scenario\", $fields}")

private fun fmt(value: Double, decimals: Int) = String.format(Locale.ROOT, "%.${decimals}f", value)

private fun envNumber(name: String, default: Int): Int {
    val value = System.getenv(name) ?: return default
    return value.trim().toIntOrNull()?.takeIf { it > 0 } ?: fail("$name=\"$value\" is not a positive whole number")
}

private fun fail(message: String): Nothing {
    System.err.println("$IMPL: $message")
    exitProcess(1)
}
