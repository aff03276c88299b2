'use strict'

// chatlane's Node binding (bindings/node, built by `source scripts/lib.sh && setup_node`): per
// provider, one client with fake credentials, its endpoint (BENCH_ENDPOINT, BENCH_META_ENDPOINT)
// and client-side pacing off so it never interferes; the messages are built once and reused
// (CAMS: a template and a text message in turn; Meta: a text message). `send` rejects with a
// ChatlaneError for any failure, an HTTP 200 without a message ID included.

const path = require('node:path')
const { MESSAGE, main } = require('./measure.js')

const PACKAGE = path.resolve(__dirname, '..', '..', 'bindings', 'node')
const REQUIRE_CODE = `require(${JSON.stringify(PACKAGE)})`
const CREDENTIALS = {
  cams: { accessKeyId: 'bench-key-id', accessKeySecret: 'bench-key-secret' },
  meta: { accessToken: 'bench-token' },
}

const { Client } = require(PACKAGE)

function text(from) {
  return { channel: 'whatsapp', from, to: MESSAGE.to, content: { messageType: 'text', text: MESSAGE.text } }
}

const MESSAGES = {
  cams: [
    {
      channel: 'whatsapp',
      from: MESSAGE.from,
      to: MESSAGE.to,
      template: { code: MESSAGE.templateCode, language: MESSAGE.language, params: { ...MESSAGE.templateParams } },
    },
    text(MESSAGE.from),
  ],
  meta: [text(MESSAGE.metaFrom)],
}

async function setup({ endpoint, metaEndpoint }, provider) {
  const client = new Client({
    provider,
    ...CREDENTIALS[provider],
    endpoint: provider === 'meta' ? metaEndpoint : endpoint,
    rateLimitDisabled: true,
  })
  const messages = MESSAGES[provider]
  return async (i) => {
    const receipt = await client.send(messages[i % messages.length])
    if (!receipt.messageId) {
      throw new Error(`send ${i} resolved without a message ID: ${JSON.stringify(receipt)}`)
    }
  }
}

main({ impl: 'chatlane-node', requireCode: REQUIRE_CODE, setup, providers: ['cams', 'meta'] })
