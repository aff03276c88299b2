'use strict'

// The webhook examples run for real, so they stay true: each starts on a free port, answers
// Meta's subscription request, takes a CAMS push and a signed Meta notification (printing
// their events once: a redelivery prints nothing), and refuses a push without the URL token.

const assert = require('node:assert/strict')
const { spawn } = require('node:child_process')
const path = require('node:path')
const readline = require('node:readline')
const { setTimeout: sleep } = require('node:timers/promises')
const { test } = require('node:test')

const { parseCamsPush, parseMetaWebhook } = require('chatlane')
const { camsStatusBody, metaInboundBody, signature, storeFile, until } = require('./receiving.js')

const EXAMPLES = path.join(__dirname, '..', 'examples')
const SECRETS = {
  CHATLANE_CAMS_PUSH_TOKEN: 'example-push-token',
  WHATSAPP_APP_SECRET: 'example-app-secret',
  WHATSAPP_VERIFY_TOKEN: 'example-verify-token',
}

/** Starts `examples/<name>` on a free loopback port; resolves with its URL and what it printed. */
async function startExample(t, name, store) {
  const env = { ...process.env, ...SECRETS, PORT: '0', HOST: '127.0.0.1', EVENT_STORE: store }
  const child = spawn(process.execPath, [path.join(EXAMPLES, name)], { env, stdio: ['ignore', 'pipe', 'pipe'] })
  t.after(() => child.kill())
  const printed = { lines: [], errors: [] }
  readline.createInterface({ input: child.stderr }).on('line', (line) => printed.errors.push(line))
  const lines = readline.createInterface({ input: child.stdout })
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start: ${printed.errors.join('\n')}`)), 10_000)
    child.once('exit', (code) => reject(new Error(`${name} exited (${code}): ${printed.errors.join('\n')}`)))
    lines.once('line', (line) => {
      clearTimeout(timer)
      const ready = /^listening on (http:\/\/\S+)$/.exec(line)
      if (ready) {
        resolve(ready[1])
      } else {
        reject(new Error(`unexpected first line from ${name}: ${line}`))
      }
      lines.on('line', (more) => printed.lines.push(more))
    })
  })
  return { url, printed }
}

/** Runs the example `name` through a subscription, pushes, a redelivery and a refusal. */
async function exercise(t, name) {
  const { url, printed } = await startExample(t, name, storeFile(t, name.replace('.js', '')))
  const { CHATLANE_CAMS_PUSH_TOKEN: token, WHATSAPP_APP_SECRET: secret, WHATSAPP_VERIFY_TOKEN: verify } = SECRETS

  const subscription = await fetch(`${url}/meta?hub.mode=subscribe&hub.challenge=4711&hub.verify_token=${verify}`)
  assert.deepEqual([subscription.status, await subscription.text()], [200, '4711'])

  const cams = camsStatusBody(`m-${name}`)
  const json = { 'content-type': 'application/json' }
  const push = () => fetch(`${url}/cams/status?token=${token}`, { method: 'POST', headers: json, body: cams })
  const pushed = await push()
  assert.deepEqual([pushed.status, await pushed.json()], [200, { code: 0, msg: 'success' }])

  const meta = metaInboundBody(`wamid.${name}`)
  const headers = { ...json, 'x-hub-signature-256': signature(secret, meta) }
  const notified = await fetch(`${url}/meta`, { method: 'POST', headers, body: meta })
  assert.deepEqual([notified.status, await notified.text()], [200, 'OK'])

  const expected = [...parseCamsPush(cams, 'status'), ...parseMetaWebhook(meta)]
  await until('every event printed', () => printed.lines.length >= expected.length)
  assert.equal((await push()).status, 200, 'a redelivery is acknowledged')
  const tokenless = await fetch(`${url}/cams/status`, { method: 'POST', headers: json, body: cams })
  assert.equal(tokenless.status, 401)
  await until('the refusal logged', () => printed.errors.some((line) => line.includes('SignatureMismatch')))
  await sleep(100)
  assert.deepEqual(printed.lines.map((line) => JSON.parse(line)), expected, 'each event printed once')
}

test('examples/webhook_http.js receives pushes and prints each event once', (t) => exercise(t, 'webhook_http.js'))

test('examples/webhook_express.js receives pushes and prints each event once', (t) => exercise(t, 'webhook_express.js'))
