'use strict'

// Test support for receiving: webhook bodies as the providers send them, Meta's signature,
// SQLite store files removed after their test, and waiting for what a server received.

const crypto = require('node:crypto')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { setTimeout: sleep } = require('node:timers/promises')

/** The CAMS business number of the pushing sandbox's channel. */
const BUSINESS = '8613800000000'
/** The user the tests write to. */
const USER = '6591234567'

/** A CAMS status push (a JSON array, as CAMS posts it) with one receipt per status, as bytes. */
function camsStatusBody(messageId, statuses = ['Sent', 'Delivered'], taskId = `task-${messageId}`) {
  const receipts = statuses.map((status, i) => ({
    MessageId: messageId,
    Status: status,
    From: BUSINESS,
    To: USER,
    Timestamp: 1691043638000 + i,
    TaskId: taskId,
  }))
  return Buffer.from(JSON.stringify(receipts))
}

/** A Meta webhook with one inbound text message `id`, as bytes. */
function metaInboundBody(id, text = 'Hi! Do you ship to Canada?') {
  const message = { from: '16505551234', id, timestamp: '1749416383', type: 'text', text: { body: text } }
  const value = {
    messaging_product: 'whatsapp',
    metadata: { display_phone_number: '15550783881', phone_number_id: '106540352242922' },
    contacts: [{ profile: { name: 'Sheena' }, wa_id: '16505551234' }],
    messages: [message],
  }
  const body = { object: 'whatsapp_business_account', entry: [{ id: '102290129340398', changes: [{ field: 'messages', value }] }] }
  return Buffer.from(JSON.stringify(body))
}

/** The `X-Hub-Signature-256` value of `body` under `secret`. */
function signature(secret, body) {
  return `sha256=${crypto.createHmac('sha256', secret).update(body).digest('hex')}`
}

let stores = 0

/** A path for an SQLite store of test `t`'s own; the file and its WAL go after the test. */
function storeFile(t, name) {
  stores += 1
  const file = path.join(os.tmpdir(), `chatlane-node-${name}-${process.pid}-${stores}.db`)
  t.after(() => {
    for (const suffix of ['', '-wal', '-shm']) {
      fs.rmSync(`${file}${suffix}`, { force: true })
    }
  })
  return file
}

/** Waits (at most `ms`) until `done()` resolves truthy; fails naming `what` otherwise. */
async function until(what, done, ms = 10_000) {
  const deadline = Date.now() + ms
  while (!(await done())) {
    if (Date.now() > deadline) {
      throw new Error(`never ${what}`)
    }
    await sleep(10)
  }
}

module.exports = { BUSINESS, USER, camsStatusBody, metaInboundBody, signature, storeFile, until }
