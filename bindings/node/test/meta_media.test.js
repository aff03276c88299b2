'use strict'

// Meta's media through the Node API, against the sandbox's Meta face: a file uploaded for a
// business number and sent by its media ID, looked up, downloaded as a Buffer (an expired URL
// asked again, a damaged file refused) and deleted; a user's image downloaded by the ID its
// message gave; what is refused before anything is sent; a CAMS client refused; cancellation.

const assert = require('node:assert/strict')
const crypto = require('node:crypto')
const http = require('node:http')
const { after, before, test } = require('node:test')

const { Client, ConfigurationError, InvalidParameterError, MalformedResponseError, ValidationError } = require('chatlane')
const { closedPort, metaOptions, recipients, rejection, sandboxOptions, startSandbox, SANDBOX_META } = require('./sandbox.js')

const NUMBER = SANDBOX_META.phoneNumberId
const PNG = Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'), Buffer.alloc(2_000, 7)])

let sandbox
let client

before(async () => {
  sandbox = await startSandbox()
  client = new Client(metaOptions(sandbox))
})

after(() => sandbox?.stop())

/** A recipient no other test sends to. */
const recipient = recipients('1650777')

/** The media ID of `PNG` uploaded for the sandbox's business number. */
async function uploaded() {
  return (await client.uploadMedia(PNG, { fileName: 'logo.png', phoneNumberId: NUMBER })).id
}

test('an upload for a business number gives a media ID, which an image is sent by', async () => {
  const media = await client.uploadMedia(PNG, { fileName: 'logo.png', phoneNumberId: NUMBER })
  assert.deepEqual(Object.keys(media).sort(), ['contentType', 'id', 'size'])
  assert.equal(media.url, undefined)
  assert.deepEqual([media.size, media.contentType], [PNG.length, 'image/png'])
  const held = (await sandbox.meta.media()).find((entry) => entry.id === media.id)
  assert.deepEqual([held.phoneNumberId, held.size], [NUMBER, PNG.length])

  const to = recipient()
  const image = { messageType: 'image', id: media.id, caption: 'our logo' }
  const receipt = await client.send({ from: NUMBER, to, content: image })
  const entry = (await sandbox.meta.ledger()).find((e) => e.messageId === receipt.messageId)
  assert.deepEqual(entry.body.image, { id: media.id, caption: 'our logo' })
})

test('mediaInfo describes it and downloadMedia gives its bytes back, even once its URL expired', async () => {
  const id = await uploaded()
  const sha256 = crypto.createHash('sha256').update(PNG).digest('hex')
  const info = await client.mediaInfo(id, { phoneNumberId: NUMBER })
  assert.deepEqual({ ...info, url: undefined }, { id, url: undefined, contentType: 'image/png', sha256, size: PNG.length })
  assert.equal(typeof info.url, 'string')

  const file = await client.downloadMedia(id, { phoneNumberId: NUMBER })
  assert.ok(Buffer.isBuffer(file.data))
  assert.deepEqual(file, { data: PNG, contentType: 'image/png', sha256 })

  await sandbox.meta.expireUrls()
  assert.deepEqual((await client.downloadMedia(id)).data, PNG)
})

test('a damaged download is a MalformedResponseError', async () => {
  const id = await uploaded()
  await sandbox.meta.corrupt(id)
  const error = await rejection(client.downloadMedia(id, { phoneNumberId: NUMBER }))
  assert.ok(error instanceof MalformedResponseError, `${error}`)
  assert.equal(error.code, 'MalformedResponse')
})

test('deleted media is gone: looking it up or deleting it again is an InvalidParameterError', async () => {
  const id = await uploaded()
  assert.equal(await client.deleteMedia(id, { phoneNumberId: NUMBER }), undefined)
  assert.ok(!(await sandbox.meta.media()).some((entry) => entry.id === id))
  for (const call of [() => client.mediaInfo(id), () => client.deleteMedia(id)]) {
    const error = await rejection(call())
    assert.ok(error instanceof InvalidParameterError, `${error}`)
    assert.deepEqual([error.code, error.platformCode], ['InvalidParameter', '100'])
  }
})

test("a user's image is downloaded by the media ID its message gave", async () => {
  const photo = Buffer.from("\xff\xd8\xff\xe0 a user's photo", 'latin1')
  const image = { data: photo.toString('base64'), mimeType: 'image/jpeg' }
  const { mediaId } = await sandbox.meta.inbound({ from: recipient(), to: NUMBER, image })
  const file = await client.downloadMedia(mediaId, { phoneNumberId: NUMBER })
  assert.deepEqual([file.data, file.contentType], [photo, 'image/jpeg'])
})

test('what cannot be asked is refused before anything is sent', async () => {
  const held = (await sandbox.meta.media()).length
  const numberless = await rejection(client.uploadMedia(PNG, { fileName: 'logo.png' }))
  assert.ok(numberless instanceof InvalidParameterError, `${numberless}`)
  assert.equal(numberless.code, 'InvalidParameter')
  assert.match(numberless.message, /^phoneNumberId: required/)
  const notAnId = await rejection(client.mediaInfo('../me'))
  assert.ok(notAnId instanceof InvalidParameterError && /^mediaId: /.test(notAnId.message), `${notAnId}`)
  const unknown = await rejection(client.downloadMedia('1234567890123456', { phoneNumber: NUMBER }))
  assert.ok(unknown instanceof ConfigurationError, `${unknown}`)
  assert.match(unknown.message, /"phoneNumber"/)
  await assert.rejects(client.mediaInfo(1234567890123456), TypeError)
  await assert.rejects(client.deleteMedia('1234567890123456', { phoneNumberId: 106540352242922 }), TypeError)
  await assert.rejects(client.uploadMedia(PNG, { fileName: 'logo.png', phoneNumberId: 106540352242922 }), TypeError)
  assert.equal((await sandbox.meta.media()).length, held)
})

test('a CAMS client has no Meta media calls, and sends no media by ID', async () => {
  const cams = new Client(sandboxOptions(sandbox, { endpoint: `http://127.0.0.1:${await closedPort()}` }))
  const id = '1234567890123456'
  for (const call of [() => cams.mediaInfo(id), () => cams.downloadMedia(id), () => cams.deleteMedia(id)]) {
    const error = await rejection(call())
    assert.ok(error instanceof ConfigurationError, `${error}`)
    assert.equal(error.code, 'InvalidConfig')
  }
  const image = { messageType: 'image', id }
  const refused = await rejection(cams.send({ from: '8613800000001', to: '6591230001', content: image }))
  assert.ok(refused instanceof ValidationError, `${refused}`)
  assert.ok(refused.violations.some(({ code, path }) => code === 'channel_unsupported' && path === 'content.id'))
})

test('an aborted media call rejects as a send does, asking nothing when aborted already', async () => {
  const controller = new AbortController()
  const reason = new Error('no longer needed')
  let asked = 0
  // A Graph host that never answers: the first request it reads aborts the download.
  const graph = http.createServer(() => {
    asked += 1
    controller.abort(reason)
  })
  await new Promise((resolve) => graph.listen(0, '127.0.0.1', resolve))
  try {
    const meta = new Client({ provider: 'meta', accessToken: 'token', endpoint: `http://127.0.0.1:${graph.address().port}` })
    const id = '1234567890123456'
    const calls = [meta.downloadMedia, meta.mediaInfo, meta.deleteMedia].map((method) => method.bind(meta, id))
    for (const call of calls) {
      const error = await rejection(call({ signal: AbortSignal.abort() }))
      assert.equal(error.name, 'AbortError')
    }
    assert.equal(asked, 0)
    assert.equal(await rejection(meta.downloadMedia(id, { signal: controller.signal })), reason)
    assert.equal(asked, 1)
  } finally {
    graph.closeAllConnections()
    graph.close()
  }
})
