'use strict'

// Test support: runs `chatlane sandbox` (the local CAMS emulator) as a subprocess.

const { spawn } = require('node:child_process')
const path = require('node:path')
const readline = require('node:readline')

const REPO = path.resolve(__dirname, '..', '..')
const BIN = process.env.CHATLANE_BIN || path.join(REPO, 'target', 'debug', 'chatlane')
const READY = /^chatlane sandbox listening on (http:\/\/\S+)$/

/** The sandbox's default credentials. */
const SANDBOX_KEY_ID = 'sandbox-access-key-id'
const SANDBOX_KEY_SECRET = 'sandbox-access-key-secret'

/**
 * Starts a sandbox on a free port and resolves once it listens.
 * @returns {Promise<{endpoint: string, ledger: () => Promise<object[]>, stop: () => void}>}
 */
async function startSandbox() {
  const child = spawn(BIN, ['sandbox', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] })
  const lines = readline.createInterface({ input: child.stdout })
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
  })
  child.removeAllListeners('exit')
  const ready = READY.exec(firstLine)
  if (!ready) {
    child.kill()
    throw new Error(`unexpected first line from the sandbox: ${firstLine}`)
  }
  const endpoint = ready[1]
  return {
    endpoint,
    async ledger() {
      const response = await fetch(`${endpoint}/_sandbox/ledger`)
      if (!response.ok) {
        throw new Error(`ledger: HTTP ${response.status}`)
      }
      return response.json()
    },
    stop() {
      child.kill()
    },
  }
}

/** Client options for a sandbox with its default credentials. */
function sandboxOptions(sandbox, extra = {}) {
  return { endpoint: sandbox.endpoint, accessKeyId: SANDBOX_KEY_ID, accessKeySecret: SANDBOX_KEY_SECRET, ...extra }
}

module.exports = { startSandbox, sandboxOptions, SANDBOX_KEY_ID, SANDBOX_KEY_SECRET }
