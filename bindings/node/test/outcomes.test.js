'use strict'

// Answers that must never lead to a second send, through the Node binding: an accepted
// message answered with garbage, a success carrying a retry-after header, a 502 with the
// code ServiceUnavailable (outcome unknown) against a 503 (retried). The sandbox's ledger
// proves whether the message was accepted, its journal how many requests were made.

const assert = require('node:assert/strict')
const util = require('node:util')
const { test } = require('node:test')

const { Client, ChatlaneError, OutcomeUnknownError } = require('chatlane')
const { sharedSandbox } = require('./sandbox.js')

const FROM = '8613900000000'

const shared = sharedSandbox(Client)
let recipients = 0

/** A recipient no other test of this file uses, so fault rules and records stay apart. */
function recipient() {
  recipients += 1
  return `659240${String(recipients).padStart(4, '0')}`
}

/** A text message to `to`. */
function text(to) {
  return { from: FROM, to, content: { messageType: 'text', text: 'hello' } }
}

/** The requests and the ledger entries for `to`. */
async function recordsOf(to) {
  const [requests, ledger] = await Promise.all([shared.sandbox.requests(), shared.sandbox.ledger()])
  return { requests: requests.filter((r) => r.to === to), landed: ledger.filter((e) => e.params.To === to) }
}

/** Sends to a fresh recipient after injecting `fault`: the rejection, the recipient's records. */
async function failedSend(fault) {
  const to = recipient()
  await shared.sandbox.inject({ fault, to })
  const error = await shared.client.send(text(to)).then(
    (value) => assert.fail(`expected a rejection, got ${util.inspect(value)}`),
    (reason) => reason,
  )
  return { error, ...(await recordsOf(to)) }
}

/** Asserts `error` is an outcome-unknown rejection after exactly one request. */
function assertOutcomeUnknown(error, requests) {
  assert.ok(error instanceof OutcomeUnknownError, String(error))
  assert.ok(error instanceof ChatlaneError)
  assert.equal(error.code, 'OutcomeUnknown')
  assert.equal(error.attempts, 1)
  assert.equal(requests.length, 1, 'sent exactly once')
}

test('an accepted message answered with garbage is OutcomeUnknownError, in the ledger once with its TaskId', async () => {
  const { error, requests, landed } = await failedSend({ kind: 'accept_then', body: '<html>502 Bad Gateway</html>' })
  assertOutcomeUnknown(error, requests)
  assert.equal(error.httpStatus, 200)
  assert.equal(landed.length, 1)
  assert.equal(landed[0].params.TaskId, error.taskId)
})

test('Code OK without a MessageId is OutcomeUnknownError', async () => {
  const { error, requests, landed } = await failedSend({ kind: 'accept_then', body: '{"Code":"OK"}' })
  assertOutcomeUnknown(error, requests)
  assert.deepEqual(landed.map((e) => e.params.TaskId), [error.taskId])
})

test('an answer that is not JSON is OutcomeUnknownError naming the request ID from the header', async () => {
  const { error, requests, landed } = await failedSend({ kind: 'malformed' })
  assertOutcomeUnknown(error, requests)
  assert.equal(typeof error.requestId, 'string')
  assert.ok(error.requestId.length > 0)
  assert.ok(error.message.includes(error.requestId), error.message)
  assert.equal(landed.length, 0)
})

test('a success with a retry-after header resolves after one attempt', async () => {
  const to = recipient()
  await shared.sandbox.inject({ fault: { kind: 'with_headers', headers: { 'x-acs-retry-after': '300' } }, to })
  const receipt = await shared.client.send(text(to))
  assert.equal(receipt.attempts, 1)
  const { requests, landed } = await recordsOf(to)
  assert.deepEqual(requests.map((r) => r.outcome), ['OK'])
  assert.deepEqual(landed.map((e) => e.messageId), [receipt.messageId])
})

test('a 502 with Code ServiceUnavailable is OutcomeUnknownError and is not retried', async () => {
  const { error, requests, landed } = await failedSend({ kind: 'error', status: 502, code: 'ServiceUnavailable' })
  assertOutcomeUnknown(error, requests)
  assert.equal(error.platformCode, 'ServiceUnavailable')
  assert.equal(error.httpStatus, 502)
  assert.equal(landed.length, 0)
})

test('a 503 is retried and the message is sent once', async () => {
  const to = recipient()
  await shared.sandbox.inject({ fault: { kind: 'error', status: 503, code: 'ServiceUnavailable' }, to })
  const receipt = await shared.client.send(text(to))
  assert.equal(receipt.attempts, 2)
  const { requests, landed } = await recordsOf(to)
  assert.deepEqual(requests.map((r) => r.outcome), ['ServiceUnavailable', 'OK'])
  assert.deepEqual(landed.map((e) => e.messageId), [receipt.messageId])
})
