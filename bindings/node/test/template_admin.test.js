'use strict'

// Template management through the Node API against the sandbox: a template created, listed in
// review then approved, changed and deleted; refusals before anything is sent; typed errors;
// a write whose answer is lost is not made again; and a Meta client refused.

const assert = require('node:assert/strict')
const { setTimeout: sleep } = require('node:timers/promises')
const { after, before, describe, test } = require('node:test')

const {
  Client,
  ConfigurationError,
  InvalidParameterError,
  OutcomeUnknownError,
  TemplateError,
} = require('chatlane')
const { metaOptions, rejection, sandboxOptions, startSandbox } = require('./sandbox.js')

const TRACK = { kind: 'URL', text: 'Track', url: 'https://t.example/$(order)', urlType: 'dynamic' }
const ORDER_UPDATE = {
  name: 'order_update',
  language: 'en',
  category: 'UTILITY',
  components: [
    { kind: 'HEADER', format: 'TEXT', text: 'Order $(order)' },
    { kind: 'BODY', text: 'Hi $(name), order $(order) shipped.' },
    { kind: 'BUTTONS', buttons: [TRACK] },
  ],
  example: { name: 'Ada', order: '42' },
}

/** The journaled requests of `action`. */
async function requests(sandbox, action) {
  return (await sandbox.requests()).filter((request) => request.action === action)
}

describe('template management', () => {
  let sandbox
  let client

  before(async () => {
    sandbox = await startSandbox({
      accessKeyId: 'node-template-admin',
      accessKeySecret: 'node-template-admin-secret',
      config: { templateReviewMs: 600 },
    })
    client = new Client(sandboxOptions(sandbox, { custSpaceId: 'cams-node-tmpl' }))
  })
  after(() => sandbox?.stop())

  test('a template is created, reviewed, changed and deleted', async () => {
    const saved = await client.createTemplate(ORDER_UPDATE)
    assert.equal(saved.name, 'order_update')
    assert.match(saved.code, /^\d{18}$/)
    const [listed] = (await client.listTemplates({ code: saved.code })).templates
    assert.deepEqual([listed.auditStatus, listed.category], ['auditing', 'UTILITY'])

    await sleep(700)
    const detail = await client.template({ code: saved.code, language: 'en' })
    assert.equal(detail.allowSend, true)
    assert.deepEqual(detail.components, ORDER_UPDATE.components, 'what was written is read back')
    assert.deepEqual(detail.example, ORDER_UPDATE.example)

    const edit = {
      code: saved.code,
      language: 'en',
      components: [{ kind: 'BODY', text: 'Bye $(who)' }],
      messageSendTtlSeconds: 600,
    }
    assert.deepEqual(await client.modifyTemplate(edit), saved)
    const changed = await client.template({ code: saved.code, language: 'en' })
    assert.deepEqual([changed.auditStatus, changed.messageSendTtlSeconds], ['auditing', 600])
    assert.equal(changed.components[0].text, 'Bye $(who)')

    assert.equal(await client.deleteTemplate({ code: saved.code }), undefined)
    assert.deepEqual((await client.listTemplates({ code: saved.code })).templates, [])
    const again = await rejection(client.deleteTemplate({ code: saved.code }))
    assert.ok(again instanceof TemplateError, `${again}`)
    assert.deepEqual([again.code, again.platformCode], ['TemplateNotFound', 'DelError.TemplateNotExist'])
    const unknown = await rejection(client.modifyTemplate(edit))
    assert.equal(unknown.code, 'TemplateNotFound')
  })

  test('writes are checked before anything is sent, each refusal naming its field', async () => {
    const writes = async () => (await sandbox.requests()).filter((r) => /^(Create|Modify|Delete)/.test(r.action)).length
    const before = await writes()
    const refusals = [
      ['components: ', () => client.createTemplate({ ...ORDER_UPDATE, components: [] })],
      ['category: ', () => client.createTemplate({ ...ORDER_UPDATE, category: 'PROMO' })],
      ['components[0].text: ', () => client.createTemplate({ ...ORDER_UPDATE, components: [{ kind: 'BODY', text: '{{1}}' }] })],
      ['components[0].txt: ', () => client.createTemplate({ ...ORDER_UPDATE, components: [{ kind: 'BODY', txt: 'Hi' }] })],
      ['code: ', () => client.modifyTemplate({ language: 'en', components: ORDER_UPDATE.components })],
      ['language: ', () => client.deleteTemplate({ code: 'C', language: '' })],
      ['name: ', () => client.createTemplate({ ...ORDER_UPDATE, name: undefined })],
    ]
    for (const [field, refused] of refusals) {
      const error = await rejection(refused())
      assert.ok(error instanceof InvalidParameterError, `${error}`)
      assert.ok(error.message.startsWith(field), error.message)
      assert.equal(error.attempts, 0)
    }
    assert.equal(await writes(), before, 'nothing was sent')

    const saved = await client.createTemplate({ ...ORDER_UPDATE, name: 'taken' })
    const taken = await rejection(client.createTemplate({ ...ORDER_UPDATE, name: 'taken' }))
    assert.ok(taken instanceof InvalidParameterError, `${taken}`)
    assert.equal(taken.platformCode, 'InvalidParameter.TemplateNameExist')
    await client.deleteTemplate({ code: saved.code, language: 'en' })
  })

  test('a write whose answer is lost is not made again; a 503 is', async () => {
    const creates = (await requests(sandbox, 'CreateChatappTemplate')).length
    await sandbox.inject({ fault: { kind: 'accept_then_drop' } })
    const lost = await rejection(client.createTemplate({ ...ORDER_UPDATE, name: 'lost' }))
    assert.ok(lost instanceof OutcomeUnknownError, `${lost}`)
    assert.equal(lost.attempts, 1)
    assert.equal((await requests(sandbox, 'CreateChatappTemplate')).length - creates, 1)
    const names = (await client.listTemplates({ name: 'lost' })).templates.map((t) => t.name)
    assert.deepEqual(names, ['lost'], 'it took, once')

    await sandbox.inject({ fault: { kind: 'error', status: 503 } })
    const before = (await requests(sandbox, 'DeleteChatappTemplate')).length
    await client.deleteTemplate({ name: 'lost' })
    assert.equal((await requests(sandbox, 'DeleteChatappTemplate')).length - before, 2)
  })

  test('a cancelled write rejects with an AbortError', async () => {
    const controller = new AbortController()
    controller.abort()
    const never = { ...ORDER_UPDATE, name: 'never' }
    const aborted = await rejection(client.createTemplate(never, { signal: controller.signal }))
    assert.equal(aborted.name, 'AbortError')
  })
})

test('a Meta client manages no CAMS templates', async () => {
  const client = new Client(metaOptions({ endpoint: 'http://127.0.0.1:9' }))
  const error = await rejection(client.createTemplate(ORDER_UPDATE))
  assert.ok(error instanceof ConfigurationError, `${error}`)
  assert.match(error.message, /CreateChatappTemplate is a CAMS operation/)
})
