// chatlane from Kotlin against the benchmark endpoint, as bench/PROTOCOL.md describes (impl
// `chatlane-kotlin`): `sequential` (runBlocking, one send at a time), `inflight64`
// (BENCH_INFLIGHT coroutines on Dispatchers.Default, each sending one message at a time until
// all are sent), `import` and `rss_after_10000`. JSON lines go to stdout, everything else to
// stderr; the first failed send ends the run with exit code 1.
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
//   BENCH_ENDPOINT=http://127.0.0.1:18080 BENCH_COUNT=20000 BENCH_INFLIGHT=64 \
//     java -cp "$k/classes:$(cat $k/runtime-classpath.txt)" dev.chatlane.bench.BenchKt
//
// (Without -Dchatlane.skipCargo=true the profile runs both cargo builds itself.)
package dev.chatlane.bench

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
private const val RATE_LIMIT_PER_SECOND = 10_000_000.0
private const val IMPORT_ONCE = "--import-once"

fun main(args: Array<String>) {
    val endpoint = System.getenv("BENCH_ENDPOINT") ?: fail("BENCH_ENDPOINT is not set")
    if (args.contentEquals(arrayOf(IMPORT_ONCE))) {
        importOnce(endpoint)
        return
    }
    val count = envNumber("BENCH_COUNT", 20_000)
    val inflight = envNumber("BENCH_INFLIGHT", 64)
    try {
        run(endpoint, count, inflight)
    } catch (e: ChatlaneException) {
        fail("send failed (${e.code()}): ${e.message}")
    }
    exitProcess(0)
}

private fun run(endpoint: String, count: Int, inflight: Int) {
    System.err.println("$IMPL: $endpoint, $count messages per scenario, rate limit ${RATE_LIMIT_PER_SECOND.toLong()}/s")
    val (importMs, importRss) = importInFreshJvms()
    line("import", "\"ms\": ${fmt(importMs, 2)}, \"rss_mb\": ${fmt(importRss, 1)}")

    newClient(endpoint).use { client ->
        val messages = messages()
        runBlocking { sequential(client, messages, WARM_UP) }
        val (seqSeconds, seqLatencies) = runBlocking { sequential(client, messages, count) }
        throughput("sequential", count, seqSeconds, seqLatencies)

        runBlocking { inFlight(client, messages, WARM_UP, inflight) }
        val (inSeconds, inLatencies) = runBlocking { inFlight(client, messages, count, inflight) }
        throughput("inflight$inflight", count, inSeconds, inLatencies)

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
}

private fun newClient(endpoint: String) = Client(
    ClientOptions(
        credentials = Credentials("bench-key-id", "bench-key-secret"),
        endpoint = endpoint,
        rateLimitPerSecond = RATE_LIMIT_PER_SECOND,
    ),
)

/** The two messages sends alternate between (template first). */
private fun messages() = listOf(
    Message(
        channel = Channel.WHATSAPP,
        from = "8613800000000",
        to = "6591234567",
        template = Template(code = "744c4b5c79c94324", language = "en", params = mapOf("name" to "Ada", "code" to "123456")),
    ),
    Message(channel = Channel.WHATSAPP, from = "8613800000000", to = "6591234567", content = Content.Text(Text(text = "hello"))),
)

/** `count` sends one after another: elapsed seconds and each send's latency in ns. */
private suspend fun sequential(client: Client, messages: List<Message>, count: Int): Pair<Double, LongArray> {
    val latencies = LongArray(count)
    val started = System.nanoTime()
    for (i in 0 until count) {
        val sent = System.nanoTime()
        client.send(messages[i % 2])
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
                        client.send(messages[i % 2])
                        latencies[i] = System.nanoTime() - sent
                    }
                }
            }
        }
        (System.nanoTime() - started) / 1e9 to latencies
    }

/** The child side of `import`: times the first `Client`, prints `ms rss_mb` and exits. */
private fun importOnce(endpoint: String) {
    val started = System.nanoTime()
    val client = newClient(endpoint)
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

private fun throughput(scenario: String, count: Int, seconds: Double, latencies: LongArray) {
    latencies.sort()
    line(
        scenario,
        "\"count\": $count, \"seconds\": ${fmt(seconds, 4)}, \"msgs_per_s\": ${fmt(count / seconds, 1)}, " +
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
