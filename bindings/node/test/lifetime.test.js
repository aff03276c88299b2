'use strict'

// The addon's promises and the lifetime of Node's processes and threads, in child processes
// against the sandbox: a pending send keeps the event loop alive and a client with nothing
// pending does not, nor does a token's renewal callback; a worker terminated with sends in
// flight takes nothing down with it, even the worker whose thread loaded the addon first.

const assert = require('node:assert/strict')
const { execFile } = require('node:child_process')
const path = require('node:path')
const { test } = require('node:test')

const { Client } = require('chatlane')
const { sharedSandbox, sandboxOptions, SANDBOX_META } = require('./sandbox.js')

const PACKAGE = path.resolve(__dirname, '..')
/** A function of a recipient to a text message, as source for the child processes. */
const TEXT = `(to) => ({ from: '8613900000000', to, content: { messageType: 'text', text: 'hello' } })`

const shared = sharedSandbox(Client)

/** A failure bound for a child process, not a timing assertion. */
const CHILD_TIMEOUT_MS = 15_000

/**
 * Runs `script` in a new node process with `options` (the sandbox's client options, pacing
 * off), `text` and, unless `preload` is false, `chatlane` in scope. Resolves with its exit
 * code, signal, output and duration; a process still running after `CHILD_TIMEOUT_MS` is
 * killed (signal `SIGTERM`).
 */
function run(script, { preload = true } = {}) {
  const options = sandboxOptions(shared.sandbox, { rateLimitDisabled: true })
  const prelude = [
    preload ? `const chatlane = require(${JSON.stringify(PACKAGE)})` : '',
    `const options = ${JSON.stringify(options)}`,
    `const text = ${TEXT}`,
  ].join('\n')
  const started = Date.now()
  return new Promise((resolve) => {
    const args = ['-e', `${prelude}\n${script}`]
    execFile(process.execPath, args, { timeout: CHILD_TIMEOUT_MS }, (error, stdout, stderr) => {
      resolve({ code: error ? error.code : 0, signal: error?.signal ?? null, stdout, stderr, ms: Date.now() - started })
    })
  })
}

/** Asserts that `child` exited by itself with status 0 and printed `lines`. */
function assertExited(child, lines) {
  const why = `exit ${child.code}, signal ${child.signal}, after ${child.ms} ms; stderr: ${child.stderr}`
  assert.equal(child.signal, null, why)
  assert.equal(child.code, 0, why)
  assert.deepEqual(child.stdout.trim().split('\n'), lines, why)
}

test('a client that never sends does not keep the process alive', async () => {
  assertExited(await run(`new chatlane.Client(options); console.log('built')`), ['built'])
})

test('a token renewal callback is called and keeps no process alive', async () => {
  const { appId, appSecret, token, phoneNumberId } = SANDBOX_META
  const message = { from: phoneNumberId, to: '16505557001', content: { messageType: 'text', text: 'hello' } }
  // The token is due for renewal from 100 ms on (half its lifetime).
  const child = await run(`
    const app = new chatlane.MetaApp({ appId: '${appId}', appSecret: '${appSecret}', graphUrl: options.endpoint })
    const accessToken = chatlane.AccessToken.from('${token}', { expiresAt: Date.now() + 200 })
    let renewed = 0
    const onTokenRenewed = () => renewed++
    const client = new chatlane.Client({ provider: 'meta', endpoint: options.endpoint, accessToken, renewWith: app, onTokenRenewed })
    process.on('exit', () => console.log('renewed', renewed))
    setTimeout(() => client.send(${JSON.stringify(message)}).then(() => console.log('sent')), 150)
  `)
  assertExited(child, ['sent', 'renewed 1'])
})

test('pending sends keep the process alive until they settle, and no longer', async () => {
  const [slow, silent] = ['6591240001', '6591240002']
  await shared.sandbox.inject({ fault: { kind: 'latency', ms: 600 }, to: slow })
  await shared.sandbox.inject({ fault: { kind: 'hang' }, to: silent })
  const child = await run(`
    const client = new chatlane.Client({ ...options, requestTimeoutMs: 800 })
    client.send(text('${slow}')).then((receipt) => console.log('resolved', receipt.attempts))
    client.send(text('${silent}')).catch((error) => console.log('rejected', error.code))
  `)
  // Both lines print only if the process stays alive until both sends settle.
  assertExited(child, ['resolved 1', 'rejected OutcomeUnknown'])
})

// The process loads the addon in its first worker, whose thread then ends: the allocator's
// process-wide state must outlive the thread that set it up (mimalloc 3.3 crashed here).
test('a worker terminated with sends in flight takes neither the process nor later sends down', async () => {
  const [fast, slow, after] = ['6591240003', '6591240004', '6591240005']
  await shared.sandbox.inject({ fault: { kind: 'latency', ms: 150, jitterMs: 100 }, to: slow, times: 100_000 })
  const child = await run(`
    const { Worker } = require('node:worker_threads')
    const body = \`
      const { parentPort, workerData } = require('node:worker_threads')
      const { Client } = require(workerData.package)
      const client = new Client(workerData.options)
      const text = ${TEXT}
      const loop = (to) => client.send(text(to)).then(() => loop(to), () => loop(to))
      for (let i = 0; i < 16; i++) {
        loop('${fast}')
        loop('${slow}')
      }
      parentPort.postMessage('sending')
    \`
    ;(async () => {
      for (let round = 0; round < 6; round++) {
        const worker = new Worker(body, { eval: true, workerData: { package: ${JSON.stringify(PACKAGE)}, options } })
        await new Promise((resolve) => worker.once('message', resolve))
        await new Promise((resolve) => setTimeout(resolve, 10 * round))
        await worker.terminate()
      }
      // The dead workers' last sends may still fill the sandbox's 250/s window for this
      // account: the later send retries through it, as an application would.
      const patient = { ...options, maxAttempts: 100, retryDeadlineMs: 10_000 }
      const chatlane = require(${JSON.stringify(PACKAGE)})
      const receipt = await new chatlane.Client(patient).send(text('${after}'))
      console.log('sent', receipt.taskId.length)
    })()
  `, { preload: false })
  assertExited(child, ['sent 32'])
})
