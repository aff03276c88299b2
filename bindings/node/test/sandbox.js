'use strict'

// Test support: runs `chatlane sandbox` (the local CAMS and Meta Cloud API emulator) as a
// subprocess and drives its admin API (ledgers, request journal, fault injection, Meta's
// tokens and codes) with global fetch; and the helpers several test files share.

const assert = require('node:assert/strict')
const { spawn } = require('node:child_process')
const fs = require('node:fs')
const { after, before } = require('node:test')
const net = require('node:net')
const os = require('node:os')
const path = require('node:path')
const readline = require('node:readline')
const util = require('node:util')

const REPO = path.resolve(__dirname, '..', '..', '..')
const BIN = process.env.CHATLANE_BIN || path.join(REPO, 'target', 'debug', 'chatlane')
const READY = /^chatlane sandbox listening on (http:\/\/\S+)$/

/** The sandbox's default credentials. */
const SANDBOX_KEY_ID = 'sandbox-access-key-id'
const SANDBOX_KEY_SECRET = 'sandbox-access-key-secret'

/** The defaults of the sandbox's Meta face (sandbox/src/meta/mod.rs): sandbox-only values. */
const SANDBOX_META = {
  appId: '900000000000001',
  appSecret: 'sandbox-meta-app-secret',
  /** A system user's token with every scope, never expiring. */
  token: 'sandbox-meta-access-token',
  phoneNumberId: '106540352242922',
}

/** Reads an admin resource of the sandbox at `url`, failing on any non-2xx answer. */
async function admin(url, init = {}) {
  const response = await fetch(url, init)
  if (!response.ok) {
    throw new Error(`${init.method ?? 'GET'} ${url}: HTTP ${response.status} ${await response.text()}`)
  }
  return response.status === 204 ? undefined : response.json()
}

/** Posts `body` as JSON to an admin resource of the sandbox, as {@link admin}. */
function post(url, body) {
  return admin(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
}

/**
 * Starts a sandbox on a free port and resolves once it listens. Its one account is the
 * default one unless `accessKeyId` / `accessKeySecret` are given (a key ID of its own gives
 * a test its own client-side pacing budget). `config` is the sandbox's configuration file's
 * JSON (e.g. `{custSpaces: [{id, numbers, statusCallbackUrl, upCallbackUrl}], meta:
 * {webhookUrl}, receiptDelayMs}`, which makes it push receipts and inbound messages).
 * @returns {Promise<{endpoint: string, accessKeyId: string, accessKeySecret: string,
 *   ledger: () => Promise<object[]>, requests: () => Promise<object[]>,
 *   callbacks: () => Promise<object[]>, inbound: (message: object) => Promise<object>,
 *   inject: (rule: object) => Promise<void>, clearFaults: () => Promise<void>, meta: object,
 *   stop: () => void}>}
 */
async function startSandbox({ accessKeyId = SANDBOX_KEY_ID, accessKeySecret = SANDBOX_KEY_SECRET, config } = {}) {
  const args = ['sandbox', '--port', '0', '--access-key-id', accessKeyId, '--access-key-secret', accessKeySecret]
  let configDir
  if (config !== undefined) {
    configDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chatlane-sandbox-'))
    fs.writeFileSync(path.join(configDir, 'sandbox.json'), JSON.stringify(config))
    args.push('--config', path.join(configDir, 'sandbox.json'))
  }
  const child = spawn(BIN, args, { stdio: ['ignore', 'pipe', 'inherit'] })
  const lines = readline.createInterface({ input: child.stdout })
  // The sandbox reads its configuration before it listens: the file goes once it answers.
  const removeConfig = () => configDir !== undefined && fs.rmSync(configDir, { recursive: true, force: true })
  const firstLine = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${BIN} sandbox did not start within 10 s`)), 10_000)
    const fail = (why) => {
      clearTimeout(timer)
      reject(why)
    }
    child.once('error', fail)
    child.once('exit', (code, signal) => fail(new Error(`${BIN} sandbox exited early (${code ?? signal})`)))
    lines.once('line', (line) => {
      clearTimeout(timer)
      resolve(line)
    })
  }).finally(removeConfig)
  child.removeAllListeners('exit')
  const ready = READY.exec(firstLine)
  if (!ready) {
    child.kill()
    throw new Error(`unexpected first line from the sandbox: ${firstLine}`)
  }
  const endpoint = ready[1]
  return {
    endpoint,
    accessKeyId,
    accessKeySecret,
    /** Every accepted message: `[{action, messageId, requestId, accessKeyId, params, receivedAtUs}]`. */
    ledger() {
      return admin(`${endpoint}/_sandbox/ledger`)
    },
    /** Every authenticated request, accepted or not: `[{action, taskId, to, receivedAtUs, outcome}]`. */
    requests() {
      return admin(`${endpoint}/_sandbox/requests`)
    },
    /** Every callback pushed (`config` sets where): `[{kind, url, body, outcome}]`, `outcome` the HTTP status. */
    callbacks() {
      return admin(`${endpoint}/_sandbox/callbacks`)
    },
    /** A user's message (`{from, to, text}`), pushed to the channel's `upCallbackUrl`; it opens the window. */
    inbound(message) {
      return post(`${endpoint}/_sandbox/inbound`, message)
    },
    /**
     * Adds a fault rule, e.g. `{fault: {kind: 'throttle', retryAfterMs: 300}, times: 1, to}`
     * (`times` defaults to 1; `to` limits it to requests to that recipient).
     */
    async inject(rule) {
      await post(`${endpoint}/_sandbox/faults`, rule)
    },
    /** Removes every fault rule. */
    async clearFaults() {
      await admin(`${endpoint}/_sandbox/faults`, { method: 'DELETE' })
    },
    /** Meta's face (its faults go through `inject` with `api: 'meta'`). */
    meta: {
      /**
       * Every accepted message:
       * `[{messageId, phoneNumberId, recipient, type, body, bizOpaqueCallbackData, fbtraceId, receivedAtUs}]`.
       */
      ledger() {
        return admin(`${endpoint}/_sandbox/meta/ledger`)
      },
      /** A new token (`{scopes?, lifetimeSeconds?, type?}`; by default every scope, never expiring). */
      async token(grant = {}) {
        return (await post(`${endpoint}/_sandbox/meta/tokens`, grant)).access_token
      },
      /** Revokes `token`: Meta then refuses it with code 190. */
      async revoke(token) {
        await post(`${endpoint}/_sandbox/meta/tokens/revoke`, { token })
      },
      /** A code as the JS SDK's popup hands one over (`{scopes?}`), exchanged without a redirect URI. */
      async code(grant = {}) {
        return (await post(`${endpoint}/_sandbox/meta/codes`, grant)).code
      },
      /**
       * Registers the business phone number `id` (a number of its own gives a test its own
       * client-side pacing budget).
       */
      async register(id, throughput = 80) {
        await admin(`${endpoint}/_sandbox/meta/phone-numbers/${id}`, {
          method: 'PUT',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ throughput }),
        })
      },
      /**
       * A user's message (`{from, to, name?, text}` or `{…, image: {data, mimeType, caption?}}`,
       * `data` in base64), pushed as Meta's webhook: `{id, mediaId?}` (an image's media ID).
       */
      inbound(message) {
        return post(`${endpoint}/_sandbox/meta/inbound`, message)
      },
      /** The media held, oldest first: `[{id, phoneNumberId, mimeType, fileName, size, sha256}]`. */
      media() {
        return admin(`${endpoint}/_sandbox/meta/media`)
      },
      /** Makes every download URL issued so far answer 404, as Meta's expire after 5 minutes. */
      async expireUrls() {
        await post(`${endpoint}/_sandbox/meta/media/expire-urls`, {})
      },
      /** Damages the stored file of media `id` (its first byte), keeping its recorded SHA-256. */
      async corrupt(id) {
        await post(`${endpoint}/_sandbox/meta/media/${id}/corrupt`, {})
      },
    },
    stop() {
      child.kill()
    },
  }
}

/**
 * One sandbox for the tests of the calling file: started before them (with a client of it
 * built by `Client`) and stopped after them.
 * @returns {{sandbox: object, client: object}} filled in once the tests run
 */
function sharedSandbox(Client) {
  const shared = {}
  before(async () => {
    shared.sandbox = await startSandbox()
    shared.client = new Client(sandboxOptions(shared.sandbox))
  })
  after(() => shared.sandbox?.stop())
  return shared
}

/** Client options for a sandbox with its account's credentials. */
function sandboxOptions(sandbox, extra = {}) {
  const { endpoint, accessKeyId, accessKeySecret } = sandbox
  return { endpoint, accessKeyId, accessKeySecret, ...extra }
}

/** Client options for a sandbox's Meta face with its default token. */
function metaOptions(sandbox, extra = {}) {
  return { provider: 'meta', endpoint: sandbox.endpoint, accessToken: SANDBOX_META.token, ...extra }
}

/** `MetaApp` options for a sandbox's default Meta app, both hosts the sandbox. */
function metaAppOptions(sandbox, extra = {}) {
  const { appId, appSecret } = SANDBOX_META
  return { appId, appSecret, graphUrl: sandbox.endpoint, dialogUrl: sandbox.endpoint, ...extra }
}

/** What `promise` rejected with; fails if it resolved. */
function rejection(promise) {
  return promise.then(
    (value) => assert.fail(`expected a rejection, got ${util.inspect(value)}`),
    (error) => error,
  )
}

/** Every way `value` can be printed, to check that none shows a secret. */
function printed(value) {
  return [
    util.inspect(value),
    util.inspect(value, { showHidden: true, depth: Infinity, getters: true }),
    util.inspect(value, { showHidden: true, depth: Infinity, customInspect: false }),
    String(value),
    JSON.stringify(value),
    JSON.stringify(Object.getOwnPropertyNames(value)),
  ]
}

/** A loopback port nothing listens on. */
async function closedPort() {
  const server = net.createServer()
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address()
  await new Promise((resolve) => server.close(resolve))
  return port
}

/**
 * Starts a real `redis-server` on a free loopback port, without persistence (the test
 * scripts install it). `kill()` stops it as a crash would; `restart()` starts it again, empty,
 * on the same port.
 * @returns {Promise<{url: string, kill: () => Promise<void>, restart: () => Promise<void>}>}
 */
async function startRedis() {
  const port = await closedPort()
  let child
  const server = {
    url: `redis://127.0.0.1:${port}`,
    async kill() {
      if (child === undefined) return
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGKILL')
      await exited
      child = undefined
    },
    async restart() {
      await server.kill()
      const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']
      child = spawn('redis-server', args, { stdio: 'ignore' })
      const started = Date.now()
      while (!(await answers(port))) {
        if (Date.now() - started > 10_000) throw new Error(`redis-server did not start on port ${port}`)
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
    },
  }
  await server.restart()
  after(() => server.kill())
  return server
}

/** Whether something accepts connections on loopback `port`. */
function answers(port) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1')
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

/**
 * A source of recipients `<prefix>0001`, `<prefix>0002`… that no other source with another
 * prefix hands out: Meta paces each recipient on its own, so tests keep theirs apart.
 */
function recipients(prefix) {
  let sent = 0
  return () => {
    sent += 1
    return `${prefix}${String(sent).padStart(4, '0')}`
  }
}

module.exports = {
  recipients,
  startSandbox,
  startRedis,
  sharedSandbox,
  sandboxOptions,
  metaOptions,
  metaAppOptions,
  closedPort,
  rejection,
  printed,
  SANDBOX_KEY_ID,
  SANDBOX_KEY_SECRET,
  SANDBOX_META,
}
