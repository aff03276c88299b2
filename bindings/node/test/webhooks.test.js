'use strict'

// The webhook fixtures (tests/webhooks/*.json, see its README) through the Node API: every
// body gives exactly its events (plain objects, compared as JSON values) and their dedup keys,
// or exactly its error code, as in every other chatlane language. Then Meta's signature and
// subscription checks, and the arguments the functions refuse.

const assert = require('node:assert/strict')
const crypto = require('node:crypto')
const fs = require('node:fs')
const path = require('node:path')
const { describe, test } = require('node:test')

const {
  AuthenticationError,
  ConfigurationError,
  InvalidParameterError,
  dedupKey,
  parseCamsPush,
  parseMetaWebhook,
  verifyMetaChallenge,
  verifyMetaSignature,
} = require('chatlane')

const DIR = path.join(__dirname, '..', '..', '..', 'tests', 'webhooks')
const SECRET = 'webhook-test-app-secret'

const files = fs
  .readdirSync(DIR)
  .filter((name) => name.endsWith('.json'))
  .sort()
  .map((name) => [name, JSON.parse(fs.readFileSync(path.join(DIR, name), 'utf8')).cases])
const cases = files.flatMap(([, list]) => list)

/** A case's body as the README says to send it: compact JSON text, or `rawBody`, as UTF-8. */
function bodyOf(testCase) {
  return Buffer.from(testCase.rawBody ?? JSON.stringify(testCase.body), 'utf8')
}

/** The events the case's body gives through the function of its provider. */
function parse(testCase, body = bodyOf(testCase)) {
  return testCase.provider === 'cams' ? parseCamsPush(body, testCase.kind) : parseMetaWebhook(body)
}

/** The `X-Hub-Signature-256` value of `body` under `secret`. */
function signature(secret, body) {
  return `sha256=${crypto.createHmac('sha256', secret).update(body).digest('hex')}`
}

/** The case of this name. */
function caseNamed(name) {
  const found = cases.find((testCase) => testCase.name === name)
  assert.ok(found, `no case ${name}`)
  return found
}

test('there are webhook cases to run', () => {
  assert.ok(cases.length >= 60, `${cases.length} cases in ${DIR}`)
})

for (const [file, list] of files) {
  describe(file, () => {
    for (const testCase of list) {
      test(testCase.name, () => {
        if (testCase.error !== undefined) {
          assert.throws(() => parse(testCase), { code: testCase.error.code })
          return
        }
        const events = parse(testCase)
        assert.deepStrictEqual(events, testCase.events)
        if (testCase.dedupKeys !== undefined) {
          assert.deepStrictEqual(events.map(dedupKey), testCase.dedupKeys)
        }
      })
    }
  })
}

test('a body may be a Buffer, a Uint8Array or a string', () => {
  const testCase = caseNamed('meta_inbound/reaction')
  const body = bodyOf(testCase)
  const text = JSON.stringify(testCase.body)
  assert.deepStrictEqual(parseMetaWebhook(new Uint8Array(body)), testCase.events)
  assert.deepStrictEqual(parseMetaWebhook(text), testCase.events)
  assert.deepStrictEqual(parseCamsPush('[]', 'status'), [])
  for (const wrong of [undefined, null, 42, { length: 1 }, [123]]) {
    assert.throws(() => parseMetaWebhook(wrong), TypeError)
  }
})

test('errors are ChatlaneErrors with their code', () => {
  assert.throws(() => parseMetaWebhook('{'), InvalidParameterError)
  assert.throws(() => parseMetaWebhook('{'), { code: 'InvalidParameter', name: 'InvalidParameterError' })
  assert.throws(() => parseCamsPush('[]', 'Status'), ConfigurationError)
  assert.throws(() => parseCamsPush('[]', 'Status'), { code: 'InvalidConfig', name: 'ConfigurationError' })
  assert.throws(() => dedupKey({ event: 'sent' }), InvalidParameterError)
  assert.throws(() => dedupKey(undefined), TypeError)
})

test('the Meta signature: good, over the escaped body, bad, missing', () => {
  const testCase = caseNamed('meta_inbound/reaction')
  const body = bodyOf(testCase)
  assert.equal(verifyMetaSignature(SECRET, body, signature(SECRET, body)), 'raw')
  assert.equal(verifyMetaSignature(Buffer.from(SECRET), body.toString('utf8'), signature(SECRET, body)), 'raw')
  // Meta may sign the body with every UTF-16 unit above `~` escaped as `\uXXXX`.
  const escape = (unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`
  const escaped = JSON.stringify(testCase.body).replace(/[\u007f-\uffff]/g, escape)
  assert.notEqual(escaped, body.toString('utf8'), 'the body has characters to escape')
  assert.equal(verifyMetaSignature(SECRET, body, signature(SECRET, escaped)), 'escaped_unicode')
  const longer = Buffer.concat([body, Buffer.from(' ')])
  for (const header of [signature('another-secret', body), signature(SECRET, longer), 'sha256=00', undefined, null]) {
    assert.throws(
      () => verifyMetaSignature(SECRET, body, header),
      (error) => error instanceof AuthenticationError && error.code === 'SignatureMismatch' && !error.message.includes(SECRET),
    )
  }
  assert.throws(() => verifyMetaSignature('', body, signature('', body)), { code: 'InvalidConfig' })
  assert.throws(() => verifyMetaSignature(42, body, signature(SECRET, body)), TypeError)
  assert.deepStrictEqual(parseMetaWebhook(body), testCase.events)
})

test('the Meta subscription challenge', () => {
  const query = 'hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=verify-me'
  assert.equal(verifyMetaChallenge(query, 'verify-me'), '1158201444')
  assert.equal(verifyMetaChallenge(`?${query}`, 'verify-me'), '1158201444')
  assert.throws(() => verifyMetaChallenge(query, 'verify-you'), { code: 'SignatureMismatch', name: 'AuthenticationError' })
  const unsubscribe = query.replace('subscribe', 'unsubscribe')
  assert.throws(() => verifyMetaChallenge(unsubscribe, 'verify-me'), { code: 'InvalidParameter' })
  assert.throws(() => verifyMetaChallenge(query, ''), { code: 'InvalidConfig' })
  assert.throws(() => verifyMetaChallenge(undefined, 'verify-me'), TypeError)
})
