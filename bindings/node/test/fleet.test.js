'use strict'

// Pacing shared through a real Redis (`rateLimitRedisUrl`): processes that share nothing but
// the Redis stay together under the limit, clients of one `account` take one budget, and
// while Redis is down sends wait and fail with RateLimited (nothing sent), then resume.

const assert = require('node:assert/strict')
const { execFile } = require('node:child_process')
const path = require('node:path')
const { describe, test } = require('node:test')

const { Client, ConfigurationError, ThrottledError } = require('chatlane')
const { startRedis, startSandbox, sandboxOptions, rejection, recipients } = require('./sandbox.js')

const PACKAGE = path.resolve(__dirname, '..')
const RATE = 20
const PER_PROCESS = 40

/** One worker process: its own client on the shared Redis, all its sends offered at once. */
function worker(options, prefix) {
  const script = `
    const { Client } = require(${JSON.stringify(PACKAGE)})
    const client = new Client(${JSON.stringify(options)})
    const sends = Array.from({ length: ${PER_PROCESS} }, (_, i) =>
      client.send({ from: '8613800000000', to: '${prefix}' + String(i).padStart(3, '0'),
                    content: { messageType: 'text', text: 'hi' } }))
    Promise.all(sends).then(() => process.exit(0), (e) => { console.error(e); process.exit(1) })`
  return new Promise((resolve) => {
    execFile(process.execPath, ['-e', script], { timeout: 60_000 }, (error, _out, stderr) => {
      resolve({ code: error ? error.code : 0, stderr })
    })
  })
}

function busiestSecond(times) {
  const sorted = [...times].sort((a, b) => a - b)
  return Math.max(...sorted.map((t, i) => sorted.slice(i).filter((u) => u < t + 1_000_000).length))
}

const text = (to) => ({ from: '8613800000000', to, content: { messageType: 'text', text: 'hi' } })

describe('pacing shared through Redis', () => {
  test('processes sharing only Redis stay under the limit together and reach it', async () => {
    const [sandbox, redis] = await Promise.all([startSandbox({ accessKeyId: 'node-fleet' }), startRedis()])
    try {
      const options = sandboxOptions(sandbox, { rateLimitPerSecond: RATE, rateLimitRedisUrl: redis.url })
      const runs = await Promise.all([worker(options, '1556000'), worker(options, '1556001')])
      assert.deepEqual(runs.map((r) => r.code), [0, 0], runs.map((r) => r.stderr).join('\n'))
      const times = (await sandbox.requests()).map((r) => r.receivedAtUs)
      assert.equal(times.length, 2 * PER_PROCESS)
      assert.ok(busiestSecond(times) <= RATE, `one second held ${busiestSecond(times)} sends`)
      const achieved = (times.length - 1) / ((Math.max(...times) - Math.min(...times)) / 1e6)
      assert.ok(achieved >= 0.98 * RATE, `the two processes together reached ${achieved.toFixed(2)}/s of ${RATE}/s`)
    } finally {
      sandbox.stop()
    }
  })

  test('clients of one account take one budget', async () => {
    const [sandbox, redis] = await Promise.all([startSandbox({ accessKeyId: 'node-fleet-account' }), startRedis()])
    try {
      const client = (account) =>
        new Client(
          sandboxOptions(sandbox, { account, rateLimitPerSecond: 1, rateLimitMaxWaitMs: 0, rateLimitRedisUrl: redis.url }),
        )
      const to = recipients('1557')()
      await client('acct-shared').send(text(to))
      const refused = await rejection(client('acct-shared').send(text(to)))
      assert.ok(refused instanceof ThrottledError, String(refused))
      assert.equal(refused.code, 'RateLimited')
      assert.ok(refused.retryAfterMs > 800, `retryAfterMs is ${refused.retryAfterMs}`)
      await client('acct-other').send(text(to))
      assert.equal((await sandbox.ledger()).length, 2)
    } finally {
      sandbox.stop()
    }
  })

  test('while Redis is down sends wait, then fail with RateLimited and nothing goes out; then they resume', async () => {
    const [sandbox, redis] = await Promise.all([startSandbox({ accessKeyId: 'node-fleet-down' }), startRedis()])
    try {
      const waiting = new Client(sandboxOptions(sandbox, { rateLimitRedisUrl: redis.url, rateLimitMaxWaitMs: 300 }))
      const to = recipients('1558')()
      await waiting.send(text(to))
      await redis.kill()
      const refused = await rejection(waiting.send(text(to)))
      assert.equal(refused.code, 'RateLimited')
      assert.match(refused.message, /did not answer within the allowed wait/)
      assert.equal((await sandbox.ledger()).length, 1, 'nothing went out while Redis was down')
      await redis.restart()
      await new Client(sandboxOptions(sandbox, { rateLimitRedisUrl: redis.url })).send(text(to))
      assert.equal((await sandbox.ledger()).length, 2)
    } finally {
      sandbox.stop()
    }
  })

  test('the Redis options are checked and the password never shown', () => {
    const options = { endpoint: 'http://127.0.0.1:1', accessKeyId: 'AK', accessKeySecret: 'SK' }
    const url = 'redis://:pa55word@127.0.0.1:1/0'
    const refused = (extra) => {
      try {
        new Client({ ...options, ...extra })
      } catch (error) {
        return error
      }
      assert.fail(`accepted ${JSON.stringify(Object.keys(extra))}`)
    }
    const local = refused({ rateLimitRedisUrl: url, rateLimitRedisOutage: 'local' })
    assert.ok(local instanceof ConfigurationError)
    assert.equal(local.code, 'InvalidConfig')
    assert.match(local.message, /rateLimitInstances|rate_limit_instances/)
    const scheme = refused({ rateLimitRedisUrl: 'http://:pa55word@127.0.0.1:1' })
    assert.doesNotMatch(scheme.message, /pa55word/)
    assert.match(refused({ account: 'two words' }).message, /account must be/)
    const client = new Client({ ...options, rateLimitRedisUrl: url, rateLimitRedisOutage: 'local', rateLimitInstances: 4 })
    assert.doesNotMatch(require('node:util').inspect(client), /pa55word/)
  })
})
