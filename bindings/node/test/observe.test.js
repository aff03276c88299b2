'use strict'

// The onRetry / onOutcome hooks against the sandbox's faults. Hooks run on the JS thread,
// perhaps just after the send's promise settles, so each test waits for the events it
// expects (never for a time).

const assert = require('node:assert/strict')
const { test } = require('node:test')

const { Client, ConfigurationError, PermissionDeniedError } = require('chatlane')
const { sharedSandbox, sandboxOptions } = require('./sandbox.js')

const shared = sharedSandbox(Client)
let sequence = 0

/** A recipient no other test sends to. */
function recipient() {
  sequence += 1
  return `6597${String(process.pid % 1000).padStart(3, '0')}${String(sequence).padStart(4, '0')}`
}

function text(to) {
  return { from: '8613900000000', to, content: { messageType: 'text', text: 'hello' } }
}

/** A client whose hooks record their events; `outcome` resolves with the first outcome. */
function observed({ fail = false } = {}) {
  const retries = []
  let resolveOutcome
  const outcome = new Promise((resolve) => (resolveOutcome = resolve))
  const client = new Client({
    ...sandboxOptions(shared.sandbox),
    onRetry: (event) => {
      retries.push(event)
      if (fail) throw new Error('a hook that throws')
    },
    onOutcome: (event) => {
      resolveOutcome(event)
      if (fail) throw new Error('a hook that throws')
    },
  })
  return { client, retries, outcome }
}

test('a throttled then accepted send calls onRetry once and onOutcome once', async () => {
  const to = recipient()
  await shared.sandbox.inject({ fault: { kind: 'throttle', retryAfterMs: 50 }, times: 1, to })
  const { client, retries, outcome } = observed()
  const receipt = await client.send(text(to))
  const finished = await outcome
  assert.equal(retries.length, 1)
  assert.deepEqual(retries[0], {
    operation: 'SendChatappMessage',
    taskId: receipt.taskId,
    attempt: 1,
    code: 'Throttled',
    httpStatus: 400,
    delayMs: 50,
  })
  assert.equal(finished.ok, true)
  assert.equal(finished.errorCode, undefined)
  assert.deepEqual(
    [finished.taskId, finished.attempts, finished.messageId, finished.requestId],
    [receipt.taskId, 2, receipt.messageId, receipt.requestId],
  )
  assert.ok(finished.latencyMs > 0)
})

test('a refused send reports its error code to onOutcome', async () => {
  const to = recipient()
  await shared.sandbox.inject({ fault: { kind: 'error', status: 403, code: 'Forbidden.RAM' }, times: 1, to })
  const { client, retries, outcome } = observed()
  const error = await client.send(text(to)).catch((e) => e)
  assert.ok(error instanceof PermissionDeniedError, String(error))
  const finished = await outcome
  assert.deepEqual(
    [finished.ok, finished.errorCode, finished.httpStatus, finished.attempts, finished.taskId],
    [false, error.code, 403, 1, error.taskId],
  )
  assert.equal(finished.messageId, undefined)
  assert.equal(retries.length, 0)
})

test('a hook that throws does not change the result and becomes a warning', async () => {
  const to = recipient()
  await shared.sandbox.inject({ fault: { kind: 'throttle', retryAfterMs: 50 }, times: 1, to })
  const warnings = []
  const onWarning = (warning) => warnings.push(warning)
  process.on('warning', onWarning)
  try {
    const { client, retries, outcome } = observed({ fail: true })
    const receipt = await client.send(text(to))
    assert.equal(receipt.attempts, 2)
    assert.equal((await outcome).messageId, receipt.messageId)
    assert.equal(retries.length, 1)
    await new Promise((resolve) => setImmediate(resolve))
    const ours = warnings.filter((w) => w.code === 'CHATLANE_HOOK_ERROR')
    assert.ok(ours.length >= 1, `warnings: ${warnings.map(String)}`)
  } finally {
    process.off('warning', onWarning)
  }
})

test('hooks must be functions', () => {
  assert.throws(() => new Client({ ...sandboxOptions(shared.sandbox), onOutcome: 'log' }), ConfigurationError)
  new Client({ ...sandboxOptions(shared.sandbox), onRetry: null, onOutcome: undefined })
})
