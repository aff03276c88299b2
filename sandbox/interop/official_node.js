'use strict'

// Drives Alibaba's official Node SDK (@alicloud/cams20200606) against the sandbox: a
// template, a text and a mass message are accepted with signature V3 and with the legacy V2,
// and a wrong secret is refused with SignatureDoesNotMatch. One line per check; exits
// non-zero on the first surprise.
//
//   node official_node.js http://127.0.0.1:PORT ACCESS_KEY_ID ACCESS_KEY_SECRET

const Cams = require('@alicloud/cams20200606')
const { Config } = require('@alicloud/openapi-client')

const SENDER = '8613800000000'
const RECIPIENT = '6591234567'

function client(endpoint, accessKeyId, accessKeySecret, algorithm) {
  const url = new URL(endpoint)
  const config = new Config({ accessKeyId, accessKeySecret, endpoint: url.host, protocol: url.protocol.replace(':', '') })
  if (algorithm === 'v2') config.signatureAlgorithm = 'v2'
  return new Cams.default(config)
}

async function sendAll(sdk, algorithm) {
  const template = await sdk.sendChatappMessage(new Cams.SendChatappMessageRequest({
    channelType: 'whatsapp', type: 'template', from: SENDER, to: RECIPIENT, custSpaceId: 'cams-interop',
    templateCode: '744c4b5c79c94324', language: 'en', templateParams: { name: 'Zoë' }, payload: ['p1'],
  }))
  const text = await sdk.sendChatappMessage(new Cams.SendChatappMessageRequest({
    channelType: 'whatsapp', type: 'message', messageType: 'text', from: SENDER, to: RECIPIENT,
    content: '{"text":"Hello from the official Node SDK"}', taskId: `interop-node-${algorithm}`,
  }))
  const mass = await sdk.sendChatappMassMessage(new Cams.SendChatappMassMessageRequest({
    channelType: 'whatsapp', from: SENDER, templateCode: '744c4b5c79c94324', language: 'en',
    senderList: [
      new Cams.SendChatappMassMessageRequestSenderList({ to: '6591234567', templateParams: { name: 'Ada' } }),
      new Cams.SendChatappMassMessageRequestSenderList({ to: '6597654321', templateParams: { name: 'Bo' } }),
    ],
  }))
  for (const [kind, body, id] of [
    ['template', template.body, template.body.messageId],
    ['text', text.body, text.body.messageId],
    ['mass', mass.body, mass.body.groupMessageId],
  ]) {
    if (body.code !== 'OK' || !id) throw new Error(`official node ${algorithm} ${kind}: unexpected answer ${JSON.stringify(body)}`)
    console.log(`official node    ${algorithm}  ${kind.padEnd(8)} accepted  ${id}`)
  }
}

async function main() {
  const [endpoint, accessKeyId, accessKeySecret] = process.argv.slice(2)
  for (const algorithm of ['v3', 'v2']) {
    await sendAll(client(endpoint, accessKeyId, accessKeySecret, algorithm), algorithm)
    let refused = null
    try {
      await sendAll(client(endpoint, accessKeyId, `${accessKeySecret}-wrong`, algorithm), algorithm)
    } catch (error) {
      refused = error
    }
    if (!refused || refused.code !== 'SignatureDoesNotMatch') {
      throw new Error(`official node ${algorithm}: a wrong secret gave ${refused ? refused.code : 'success'}`)
    }
    console.log(`official node    ${algorithm}  wrong secret refused: ${refused.code}`)
  }
}

main().catch((error) => {
  console.error(error.message)
  process.exitCode = 1
})
