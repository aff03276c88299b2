'use strict'

// chatlane's Node binding (bindings/node, built by `source scripts/lib.sh && setup_node`):
// one client with fake credentials, the endpoint from BENCH_ENDPOINT and client-side pacing
// raised to 10,000,000/s so it never interferes; the two messages are built once and reused.
// `send` rejects with a ChatlaneError for any failure, HTTP 200 with `Code != "OK"` included.

const path = require('node:path')
const { MESSAGE, main } = require('./measure.js')

const PACKAGE = path.resolve(__dirname, '..', '..', 'bindings', 'node')
const REQUIRE_CODE = `require(${JSON.stringify(PACKAGE)})`
const RATE_LIMIT_PER_SECOND = 10_000_000

const { Client } = require(PACKAGE)

async function setup({ endpoint }) {
  const client = new Client({
    accessKeyId: 'bench-key-id',
    accessKeySecret: 'bench-key-secret',
    endpoint,
    rateLimitPerSecond: RATE_LIMIT_PER_SECOND,
  })
  const messages = [
    {
      channel: 'whatsapp',
      from: MESSAGE.from,
      to: MESSAGE.to,
      template: { code: MESSAGE.templateCode, language: MESSAGE.language, params: { ...MESSAGE.templateParams } },
    },
    { channel: 'whatsapp', from: MESSAGE.from, to: MESSAGE.to, content: { messageType: 'text', text: MESSAGE.text } },
  ]
  return async (i) => {
    const receipt = await client.send(messages[i & 1])
    if (!receipt.messageId) {
      throw new Error(`send ${i} resolved without a MessageId: ${JSON.stringify(receipt)}`)
    }
  }
}

main({ impl: 'chatlane-node', requireCode: REQUIRE_CODE, setup })
