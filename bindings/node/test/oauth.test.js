'use strict'

// Meta's OAuth through `MetaApp` against the sandbox: the login dialog's redirect, the
// callback's exchange and each way it is refused, codes handed over without a redirect, the
// long-lived exchange and `debug_token`; the app secret, the PKCE verifier and tokens never
// show in a printed form or an error.

const assert = require('node:assert/strict')
const http = require('node:http')
const util = require('node:util')
const { after, before, test } = require('node:test')

const {
  AccessToken,
  AuthenticationError,
  Client,
  ConfigurationError,
  MetaApp,
  PermissionDeniedError,
} = require('chatlane')
const { startSandbox, metaOptions, metaAppOptions, printed, rejection, SANDBOX_META } = require('./sandbox.js')

const REDIRECT = 'https://app.example.test/meta/callback'
const MESSAGING = 'whatsapp_business_messaging'
const MANAGEMENT = 'whatsapp_business_management'
const HOUR_MS = 3_600_000
const DAY_MS = 24 * HOUR_MS

let sandbox
let app

before(async () => {
  sandbox = await startSandbox()
  app = new MetaApp(metaAppOptions(sandbox))
})

after(() => sandbox?.stop())

/** Where `url` redirects to, without following it. */
function redirectOf(url) {
  return new Promise((resolve, reject) => {
    http
      .get(url, (response) => {
        response.resume()
        assert.equal(response.statusCode, 302)
        resolve(new URL(response.headers.location))
      })
      .on('error', reject)
  })
}

/** Starts an authorization for `scopes` and passes the dialog: its `pending` and callback URL. */
async function authorize(scopes = [MESSAGING], through = app) {
  const { url, pending } = through.authorizationUrl(REDIRECT, scopes)
  return { pending, callback: await redirectOf(url) }
}

/** Asserts `error` is an `AuthenticationError` with `code`. */
function assertAuthentication(error, code) {
  assert.ok(error instanceof AuthenticationError, String(error))
  assert.equal(error.code, code)
}

test('the dialog URL, the callback and the exchange give a token that sends', async () => {
  const start = app.authorizationUrl(REDIRECT, [MESSAGING, MANAGEMENT])
  const url = new URL(start.url)
  assert.equal(`${url.origin}${url.pathname}`, `${sandbox.endpoint}/v25.0/dialog/oauth`)
  assert.equal(url.searchParams.get('client_id'), SANDBOX_META.appId)
  assert.equal(url.searchParams.get('redirect_uri'), REDIRECT)
  assert.equal(url.searchParams.get('code_challenge_method'), 'S256')
  assert.deepEqual(Object.keys(start), ['url'], 'pending is not enumerable')
  const { verifier } = JSON.parse(start.pending)
  assert.ok(verifier.length >= 43)
  for (const text of [...printed(start), start.url]) {
    assert.ok(!text.includes(verifier), text)
  }

  const callback = await redirectOf(start.url)
  assert.equal(`${callback.origin}${callback.pathname}`, REDIRECT)
  assert.equal(callback.searchParams.get('state'), url.searchParams.get('state'))
  const token = await app.exchangeCallback(start.pending, callback.search)
  assert.ok(token instanceof AccessToken)
  assert.ok(Math.abs(token.expiresAt - Date.now() - HOUR_MS) < 60_000, String(token.expiresAt))
  const client = new Client(metaOptions(sandbox, { accessToken: token.token }))
  const receipt = await client.send({
    from: SANDBOX_META.phoneNumberId,
    to: '16505550001',
    content: { messageType: 'text', text: 'signed in' },
  })
  assert.match(receipt.messageId, /^wamid\./)
  for (const text of printed(token)) {
    assert.ok(!text.includes(token.token), text)
  }
})

test('a callback with another state is StateMismatch, and does not spend the code', async () => {
  const { pending, callback } = await authorize()
  const forged = new URL(callback)
  forged.searchParams.set('state', 'not-the-state-sent')
  const error = await rejection(app.exchangeCallback(pending, forged.search))
  assertAuthentication(error, 'StateMismatch')
  for (const secret of [callback.searchParams.get('code'), callback.searchParams.get('state')]) {
    assert.ok(!`${error.message}\n${util.inspect(error)}`.includes(secret), error.message)
  }
  assert.ok((await app.exchangeCallback(pending, callback.search)).token)
})

test('an authorization the user denied is PermissionDenied', async () => {
  const { pending, callback } = await authorize()
  const denied = `?error=access_denied&error_description=Permissions+error&state=${callback.searchParams.get('state')}`
  const error = await rejection(app.exchangeCallback(pending, denied))
  assert.ok(error instanceof PermissionDeniedError, String(error))
  assert.equal(error.code, 'PermissionDenied')
  assert.equal(error.platformCode, 'access_denied')
})

test('a code works once: the second exchange is InvalidGrant', async () => {
  const { pending, callback } = await authorize()
  await app.exchangeCallback(pending, callback.search)
  assertAuthentication(await rejection(app.exchangeCallback(pending, callback.search)), 'InvalidGrant')
})

test('a wrong app secret is InvalidClient and never shown', async () => {
  const secret = 'wrong-app-secret-3b9f07'
  const wrong = new MetaApp(metaAppOptions(sandbox, { appSecret: secret }))
  const { pending, callback } = await authorize([MESSAGING], wrong)
  const error = await rejection(wrong.exchangeCallback(pending, callback.search))
  assertAuthentication(error, 'InvalidClient')
  for (const text of [...printed(wrong), ...printed(error), error.stack]) {
    assert.ok(!text.includes(secret), text)
  }
  assert.equal(String(wrong), `MetaApp(appId=${SANDBOX_META.appId})`)
})

test('inspect says whether a token works, until when, and with which scopes', async () => {
  const token = await sandbox.meta.token({ scopes: [MANAGEMENT], lifetimeSeconds: 7_200 })
  const info = await app.inspect(token)
  assert.equal(info.appId, SANDBOX_META.appId)
  assert.equal(info.isValid, true)
  assert.deepEqual(info.scopes, [MANAGEMENT])
  assert.deepEqual(info.granularScopes.map((granted) => granted.scope), [MANAGEMENT])
  assert.ok(info.expiresAt instanceof Date && info.issuedAt instanceof Date)
  assert.ok(Math.abs(info.expiresAt - info.issuedAt - 2 * HOUR_MS) < 2_000)

  const system = await app.inspect(SANDBOX_META.token)
  assert.equal(system.kind, 'SYSTEM_USER')
  assert.equal(system.expiresAt, null, 'never expires')
  assert.ok(system.scopes.includes(MESSAGING))

  await sandbox.meta.revoke(token)
  assert.equal((await app.inspect(token)).isValid, false)
})

test('longLived exchanges a token for one of about 60 days', async () => {
  const { pending, callback } = await authorize()
  const short = await app.exchangeCallback(pending, callback.search)
  const long = await app.longLived(short)
  assert.notEqual(long.token, short.token)
  assert.ok(Math.abs(long.expiresAt - Date.now() - 60 * DAY_MS) < 60_000, String(long.expiresAt))
  const info = await app.inspect(long)
  assert.equal(info.isValid, true)
  assert.ok(Math.abs(info.expiresAt - long.expiresAt) < 2_000)
  const again = await app.longLived(long.token)
  assert.ok(again.expiresAt > Date.now() + 59 * DAY_MS)
})

test('a code handed over without a redirect is exchanged once with exchangeCode', async () => {
  const code = await sandbox.meta.code({ scopes: [MESSAGING] })
  const token = await app.exchangeCode(code)
  assert.deepEqual((await app.inspect(token)).scopes, [MESSAGING])
  const client = new Client(metaOptions(sandbox))
  await client.setAccessToken(token)
  await client.send({ from: SANDBOX_META.phoneNumberId, to: '16505550002', content: { messageType: 'text', text: 'hi' } })
  assertAuthentication(await rejection(app.exchangeCode(code)), 'InvalidGrant')
})

test('unusable options and arguments are refused', async () => {
  for (const [options, code] of [
    [{ appId: SANDBOX_META.appId }, 'MissingCredentials'],
    [{ ...metaAppOptions(sandbox), appSecret: ' ' }, 'MissingCredentials'],
    [{ ...metaAppOptions(sandbox), clientSecret: 'x' }, 'InvalidConfig'],
    [{ ...metaAppOptions(sandbox), graphUrl: 'http://graph.example.test' }, 'InvalidConfig'],
    [{ ...metaAppOptions(sandbox), graphVersion: '25' }, 'InvalidConfig'],
    [{ ...metaAppOptions(sandbox), appId: 900 }, 'InvalidConfig'],
    [undefined, 'InvalidConfig'],
  ]) {
    assert.throws(() => new MetaApp(options), (error) => {
      assert.ok(error instanceof ConfigurationError, String(error))
      assert.equal(error.code, code)
      assert.ok(!error.message.includes(SANDBOX_META.appSecret), error.message)
      return true
    })
  }
  const error = await rejection(app.exchangeCallback('{"not":"pending"}', '?code=c&state=s'))
  assert.ok(error instanceof ConfigurationError, String(error))
  assert.equal(error.code, 'InvalidConfig')
  assert.throws(() => app.authorizationUrl(REDIRECT, MESSAGING), TypeError)
  assert.throws(() => app.authorizationUrl(42, [MESSAGING]), TypeError)
  await assert.rejects(app.exchangeCode(42), TypeError)
  await assert.rejects(app.inspect(null), TypeError)
  assert.throws(() => new AccessToken('a-token'), TypeError)
})
