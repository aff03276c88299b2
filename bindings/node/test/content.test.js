'use strict'

// One message of every content type (and every interactive type) sent through the sandbox:
// each lands in the ledger with exactly the parameters `wireParams` computes for it, so what
// the pure function shows is what a send puts on the wire. The list is checked against the
// model's JSON Schema, so a new content type needs a message here.

const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const { test } = require('node:test')

const { Client, wireParams } = require('chatlane')
const { sharedSandbox } = require('./sandbox.js')

const WHATSAPP = { from: '8613800000000', to: '6591234567' }
const VIBER = { channel: 'viber', from: 'viber-svc-chatlane', to: '6598765432' }
const IMAGE = 'https://cdn.example.com/img/banner.png'
const VIDEO = 'https://cdn.example.com/video/intro.mp4'

/** Interactive message bodies by `type`. */
const INTERACTIVE = {
  button: {
    header: { type: 'image', image: { link: IMAGE } },
    body: { text: 'Your parcel arrives tomorrow. Is that OK?' },
    footer: { text: 'Reply within 24 h' },
    action: {
      buttons: [
        { type: 'reply', reply: { id: 'confirm', title: 'Confirm' } },
        { reply: { id: 'reschedule', title: 'Reschedule' } },
      ],
    },
  },
  list: {
    header: { type: 'text', text: 'Menu' },
    body: { text: 'What would you like?' },
    action: {
      button: 'Open menu',
      sections: [
        { title: 'Drinks', rows: [{ id: 'tea', title: 'Tea', description: 'Green or black' }] },
        { title: 'Food', rows: [{ id: 'cake', title: 'Cake' }] },
      ],
    },
  },
  product: {
    body: { text: 'Back in stock' },
    action: { catalog_id: 'cat-1', product_retailer_id: 'sku-1' },
  },
  product_list: {
    header: { type: 'text', text: 'Our picks' },
    body: { text: 'Two for one this week' },
    action: {
      catalog_id: 'cat-1',
      sections: [{ title: 'Tea', product_items: [{ product_retailer_id: 'sku-1' }, { product_retailer_id: 'sku-2' }] }],
    },
  },
  catalog_message: {
    body: { text: 'Browse the catalog' },
    action: { name: 'catalog_message', parameters: { thumbnail_product_retailer_id: 'sku-1' } },
  },
  flow: {
    body: { text: 'Book a table' },
    action: {
      name: 'flow',
      parameters: {
        flow_message_version: '3',
        flow_id: '1234567890',
        flow_cta: 'Book now',
        flow_action: 'navigate',
        flow_token: 'token-1',
        flow_action_payload: { screen: 'BOOKING', data: { guests: 2 } },
      },
    },
  },
  cta_url: {
    body: { text: 'Track your parcel' },
    action: { name: 'cta_url', parameters: { display_text: 'Track', url: 'https://example.com/track/42' } },
  },
}

/** One message per content type (interactive: per `type`), by name. */
const MESSAGES = {
  text: { ...WHATSAPP, content: { messageType: 'text', text: 'Hello from chatlane 👋' } },
  image: { ...WHATSAPP, content: { messageType: 'image', link: IMAGE, caption: 'The banner' } },
  video: { ...WHATSAPP, content: { messageType: 'video', link: VIDEO, caption: 'Watch this' } },
  audio: { ...WHATSAPP, content: { messageType: 'audio', link: 'https://cdn.example.com/audio/hello.mp3' } },
  document: {
    ...WHATSAPP,
    content: { messageType: 'document', link: 'https://cdn.example.com/doc/invoice.pdf', fileName: 'invoice.pdf' },
  },
  sticker: { ...WHATSAPP, content: { messageType: 'sticker', link: 'https://cdn.example.com/sticker/ok.webp' } },
  location: {
    ...WHATSAPP,
    content: { messageType: 'location', longitude: 103.85, latitude: 1.29, name: 'Marina Bay', address: '10 Bayfront Ave' },
  },
  contacts: {
    ...WHATSAPP,
    content: {
      messageType: 'contacts',
      contacts: [
        {
          name: { formatted_name: 'Ada Lovelace', first_name: 'Ada' },
          phones: [{ phone: '+44 20 7946 0000', type: 'WORK' }],
          emails: [{ email: 'ada@example.com', type: 'WORK' }],
        },
      ],
    },
  },
  reaction: { ...WHATSAPP, content: { messageType: 'reaction', messageId: 'wamid.HBgM', emoji: '👍' } },
  ...Object.fromEntries(
    Object.entries(INTERACTIVE).map(([type, body]) => [
      `interactive/${type}`,
      { ...WHATSAPP, content: { messageType: 'interactive', type, ...body } },
    ]),
  ),
  text_image: { ...VIBER, content: { messageType: 'text_image', text: 'New arrivals', link: IMAGE } },
  text_button: {
    ...VIBER,
    content: { messageType: 'text_button', text: 'Sale today', caption: 'Shop', action: 'https://example.com/shop' },
  },
  text_image_button: {
    ...VIBER,
    content: {
      messageType: 'text_image_button',
      text: 'Sale today',
      link: IMAGE,
      caption: 'Shop',
      action: 'https://example.com/shop',
    },
  },
  text_video: {
    ...VIBER,
    content: { messageType: 'text_video', text: 'Intro', link: VIDEO, thumbnail: IMAGE, fileSize: 1048576, duration: 30 },
  },
  text_video_button: {
    ...VIBER,
    content: {
      messageType: 'text_video_button',
      text: 'Intro',
      link: VIDEO,
      thumbnail: IMAGE,
      fileSize: 1048576,
      duration: 30,
      caption: 'More',
      action: 'https://example.com/more',
    },
  },
  custom: {
    channel: 'messenger',
    from: 'page-chatlane-01',
    to: 'psid-7f3a9c21',
    content: {
      messageType: 'custom',
      type: 'buttonTemplate',
      content: { text: 'Need help?', buttons: [{ type: 'postback', title: 'Yes', payload: 'HELP' }] },
    },
  },
}

const shared = sharedSandbox(Client)

test('the messages cover every content type and every interactive type of the model', () => {
  const schema = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'schema', 'chatlane.schema.json'), 'utf8'))
  const kinds = schema.$defs.Content.oneOf.flatMap((variant) => {
    const type = variant.properties.messageType.const
    return variant.oneOf ? variant.oneOf.map((inner) => `${type}/${inner.properties.type.const}`) : [type]
  })
  assert.deepEqual(Object.keys(MESSAGES).sort(), kinds.sort())
})

for (const [name, message] of Object.entries(MESSAGES)) {
  test(`${name}: the ledger holds exactly the wire parameters wireParams gives`, async () => {
    const sent = { ...message, taskId: `content-${name}` }
    const receipt = await shared.client.send(sent)
    const entries = (await shared.sandbox.ledger()).filter((entry) => entry.params.TaskId === sent.taskId)
    assert.deepEqual(
      entries.map((entry) => [entry.action, entry.messageId]),
      [['SendChatappMessage', receipt.messageId]],
    )
    assert.deepEqual(entries[0].params, wireParams(sent))
  })
}
