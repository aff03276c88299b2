'use strict'

const assert = require('node:assert/strict')
const http = require('node:http')
const { test } = require('node:test')

const { Client, ValidationError, massWireParams } = require('chatlane')
const { sharedSandbox } = require('./sandbox.js')

const FROM = '8613900000000'
const TO = '8613800000000'

const shared = sharedSandbox(Client)

/** The ledger entries whose `TaskId` is `taskId`. */
async function landed(taskId) {
  return (await shared.sandbox.ledger()).filter((entry) => entry.params.TaskId === taskId)
}

test('a template send lands in the ledger with the exact wire parameters', async () => {
  const receipt = await shared.client.send({
    from: FROM,
    to: TO,
    template: {
      code: '744c4b5c79c94324',
      language: 'en',
      params: { zeta: 'Ada', alpha: '42', mid: 'quote " and ü' },
      payload: ['yes', 'no'],
    },
    channel: 'whatsapp',
    taskId: 'template-1',
  })
  assert.deepEqual(Object.keys(receipt).sort(), ['attempts', 'fallback', 'messageId', 'requestId', 'taskId'])
  assert.equal(receipt.taskId, 'template-1')
  assert.equal(receipt.fallback, false)
  const entries = await landed('template-1')
  assert.equal(entries.length, 1)
  const [entry] = entries
  assert.equal(entry.action, 'SendChatappMessage')
  assert.equal(entry.messageId, receipt.messageId)
  assert.equal(entry.requestId, receipt.requestId)
  assert.deepEqual(entry.params, {
    ChannelType: 'whatsapp',
    From: FROM,
    To: TO,
    Type: 'template',
    TemplateCode: '744c4b5c79c94324',
    Language: 'en',
    TemplateParams: '{"zeta":"Ada","alpha":"42","mid":"quote \\" and ü"}',
    Payload: '["yes","no"]',
    TaskId: 'template-1',
  })
})

test('a text send lands as Type=message with Content {"text":…}', async () => {
  const receipt = await shared.client.send({
    from: FROM,
    to: TO,
    content: { messageType: 'text', text: 'hello, Ada' },
    taskId: 'text-1',
  })
  const [entry, ...rest] = await landed('text-1')
  assert.equal(rest.length, 0)
  assert.equal(entry.messageId, receipt.messageId)
  assert.deepEqual(entry.params, {
    ChannelType: 'whatsapp',
    From: FROM,
    To: TO,
    Type: 'message',
    MessageType: 'text',
    Content: '{"text":"hello, Ada"}',
    TaskId: 'text-1',
  })
})

test('the channel and a per-message CustSpaceId reach the wire', async () => {
  await shared.client.send({
    channel: 'messenger',
    from: 'page-1',
    to: 'psid-2',
    content: { messageType: 'text', text: 'hi' },
    custSpaceId: 'cams-123',
    taskId: 'messenger-1',
  })
  const [entry] = await landed('messenger-1')
  assert.equal(entry.params.ChannelType, 'messenger')
  assert.equal(entry.params.CustSpaceId, 'cams-123')
})

test('a mass send lands as one SendChatappMassMessage; the receipt carries its GroupMessageId', async () => {
  const mass = {
    from: FROM,
    template: { code: '744c4b5c79c94324', language: 'en', params: { name: 'Customer' } },
    recipients: [{ to: TO, params: { name: 'Ada' } }, { to: '8613700000000' }],
    taskId: 'mass-1',
  }
  const receipt = await shared.client.sendMass(mass)
  assert.equal(receipt.taskId, 'mass-1')
  assert.equal(receipt.attempts, 1)
  const entries = await landed('mass-1')
  assert.deepEqual(
    entries.map((entry) => [entry.action, entry.messageId]),
    [['SendChatappMassMessage', receipt.messageId]],
  )
  assert.deepEqual(entries[0].params, massWireParams(mass))
  assert.equal(
    entries[0].params.SenderList,
    `[{"TemplateParams":{"name":"Ada"},"To":"${TO}"},{"TemplateParams":{"name":"Customer"},"To":"8613700000000"}]`,
  )
})

test('an invalid mass send rejects with a ValidationError per recipient, and nothing is sent', async () => {
  const mass = { from: FROM, template: { code: 'C1', language: 'en' }, recipients: [{ to: '+86' }], taskId: 'mass-2' }
  await assert.rejects(shared.client.sendMass(mass), (error) => {
    assert.ok(error instanceof ValidationError, String(error))
    assert.deepEqual(
      error.violations.map((v) => [v.code, v.path]),
      [['digits_only', 'recipients[0].to']],
    )
    return true
  })
  assert.deepEqual(await landed('mass-2'), [])
})

test('50 concurrent sends all land, each with its own MessageId', async () => {
  const ids = Array.from({ length: 50 }, (_, i) => `bulk-${i}`)
  const receipts = await Promise.all(
    ids.map((taskId, i) => shared.client.send({ from: FROM, to: TO, content: { messageType: 'text', text: `message ${i}` }, taskId })),
  )
  const ledger = await shared.sandbox.ledger()
  const byTask = new Map(ledger.map((entry) => [entry.params.TaskId, entry]))
  for (const [i, taskId] of ids.entries()) {
    assert.equal(byTask.get(taskId)?.messageId, receipts[i].messageId, taskId)
    assert.equal(byTask.get(taskId).params.Content, `{"text":"message ${i}"}`)
  }
  assert.equal(new Set(receipts.map((r) => r.messageId)).size, 50)
})

test('send returns a pending Promise at once and the event loop keeps running', async () => {
  // An in-process server answers after 300 ms. If send blocked the JS thread, this server
  // could not answer at all (deadlock), and the interval could not tick.
  const server = http.createServer((request, response) => {
    request.resume()
    request.on('end', () =>
      setTimeout(() => {
        response.setHeader('content-type', 'application/json')
        response.end('{"RequestId":"slow-request","Code":"OK","Message":"OK","MessageId":"slow-message"}')
      }, 300),
    )
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  try {
    const slow = new Client({
      endpoint: `http://127.0.0.1:${server.address().port}`,
      accessKeyId: 'id',
      accessKeySecret: 'secret',
    })
    let ticks = 0
    const interval = setInterval(() => ticks++, 10)
    let settled = false
    const pending = slow.send({ from: FROM, to: TO, content: { messageType: 'text', text: 'slow' } })
    pending.then(() => (settled = true))
    assert.ok(pending instanceof Promise)
    assert.equal(settled, false)
    const receipt = await pending
    clearInterval(interval)
    assert.deepEqual(
      { messageId: receipt.messageId, requestId: receipt.requestId, attempts: receipt.attempts },
      { messageId: 'slow-message', requestId: 'slow-request', attempts: 1 },
    )
    assert.ok(ticks >= 10, `the interval ticked only ${ticks} times during a 300 ms send`)
  } finally {
    server.close()
  }
})
