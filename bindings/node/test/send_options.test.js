'use strict'

// A send's own settings: `timeoutMs` replaces the client's request timeout for that send's
// attempts, shorter or longer, and is checked like every option.

const assert = require('node:assert/strict')
const { test } = require('node:test')

const { Client, ConfigurationError, OutcomeUnknownError } = require('chatlane')
const { sandboxOptions, sharedSandbox } = require('./sandbox.js')

const shared = sharedSandbox(Client)
let next = 0
const recipient = () => `659${String(process.pid % 1000).padStart(3, '0')}${String(++next).padStart(4, '0')}`
const text = (to) => ({ from: '8613800000000', to, content: { messageType: 'text', text: 'hi' } })

async function slowAnswerTo(to, ms) {
  await shared.sandbox.inject({ fault: { kind: 'latency', ms }, times: 1, to })
}

test('a shorter timeout of its own gives up on a slow answer', async () => {
  const to = recipient()
  await slowAnswerTo(to, 2000)
  const client = new Client(sandboxOptions(shared.sandbox, { requestTimeoutMs: 10_000 }))
  const error = await client.send(text(to), { timeoutMs: 100 }).catch((e) => e)
  assert.ok(error instanceof OutcomeUnknownError, String(error))
  assert.equal(error.attempts, 1)
})

test('a longer timeout of its own waits for a slow answer', async () => {
  const to = recipient()
  await slowAnswerTo(to, 300)
  const client = new Client(sandboxOptions(shared.sandbox, { requestTimeoutMs: 100 }))
  const receipt = await client.send(text(to), { timeoutMs: 5000 })
  assert.equal(receipt.attempts, 1)
})

test('a bad timeout is a ConfigurationError', async () => {
  for (const timeoutMs of [0, -1, Number.NaN, 100_000_000, '5']) {
    const error = await shared.client.send(text(recipient()), { timeoutMs }).catch((e) => e)
    assert.ok(error instanceof ConfigurationError, `${timeoutMs}: ${error}`)
    assert.equal(error.code, 'InvalidConfig')
  }
})
