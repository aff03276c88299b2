'use strict'

// Shared by the Node benchmark scripts (official.js, chatlane_bench.js): the messages every
// implementation sends, hrtime-based timing with per-message latency percentiles, the
// concurrency-capped runner, require time / RSS measured in child processes, and the JSON
// lines of bench/PROTOCOL.md on stdout (everything else goes to stderr).
//
// A script calls `main({ impl, requireCode, setup, providers })`:
//   impl         the `impl` field of every line, e.g. 'official-node'
//   requireCode  JavaScript that requires the package, run with `node -e` for `import`
//   setup        async (settings, provider) => send, where `send(i)` sends message i through
//                `provider` (CAMS: even a template, odd a text) and resolves once it succeeded,
//                throwing on any failure
//   providers    the APIs whose throughput is measured, in order (default ['cams']); each
//                throughput line names its `provider`, the first one's client serves `rss_after`

const { spawnSync } = require('node:child_process')

/** The messages of bench/PROTOCOL.md, as plain data each script maps to its own API. */
const MESSAGE = Object.freeze({
  from: '8613800000000',
  metaFrom: '106540352242922', // Meta's sender: a business phone number ID
  to: '6591234567',
  templateCode: '744c4b5c79c94324',
  language: 'en',
  templateParams: Object.freeze({ name: 'Ada', code: '123456' }),
  text: 'hello',
})

const WARMUP = 1000
const RSS_SENDS = 10000
const IMPORT_RUNS = 10
const RSS_CHILD_FLAG = '--rss-after-sends'

/** The benchmark settings from the environment (bench/PROTOCOL.md). */
function settings() {
  const endpoint = process.env.BENCH_ENDPOINT || 'http://127.0.0.1:18080'
  const metaEndpoint = process.env.BENCH_META_ENDPOINT || 'http://127.0.0.1:18090'
  const count = positiveInt('BENCH_COUNT', 20000)
  const inflight = positiveInt('BENCH_INFLIGHT', 64)
  return { endpoint, metaEndpoint, count, inflight }
}

function positiveInt(name, fallback) {
  const raw = process.env[name]
  if (raw === undefined || raw === '') {
    return fallback
  }
  const value = Number(raw)
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`${name} must be a positive whole number, not ${JSON.stringify(raw)}`)
  }
  return value
}

/** Monotonic clock in nanoseconds (a Number: exact to 2^53 ns, about 104 days). */
function nowNs() {
  return Number(process.hrtime.bigint())
}

/** The p-th percentile (0..100, nearest rank) of an ascending array. */
function percentile(sorted, p) {
  if (sorted.length === 0) {
    return NaN
  }
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]
}

function median(values) {
  const sorted = Float64Array.from(values).sort()
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

function round(value, digits) {
  const scale = 10 ** digits
  return Math.round(value * scale) / scale
}

function mib(bytes) {
  return round(bytes / (1024 * 1024), 1)
}

/** Writes one JSON line on stdout (synchronous for files and pipes on Linux). */
function emit(record) {
  process.stdout.write(JSON.stringify(record) + '\n')
}

function log(message) {
  process.stderr.write(`${message}\n`)
}

/**
 * Sends `count` messages with at most `inflight` outstanding (1: one at a time): `inflight`
 * workers under one Promise.all, each taking the next index until all are taken. Resolves
 * with the elapsed seconds and every message's latency in microseconds; rejects with the
 * first failure, after which no worker starts another send.
 */
async function runCapped(send, count, inflight, offset = 0) {
  const latenciesUs = new Float64Array(count)
  let next = 0
  let failed = false
  const worker = async () => {
    while (!failed && next < count) {
      const i = next++
      const start = nowNs()
      try {
        await send(offset + i)
      } catch (error) {
        failed = true
        throw error
      }
      latenciesUs[i] = (nowNs() - start) / 1000
    }
  }
  const start = nowNs()
  await Promise.all(Array.from({ length: Math.min(inflight, count) }, worker))
  const seconds = (nowNs() - start) / 1e9
  return { seconds, latenciesUs }
}

/** Runs one throughput scenario and emits its line. */
async function throughput(impl, provider, scenario, send, count, inflight, offset) {
  const { seconds, latenciesUs } = await runCapped(send, count, inflight, offset)
  latenciesUs.sort()
  emit({
    impl,
    provider,
    scenario,
    count,
    seconds: round(seconds, 4),
    msgs_per_s: round(count / seconds, 1),
    p50_us: round(percentile(latenciesUs, 50), 1),
    p99_us: round(percentile(latenciesUs, 99), 1),
  })
}

/** Runs `node ...args` to completion; returns its wall time in ms and its stdout. */
function runNode(args) {
  const start = nowNs()
  const child = spawnSync(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
    timeout: 600_000,
  })
  const ms = (nowNs() - start) / 1e6
  if (child.error || child.status !== 0) {
    throw new Error(`node ${args.join(' ')} failed: ${child.error ?? `exit status ${child.status}, signal ${child.signal}`}`)
  }
  return { ms, stdout: child.stdout }
}

/**
 * `import`: wall time of a node start that runs `requireCode` minus that of a bare start
 * (medians of IMPORT_RUNS interleaved runs each, after one unmeasured run of each), and the
 * median RSS each child reports right after the require.
 */
function measureImport(impl, requireCode) {
  const report = ';process.stdout.write(String(process.memoryUsage().rss))'
  const bare = { ms: [], rss: [] }
  const loaded = { ms: [], rss: [] }
  runNode(['-e', report])
  runNode(['-e', requireCode + report])
  for (let run = 0; run < IMPORT_RUNS; run++) {
    for (const [code, into] of [[report, bare], [requireCode + report, loaded]]) {
      const { ms, stdout } = runNode(['-e', code])
      const rss = Number(stdout)
      if (!Number.isFinite(rss)) {
        throw new Error(`node -e ${JSON.stringify(code)} printed ${JSON.stringify(stdout)}, not its RSS`)
      }
      into.ms.push(ms)
      into.rss.push(rss)
    }
  }
  const bareMs = median(bare.ms)
  const loadedMs = median(loaded.ms)
  log(
    `${impl} import: bare node ${round(bareMs, 1)} ms / ${mib(median(bare.rss))} MiB, ` +
      `with the require ${round(loadedMs, 1)} ms / ${mib(median(loaded.rss))} MiB (medians of ${IMPORT_RUNS})`,
  )
  emit({ impl, scenario: 'import', ms: round(loadedMs - bareMs, 1), rss_mb: mib(median(loaded.rss)) })
}

/**
 * `rss_after_10000`: a fresh process (this script again, with RSS_CHILD_FLAG) requires the
 * package, sends RSS_SENDS messages one at a time and reports its RSS, so the number shows
 * growth per send rather than the peak of 64 in flight, and depends neither on BENCH_COUNT
 * nor on what the throughput scenarios left behind.
 */
function measureRssAfterSends(impl) {
  const { stdout } = runNode([process.argv[1], RSS_CHILD_FLAG])
  const child = JSON.parse(stdout)
  log(`${impl} rss: ${mib(child.afterRequire)} MiB after the require, ${mib(child.afterSends)} MiB after ${RSS_SENDS} sends`)
  emit({ impl, scenario: `rss_after_${RSS_SENDS}`, rss_mb: mib(child.afterSends) })
}

/** The child side of measureRssAfterSends (the package is required by the script itself). */
async function rssChild(setup, provider) {
  const afterRequire = process.memoryUsage().rss
  const send = await setup(settings(), provider)
  await runCapped(send, RSS_SENDS, 1)
  const afterSends = process.memoryUsage().rss
  process.stdout.write(JSON.stringify({ afterRequire, afterSends }))
}

async function bench({ impl, requireCode, setup, providers = ['cams'] }) {
  if (process.argv.includes(RSS_CHILD_FLAG)) {
    await rssChild(setup, providers[0])
    return
  }
  const config = settings()
  const { count, inflight } = config
  measureImport(impl, requireCode)
  for (const provider of providers) {
    const send = await setup(config, provider)
    // Warm-up: half one at a time, half with the in-flight cap (so connections are open).
    await runCapped(send, WARMUP / 2, 1)
    await runCapped(send, WARMUP / 2, inflight, WARMUP / 2)
    await throughput(impl, provider, 'sequential', send, count, 1, 0)
    await throughput(impl, provider, `inflight${inflight}`, send, count, inflight, 0)
  }
  measureRssAfterSends(impl)
}

/** Runs the benchmark and exits: 0 when every send succeeded, 1 otherwise. */
function main(options) {
  bench(options).then(
    () => process.exit(0),
    (error) => {
      log(`${options.impl}: ${error && error.stack ? error.stack : error}`)
      process.exit(1)
    },
  )
}

module.exports = { MESSAGE, settings, nowNs, percentile, median, emit, log, runCapped, main }
