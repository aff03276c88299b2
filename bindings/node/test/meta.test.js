'use strict'

// Sends through Meta's WhatsApp Cloud API (`provider: 'meta'`) against the sandbox's Meta face:
// the body that lands, the token's lifecycle (revoked, replaced, missing a scope), Meta's error
// codes as chatlane errors, retries, cancellation, and secrets kept out of every printed form.

const assert = require('node:assert/strict')
const util = require('node:util')
const { setTimeout: sleep } = require('node:timers/promises')
const { after, before, test } = require('node:test')

const {
  Client,
  MetaApp,
  AuthenticationError,
  ConfigurationError,
  PermissionDeniedError,
  SessionWindowError,
  ValidationError,
  metaBody,
} = require('chatlane')
const {
  startSandbox,
  sandboxOptions,
  metaOptions,
  metaAppOptions,
  printed,
  rejection,
  SANDBOX_META,
  recipients,
} = require('./sandbox.js')

const FROM = SANDBOX_META.phoneNumberId

let sandbox
let client

before(async () => {
  sandbox = await startSandbox()
  client = new Client(metaOptions(sandbox))
})

after(() => sandbox?.stop())

/** A recipient no other test sends to. */
const recipient = recipients('1650555')

/** A text message from the sandbox's business number to `to`. */
function text(to, extra = {}) {
  return { from: FROM, to, content: { messageType: 'text', text: 'hello from Node' }, ...extra }
}

/** A business phone number of the abort test's own. */
const OWN_NUMBER = '106540352249999'

/** The Meta ledger's entries for `to`. */
async function landed(to) {
  return (await sandbox.meta.ledger()).filter((entry) => entry.recipient === to)
}

/** A client of the sandbox's Meta face sending with a new token of `grant`, and that token. */
async function clientWithToken(grant = {}) {
  const token = await sandbox.meta.token(grant)
  return { token, client: new Client(metaOptions(sandbox, { accessToken: token })) }
}

test('a Meta client says so and sends to the Graph host by default', () => {
  assert.equal(client.provider, 'meta')
  assert.equal(String(client), `Client(provider=meta, endpoint=${sandbox.endpoint}/, graphVersion=v25.0)`)
  const graph = new Client({ provider: 'meta', accessToken: 'token-of-the-graph-host' })
  assert.equal(graph.endpoint, 'https://graph.facebook.com/')
  assert.equal(new Client(sandboxOptions(sandbox)).provider, 'cams')
})

test('a send lands with its exact body and the receipt taskId as biz_opaque_callback_data', async () => {
  for (const taskId of ['meta-order-42', undefined]) {
    const to = recipient()
    const message = text(to, taskId === undefined ? {} : { taskId })
    const receipt = await client.send(message)
    assert.match(receipt.messageId, /^wamid\./)
    assert.equal(receipt.attempts, 1)
    if (taskId === undefined) {
      assert.match(receipt.taskId, /^[0-9a-f]{32}$/)
    } else {
      assert.equal(receipt.taskId, taskId)
    }
    const [entry, ...more] = await landed(to)
    assert.deepEqual(more, [])
    assert.equal(entry.messageId, receipt.messageId)
    assert.equal(entry.fbtraceId, receipt.requestId)
    assert.equal(entry.phoneNumberId, FROM)
    assert.equal(entry.bizOpaqueCallbackData, receipt.taskId)
    assert.equal(entry.body.biz_opaque_callback_data, receipt.taskId)
    assert.deepStrictEqual(entry.body, metaBody(message, receipt.taskId))
  }
})

test('a revoked token is TokenExpired, and the next send fails the same way without a request', async () => {
  const { token, client: own } = await clientWithToken()
  await own.send(text(recipient()))
  await sandbox.meta.revoke(token)
  const to = recipient()
  const refused = await rejection(own.send(text(to, { taskId: 'revoked-1' })))
  assert.ok(refused instanceof AuthenticationError, String(refused))
  assert.equal(refused.code, 'TokenExpired')
  assert.equal(refused.platformCode, '190')
  assert.equal(refused.httpStatus, 401)
  assert.equal(refused.taskId, 'revoked-1')
  assert.equal(refused.attempts, 1)
  const again = await rejection(own.send(text(to)))
  assert.ok(again instanceof AuthenticationError, String(again))
  assert.equal(again.code, 'TokenExpired')
  assert.equal(again.attempts, 0, 'no request was made')
  assert.equal(again.httpStatus, null)
  assert.deepEqual(await landed(to), [])
  for (const error of [refused, again]) {
    assert.ok(!`${error.message}\n${error.stack}\n${util.inspect(error)}`.includes(token))
  }
})

test('setAccessToken replaces a revoked token for the next send', async () => {
  const { token, client: own } = await clientWithToken()
  await sandbox.meta.revoke(token)
  const to = recipient()
  assert.equal((await rejection(own.send(text(to)))).code, 'TokenExpired')
  assert.equal(await own.setAccessToken(await sandbox.meta.token()), undefined)
  const receipt = await own.send(text(to))
  assert.deepEqual((await landed(to)).map((entry) => entry.messageId), [receipt.messageId])
})

test('an unusable replacement is refused and the token in use stays', async () => {
  const { client: own } = await clientWithToken()
  for (const [token, code] of [
    ['', 'MissingCredentials'],
    ['line\nbreak', 'InvalidConfig'],
  ]) {
    const error = await rejection(own.setAccessToken(token))
    assert.ok(error instanceof ConfigurationError, String(error))
    assert.equal(error.code, code)
  }
  for (const token of [undefined, 42, { token: 'x' }]) {
    await assert.rejects(own.setAccessToken(token), TypeError)
  }
  await own.send(text(recipient()))
})

test('a token without whatsapp_business_messaging is refused with the permission error', async () => {
  const { client: own } = await clientWithToken({ scopes: ['whatsapp_business_management'] })
  const to = recipient()
  const error = await rejection(own.send(text(to)))
  assert.ok(error instanceof PermissionDeniedError, String(error))
  assert.equal(error.code, 'PermissionDenied')
  assert.equal(error.platformCode, '10')
  assert.deepEqual(await landed(to), [])
})

test("Meta's throughput error 130429 is retried", async () => {
  const to = recipient()
  await sandbox.inject({ api: 'meta', fault: { kind: 'error', status: 400, code: 130429 }, to })
  const receipt = await client.send(text(to))
  assert.equal(receipt.attempts, 2)
  assert.deepEqual((await landed(to)).map((entry) => entry.messageId), [receipt.messageId])
})

test('131047 is the session-window error', async () => {
  const to = recipient()
  await sandbox.inject({ api: 'meta', fault: { kind: 'error', status: 400, code: 131047 }, to })
  const error = await rejection(client.send(text(to, { taskId: 'window-1' })))
  assert.ok(error instanceof SessionWindowError, String(error))
  assert.equal(error.code, 'SessionWindowClosed')
  assert.equal(error.platformCode, '131047')
  assert.equal(error.taskId, 'window-1')
  assert.equal(error.attempts, 1)
  assert.deepEqual(await landed(to), [])
})

test('Meta has no mass send: a ValidationError before anything is sent', async () => {
  const to = recipient()
  const mass = { from: FROM, template: { name: 'order_update', language: 'en' }, recipients: [{ to }] }
  const error = await rejection(client.sendMass(mass))
  assert.ok(error instanceof ValidationError, String(error))
  assert.equal(error.code, 'InvalidMessage')
  assert.equal(error.attempts, 0)
  assert.deepEqual(await landed(to), [])
})

test("a message Meta cannot carry is refused with Meta's violations", async () => {
  const to = recipient()
  const error = await rejection(client.send(text(to, { custSpaceId: 'cams-1' })))
  assert.ok(error instanceof ValidationError, String(error))
  assert.deepEqual(error.violations.map((v) => [v.code, v.path]), [['channel_unsupported', 'custSpaceId']])
  assert.deepEqual(await landed(to), [])
})

test('credentials belong to CAMS clients and tokens to Meta clients', async () => {
  const credentials = { accessKeyId: 'id', accessKeySecret: 'secret' }
  assert.throws(() => client.setCredentials(credentials), (error) => {
    assert.ok(error instanceof ConfigurationError, String(error))
    assert.equal(error.code, 'InvalidConfig')
    return true
  })
  const cams = new Client(sandboxOptions(sandbox))
  const error = await rejection(cams.setAccessToken(SANDBOX_META.token))
  assert.ok(error instanceof ConfigurationError, String(error))
  assert.equal(error.code, 'InvalidConfig')
  assert.throws(() => new Client({ ...sandboxOptions(sandbox), accessToken: 'x' }), { code: 'InvalidConfig' })
})

test('util.inspect, String and JSON.stringify never show a token', async () => {
  const secret = 'meta-secret-token-5e7a91'
  const own = new Client(metaOptions(sandbox, { accessToken: secret }))
  const app = new MetaApp(metaAppOptions(sandbox))
  const token = await app.exchangeCode(await sandbox.meta.code())
  await own.setAccessToken(token)
  for (const text of [...printed(own), ...printed(token)]) {
    assert.ok(!text.includes(secret), text)
    assert.ok(!text.includes(token.token), text)
  }
  assert.deepEqual(JSON.parse(JSON.stringify(own)), {
    provider: 'meta',
    endpoint: `${sandbox.endpoint}/`,
    accessKeyId: null,
    custSpaceId: null,
  })
  await own.send(text(recipient()))
})

test('an AbortSignal cancels a Meta send waiting for its pacing slot', async () => {
  await sandbox.meta.register(OWN_NUMBER)
  const paced = new Client(metaOptions(sandbox, { rateLimitPerSecond: 1 }))
  const to = recipient()
  const message = text(to, { from: OWN_NUMBER })
  await paced.send(message)
  const controller = new AbortController()
  const pending = rejection(paced.send(message, { signal: controller.signal }))
  await sleep(300)
  controller.abort()
  const error = await pending
  assert.equal(error.name, 'AbortError')
  assert.equal(error, controller.signal.reason)
  await sleep(1_200)
  assert.equal((await landed(to)).length, 1)
  await assert.rejects(paced.send(message, { signal: AbortSignal.abort() }), { name: 'AbortError' })
})
