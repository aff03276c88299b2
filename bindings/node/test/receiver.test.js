'use strict'

// The webhook Receiver: its options, what it answers each kind of request (the refusals
// included, as typed errors), and, end to end with the sandbox pushing to a `node:http`
// server, the Node versions of sandbox/tests/receive.rs: redeliveries processed once, Meta's
// signatures checked, the 24-hour window opened by the user's message, a send of unknown
// outcome resolved by its receipt, and what a crashed process never committed reclaimed.

const assert = require('node:assert/strict')
const { spawn } = require('node:child_process')
const http = require('node:http')
const path = require('node:path')
const util = require('node:util')
const { setTimeout: sleep } = require('node:timers/promises')
const { describe, test } = require('node:test')

const {
  AuthenticationError,
  Client,
  ChatlaneError,
  ConfigurationError,
  InvalidParameterError,
  OutcomeUnknownError,
  PermissionDeniedError,
  Receiver,
  SessionWindowError,
  StorageError,
  dedupKey,
  parseCamsPush,
  parseMetaWebhook,
} = require('chatlane')
const { startSandbox, sandboxOptions, metaOptions, printed, rejection, SANDBOX_META } = require('./sandbox.js')
const { BUSINESS, USER, camsStatusBody, metaInboundBody, signature, storeFile, until } = require('./receiving.js')

const PUSH_TOKEN = 'push-token'
const APP_SECRET = SANDBOX_META.appSecret
const TEMPLATE = { code: '744c4b5c79c94324', language: 'en' }

/** A CAMS status push request with the right token. */
function camsPush(body, extra = {}) {
  return { method: 'POST', query: `?token=${PUSH_TOKEN}`, headers: { 'content-type': 'application/json' }, body, ...extra }
}

/** A Meta notification request signed with `secret`. */
function metaPush(body, secret = APP_SECRET) {
  return { method: 'POST', headers: { 'x-hub-signature-256': signature(secret, body) }, body }
}

describe('building a receiver', () => {
  test('refuses bad options with a ConfigurationError', () => {
    const refused = [
      [{ camsToken: 'x', nope: true }, /unknown option "nope"; expected one of metaAppSecret, /],
      [{ camsToken: 7 }, /"camsToken" must be a string/],
      [{ camsAllowedIps: '10.0.0.0/8' }, /"camsAllowedIps" must be an array of strings/],
      [{ camsAllowedIps: ['10.0.0.0/8', 3] }, /"camsAllowedIps" must be an array of strings/],
      [{ camsAllowedIps: ['not-a-network'] }, /not-a-network/],
      [{ camsUnauthenticated: 'yes' }, /"camsUnauthenticated" must be a boolean/],
      [{ metaAppSecret: '' }, /meta_app_secret is empty/],
      [{ camsUnauthenticated: true, camsToken: 't' }, /cannot be combined/],
      [{ eventStore: '' }, /./],
      [[], /expected a plain object/],
      ['camsToken=x', /expected a plain object/],
    ]
    for (const [options, message] of refused) {
      assert.throws(() => new Receiver(options), (error) => {
        assert.ok(error instanceof ConfigurationError, util.inspect(error))
        assert.equal(error.code, 'InvalidConfig')
        assert.match(error.message, message)
        return true
      })
    }
  })

  test('an event store that cannot be opened is a StorageError', () => {
    assert.throws(() => new Receiver({ camsUnauthenticated: true, eventStore: '/nonexistent-dir/x/events.db' }), {
      name: 'StorageError',
      code: 'StoreFailed',
    })
    const error = (() => {
      try {
        new Receiver({ eventStore: '/nonexistent-dir/x/events.db' })
      } catch (error) {
        return error
      }
    })()
    assert.ok(error instanceof StorageError && error instanceof ChatlaneError)
  })

  test('no printed form shows a secret', () => {
    const receiver = new Receiver({
      metaAppSecret: 'app-secret-value',
      metaVerifyToken: 'verify-token-value',
      camsToken: 'push-token-value',
      camsAllowedIps: ['47.74.0.0/16'],
      eventStore: ':memory:',
    })
    for (const shown of printed(receiver)) {
      for (const secret of ['app-secret-value', 'verify-token-value', 'push-token-value']) {
        assert.ok(!shown.includes(secret), shown)
      }
    }
    assert.equal(
      util.inspect(receiver),
      'Receiver(metaAppSecret=***, metaVerifyToken=***, camsToken=***, camsAllowedIps=[47.74.0.0/16], eventStore=:memory:)',
    )
    assert.equal(String(new Receiver({ camsUnauthenticated: true, metaAppSecret: null })), 'Receiver(camsUnauthenticated=true)')
  })
})

describe('answering requests', () => {
  test('CAMS pushes need the URL token; the events are the parser\'s', async () => {
    const receiver = new Receiver({ camsToken: PUSH_TOKEN })
    const body = camsStatusBody('m-1')
    const reply = await receiver.handle('cams_status', camsPush(body))
    assert.equal(reply.status, 200)
    assert.equal(reply.contentType, 'application/json')
    assert.deepEqual(JSON.parse(reply.body), { code: 0, msg: 'success' })
    assert.deepEqual(reply.events, parseCamsPush(body, 'status'))
    assert.deepEqual([reply.events.length, reply.skipped, reply.error], [2, 0, null])

    for (const query of ['', '?token=wrong', 'token=push-token-not']) {
      const refused = await receiver.handle('cams_status', camsPush(body, { query }))
      assert.equal(refused.status, 401, query)
      assert.ok(refused.error instanceof AuthenticationError)
      assert.equal(refused.error.code, 'SignatureMismatch')
      assert.deepEqual(JSON.parse(refused.body).code, 'SignatureMismatch')
      assert.deepEqual(refused.events, [])
    }
    const inbound = await receiver.handle('cams_inbound', camsPush(camsStatusBody('m-2'), { query: 'token=push-token' }))
    assert.equal(inbound.status, 200, 'the token without its `?`, on the inbound endpoint')
  })

  test('a CAMS allow-list checks the remote address as Node gives it', async () => {
    const receiver = new Receiver({ camsAllowedIps: ['127.0.0.0/8', '2001:db8::/32'] })
    const body = camsStatusBody('m-3')
    for (const remoteAddr of ['127.0.0.1', '::ffff:127.0.0.1', '127.0.0.1:51234', '[2001:db8::1]:443']) {
      assert.equal((await receiver.handle('cams_status', { method: 'POST', body, remoteAddr })).status, 200, remoteAddr)
    }
    for (const remoteAddr of ['10.0.0.1', undefined, null]) {
      const reply = await receiver.handle('cams_status', { method: 'POST', body, remoteAddr })
      assert.equal(reply.status, 403, String(remoteAddr))
      assert.ok(reply.error instanceof PermissionDeniedError)
    }
    const error = await rejection(receiver.handle('cams_status', { method: 'POST', body, remoteAddr: 'localhost' }))
    assert.ok(error instanceof InvalidParameterError, util.inspect(error))
    assert.equal(error.code, 'InvalidParameter')
  })

  test('a provider the receiver is not configured for is answered 500, so it delivers again', async () => {
    const receiver = new Receiver({ metaAppSecret: APP_SECRET })
    const cams = await receiver.handle('cams_inbound', camsPush(camsStatusBody('m-4')))
    assert.equal(cams.status, 500)
    assert.ok(cams.error instanceof ConfigurationError)
    const meta = await new Receiver({ camsToken: PUSH_TOKEN }).handle('meta', metaPush(metaInboundBody('wamid.1')))
    assert.equal(meta.status, 500)
    assert.equal(meta.error.code, 'InvalidConfig')
  })

  test('Meta notifications are checked over the raw bytes, whatever form the headers take', async () => {
    const receiver = new Receiver({ metaAppSecret: APP_SECRET })
    const body = metaInboundBody('wamid.headers')
    const header = signature(APP_SECRET, body)
    const forms = [
      { 'X-Hub-Signature-256': header, 'set-cookie': ['a=1', 'b=2'], 'x-absent': undefined },
      [['content-type', 'application/json'], ['x-hub-signature-256', header]],
      new Headers({ 'x-hub-signature-256': header }),
      new Map([['X-HUB-SIGNATURE-256', header]]),
    ]
    for (const headers of forms) {
      const reply = await receiver.handle('meta', { method: 'post', headers, body })
      assert.equal(reply.status, 200, util.inspect(headers))
      assert.deepEqual([reply.contentType, reply.body], ['text/plain', 'OK'])
      assert.deepEqual(reply.events, parseMetaWebhook(body))
    }
    for (const given of [body.toString('utf8'), new Uint8Array(body)]) {
      const reply = await receiver.handle('meta', { method: 'POST', headers: { 'x-hub-signature-256': header }, body: given })
      assert.equal(reply.status, 200)
    }
    const forged = Buffer.from(body.toString('utf8').replace('Canada', 'Mexico'))
    const refused = await receiver.handle('meta', { method: 'POST', headers: { 'x-hub-signature-256': header }, body: forged })
    assert.equal(refused.status, 401)
    assert.equal(refused.error.code, 'SignatureMismatch')
    assert.deepEqual(refused.events, [])
  })

  test("Meta's subscription request is answered with its challenge for the right verify token", async () => {
    const receiver = new Receiver({ metaVerifyToken: 'verify-me' })
    const query = '?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=verify-me'
    const reply = await receiver.handle('meta', { method: 'GET', query })
    assert.deepEqual([reply.status, reply.contentType, reply.body, reply.error], [200, 'text/plain', '1158201444', null])
    const wrong = await receiver.handle('meta', { method: 'GET', query: query.replace('verify-me', 'guess') })
    assert.equal(wrong.status, 403)
    assert.ok(wrong.error instanceof AuthenticationError)
    const method = await receiver.handle('meta', { method: 'PUT', body: '{}' })
    assert.equal(method.status, 405)
  })

  test('with a store, a redelivery brings nothing new; without one, everything again', async () => {
    const body = camsStatusBody('m-5', ['Sent', 'Delivered', 'Read'])
    const stored = new Receiver({ camsToken: PUSH_TOKEN, eventStore: ':memory:' })
    const first = await stored.handle('cams_status', camsPush(body))
    const again = await stored.handle('cams_status', camsPush(body))
    assert.deepEqual([first.events.length, first.skipped, again.events.length, again.skipped], [3, 0, 0, 3])
    assert.equal((await stored.handle('cams_status', camsPush(camsStatusBody('m-10', ['Read'])))).events.length, 1)
    const late = await stored.handle('cams_status', camsPush(camsStatusBody('m-10', ['Delivered'])))
    assert.deepEqual([late.status, late.events.length, late.skipped], [200, 0, 1], 'a status that would go backwards')
    const plain = new Receiver({ camsToken: PUSH_TOKEN })
    for (let i = 0; i < 2; i += 1) {
      const reply = await plain.handle('cams_status', camsPush(body))
      assert.deepEqual([reply.events.length, reply.skipped], [3, 0])
    }
    assert.deepEqual(await plain.reclaim(0, 10), [])
    assert.equal(await plain.send('task-m-5'), null)
    await plain.commit(first.events)
  })

  test('refuses arguments of the wrong type', async () => {
    const receiver = new Receiver({ camsToken: PUSH_TOKEN, eventStore: ':memory:' })
    const body = camsStatusBody('m-6')
    const wrong = [
      () => receiver.handle(7, camsPush(body)),
      () => receiver.handle('cams_status', null),
      () => receiver.handle('cams_status', { query: '', body }),
      () => receiver.handle('cams_status', camsPush(body, { headers: 'x-a: b' })),
      () => receiver.handle('cams_status', camsPush(body, { headers: [['x-a']] })),
      () => receiver.handle('cams_status', camsPush(body, { headers: { 'x-a': 3 } })),
      () => receiver.handle('cams_status', camsPush({ MessageId: 'm' })),
      () => receiver.handle('cams_status', camsPush(body, { query: { token: PUSH_TOKEN } })),
      () => receiver.handle('cams_status', camsPush(body, { remoteAddr: 2130706433 })),
      () => receiver.commit('events'),
      () => receiver.commit([null]),
      () => receiver.reclaim('0', 1),
      () => receiver.send(42),
    ]
    for (const call of wrong) {
      await assert.rejects(call, TypeError, String(call))
    }
    const endpoint = await rejection(receiver.handle('cams', camsPush(body)))
    assert.ok(endpoint instanceof ConfigurationError)
    assert.match(endpoint.message, /cams_status, cams_inbound, meta/)
    for (const [lease, limit] of [[-1, 1], [1.5, 1], [Number.NaN, 1], [0, -1], [0, Infinity]]) {
      const error = await rejection(receiver.reclaim(lease, limit))
      assert.ok(error instanceof InvalidParameterError, `${lease}, ${limit}`)
    }
    const notEvent = await rejection(receiver.commit([{ event: 'status' }]))
    assert.ok(notEvent instanceof InvalidParameterError)
    const provider = await rejection(receiver.send('t', 'sms'))
    assert.ok(provider instanceof ConfigurationError)
  })

  test('a store waiting for another process\'s write lock never blocks the event loop', async (t) => {
    const file = storeFile(t, 'locked')
    const receiver = new Receiver({ camsToken: PUSH_TOKEN, eventStore: file })
    // Python's standard library holds the SQLite write lock (Node 20 has no SQLite module).
    const holder = spawn('python3', ['-c', LOCK_HOLDER, file], { stdio: ['pipe', 'pipe', 'inherit'] })
    const started = await new Promise((resolve) => {
      holder.once('error', () => resolve(false))
      holder.stdout.once('data', () => resolve(true))
    })
    if (!started) {
      t.skip('python3 is not available to hold the lock')
      return
    }
    let settled = false
    const handled = receiver.handle('cams_status', camsPush(camsStatusBody('m-locked'))).finally(() => {
      settled = true
    })
    let ticks = 0
    const ticker = setInterval(() => {
      ticks += 1
    }, 10)
    await sleep(400)
    clearInterval(ticker)
    assert.equal(settled, false, 'the store is still waiting for the lock')
    assert.ok(ticks >= 10, `the event loop ran ${ticks} timers while the store waited`)
    holder.stdin.end()
    const reply = await handled
    assert.deepEqual([reply.status, reply.events.length], [200, 2])
  })
})

/** Holds an exclusive SQLite transaction on argv[1] until stdin closes. */
const LOCK_HOLDER = `
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("PRAGMA journal_mode=WAL")
db.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
sys.stdin.read()
db.execute("ROLLBACK")
`

/**
 * A webhook server on a free loopback port, as an application writes one with `node:http`:
 * each request goes through `receiver`; its new events are kept (processed), then committed.
 */
async function webhookServer(t, receiver) {
  const received = []
  const replies = []
  const server = http.createServer(async (req, res) => {
    const chunks = []
    for await (const chunk of req) {
      chunks.push(chunk)
    }
    const url = new URL(req.url, 'http://localhost')
    const endpoint = { '/cams/status': 'cams_status', '/cams/inbound': 'cams_inbound' }[url.pathname] ?? 'meta'
    const request = {
      method: req.method,
      query: url.search,
      headers: req.headers,
      body: Buffer.concat(chunks),
      remoteAddr: req.socket.remoteAddress,
    }
    const reply = await receiver.handle(endpoint, request)
    replies.push(reply)
    received.push(...reply.events)
    await receiver.commit(reply.events)
    res.writeHead(reply.status, { 'content-type': reply.contentType }).end(reply.body)
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.after(() => server.close())
  return { url: `http://127.0.0.1:${server.address().port}`, received, replies }
}

/** A sandbox pushing CAMS receipts and inbound messages and Meta's webhooks to `url`. */
async function pushingSandbox(t, url) {
  const config = {
    custSpaces: [
      {
        id: 'cams-1',
        numbers: [BUSINESS],
        statusCallbackUrl: `${url}/cams/status?token=${PUSH_TOKEN}`,
        upCallbackUrl: `${url}/cams/inbound?token=${PUSH_TOKEN}`,
      },
    ],
    meta: { webhookUrl: `${url}/meta` },
    receiptDelayMs: 5,
  }
  const sandbox = await startSandbox({ config })
  t.after(() => sandbox.stop())
  return sandbox
}

/** The receiver of the end-to-end tests, recording in `file`. */
function storeReceiver(file, extra = {}) {
  return new Receiver({ metaAppSecret: APP_SECRET, camsToken: PUSH_TOKEN, eventStore: file, ...extra })
}

/** The statuses received for `messageId`, in order. */
function statusesOf(events, messageId) {
  return events.filter((e) => e.event === 'status' && e.messageId === messageId).map((e) => e.status)
}

/** Waits until the sandbox has pushed at least `count` callbacks; returns them. */
async function pushed(sandbox, count) {
  await until(`${count} pushes`, async () => (await sandbox.callbacks()).length >= count)
  // Any redelivery beyond them would be pushed by now.
  await sleep(100)
  return sandbox.callbacks()
}

describe('with the sandbox pushing', () => {
  test('CAMS receipts pushed three times each are processed once', async (t) => {
    const file = storeFile(t, 'dedup')
    const server = await webhookServer(t, storeReceiver(file))
    const sandbox = await pushingSandbox(t, server.url)
    const client = new Client(sandboxOptions(sandbox, { eventStore: file, rateLimitDisabled: true }))
    await sandbox.inject({ fault: { kind: 'duplicate', count: 3 }, times: 3 })
    const receipt = await client.send({ from: BUSINESS, to: USER, template: TEMPLATE })
    const callbacks = await pushed(sandbox, 9)
    assert.equal(callbacks.length, 9, 'each of the 3 receipts pushed 3 times')
    assert.ok(callbacks.every((push) => push.outcome === '200'), util.inspect(callbacks))
    assert.deepEqual(statusesOf(server.received, receipt.messageId), ['sent', 'delivered', 'read'])
    assert.equal(server.received.length, 3)
    assert.equal(server.replies.reduce((sum, reply) => sum + reply.skipped, 0), 6)
    assert.ok(server.received.every((event) => event.taskId === receipt.taskId))
  })

  test("Meta's signed webhooks are verified and deduplicated; a wrong app secret gets 401 and no events", async (t) => {
    const file = storeFile(t, 'meta')
    const server = await webhookServer(t, storeReceiver(file))
    const sandbox = await pushingSandbox(t, server.url)
    const client = new Client(metaOptions(sandbox))
    await sandbox.inject({ api: 'meta', fault: { kind: 'duplicate', count: 2 }, times: 3 })
    const message = { from: SANDBOX_META.phoneNumberId, to: '16505551234', template: { name: 'order_update', language: 'en_US' } }
    const receipt = await client.send(message)
    assert.equal((await pushed(sandbox, 6)).length, 6)
    assert.deepEqual(statusesOf(server.received, receipt.messageId), ['sent', 'delivered', 'read'])
    assert.ok(server.received.every((event) => event.provider === 'meta'))

    const wrong = await webhookServer(t, storeReceiver(storeFile(t, 'meta-wrong'), { metaAppSecret: 'not-the-app-secret' }))
    const other = await pushingSandbox(t, wrong.url)
    await new Client(metaOptions(other)).send(message)
    const refused = await pushed(other, 3)
    assert.deepEqual(
      refused.map((push) => push.outcome),
      ['401', '401', '401'],
    )
    assert.deepEqual(wrong.received, [])
    assert.ok(wrong.replies.every((reply) => reply.error instanceof AuthenticationError && reply.error.code === 'SignatureMismatch'))
  })

  test("a free-form message waits for the user's message", async (t) => {
    const file = storeFile(t, 'window')
    const server = await webhookServer(t, storeReceiver(file))
    const sandbox = await pushingSandbox(t, server.url)
    const client = new Client(sandboxOptions(sandbox, { eventStore: file, sessionWindow: 'enforce', rateLimitDisabled: true }))
    const text = { from: BUSINESS, to: USER, content: { messageType: 'text', text: 'your order shipped' } }

    const error = await rejection(client.send(text))
    assert.ok(error instanceof SessionWindowError, util.inspect(error))
    assert.equal(error.code, 'SessionWindowClosed')
    assert.ok(error.taskId)
    assert.deepEqual(await sandbox.ledger(), [], 'refused before sending')

    // Asked to, a client sends its fallback template instead, with the message's TaskId.
    const fallbackOptions = {
      eventStore: file,
      sessionWindow: 'fallback',
      sessionWindowTemplate: '744c4b5c79c94324',
      sessionWindowLanguage: 'en',
      rateLimitDisabled: true,
    }
    const fallback = new Client(sandboxOptions(sandbox, fallbackOptions))
    const substituted = await fallback.send({ ...text, taskId: 'reengage-1' })
    assert.equal(substituted.fallback, true)
    const [sent] = await sandbox.ledger()
    assert.deepEqual(
      [sent.messageId, sent.params.Type, sent.params.TemplateCode, sent.params.TaskId],
      [substituted.messageId, 'template', '744c4b5c79c94324', 'reengage-1'],
    )

    await sandbox.inbound({ from: USER, to: BUSINESS, text: 'where is my order?' })
    await until("the user's message", () => server.received.some((event) => event.event === 'inbound'))
    const inbound = server.received.find((event) => event.event === 'inbound')
    assert.equal(inbound.content.body, 'where is my order?')
    const receipt = await client.send(text)
    assert.equal(receipt.fallback, false)
    const ledger = await sandbox.ledger()
    assert.deepEqual(
      ledger.map((entry) => entry.messageId),
      [substituted.messageId, receipt.messageId],
    )
  })

  test('a send whose answer never came is resolved by its receipt', async (t) => {
    const file = storeFile(t, 'unknown')
    const receiver = storeReceiver(file)
    const server = await webhookServer(t, receiver)
    const sandbox = await pushingSandbox(t, server.url)
    const options = { eventStore: file, requestTimeoutMs: 300, maxAttempts: 1, rateLimitDisabled: true }
    const client = new Client(sandboxOptions(sandbox, options))
    await sandbox.inject({ fault: { kind: 'hang' }, times: 1 })

    const error = await rejection(client.send({ taskId: 'order-4711', from: BUSINESS, to: USER, template: TEMPLATE }))
    assert.ok(error instanceof OutcomeUnknownError, util.inspect(error))
    assert.deepEqual([error.code, error.taskId], ['OutcomeUnknown', 'order-4711'])
    let status
    await until('the send accepted', async () => (status = await receiver.send('order-4711'))?.state === 'accepted')
    const ledger = await sandbox.ledger()
    assert.equal(ledger.length, 1, 'sent once, never again')
    const { recordedMs, updatedMs, ...rest } = status
    assert.deepEqual(rest, {
      provider: 'cams',
      taskId: 'order-4711',
      from: BUSINESS,
      to: USER,
      state: 'accepted',
      messageId: ledger[0].messageId,
    })
    assert.ok(recordedMs <= updatedMs && updatedMs <= Date.now(), util.inspect(status))
    assert.deepEqual(await receiver.send('order-4711', 'cams'), status)
    assert.equal(await receiver.send('order-4711', 'meta'), null)
    assert.equal(await receiver.send('order-0000'), null)
  })

  test('bad input is a typed refusal, never a crash', async (t) => {
    const server = await webhookServer(t, storeReceiver(storeFile(t, 'bad')))
    const post = (pathname, body, headers = {}) => fetch(`${server.url}${pathname}`, { method: 'POST', headers, body })

    const truncated = await post(`/cams/status?token=${PUSH_TOKEN}`, camsStatusBody('m-7').subarray(0, 40))
    assert.equal(truncated.status, 400)
    assert.equal((await truncated.json()).code, 'InvalidParameter')
    assert.ok(server.replies.at(-1).error instanceof InvalidParameterError)

    const huge = await post(`/cams/inbound?token=${PUSH_TOKEN}`, Buffer.alloc(10 * 1024 * 1024, 0x20))
    assert.equal(huge.status, 413)
    assert.equal(server.replies.at(-1).error.code, 'InvalidParameter')

    const unsigned = await post('/meta', metaInboundBody('wamid.unsigned'))
    assert.equal(unsigned.status, 401)
    assert.ok(server.replies.at(-1).error instanceof AuthenticationError)
    assert.equal(server.replies.at(-1).error.code, 'SignatureMismatch')

    const tokenless = await post('/cams/status', camsStatusBody('m-8'))
    assert.equal(tokenless.status, 401)

    assert.deepEqual(server.received, [])
    const fine = await post(`/cams/status?token=${PUSH_TOKEN}`, camsStatusBody('m-9'))
    assert.equal(fine.status, 200, 'the server still answers')
    assert.equal(server.received.length, 2)
  })
})

test('what a crashed process never committed is reclaimed, once', async (t) => {
  const file = storeFile(t, 'restart')
  const body = camsStatusBody('m-restart', ['Sent', 'Delivered', 'Read'])
  // The child handles the body, prints its reply's events, and is killed before committing.
  const child = spawn(process.execPath, ['-e', CRASHING_CONSUMER, file, PUSH_TOKEN, body.toString('utf8')], {
    cwd: path.join(__dirname, '..'),
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  let output = ''
  child.stdout.on('data', (chunk) => {
    output += chunk
  })
  const [, signal] = await new Promise((resolve) => child.once('exit', (...exit) => resolve(exit)))
  assert.equal(signal, 'SIGKILL')
  const handedOut = JSON.parse(output)
  assert.deepEqual(handedOut, parseCamsPush(body, 'status'))

  const receiver = storeReceiver(file)
  const redelivered = await receiver.handle('cams_status', camsPush(body))
  assert.deepEqual([redelivered.status, redelivered.events, redelivered.skipped], [200, [], 3], 'already claimed')
  assert.deepEqual(await receiver.reclaim(60_000, 10), [], 'the claim is younger than the lease')
  const reclaimed = await receiver.reclaim(0, 10)
  // Claimed in the same millisecond: the store hands them out by key, not in body order.
  const byKey = (events) => events.map((event) => [dedupKey(event), event]).sort(([a], [b]) => a.localeCompare(b))
  assert.deepEqual(byKey(reclaimed), byKey(handedOut))
  await receiver.commit(reclaimed)
  assert.deepEqual(await receiver.reclaim(0, 10), [])
  assert.deepEqual((await receiver.handle('cams_status', camsPush(body))).events, [])
})

/** A consumer that handles argv[3] and dies (SIGKILL) without committing its events. */
const CRASHING_CONSUMER = `
const fs = require('node:fs')
const { Receiver } = require('chatlane')
const [file, camsToken, body] = process.argv.slice(1)
new Receiver({ camsToken, eventStore: file })
  .handle('cams_status', { method: 'POST', query: 'token=' + camsToken, body })
  .then((reply) => {
    fs.writeSync(1, JSON.stringify(reply.events))
    process.kill(process.pid, 'SIGKILL')
  })
`
