'use strict'

// A Meta client's message history: Meta keeps none to ask for, so `listMessages` and
// `messages` on a Meta client list what its `eventStore` recorded of the webhooks a `Receiver`
// on the same store admitted. The bodies are the webhook fixtures (tests/webhooks/), signed as
// Meta signs them; nothing goes over the network.

const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const util = require('node:util')
const { test } = require('node:test')

const { Client, ConfigurationError, InvalidParameterError, Receiver } = require('chatlane')
const { rejection } = require('./sandbox.js')
const { signature, storeFile } = require('./receiving.js')

const APP_SECRET = 'history-test-app-secret'
const PHONE_NUMBER_ID = '106540352242922'
const DIR = path.join(__dirname, '..', '..', '..', 'tests', 'webhooks')
const CASES = [
  'meta_batch/several_entries_changes_messages_statuses',
  'meta_status/sent_with_conversation_and_pricing',
  'meta_status/read',
  'meta_status/failed_with_error',
]

/** The body of the webhook case `name`, as its README says to send it. */
function bodyOf(name) {
  const [file] = name.split('/')
  const { cases } = JSON.parse(fs.readFileSync(path.join(DIR, `${file}.json`), 'utf8'))
  return Buffer.from(JSON.stringify(cases.find((testCase) => testCase.name === name).body), 'utf8')
}

/** A receiver on `eventStore` admits the cases' bodies, then commits their events. */
async function ingest(eventStore) {
  const receiver = new Receiver({ metaAppSecret: APP_SECRET, eventStore })
  for (const name of CASES) {
    const body = bodyOf(name)
    const reply = await receiver.handle('meta', {
      method: 'POST',
      headers: { 'x-hub-signature-256': signature(APP_SECRET, body) },
      body,
    })
    assert.equal(reply.status, 200, reply.body)
    await receiver.commit(reply.events)
  }
}

/** Every record `messages(query)` walks to. */
async function every(client, query) {
  const records = []
  for await (const record of client.messages(query)) records.push(record)
  return records
}

const ids = (records) => records.map((record) => record.messageId)

test('a Meta client lists what its receiver recorded', async (t) => {
  const eventStore = storeFile(t, 'meta-history')
  await ingest(eventStore)
  const client = new Client({ provider: 'meta', accessToken: 'token', eventStore })

  const first = await client.listMessages({ businessNumber: PHONE_NUMBER_ID, pageSize: 2 })
  assert.deepEqual([ids(first.records), first.nextPage], [['wamid.m2', 'wamid.s10'], 2])
  const last = await client.listMessages({ businessNumber: PHONE_NUMBER_ID, page: 3, pageSize: 2 })
  assert.deepEqual([ids(last.records), last.nextPage], [['wamid.f1'], undefined])
  const records = await every(client, { businessNumber: PHONE_NUMBER_ID, pageSize: 2 })
  assert.deepEqual(ids(records), ['wamid.m2', 'wamid.s10', 'wamid.s1', 'wamid.m1', 'wamid.f1'])

  const byId = Object.fromEntries(records.map((record) => [record.messageId, record]))
  assert.deepEqual(byId['wamid.m2'], {
    messageId: 'wamid.m2',
    direction: 'inbound',
    businessNumber: PHONE_NUMBER_ID,
    userNumber: '447700900123',
    channel: 'whatsapp',
    messageType: 'text',
    content: 'from Omar',
    status: 'received',
    fallback: false,
    sentAtMs: 1749416384000,
  })
  assert.deepEqual(byId['wamid.s1'], {
    messageId: 'wamid.s1',
    direction: 'outbound',
    businessNumber: PHONE_NUMBER_ID,
    userNumber: '16505551234',
    channel: 'whatsapp',
    status: 'read',
    fallback: false,
    conversationId: 'CONVERSATION_ID',
    sentAtMs: 1749416383000,
  })
  assert.equal(byId['wamid.s10'].status, 'delivered')
  assert.match(byId['wamid.f1'].failReason, /^131049: /)

  const query = { businessNumber: PHONE_NUMBER_ID }
  assert.deepEqual(ids(await every(client, { ...query, userNumber: 'US.13491208655302741918' })), ['wamid.m1'])
  assert.deepEqual(ids(await every(client, { ...query, direction: 'outbound', status: 'failed' })), ['wamid.f1'])
  assert.deepEqual(ids(await every(client, { ...query, sinceMs: 1749416384000 })), ['wamid.m2'])
  assert.deepEqual(ids(await every(client, { businessNumber: '106540352242999' })), ['wamid.e2m1'])
})

test('a Meta client needs the store and refuses the CAMS filters', async (t) => {
  const storeless = new Client({ provider: 'meta', accessToken: 'token' })
  const error = await rejection(storeless.listMessages({ businessNumber: PHONE_NUMBER_ID }))
  assert.ok(error instanceof ConfigurationError, util.inspect(error))
  assert.equal(error.code, 'InvalidConfig')
  assert.match(error.message, /eventStore|event_store/)

  const client = new Client({ provider: 'meta', accessToken: 'token', eventStore: storeFile(t, 'meta-history') })
  const refused = [
    [{ templateCode: '744c4b5c79c94324' }, 'templateCode'],
    [{ groupMessageId: 'g-1' }, 'groupMessageId'],
    [{ custSpaceId: 'cams-1' }, 'custSpaceId'],
    [{ channel: 'viber' }, 'channel'],
  ]
  for (const [filter, field] of refused) {
    const invalid = await rejection(client.listMessages({ businessNumber: PHONE_NUMBER_ID, ...filter }))
    assert.ok(invalid instanceof InvalidParameterError, util.inspect(invalid))
    assert.ok(invalid.message.startsWith(`${field}: `), invalid.message)
  }
  const empty = await client.listMessages({ businessNumber: PHONE_NUMBER_ID })
  assert.deepEqual([empty.records, empty.nextPage], [[], undefined])
})
