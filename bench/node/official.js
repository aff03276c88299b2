'use strict'

// Alibaba's official Node SDK (@alicloud/cams20200606 1.4.2 with @alicloud/openapi-client
// 0.4.15), measured the way bench/ANCHORS.md describes: one client with fake
// credentials, endpoint host:port and protocol taken from BENCH_ENDPOINT, the two requests
// built once and reused. The SDK answers HTTP 200 with `Code != "OK"` as a normal response,
// so every answer's Code is checked here. Run with NODE_PATH pointing at the node_modules
// the packages were installed into (see bench/PROTOCOL.md for the environment).

const { MESSAGE, main } = require('./measure.js')

const REQUIRE_CODE = "require('@alicloud/cams20200606');require('@alicloud/openapi-client')"

const Cams = require('@alicloud/cams20200606')
const { Config } = require('@alicloud/openapi-client')

async function setup({ endpoint }) {
  const url = new URL(endpoint)
  const client = new Cams.default(
    new Config({
      accessKeyId: 'bench-key-id',
      accessKeySecret: 'bench-key-secret',
      endpoint: url.host,
      protocol: url.protocol.replace(/:$/, ''),
    }),
  )
  const requests = [
    new Cams.SendChatappMessageRequest({
      channelType: 'whatsapp',
      type: 'template',
      from: MESSAGE.from,
      to: MESSAGE.to,
      templateCode: MESSAGE.templateCode,
      language: MESSAGE.language,
      templateParams: { ...MESSAGE.templateParams },
    }),
    new Cams.SendChatappMessageRequest({
      channelType: 'whatsapp',
      type: 'message',
      messageType: 'text',
      from: MESSAGE.from,
      to: MESSAGE.to,
      content: JSON.stringify({ text: MESSAGE.text }),
    }),
  ]
  return async (i) => {
    const response = await client.sendChatappMessage(requests[i & 1])
    const body = response.body
    if (response.statusCode !== 200 || !body || body.code !== 'OK') {
      throw new Error(`send ${i} failed: HTTP ${response.statusCode}, Code ${body && body.code}`)
    }
  }
}

main({ impl: 'official-node', requireCode: REQUIRE_CODE, setup })
