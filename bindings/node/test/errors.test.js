'use strict'

const assert = require('node:assert/strict')
const { after, before, describe, test } = require('node:test')

const chatlane = require('chatlane')
const { Client, ChatlaneError, AuthenticationError, ConfigurationError, NetworkError, ValidationError } = chatlane
const { startSandbox, sandboxOptions, closedPort, SANDBOX_KEY_ID, SANDBOX_KEY_SECRET } = require('./sandbox.js')

const FROM = '8613900000000'
const TO = '8613800000000'
const WRONG_SECRET = 'wrong-secret-5f1d0c2b'
const ENV_NAMES = ['ALIBABA_CLOUD_ACCESS_KEY_ID', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET', 'ALIBABA_CLOUD_SECURITY_TOKEN']

let sandbox

before(async () => {
  sandbox = await startSandbox()
})

after(() => sandbox?.stop())

/** A free-form message from `FROM` to `TO`. */
function contentMessage(content, extra = {}) {
  return { from: FROM, to: TO, content, ...extra }
}

/** A text message from `FROM` to `TO`. */
function textMessage(text, extra = {}) {
  return contentMessage({ messageType: 'text', text }, extra)
}

/** Runs `body` with the credential variables set to `values` (absent when undefined). */
async function withCredentialEnv(values, body) {
  const saved = Object.fromEntries(ENV_NAMES.map((name) => [name, process.env[name]]))
  try {
    for (const name of ENV_NAMES) {
      if (values[name] === undefined) {
        delete process.env[name]
      } else {
        process.env[name] = values[name]
      }
    }
    return await body()
  } finally {
    for (const name of ENV_NAMES) {
      if (saved[name] === undefined) {
        delete process.env[name]
      } else {
        process.env[name] = saved[name]
      }
    }
  }
}

describe('platform errors', () => {
  test('a wrong secret rejects with AuthenticationError carrying the platform details', async () => {
    const client = new Client(sandboxOptions(sandbox, { accessKeySecret: WRONG_SECRET }))
    const error = await client.send(textMessage('hi', { taskId: 'auth-1' })).then(
      () => assert.fail('the send should have been rejected'),
      (e) => e,
    )
    assert.ok(error instanceof AuthenticationError)
    assert.ok(error instanceof ChatlaneError)
    assert.ok(error instanceof Error)
    assert.equal(error.name, 'AuthenticationError')
    assert.equal(error.code, 'SignatureMismatch')
    assert.equal(error.category, 'authentication')
    assert.equal(error.platformCode, 'SignatureDoesNotMatch')
    assert.equal(error.httpStatus, 400)
    assert.equal(typeof error.requestId, 'string')
    assert.ok(error.requestId.length > 0)
    assert.equal(error.retryAfterMs, null)
    assert.deepEqual(error.violations, [])
    assert.match(error.stack, /^AuthenticationError: /)
    assert.ok(!(await sandbox.ledger()).some((entry) => entry.params.TaskId === 'auth-1'))
  })

  test('connection refused rejects with NetworkError', async () => {
    const client = new Client({ endpoint: `http://127.0.0.1:${await closedPort()}`, accessKeyId: 'id', accessKeySecret: 's' })
    await assert.rejects(client.send(textMessage('hi')), (error) => {
      assert.ok(error instanceof NetworkError)
      assert.equal(error.code, 'Connect')
      assert.equal(error.category, 'network')
      assert.equal(error.httpStatus, null)
      return true
    })
  })
})

describe('validation', () => {
  test('every violation is reported with its path, and nothing is sent', async () => {
    const client = new Client(sandboxOptions(sandbox))
    const before = (await sandbox.ledger()).length
    await assert.rejects(
      client.send(textMessage('', { from: '+86 139', taskId: 'invalid-1' })),
      (error) => {
        assert.ok(error instanceof ValidationError)
        assert.ok(error instanceof ChatlaneError)
        assert.equal(error.code, 'InvalidMessage')
        assert.equal(error.category, 'validation')
        assert.deepEqual(
          error.violations.map((v) => [v.code, v.path]),
          [
            ['digits_only', 'from'],
            ['required', 'content.text'],
          ],
        )
        assert.match(error.message, /content\.text/)
        return true
      },
    )
    assert.equal((await sandbox.ledger()).length, before)
  })

  const cycle = textMessage('hi')
  cycle.content.self = cycle
  const audioWithCaption = { messageType: 'audio', link: 'https://cdn.example.com/a.mp3', caption: 'no' }
  const buttonWithoutTitle = {
    messageType: 'interactive',
    type: 'button',
    body: { text: 'Pick one' },
    action: { buttons: [{ type: 'reply', reply: { id: 'yes' } }] },
  }
  for (const [label, message, named] of [
    ['an empty object', {}, /not a valid message: missing field `from`/],
    ['an unknown content type', contentMessage({ messageType: 'fax' }), /at content\.messageType: .*`fax`/],
    ['a missing field', { from: FROM, to: TO, template: { code: 'C1' } }, /at template: missing field `language`/],
    ['an unknown channel', textMessage('hi', { channel: 'sms' }), /at channel: .*`sms`/],
    [
      'a wrongly typed field',
      { from: FROM, to: TO, template: { language: 'en', params: { n: 42 } } },
      /at template\.params\.n: invalid type: integer `42`/,
    ],
    ['an unknown field', textMessage('hi', { taskid: 't' }), /at taskid: unknown field `taskid`/],
    ['the old flat shape', { type: 'text', from: FROM, to: TO, text: 'hi' }, /at type: unknown field `type`/],
    ['a field of another content type', contentMessage(audioWithCaption), /at content\.caption: unknown field `caption`/],
    ['a missing field in a button', contentMessage(buttonWithoutTitle), /at content\.action\.buttons\[0\]\.reply: missing field `title`/],
    ['a BigInt', textMessage('hi', { ttl: 60n }), /not a valid message: .*BigInt/],
    // Followed only as deep as a message may nest: cut off there, the typed part is a wrong shape.
    ['a cycle', cycle, /not a valid message at content\.self: unknown field `self`/],
    ['no object at all', undefined, /not a valid message: expected a message object, got undefined/],
    ['a function', () => {}, /not a valid message: expected a message object, got function/],
  ]) {
    test(`${label} is a ValidationError (a rejection, not a throw)`, async () => {
      const client = new Client(sandboxOptions(sandbox))
      const pending = client.send(message)
      assert.ok(pending instanceof Promise)
      await assert.rejects(pending, (error) => {
        assert.ok(error instanceof ValidationError, String(error))
        assert.equal(error.code, 'InvalidMessage')
        assert.deepEqual(error.violations, [])
        assert.match(error.message, named)
        return true
      })
    })
  }
})

describe('configuration', () => {
  test('plain http to a non-loopback host throws ConfigurationError synchronously', () => {
    assert.throws(
      () => new Client({ endpoint: 'http://example.com', accessKeyId: 'id', accessKeySecret: 'secret' }),
      (error) => {
        assert.ok(error instanceof ConfigurationError)
        assert.ok(error instanceof ChatlaneError)
        assert.equal(error.code, 'InvalidConfig')
        assert.equal(error.category, 'configuration')
        assert.match(error.message, /loopback/)
        return true
      },
    )
  })

  test('missing credentials throw ConfigurationError MissingCredentials', async () => {
    await withCredentialEnv({}, () => {
      assert.throws(() => new Client({ endpoint: sandbox.endpoint }), (error) => {
        assert.ok(error instanceof ConfigurationError)
        assert.equal(error.code, 'MissingCredentials')
        return true
      })
    })
    assert.throws(() => new Client({ endpoint: sandbox.endpoint, accessKeyId: 'only-the-id' }), {
      code: 'MissingCredentials',
    })
  })

  test('credentials from the ALIBABA_CLOUD_* environment work', async () => {
    const receipt = await withCredentialEnv(
      { ALIBABA_CLOUD_ACCESS_KEY_ID: SANDBOX_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET: SANDBOX_KEY_SECRET },
      () => {
        const client = new Client({ endpoint: sandbox.endpoint })
        assert.equal(client.accessKeyId, SANDBOX_KEY_ID)
        return client.send(textMessage('from env', { taskId: 'env-1' }))
      },
    )
    const entry = (await sandbox.ledger()).find((e) => e.params.TaskId === 'env-1')
    assert.equal(entry?.messageId, receipt.messageId)
  })

  test('every option is accepted with a valid value, and null counts as absent', () => {
    const options = {
      accessKeyId: 'id',
      accessKeySecret: 'secret',
      securityToken: 'token',
      endpoint: sandbox.endpoint,
      custSpaceId: 'cams-1',
      connectTimeoutMs: 1000,
      requestTimeoutMs: 5000,
      rateLimitPerSecond: 12.5,
      rateLimitBurst: 3,
      rateLimitMaxWaitMs: 0,
      rateLimitDisabled: false,
      maxAttempts: 1,
      retryDeadlineMs: 0,
    }
    assert.equal(new Client(options).custSpaceId, 'cams-1')
    const nulls = Object.fromEntries(Object.keys(options).map((name) => [name, null]))
    const client = new Client({ ...nulls, accessKeyId: 'id', accessKeySecret: 'secret' })
    assert.equal(client.custSpaceId, null)
  })

  for (const [label, options, shown] of [
    ['an unknown option', { accesKeyId: 'typo' }, /accesKeyId/],
    ['a zero timeout', { connectTimeoutMs: 0 }, /connect timeout/],
    ['a negative timeout', { requestTimeoutMs: -5 }, /requestTimeoutMs/],
    ['a timeout as text', { requestTimeoutMs: '5s' }, /"requestTimeoutMs" must be a finite, non-negative number/],
    ['a non-string option', { endpoint: 8080 }, /endpoint/],
    ['a zero rate limit', { rateLimitPerSecond: 0 }, /rate limit must be a number of sends per second between/],
    ['a non-numeric rate limit', { rateLimitPerSecond: '250' }, /"rateLimitPerSecond" must be a finite number/],
    ['a NaN rate limit', { rateLimitPerSecond: NaN }, /"rateLimitPerSecond"/],
    ['an infinite rate limit', { rateLimitPerSecond: Infinity }, /"rateLimitPerSecond"/],
    ['a zero burst', { rateLimitBurst: 0 }, /burst must be between 1 and/],
    ['a fractional burst', { rateLimitBurst: 1.5 }, /"rateLimitBurst" must be a whole/],
    ['a negative maximum wait', { rateLimitMaxWaitMs: -1 }, /"rateLimitMaxWaitMs" must be a finite, non-negative/],
    ['a non-boolean rateLimitDisabled', { rateLimitDisabled: 'yes' }, /"rateLimitDisabled" must be a boolean/],
    ['zero attempts', { maxAttempts: 0 }, /max attempts must be between 1 and 100/],
    ['attempts beyond 32 bits', { maxAttempts: 2 ** 32 }, /max attempts must be between 1 and 100/],
    ['a negative retry deadline', { retryDeadlineMs: -0.5 }, /"retryDeadlineMs" must be a finite, non-negative/],
    ['options that are not an object', 'https://example.com', /object/],
  ]) {
    test(`${label} throws ConfigurationError`, () => {
      const base = typeof options === 'object' ? { accessKeyId: 'id', accessKeySecret: 'secret', ...options } : options
      assert.throws(() => new Client(base), (error) => {
        assert.ok(error instanceof ConfigurationError, String(error))
        assert.equal(error.code, 'InvalidConfig')
        assert.match(error.message, shown)
        return true
      })
    })
  }
})

describe('secrets stay secret', () => {
  const SECRET = 'top-secret-value-8c1e'
  const TOKEN = 'sts-token-value-77aa'

  test('util.inspect, String and JSON.stringify of a client never show the secret', () => {
    const util = require('node:util')
    const client = new Client({
      endpoint: sandbox.endpoint,
      accessKeyId: 'visible-id',
      accessKeySecret: SECRET,
      securityToken: TOKEN,
      custSpaceId: 'cams-1',
    })
    const shown = [
      util.inspect(client),
      util.inspect(client, { showHidden: true, depth: Infinity, getters: true }),
      String(client),
      `${client}`,
      JSON.stringify(client),
      JSON.stringify(Object.getOwnPropertyNames(client)),
    ]
    for (const text of shown) {
      assert.ok(!text.includes(SECRET), text)
      assert.ok(!text.includes(TOKEN), text)
    }
    assert.match(String(client), /visible-id/)
    assert.deepEqual(JSON.parse(JSON.stringify(client)), {
      provider: 'cams',
      endpoint: `${sandbox.endpoint}/`,
      accessKeyId: 'visible-id',
      custSpaceId: 'cams-1',
    })
  })

  test('errors never show the secret', async () => {
    const util = require('node:util')
    const client = new Client(sandboxOptions(sandbox, { accessKeySecret: SECRET, securityToken: TOKEN }))
    const failures = [
      await client.send(textMessage('hi')).catch((e) => e),
      await client.send(textMessage('', { from: 'x', to: '' })).catch((e) => e),
    ]
    for (const options of [
      { endpoint: 'http://example.com', accessKeyId: 'id', accessKeySecret: SECRET },
      { endpoint: sandbox.endpoint, accessKeyId: 'id', accessKeySecret: 12345678 },
      { endpoint: sandbox.endpoint, accessKeySecret: SECRET },
    ]) {
      try {
        new Client(options)
        assert.fail('the constructor should have thrown')
      } catch (error) {
        failures.push(error)
      }
    }
    for (const error of failures) {
      assert.ok(error instanceof ChatlaneError, String(error))
      const text = `${error.message}\n${error.stack}\n${util.inspect(error, { depth: Infinity })}\n${JSON.stringify(error)}`
      for (const secret of [SECRET, TOKEN, '12345678']) {
        assert.ok(!text.includes(secret), text)
      }
    }
  })
})
