'use strict'

// Reconciling sends of unknown outcome through the Node binding, against the sandbox: a send
// the sandbox never recorded (read, then the connection dropped) is proven absent and goes
// again exactly once; one it recorded stays unknown and is never re-sent. The ledger proves
// how many messages landed.

const assert = require('node:assert/strict')
const { test } = require('node:test')

const { Client, ConfigurationError, InvalidParameterError, OutcomeUnknownError } = require('chatlane')
const { rejection, sandboxOptions, startSandbox } = require('./sandbox.js')

const FROM = '8613800000000'
const TO = '6591234567'

/** A client recording unknown outcomes in its own in-memory store, for a fresh sandbox. */
async function setup(t, extra = { eventStore: ':memory:' }) {
  const sandbox = await startSandbox()
  t.after(() => sandbox.stop())
  const client = new Client(sandboxOptions(sandbox, { custSpaceId: 'cams-sandbox', rateLimitDisabled: true, ...extra }))
  return { sandbox, client }
}

/** A text message carrying `taskId`. */
function text(taskId) {
  return { from: FROM, to: TO, taskId, content: { messageType: 'text', text: 'your order shipped' } }
}

/** Sends `message` with `fault` on the next request: asserts an unknown outcome. */
async function unknown(sandbox, client, fault, message) {
  await sandbox.inject({ fault: { kind: fault } })
  const error = await rejection(client.send(message))
  assert.ok(error instanceof OutcomeUnknownError, String(error))
  assert.equal(error.taskId, message.taskId)
}

/** The ledger's TaskIds. */
async function taskIds(sandbox) {
  return (await sandbox.ledger()).map((entry) => entry.params.TaskId)
}

test('a dropped send is proven absent and sent again exactly once', async (t) => {
  const { sandbox, client } = await setup(t)
  await unknown(sandbox, client, 'drop', text('t-lost'))
  assert.deepEqual(await taskIds(sandbox), [])

  const before = Date.now()
  const [status, ...more] = await client.reconcile({ settleMs: 0 })
  assert.deepEqual(more, [])
  const { recordedMs, updatedMs, ...rest } = status
  assert.deepEqual(rest, { provider: 'cams', taskId: 't-lost', from: FROM, to: TO, state: 'absent', messageId: null })
  assert.ok(recordedMs <= updatedMs && updatedMs <= before, `${recordedMs} ${updatedMs} ${before}`)
  assert.ok((await sandbox.requests()).some((request) => request.action === 'ListChatappMessage'))

  const receipt = await client.send(text('t-lost'), { resend: true })
  assert.equal(receipt.taskId, 't-lost')
  assert.deepEqual(await taskIds(sandbox), ['t-lost'])

  const again = await rejection(client.send(text('t-lost'), { resend: true }))
  assert.ok(again instanceof OutcomeUnknownError, String(again))
  assert.equal(again.code, 'OutcomeUnknown')
  assert.match(again.message, /resent, not proven absent/)
  assert.deepEqual(await taskIds(sandbox), ['t-lost'], 'never twice')
  assert.deepEqual(await client.reconcile({ settleMs: 0 }), [], 'nothing is unknown any more')
})

test('a send the provider took stays unknown and is never re-sent', async (t) => {
  const { sandbox, client } = await setup(t)
  await unknown(sandbox, client, 'accept_then_drop', text('t-taken'))
  assert.deepEqual(await taskIds(sandbox), ['t-taken'])

  const statuses = await client.reconcile({ settleMs: 0 })
  assert.deepEqual(statuses.map((s) => [s.taskId, s.state]), [['t-taken', 'unknown']])
  const refused = await rejection(client.send(text('t-taken'), { resend: true }))
  assert.ok(refused instanceof OutcomeUnknownError, String(refused))
  assert.deepEqual(await taskIds(sandbox), ['t-taken'])
})

test('history is not read before the default settle time', async (t) => {
  const { sandbox, client } = await setup(t)
  await unknown(sandbox, client, 'drop', text('t-recent'))
  assert.deepEqual((await client.reconcile()).map((s) => s.state), ['unknown'])
  assert.ok((await sandbox.requests()).every((request) => request.action !== 'ListChatappMessage'))
})

test('reconciling needs an event store; options are checked', async (t) => {
  const { client } = await setup(t, {})
  const missing = await rejection(client.reconcile())
  assert.ok(missing instanceof ConfigurationError, String(missing))
  assert.equal(missing.code, 'InvalidConfig')
  const unknownOption = await rejection(client.reconcile({ settle: 0 }))
  assert.ok(unknownOption instanceof ConfigurationError, String(unknownOption))
  assert.match(unknownOption.message, /expected settleMs or signal/)
  for (const settleMs of [-1, 1.5, Number.NaN]) {
    const invalid = await rejection(client.reconcile({ settleMs }))
    assert.ok(invalid instanceof InvalidParameterError, `${settleMs}: ${invalid}`)
    assert.match(invalid.message, /settleMs/)
  }
  assert.ok((await rejection(client.reconcile({ settleMs: '0' }))) instanceof TypeError)
  assert.ok((await rejection(client.reconcile(0))) instanceof TypeError)
})

test('an aborted signal reconciles nothing', async (t) => {
  const { client } = await setup(t)
  const reason = new Error('stop')
  assert.equal(await rejection(client.reconcile({ signal: AbortSignal.abort(reason) })), reason)
})
