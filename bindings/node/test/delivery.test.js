'use strict'

// The core's delivery engine through the Node binding, against the sandbox's fault
// injection and request journal: what is retried, what surfaces as outcome-unknown,
// client-side pacing, panics, refreshed credentials and receipts. Every test uses its own
// recipient (fault rules and journal lookups match on it), and every pacing test its own
// sandbox account, because pacing state is shared per AccessKey ID within this process.

const assert = require('node:assert/strict')
const { describe, test } = require('node:test')

const chatlane = require('chatlane')
const {
  Client,
  AuthenticationError,
  ChatlaneError,
  ConfigurationError,
  InternalError,
  InvalidParameterError,
  NetworkError,
  OutcomeUnknownError,
  ThrottledError,
} = chatlane
const { startSandbox, sharedSandbox, sandboxOptions, closedPort, printed, rejection } = require('./sandbox.js')

const FROM = '8613900000000'
const GENERATED_TASK_ID = /^[0-9a-f]{32}$/

const shared = sharedSandbox(Client)

/** A text message to `to`. */
function text(to, extra = {}) {
  return { from: FROM, to, content: { messageType: 'text', text: 'hello' }, ...extra }
}

/** The journal of requests to `to` on `box`. */
async function requestsTo(to, box = shared.sandbox) {
  return (await box.requests()).filter((request) => request.to === to)
}

/** The ledger entries of messages to `to` on `box`. */
async function landedTo(to, box = shared.sandbox) {
  return (await box.ledger()).filter((entry) => entry.params.To === to)
}

/** Runs `body` with a sandbox of its own whose account is `accessKeyId`. */
async function withOwnAccount(accessKeyId, body) {
  const own = await startSandbox({ accessKeyId, accessKeySecret: `${accessKeyId}-secret` })
  try {
    return await body(own)
  } finally {
    own.stop()
  }
}

describe('retries', () => {
  test('a throttled send is retried after the retry-after the server asked for, and succeeds', async () => {
    const to = '6591230001'
    await shared.sandbox.inject({ fault: { kind: 'throttle', retryAfterMs: 300 }, times: 1, to })
    const receipt = await shared.client.send(text(to))
    assert.equal(receipt.attempts, 2)
    const requests = await requestsTo(to)
    assert.deepEqual(requests.map((r) => r.outcome), ['Throttling.User', 'OK'])
    assert.deepEqual(requests.map((r) => r.taskId), [receipt.taskId, receipt.taskId])
    const gap = requests[1].receivedAtUs - requests[0].receivedAtUs
    assert.ok(gap >= 300_000, `the retry came ${gap} µs after the throttle`)
    assert.equal((await landedTo(to)).length, 1)
  })

  test('a refused connection is retried up to maxAttempts, then rejects with NetworkError', async () => {
    const refused = new Client({
      endpoint: `http://127.0.0.1:${await closedPort()}`,
      accessKeyId: 'refused-key-id',
      accessKeySecret: 'secret',
      maxAttempts: 3,
    })
    const error = await rejection(refused.send(text('6591230002')))
    assert.ok(error instanceof NetworkError, String(error))
    assert.equal(error.code, 'Connect')
    assert.equal(error.attempts, 3)
    assert.match(error.taskId, GENERATED_TASK_ID)
  })

  test('maxAttempts: 1 turns retries off', async () => {
    const to = '6591230003'
    await shared.sandbox.inject({ fault: { kind: 'throttle', retryAfterMs: 50 }, times: 1, to })
    const once = new Client(sandboxOptions(shared.sandbox, { maxAttempts: 1 }))
    const error = await rejection(once.send(text(to)))
    assert.ok(error instanceof ThrottledError, String(error))
    assert.equal(error.code, 'Throttled')
    assert.equal(error.attempts, 1)
    assert.equal(error.retryAfterMs, 50)
    assert.deepEqual((await requestsTo(to)).map((r) => r.outcome), ['Throttling.User'])
  })

  test('no retry starts after retryDeadlineMs', async () => {
    const to = '6591230004'
    await shared.sandbox.inject({ fault: { kind: 'throttle', retryAfterMs: 300 }, times: 1, to })
    const hurried = new Client(sandboxOptions(shared.sandbox, { retryDeadlineMs: 100 }))
    const error = await rejection(hurried.send(text(to)))
    assert.ok(error instanceof ThrottledError, String(error))
    assert.equal(error.attempts, 1)
    assert.equal(error.retryAfterMs, 300)
    assert.equal((await requestsTo(to)).length, 1)
  })
})

describe('failures that are not retried', () => {
  test('a server that accepts and never answers is OutcomeUnknownError, with one message in the ledger', async () => {
    const to = '6591230005'
    await shared.sandbox.inject({ fault: { kind: 'hang' }, to })
    const impatient = new Client(sandboxOptions(shared.sandbox, { requestTimeoutMs: 500 }))
    const error = await rejection(impatient.send(text(to)))
    assert.ok(error instanceof OutcomeUnknownError, String(error))
    assert.ok(error instanceof ChatlaneError)
    assert.equal(error.code, 'OutcomeUnknown')
    assert.equal(error.category, 'outcome_unknown')
    assert.equal(error.attempts, 1)
    assert.match(error.taskId, GENERATED_TASK_ID)
    const entries = await landedTo(to)
    assert.equal(entries.length, 1, 'exactly one message reached the ledger')
    assert.equal(entries[0].params.TaskId, error.taskId)
  })

  test('HTTP 200 with a Code other than OK is a platform error and is not retried', async () => {
    const to = '6591230006'
    await shared.sandbox.inject({
      fault: { kind: 'error', status: 200, code: 'InvalidParameter.PhoneNumberError', message: 'bad number' },
      to,
    })
    const error = await rejection(shared.client.send(text(to, { taskId: 'business-error-1' })))
    assert.ok(error instanceof InvalidParameterError, String(error))
    assert.equal(error.code, 'InvalidParameter')
    assert.equal(error.platformCode, 'InvalidParameter.PhoneNumberError')
    assert.equal(error.httpStatus, 200)
    assert.equal(typeof error.requestId, 'string')
    assert.ok(error.requestId.length > 0)
    assert.equal(error.taskId, 'business-error-1')
    assert.equal(error.attempts, 1)
    const requests = await requestsTo(to)
    assert.deepEqual(
      requests.map((r) => [r.outcome, r.taskId]),
      [['InvalidParameter.PhoneNumberError', 'business-error-1']],
    )
    assert.equal((await landedTo(to)).length, 0)
  })
})

describe('panics', () => {
  test('a panic in the core rejects with InternalError, and the process keeps sending', async () => {
    for (let round = 0; round < 2; round++) {
      const error = await rejection(chatlane._panicProbe())
      assert.ok(error instanceof InternalError, String(error))
      assert.ok(error instanceof ChatlaneError)
      assert.equal(error.code, 'Internal')
      assert.equal(error.category, 'internal')
      assert.match(error.message, /deliberate panic/)
    }
    const to = '6591230008'
    const receipt = await shared.client.send(text(to))
    const [entry] = await landedTo(to)
    assert.equal(entry?.messageId, receipt.messageId)
  })
})

describe('client-side pacing', () => {
  test('with rateLimitMaxWaitMs: 0 a send beyond the rate fails fast with RateLimited and is never sent', async () => {
    await withOwnAccount('pacing-fail-fast', async (own) => {
      const to = '6591230009'
      const paced = new Client(sandboxOptions(own, { rateLimitPerSecond: 1, rateLimitMaxWaitMs: 0 }))
      const receipt = await paced.send(text(to))
      const error = await rejection(paced.send(text(to)))
      assert.ok(error instanceof ThrottledError, String(error))
      assert.equal(error.code, 'RateLimited')
      assert.equal(error.category, 'throttled')
      assert.ok(error.retryAfterMs > 0, `retryAfterMs is ${error.retryAfterMs}`)
      assert.equal(error.attempts, 0, 'nothing was sent')
      assert.match(error.taskId, GENERATED_TASK_ID)
      const entries = await landedTo(to, own)
      assert.deepEqual(entries.map((e) => e.messageId), [receipt.messageId])
      assert.equal((await requestsTo(to, own)).length, 1)
    })
  })

  test('rateLimitBurst lets that many sends go back to back', async () => {
    await withOwnAccount('pacing-burst', async (own) => {
      const to = '6591230010'
      const paced = new Client(sandboxOptions(own, { rateLimitPerSecond: 1, rateLimitBurst: 2, rateLimitMaxWaitMs: 0 }))
      await paced.send(text(to))
      await paced.send(text(to))
      const error = await rejection(paced.send(text(to)))
      assert.equal(error.code, 'RateLimited')
      assert.equal((await landedTo(to, own)).length, 2)
    })
  })

  test('rateLimitDisabled turns pacing off', async () => {
    await withOwnAccount('pacing-disabled', async (own) => {
      const to = '6591230011'
      const unpaced = new Client(
        sandboxOptions(own, { rateLimitPerSecond: 1, rateLimitMaxWaitMs: 0, rateLimitDisabled: true }),
      )
      for (let i = 0; i < 3; i++) {
        await unpaced.send(text(to))
      }
      assert.equal((await landedTo(to, own)).length, 3)
    })
  })
})

describe('setCredentials', () => {
  const ROTATED_SECRET = 'rotated-secret-9d3e7a'
  const ROTATED_TOKEN = 'rotated-sts-token-41c2'

  test('replaces a wrong secret for later sends, and never shows the new one', async () => {
    const own = await startSandbox({ accessKeyId: 'rotation-key-id', accessKeySecret: ROTATED_SECRET })
    try {
      const to = '6591230012'
      const rotating = new Client(sandboxOptions(own, { accessKeySecret: 'stale-secret' }))
      const error = await rejection(rotating.send(text(to)))
      assert.ok(error instanceof AuthenticationError, String(error))
      assert.equal(error.code, 'SignatureMismatch')

      rotating.setCredentials({
        accessKeyId: 'rotation-key-id',
        accessKeySecret: ROTATED_SECRET,
        securityToken: ROTATED_TOKEN,
      })
      const receipt = await rotating.send(text(to))
      assert.deepEqual((await landedTo(to, own)).map((e) => e.messageId), [receipt.messageId])

      for (const description of printed(rotating)) {
        assert.ok(!description.includes(ROTATED_SECRET), description)
        assert.ok(!description.includes(ROTATED_TOKEN), description)
      }
      assert.match(String(rotating), /rotation-key-id/)
    } finally {
      own.stop()
    }
  })

  test('the displayed AccessKey ID is the current one', () => {
    const rotating = new Client(sandboxOptions(shared.sandbox))
    rotating.setCredentials({ accessKeyId: 'next-key-id', accessKeySecret: ROTATED_SECRET })
    assert.equal(rotating.accessKeyId, 'next-key-id')
    assert.match(String(rotating), /accessKeyId=next-key-id/)
    assert.equal(rotating.toJSON().accessKeyId, 'next-key-id')
  })

  for (const [label, credentials, code, shown] of [
    ['no secret', { accessKeyId: 'id' }, 'MissingCredentials', /AccessKey secret/],
    ['an empty secret', { accessKeyId: 'id', accessKeySecret: ' ' }, 'MissingCredentials', /must not be empty/],
    ['a non-string secret', { accessKeyId: 'id', accessKeySecret: 98765432 }, 'InvalidConfig', /"accessKeySecret"/],
    ['an unknown field', { accessKeyId: 'id', accessKeySecret: 's', token: 't' }, 'InvalidConfig', /"token"/],
    ['a string', ROTATED_SECRET, 'InvalidConfig', /plain object/],
    ['nothing', undefined, 'InvalidConfig', /plain object/],
  ]) {
    test(`${label} throws ConfigurationError and keeps the old credentials`, async () => {
      const kept = new Client(sandboxOptions(shared.sandbox))
      assert.throws(() => kept.setCredentials(credentials), (error) => {
        assert.ok(error instanceof ConfigurationError, String(error))
        assert.equal(error.code, code)
        assert.match(error.message, shown)
        for (const secret of [ROTATED_SECRET, '98765432']) {
          assert.ok(!error.message.includes(secret), error.message)
        }
        return true
      })
      const receipt = await kept.send(text('6591230013'))
      assert.equal(receipt.attempts, 1)
    })
  }
})

describe('receipts', () => {
  test('a caller-given TaskId is kept verbatim; a plain send takes one attempt', async () => {
    const to = '6591230014'
    const receipt = await shared.client.send(text(to, { taskId: 'Order-42/α' }))
    assert.equal(receipt.taskId, 'Order-42/α')
    assert.equal(receipt.attempts, 1)
    const [entry] = await landedTo(to)
    assert.equal(entry.messageId, receipt.messageId)
    assert.equal(entry.params.TaskId, 'Order-42/α')
  })

  test('without a TaskId, a generated 32-hex one goes on the wire and into the receipt', async () => {
    const to = '6591230015'
    const receipts = [await shared.client.send(text(to)), await shared.client.send(text(to))]
    const byMessage = new Map((await landedTo(to)).map((entry) => [entry.messageId, entry]))
    for (const receipt of receipts) {
      assert.match(receipt.taskId, GENERATED_TASK_ID)
      assert.equal(receipt.attempts, 1)
      assert.equal(byMessage.get(receipt.messageId)?.params.TaskId, receipt.taskId)
    }
    assert.notEqual(receipts[0].taskId, receipts[1].taskId)
  })
})
