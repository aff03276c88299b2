'use strict'

// Cancellation and shutdown against the sandbox: a send aborted through its `signal` never
// goes out later, a process or worker that ends with sends in flight ends cleanly every time,
// and one client's pacing never holds up another client of the same account.

const assert = require('node:assert/strict')
const { execFile } = require('node:child_process')
const path = require('node:path')
const { setTimeout: sleep } = require('node:timers/promises')
const { test } = require('node:test')

const { Client, ThrottledError } = require('chatlane')
const { startSandbox, sharedSandbox, sandboxOptions } = require('./sandbox.js')

const PACKAGE = path.resolve(__dirname, '..')
const shared = sharedSandbox(Client)

/** Runs per way of ending mid-flight, and how many run at once. */
const EXIT_RUNS = 16
const EXIT_PARALLEL = 4

/** A failure bound for a child process, not a timing assertion. */
const CHILD_TIMEOUT_MS = 30_000

let recipients = 0
/** A recipient no other test of this file sends to. */
function recipient() {
  recipients += 1
  return `659125${String(recipients).padStart(4, '0')}`
}

function text(to) {
  return { from: '8613900000000', to, content: { messageType: 'text', text: 'hello' } }
}

/** The journal of requests to `to` on `box`. */
async function requestsTo(box, to) {
  return (await box.requests()).filter((request) => request.to === to)
}

/** Lets `pending` run for `ms`, aborts `controller`, and returns what `pending` rejected with. */
async function abortAfter(ms, controller, pending) {
  let settled = false
  const outcome = pending.then(
    (receipt) => assert.fail(`the send resolved: ${JSON.stringify(receipt)}`),
    (error) => error,
  )
  pending.finally(() => (settled = true)).catch(() => {})
  await sleep(ms)
  assert.equal(settled, false, 'the send settled before it was aborted')
  controller.abort()
  return outcome
}

test('a send aborted while it waits for its pacing slot rejects with AbortError and never goes out', async () => {
  const own = await startSandbox({ accessKeyId: 'node-cancel-pacing', accessKeySecret: 'node-cancel-pacing-secret' })
  try {
    const client = new Client(sandboxOptions(own, { rateLimitPerSecond: 1 }))
    const to = recipient()
    await client.send(text(to))
    const controller = new AbortController()
    const error = await abortAfter(300, controller, client.send(text(to), { signal: controller.signal }))
    assert.equal(error.name, 'AbortError')
    assert.equal(error, controller.signal.reason)
    await sleep(1_500)
    assert.equal((await requestsTo(own, to)).length, 1)
    assert.equal((await own.ledger()).length, 1)
  } finally {
    own.stop()
  }
})

test('a send aborted during a retry backoff is never retried, and rejects with the given reason', async () => {
  const to = recipient()
  await shared.sandbox.inject({ fault: { kind: 'throttle', retryAfterMs: 1_000 }, to })
  const controller = new AbortController()
  const pending = shared.client.send(text(to), { signal: controller.signal })
  const reason = new Error('no longer needed')
  let settled = false
  pending.finally(() => (settled = true)).catch(() => {})
  await sleep(300)
  assert.equal(settled, false)
  controller.abort(reason)
  await assert.rejects(pending, (error) => error === reason)
  assert.equal((await requestsTo(shared.sandbox, to)).length, 1, 'the first attempt went out and was throttled')
  await sleep(1_500)
  assert.deepEqual((await requestsTo(shared.sandbox, to)).map((r) => r.outcome), ['Throttling.User'])
})

test('an aborted signal sends nothing; a signal never aborted changes nothing', async () => {
  const to = recipient()
  await assert.rejects(shared.client.send(text(to), { signal: AbortSignal.abort() }), { name: 'AbortError' })
  await assert.rejects(shared.client.send(text(to), { signal: {} }), TypeError)
  const receipt = await shared.client.send(text(to), { signal: new AbortController().signal })
  assert.equal(receipt.attempts, 1)
  assert.equal((await requestsTo(shared.sandbox, to)).length, 1)
})

test('a slow client never makes a fast one of the same account wait', async () => {
  const to = recipient()
  const slow = new Client(sandboxOptions(shared.sandbox, { rateLimitPerSecond: 0.1 }))
  const fast = new Client(sandboxOptions(shared.sandbox, { rateLimitMaxWaitMs: 1_000 }))
  await slow.send(text(to))
  // Made to wait for the slow client's schedule (10 s), the fast one would be refused
  // (RateLimited) by its one-second maximum wait.
  for (let i = 0; i < 5; i++) {
    await fast.send(text(to))
  }
  const capped = new Client(sandboxOptions(shared.sandbox, { rateLimitPerSecond: 0.1, rateLimitMaxWaitMs: 1_000 }))
  await assert.rejects(capped.send(text(to)), ThrottledError)
})

/**
 * A child process that starts 200 sends against a slow sandbox and ends while they are in
 * flight: by `process.exit` after `delay` ms, or by terminating the worker thread that sends.
 */
const END_MID_FLIGHT = `
  const [options, to, how, delay] = JSON.parse(process.argv[1])
  const text = { from: '8613900000000', to, content: { messageType: 'text', text: 'bye' } }
  const sends = \`
    const { Client } = require(\${JSON.stringify(${JSON.stringify(PACKAGE)})})
    const client = new Client(\${JSON.stringify(options)})
    for (let i = 0; i < 200; i++) client.send(\${JSON.stringify(text)}).catch(() => {})
  \`
  if (how === 'exit') {
    eval(sends)
    setTimeout(() => process.exit(0), delay)
  } else {
    const { Worker } = require('node:worker_threads')
    const worker = new Worker(sends, { eval: true })
    worker.once('online', () => setTimeout(() => worker.terminate(), delay))
  }
`

/** How one child process ended: `{code, signal, stderr}`. */
function endMidFlight(to, how, run) {
  const options = sandboxOptions(shared.sandbox, { rateLimitDisabled: true })
  const args = ['-e', END_MID_FLIGHT, JSON.stringify([options, to, how, 20 + (run % 8) * 30])]
  return new Promise((resolve) => {
    execFile(process.execPath, args, { timeout: CHILD_TIMEOUT_MS }, (error, _stdout, stderr) => {
      resolve({ code: error ? error.code : 0, signal: error?.signal ?? null, stderr })
    })
  })
}

for (const how of ['exit', 'worker']) {
  test(`ending a ${how === 'exit' ? 'process' : 'worker'} with sends in flight is clean every time`, async () => {
    const to = recipient()
    await shared.sandbox.inject({ fault: { kind: 'latency', ms: 20, jitterMs: 300 }, to, times: 1_000_000 })
    const ends = []
    for (let batch = 0; batch < EXIT_RUNS; batch += EXIT_PARALLEL) {
      const runs = Array.from({ length: EXIT_PARALLEL }, (_, i) => endMidFlight(to, how, batch + i))
      ends.push(...(await Promise.all(runs)))
    }
    const failed = ends.filter((end) => end.code !== 0 || end.signal !== null)
    assert.deepEqual(failed, [], `${failed.length} of ${EXIT_RUNS} runs failed`)
    assert.ok((await requestsTo(shared.sandbox, to)).length > 0, "the children's sends reached the sandbox")
  })
}
