'use strict'

// Transport options: a private CA's certificates (`caCertificates`, against
// `chatlane sandbox --tls`), and a proxy (`proxy`) that carries every request.

const assert = require('node:assert/strict')
const { spawn } = require('node:child_process')
const fs = require('node:fs')
const net = require('node:net')
const os = require('node:os')
const path = require('node:path')
const readline = require('node:readline')
const { after, before, test } = require('node:test')

const { Client, ConfigurationError, NetworkError } = require('chatlane')
const { SANDBOX_KEY_ID, SANDBOX_KEY_SECRET } = require('./sandbox.js')

const KEYS = { accessKeyId: SANDBOX_KEY_ID, accessKeySecret: SANDBOX_KEY_SECRET, maxAttempts: 1 }
const MESSAGE = { from: '8613800000000', to: '6591234567', content: { messageType: 'text', text: 'hi' } }

const tls = {}

before(async () => {
  const binary = process.env.CHATLANE_BIN ?? path.join(__dirname, '..', '..', '..', 'target', 'debug', 'chatlane')
  tls.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chatlane-tls-'))
  const ca = path.join(tls.dir, 'ca.pem')
  tls.process = spawn(binary, ['sandbox', '--port', '0', '--tls', '--ca-out', ca], { stdio: ['ignore', 'pipe', 'ignore'] })
  const [first] = await readline.createInterface({ input: tls.process.stdout })[Symbol.asyncIterator]().next().then((r) => [r.value])
  const match = /^chatlane sandbox listening on (https:\/\/127\.0\.0\.1:\d+)$/.exec(first)
  assert.ok(match, first)
  tls.endpoint = match[1]
  tls.ca = fs.readFileSync(ca, 'ascii')
})

after(() => {
  tls.process?.kill()
  fs.rmSync(tls.dir, { recursive: true, force: true })
})

test('a client trusting the CA sends over https', async () => {
  const receipt = await new Client({ endpoint: tls.endpoint, caCertificates: tls.ca, ...KEYS }).send(MESSAGE)
  assert.ok(receipt.messageId)
})

test('a client not trusting it sends nothing', async () => {
  const error = await new Client({ endpoint: tls.endpoint, ...KEYS }).send(MESSAGE).catch((e) => e)
  assert.ok(error instanceof NetworkError, String(error))
  assert.equal(error.code, 'Connect')
  assert.match(error.message, /certificate/)
})

test('unreadable CA certificates are a ConfigurationError', () => {
  assert.throws(() => new Client({ caCertificates: 'not a certificate', ...KEYS }), (error) => {
    assert.ok(error instanceof ConfigurationError)
    assert.equal(error.code, 'InvalidConfig')
    return true
  })
})

/** A proxy that records each request's first line and refuses it (403). */
async function refusingProxy() {
  const seen = []
  const server = net.createServer((socket) => {
    socket.once('data', (chunk) => {
      seen.push(chunk.toString('latin1').split('\r\n')[0])
      socket.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n')
    })
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { url: `http://user:hunter2@127.0.0.1:${server.address().port}`, seen, server }
}

test('the proxy carries the request and its password stays hidden', async () => {
  const proxy = await refusingProxy()
  try {
    const client = new Client({ endpoint: 'https://cams.example.invalid', proxy: proxy.url, ...KEYS })
    const error = await client.send(MESSAGE).catch((e) => e)
    assert.ok(error instanceof NetworkError, String(error))
    assert.equal(error.code, 'Connect')
    assert.ok(!error.message.includes('hunter2'), error.message)
    assert.deepEqual(proxy.seen, ['CONNECT cams.example.invalid:443 HTTP/1.1'])
  } finally {
    proxy.server.close()
  }
})

test('a proxy that is not an http(s) URL is refused without quoting it', () => {
  assert.throws(() => new Client({ proxy: 'socks5://user:hunter2@127.0.0.1:1080', ...KEYS }), (error) => {
    assert.ok(error instanceof ConfigurationError)
    assert.ok(!error.message.includes('hunter2'), error.message)
    return true
  })
})
