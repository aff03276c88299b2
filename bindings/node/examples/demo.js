'use strict'

// Sends a template, a text and a list menu. The endpoint comes from CHATLANE_ENDPOINT
// (e.g. a `chatlane sandbox`), the credentials from the standard
// ALIBABA_CLOUD_ACCESS_KEY_ID / ALIBABA_CLOUD_ACCESS_KEY_SECRET environment variables.
//
//   CHATLANE_ENDPOINT=http://127.0.0.1:8080 \
//   ALIBABA_CLOUD_ACCESS_KEY_ID=sandbox-access-key-id \
//   ALIBABA_CLOUD_ACCESS_KEY_SECRET=sandbox-access-key-secret \
//   node bindings/node/examples/demo.js

const { Client, ChatlaneError } = require('chatlane')

async function main() {
  const client = new Client({ endpoint: process.env.CHATLANE_ENDPOINT })
  const from = '8613900000000'
  const to = '8613800000000'

  const template = await client.send({
    from,
    to,
    template: { code: '744c4b5c79c94324', language: 'en', params: { name: 'Ada', code: '123456' } },
  })
  console.log(`node    template  MessageId=${template.messageId}`)

  const text = await client.send({ from, to, content: { messageType: 'text', text: 'Hello from chatlane (Node)' } })
  console.log(`node    text      MessageId=${text.messageId}`)

  const rows = [
    { id: 'margherita', title: 'Margherita', description: 'Tomato, mozzarella, basil' },
    { id: 'diavola', title: 'Diavola', description: 'Spicy salami' },
  ]
  const menu = await client.send({
    from,
    to,
    content: {
      messageType: 'interactive',
      type: 'list',
      header: { type: 'text', text: 'Tonight' },
      body: { text: 'What would you like?' },
      action: { button: 'See the menu', sections: [{ title: 'Pizzas', rows }] },
    },
  })
  console.log(`node    list      MessageId=${menu.messageId}`)
}

main().catch((error) => {
  const detail = error instanceof ChatlaneError ? ` [${error.code}]` : ''
  console.error(`demo failed${detail}: ${error.message}`)
  process.exitCode = 1
})
