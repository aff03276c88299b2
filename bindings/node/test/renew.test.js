'use strict'

// A Meta client whose token renews itself, against the sandbox's Meta face: an `AccessToken`
// (from `AccessToken.from`) brings its expiry and scopes to the client; with `renewWith` a
// token about to expire is renewed before the send that finds it due and handed to
// `onTokenRenewed` once; what that callback throws never reaches a send; renewal options
// without a Meta token or a `MetaApp` are refused; no printed form shows a token.

const assert = require('node:assert/strict')
const { setTimeout: sleep } = require('node:timers/promises')
const { after, before, test } = require('node:test')

const {
  AccessToken,
  AuthenticationError,
  Client,
  ConfigurationError,
  MetaApp,
  PermissionDeniedError,
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

const MESSAGING = 'whatsapp_business_messaging'
const MANAGEMENT = 'whatsapp_business_management'
const DAY_MS = 24 * 3_600_000

let sandbox
let app

before(async () => {
  sandbox = await startSandbox()
  app = new MetaApp(metaAppOptions(sandbox))
})

after(() => sandbox?.stop())

/** A recipient no other test sends to. */
const recipient = recipients('1650556')

/** A text message from the sandbox's business number to a new recipient. */
function text() {
  return { from: SANDBOX_META.phoneNumberId, to: recipient(), content: { messageType: 'text', text: 'renewed?' } }
}

/**
 * A client sending with a new 3-second token (its `expiresAt` 3 s out) that `app` renews with
 * a 2.9 s margin, so from half its life on (1.5 s), with `extra` options; and that token.
 */
async function renewing(extra = {}) {
  const short = await sandbox.meta.token({ scopes: [MESSAGING], lifetimeSeconds: 3 })
  const accessToken = AccessToken.from(short, { expiresAt: new Date(Date.now() + 3_000), scopes: [MESSAGING] })
  const options = { accessToken, renewWith: app, tokenRenewalMarginMs: 2_900, ...extra }
  return { short, accessToken, client: new Client(metaOptions(sandbox, options)) }
}

test('a token near its expiry is renewed before a send, handed over once, and never shown', async () => {
  const renewed = []
  const { short, accessToken, client } = await renewing({ onTokenRenewed: (token) => renewed.push(token) })
  // With no margin, the same token would be renewed only when it expires.
  const unhurried = []
  const options = { accessToken, renewWith: app, tokenRenewalMarginMs: 0, onTokenRenewed: (t) => unhurried.push(t) }
  const late = new Client(metaOptions(sandbox, options))
  // Fresh, the token is used as it is.
  await client.send(text())
  assert.deepEqual(renewed, [])
  // Past half its life and within the margin, the next send renews it first (while it is
  // still valid: an expired token cannot be exchanged).
  await sleep(1_600)
  await client.send(text())
  await late.send(text())
  assert.deepEqual(unhurried, [])
  // Later sends go out with the new token: the old one no longer works.
  await sandbox.meta.revoke(short)
  await client.send(text())
  assert.equal(renewed.length, 1, 'renewed once, then used')
  const [token] = renewed
  assert.ok(token instanceof AccessToken)
  assert.notEqual(token.token, short)
  assert.deepEqual(token.scopes, [MESSAGING], 'the scopes carry over')
  assert.ok(Math.abs(token.expiresAt - Date.now() - 60 * DAY_MS) < 60_000, String(token.expiresAt))
  for (const text of [...printed(client), ...printed(accessToken), ...printed(token)]) {
    assert.ok(!text.includes(short), text)
    assert.ok(!text.includes(token.token), text)
  }
})

test('what onTokenRenewed throws or rejects with never reaches the send and becomes a warning', async () => {
  const warnings = []
  const onWarning = (warning) => warnings.push(warning)
  process.on('warning', onWarning)
  try {
    const failing = [
      () => {
        throw new Error('cannot store the token')
      },
      async () => {
        throw new Error('cannot store the token later')
      },
    ]
    const clients = await Promise.all(failing.map(async (onTokenRenewed) => (await renewing({ onTokenRenewed })).client))
    await sleep(1_600)
    for (const client of clients) {
      await client.send(text())
      await client.send(text())
    }
    await new Promise((resolve) => setImmediate(resolve))
    const ours = warnings.filter((warning) => warning.code === 'CHATLANE_HOOK_ERROR').map((warning) => warning.message)
    assert.deepEqual(ours.sort(), [
      'chatlane: onTokenRenewed threw: Error: cannot store the token',
      'chatlane: onTokenRenewed threw: Error: cannot store the token later',
    ])
  } finally {
    process.off('warning', onWarning)
  }
})

test('an AccessToken brings its scopes and its expiry to the client', async () => {
  const management = AccessToken.from(SANDBOX_META.token, { scopes: [MANAGEMENT] })
  for (const extra of [{}, { renewWith: app }]) {
    assert.throws(
      () => new Client(metaOptions(sandbox, { accessToken: management, ...extra })),
      (error) => {
        assert.ok(error instanceof PermissionDeniedError, String(error))
        assert.equal(error.code, 'MissingScope')
        assert.ok(!error.message.includes(SANDBOX_META.token), error.message)
        return true
      },
    )
  }
  const messaging = AccessToken.from(SANDBOX_META.token, { scopes: [MESSAGING, MANAGEMENT] })
  assert.match((await new Client(metaOptions(sandbox, { accessToken: messaging })).send(text())).messageId, /^wamid\./)

  // Past its expiry, a token nobody renews is not sent.
  const expired = AccessToken.from(SANDBOX_META.token, { expiresAt: Date.now() - 1_000 })
  const message = text()
  const error = await rejection(new Client(metaOptions(sandbox, { accessToken: expired })).send(message))
  assert.ok(error instanceof AuthenticationError, String(error))
  assert.equal(error.code, 'TokenExpired')
  assert.ok(!error.message.includes(SANDBOX_META.token), error.message)
  assert.deepEqual((await sandbox.meta.ledger()).filter((entry) => entry.recipient === message.to), [])
})

test('AccessToken.from keeps what is known of a token, and refuses what is not a token', () => {
  const at = new Date('2030-01-02T03:04:05.678Z')
  const stored = AccessToken.from('EAAG-stored-token', { expiresAt: at, scopes: [MESSAGING] })
  assert.deepEqual([stored.token, stored.expiresAt, stored.scopes], ['EAAG-stored-token', at, [MESSAGING]])
  assert.ok(Object.isFrozen(stored.scopes))
  assert.deepEqual(AccessToken.from('t', { expiresAt: at.getTime() }).expiresAt, at)
  const bare = AccessToken.from('t')
  assert.deepEqual([bare.expiresAt, bare.scopes], [null, []])
  for (const text of printed(stored)) {
    assert.ok(!text.includes('EAAG-stored-token'), text)
  }
  for (const args of [[42], ['t', { expiresAt: '2030-01-01' }], ['t', { scopes: MESSAGING }], ['t', { scopes: [1] }]]) {
    assert.throws(() => AccessToken.from(...args), TypeError, JSON.stringify(args))
  }
  for (const expiresAt of [Number.NaN, new Date('not a date'), Number.POSITIVE_INFINITY, 8.64e15]) {
    assert.throws(() => AccessToken.from('t', { expiresAt }), (error) => {
      assert.ok(error instanceof ConfigurationError, String(error))
      assert.equal(error.code, 'InvalidConfig')
      return true
    })
  }
  assert.throws(() => new AccessToken('t'), TypeError)
})

test('renewal options need a Meta token, and renewWith a MetaApp', () => {
  const token = AccessToken.from(SANDBOX_META.token)
  const meta = { provider: 'meta', endpoint: sandbox.endpoint }
  for (const options of [
    { ...meta, renewWith: app },
    { ...meta, onTokenRenewed: () => {} },
    { ...meta, tokenRenewalMarginMs: 60_000 },
    sandboxOptions(sandbox, { renewWith: app }),
    { provider: 'cams', accessToken: token, renewWith: app },
    sandboxOptions(sandbox, { accessToken: token }),
    metaOptions(sandbox, { onTokenRenewed: () => {} }),
    metaOptions(sandbox, { tokenRenewalMarginMs: 60_000 }),
    metaOptions(sandbox, { renewWith: metaAppOptions(sandbox) }),
    metaOptions(sandbox, { renewWith: app, onTokenRenewed: 'store' }),
    metaOptions(sandbox, { renewWith: app, tokenRenewalMarginMs: -1 }),
    metaOptions(sandbox, { renewWith: app, tokenRenewalMarginMs: Number.NaN }),
    metaOptions(sandbox, { renewWith: app, tokenRenewalMarginMs: '60000' }),
    metaOptions(sandbox, { accessToken: 42, renewWith: app }),
    metaOptions(sandbox, { accessToken: token, credentialsProvider: async () => ({}) }),
  ]) {
    assert.throws(() => new Client(options), (error) => {
      assert.ok(error instanceof ConfigurationError, `${Object.keys(options)}: ${error}`)
      assert.equal(error.code, 'InvalidConfig')
      assert.ok(!error.message.includes(SANDBOX_META.token), error.message)
      return true
    })
  }
  // `null` and `undefined` are no option; a token string renews too (once Meta refuses it).
  new Client(metaOptions(sandbox, { renewWith: null, onTokenRenewed: undefined, tokenRenewalMarginMs: null }))
  new Client(sandboxOptions(sandbox, { renewWith: undefined }))
  assert.equal(new Client(metaOptions(sandbox, { renewWith: app, tokenRenewalMarginMs: 0 })).provider, 'meta')
})
