'use strict'

// The operations beyond sending through the Node API: every shared operation case
// (tests/operations/*.json, see its README; Rust, Python and Kotlin run the same) through
// `operationParams` (CAMS) or `metaRequest` (Meta), then templates, template details, history and phone numbers against the
// sandbox: pages followed by `nextPage` and by the async iterators, typed errors, queries
// refused before anything is sent, cancellation, and a Meta client refused.

const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const { setTimeout: sleep } = require('node:timers/promises')
const { after, before, describe, test } = require('node:test')

const {
  Client,
  ChatlaneError,
  ConfigurationError,
  InvalidParameterError,
  TemplateError,
  ValidationError,
  metaRequest,
  operationParams,
} = require('chatlane')
const { closedPort, metaOptions, rejection, sandboxOptions, startSandbox } = require('./sandbox.js')

const DIR = path.join(__dirname, '..', '..', '..', 'tests', 'operations')

const files = fs
  .readdirSync(DIR)
  .filter((name) => name.endsWith('.json'))
  .sort()

describe('the shared operation cases', () => {
  test('there are operation cases for every operation', () => {
    const operations = new Set()
    for (const file of files) {
      for (const { operation } of JSON.parse(fs.readFileSync(path.join(DIR, file), 'utf8')).cases) {
        operations.add(operation)
      }
    }
    const all = [
      'CreateChatappTemplate',
      'DeleteChatappTemplate',
      'GetChatappTemplateDetail',
      'GetChatappUploadAuthorization',
      'ListChatappMessage',
      'ListChatappTemplate',
      'ModifyChatappTemplate',
      'QueryChatappPhoneNumbers',
      'WhatsappMediaDelete',
      'WhatsappMediaRetrieve',
    ]
    assert.deepEqual([...operations].sort(), all)
  })

  for (const file of files) {
    const { cases } = JSON.parse(fs.readFileSync(path.join(DIR, file), 'utf8'))
    describe(file, () => {
      for (const { name, provider, operation, clientCustSpaceId, clientWabaId, query, wire, graph, error } of cases) {
        test(name, () => {
          // A Meta case pins the first Graph request, a CAMS case the wire parameters.
          const ask =
            provider === 'meta'
              ? () => metaRequest(operation, query, clientWabaId)
              : () => operationParams(operation, query, clientCustSpaceId)
          const expected = provider === 'meta' ? graph : wire
          if (expected !== undefined) {
            assert.deepEqual({ ...ask() }, expected)
            return
          }
          assert.throws(
            ask,
            (thrown) => {
              assert.ok(thrown instanceof ChatlaneError, `${thrown}`)
              assert.equal(thrown.code, error.code)
              if (error.field !== '') {
                assert.ok(thrown.message.startsWith(`${error.field}: `), thrown.message)
              }
              return true
            },
          )
        })
      }
    })
  }

  test('an operation that is not a CAMS query is a ConfigurationError', () => {
    assert.throws(() => operationParams('SendChatappMessage', {}), (error) => {
      assert.ok(error instanceof ConfigurationError)
      assert.equal(error.code, 'InvalidConfig')
      return true
    })
  })

  test('arguments of the wrong type are TypeErrors; NaN and a missing query are refused by the core', () => {
    assert.throws(() => operationParams(1, {}), TypeError)
    assert.throws(() => operationParams('ListChatappTemplate', {}, 7), TypeError)
    assert.throws(() => operationParams('ListChatappTemplate', { pageSize: Number.NaN }), (error) => {
      assert.ok(error instanceof InvalidParameterError)
      assert.match(error.message, /^pageSize: /)
      return true
    })
    assert.throws(() => operationParams('GetChatappTemplateDetail', undefined), InvalidParameterError)
  })
})

/** The template registry of the sandboxes: five approved templates `T1`…`T5`, one in review. */
const TEMPLATES = [
  ...[1, 2, 3, 4, 5].map((i) => ({
    code: `T${i}`,
    name: `t${i}`,
    language: 'en',
    variables: ['name'],
    body: 'Hi $(name)',
  })),
  { code: 'R1', name: 'review', language: 'en', auditStatus: 'auditing' },
]

/** The codes of `TEMPLATES`, in the registry's order. */
const CODES = TEMPLATES.map((template) => template.code)

/** The ListChatappTemplate and GetChatappTemplateDetail requests `box` journaled. */
async function templateRequests(box) {
  return (await box.requests()).filter((request) => request.action.includes('Template'))
}

describe('templates', () => {
  let sandbox
  let client

  before(async () => {
    sandbox = await startSandbox({
      accessKeyId: 'node-ops-templates',
      accessKeySecret: 'node-ops-templates-secret',
      config: { templates: TEMPLATES },
    })
    client = new Client(sandboxOptions(sandbox, { custSpaceId: 'cams-node-ops' }))
  })
  after(() => sandbox?.stop())

  test('the async iterator walks every page, each answered once', async () => {
    const before = (await templateRequests(sandbox)).length
    const codes = []
    for await (const template of client.templates({ pageSize: 2 })) {
      codes.push(template.code)
    }
    assert.deepEqual(codes, CODES)
    // Reads paced at the very rate the sandbox allows are now and then throttled by timing
    // jitter, and asked again: only the answered ones are counted.
    const answered = (await templateRequests(sandbox)).slice(before).filter((r) => r.outcome === 'OK')
    assert.deepEqual(
      answered.map((r) => r.action),
      Array(3).fill('ListChatappTemplate'),
    )
  })

  test('the iterator reads two pages ahead at most, and no further once its consumer stops', async () => {
    // Six pages of one: a walk that went on would ask for all six.
    const answered = async (since) =>
      (await templateRequests(sandbox)).slice(since).filter((r) => r.outcome === 'OK').length
    const before = (await templateRequests(sandbox)).length
    const codes = []
    for await (const template of client.templates({ pageSize: 1 })) {
      codes.push(template.code)
      if (codes.length === 1) {
        for (let i = 0; i < 1000 && (await answered(before)) < 3; i++) {
          await sleep(10)
        }
        await sleep(600) // two pacing slots: a walk reading further would have asked again
        assert.equal(await answered(before), 3, 'pages 2 and 3 asked for ahead, not page 4')
      }
      if (codes.length === 3) {
        break
      }
    }
    assert.deepEqual(codes, ['T1', 'T2', 'T3'])
    await sleep(600)
    const asked = await answered(before)
    assert.ok(asked >= 3 && asked <= 5, `pages 1-3, and pages 4-5 if asked for before the walk ended: ${asked}`)
  })

  test('an aborted walk rejects with the reason and asks for nothing more', async () => {
    const before = (await templateRequests(sandbox)).length
    const controller = new AbortController()
    const codes = []
    const walk = async () => {
      for await (const template of client.templates({ pageSize: 1 }, { signal: controller.signal })) {
        codes.push(template.code)
        if (codes.length === 2) {
          controller.abort(new Error('enough'))
        }
      }
    }
    await assert.rejects(walk(), /enough/)
    assert.deepEqual(codes, ['T1', 'T2'])
    await sleep(600)
    const asked = (await templateRequests(sandbox)).slice(before).filter((r) => r.outcome === 'OK').length
    assert.ok(asked <= 4, `pages 1-2, and pages 3-4 if they were asked for before the abort: ${asked}`)
  })

  test('pages follow nextPage to the last one, with the total', async () => {
    const pages = []
    let query = { pageSize: 2 }
    for (;;) {
      const page = await client.listTemplates(query)
      pages.push(page)
      if (page.nextPage === undefined) {
        break
      }
      query = { ...query, page: page.nextPage }
    }
    assert.deepEqual(
      pages.map(({ page, pageSize, nextPage, total }) => [page, pageSize, nextPage, total]),
      [
        [1, 2, 2, 6],
        [2, 2, 3, 6],
        [3, 2, undefined, 6],
      ],
    )
    assert.deepEqual(
      pages.flatMap((page) => page.templates.map((t) => t.code)),
      CODES,
    )
    const [first] = pages[0].templates
    assert.deepEqual(
      [first.name, first.language, first.auditStatus, first.templateType],
      ['t1', 'en', 'pass', 'WHATSAPP'],
    )
  })

  test('a filtered listing, and the iterator from a later page', async () => {
    const approved = await client.listTemplates({ auditStatus: 'pass' })
    assert.deepEqual(
      approved.templates.map((t) => t.code),
      CODES.slice(0, 5),
    )
    assert.equal(approved.nextPage, undefined)
    const later = []
    for await (const template of client.templates({ pageSize: 2, page: 2 })) {
      later.push(template.code)
    }
    assert.deepEqual(later, CODES.slice(2))
  })

  test('a template in full, by code or by name', async () => {
    const detail = await client.template({ code: 'T1', language: 'en' })
    assert.equal(detail.code, 'T1')
    assert.equal(detail.name, 't1')
    assert.equal(detail.allowSend, true)
    assert.equal(detail.auditStatus, 'pass')
    assert.equal(detail.components[0].kind, 'BODY')
    assert.equal(detail.components[0].text, 'Hi $(name)')
    assert.deepEqual(Object.keys(detail.example), ['name'])
    const review = await client.template({ name: 'review', language: 'en' })
    assert.equal(review.code, 'R1')
    assert.equal(review.allowSend, false)
  })

  test('an unknown template is a TemplateError with code TemplateNotFound', async () => {
    const error = await rejection(client.template({ code: 'T9', language: 'en' }))
    assert.ok(error instanceof TemplateError, `${error}`)
    assert.equal(error.code, 'TemplateNotFound')
    assert.equal(error.category, 'template')
    assert.ok(error.requestId, 'the platform answered')
  })

  test('a query the core refuses is an InvalidParameterError naming the field, and nothing is sent', async () => {
    const before = (await sandbox.requests()).length
    const refused = [
      [() => client.listTemplates({ page: 0 }), 'page: '],
      [() => client.listTemplates({ pageSize: Number.POSITIVE_INFINITY }), 'pageSize: '],
      [() => client.template({ language: 'en' }), 'code: '],
      [() => client.listMessages({ businessNumber: '8613800000000', page: 0 }), 'page: '],
      [() => client.templates({ page: 0 }).next(), 'page: '],
      [() => new Client(sandboxOptions(sandbox)).listMessages({ businessNumber: '8613800000000' }), 'custSpaceId: '],
    ]
    for (const [call, field] of refused) {
      const error = await rejection(call())
      assert.ok(error instanceof InvalidParameterError, `${error}`)
      assert.equal(error.code, 'InvalidParameter')
      assert.ok(error.message.startsWith(field), error.message)
      assert.equal(error.attempts, 0)
    }
    const missing = await rejection(client.listMessages(undefined))
    assert.ok(missing instanceof InvalidParameterError, `${missing}`)
    const unknownKey = await rejection(client.phoneNumbers({ number: '1' }))
    assert.ok(unknownKey instanceof InvalidParameterError, `${unknownKey}`)
    assert.equal((await sandbox.requests()).length, before)
  })

  test('an unknown call option is a ConfigurationError', async () => {
    const error = await rejection(client.listTemplates({}, { timeoutMs: 5 }))
    assert.ok(error instanceof ConfigurationError, `${error}`)
    assert.match(error.message, /"timeoutMs"/)
  })

  test('a call aborted during its retry backoff rejects with the reason and is not asked again', async () => {
    const before = (await templateRequests(sandbox)).length
    await sandbox.inject({ fault: { kind: 'throttle', retryAfterMs: 1_000 } })
    const controller = new AbortController()
    const pending = client.listTemplates({}, { signal: controller.signal })
    await sleep(300)
    const reason = new Error('no longer needed')
    controller.abort(reason)
    assert.equal(await rejection(pending), reason)
    await sleep(1_200)
    assert.equal((await templateRequests(sandbox)).length, before + 1, 'only the throttled request')
  })

  test('a signal aborted already sends nothing', async () => {
    const before = (await sandbox.requests()).length
    const error = await rejection(client.template({ code: 'T1', language: 'en' }, { signal: AbortSignal.abort() }))
    assert.equal(error.name, 'AbortError')
    assert.equal((await sandbox.requests()).length, before)
  })
})

describe('template-aware sending (templateCacheTtlMs)', () => {
  let sandbox
  before(async () => {
    sandbox = await startSandbox({
      accessKeyId: 'node-ops-template-cache',
      accessKeySecret: 'node-ops-template-cache-secret',
      config: { custSpaces: [{ id: 'cams-node-cache', numbers: ['8613800000003'] }], templates: TEMPLATES },
    })
  })
  after(() => sandbox?.stop())

  const checking = (ttlMs) => new Client(sandboxOptions(sandbox, { custSpaceId: 'cams-node-cache', templateCacheTtlMs: ttlMs }))
  const template = (code, params = {}) => ({ from: '8613800000003', to: '6591240009', template: { code, language: 'en', params } })
  const details = async () =>
    (await sandbox.requests()).filter((r) => r.action === 'GetChatappTemplateDetail' && r.outcome !== 'Throttling.User').length

  test('a send that does not fit its template is refused with every violation, before it goes', async () => {
    const client = checking(60_000)
    const [sent, readBefore] = [(await sandbox.ledger()).length, await details()]
    await client.send(template('T1', { name: 'Ada' }))
    const wrong = await rejection(client.send(template('T1', { nmae: 'Ada' })))
    assert.ok(wrong instanceof ValidationError, `${wrong}`)
    assert.equal(wrong.code, 'InvalidMessage')
    assert.deepEqual(
      wrong.violations.map((v) => [v.code, v.path, v.message]),
      [
        ['required', 'template.params.name', 'required by template T1'],
        ['not_allowed', 'template.params.nmae', 'not a variable of template T1'],
      ],
    )
    const review = await rejection(client.send(template('R1')))
    assert.ok(review instanceof TemplateError, `${review}`)
    assert.equal(review.code, 'TemplateNotApproved')
    for (let i = 0; i < 2; i++) {
      assert.equal((await rejection(client.send(template('T9')))).code, 'TemplateNotFound')
    }
    assert.equal((await sandbox.ledger()).length, sent + 1, 'nothing that does not fit was sent')
    assert.equal((await details()) - readBefore, 3, 'each template read once, then cached')
  })

  test('a cached template is read again once its TTL has passed', async () => {
    const client = checking(2000)
    const before = await details()
    await client.send(template('T2', { name: 'Bo' }))
    await client.send(template('T2', { name: 'Bo' }))
    assert.equal((await details()) - before, 1)
    await sleep(2200)
    await client.send(template('T2', { name: 'Bo' }))
    assert.equal((await details()) - before, 2)
  })
})

describe('a Meta client', () => {
  test('has no CAMS operations: each is a ConfigurationError, before its query is checked', async () => {
    const client = new Client(metaOptions({ endpoint: `http://127.0.0.1:${await closedPort()}` }))
    const calls = [
      () => client.listTemplates(),
      () => client.template({ code: 'T1', language: 'en' }),
      () => client.listTemplates({ page: 0 }),
      () => client.phoneNumbers(),
      () => client.templates().next(),
    ]
    for (const call of calls) {
      const error = await rejection(call())
      assert.ok(error instanceof ConfigurationError, `${error}`)
      assert.equal(error.code, 'InvalidConfig')
      assert.match(error.message, /is a CAMS operation/)
    }
  })
})

/** The channel instance of the history sandbox, its business number and a second one. */
const SPACE = 'cams-node-ops'
const BUSINESS = '8613800000001'
const PENDING = '8613800000002'

/** The users of the history tests. */
const [ADA, BO, CY] = ['6591240001', '6591240002', '6591240003']

describe('history and phone numbers', () => {
  let sandbox
  let client
  /** The messages of the history, oldest first: `[messageId, user, direction]`. */
  const sent = []

  before(async () => {
    sandbox = await startSandbox({
      accessKeyId: 'node-ops-history',
      accessKeySecret: 'node-ops-history-secret',
      config: {
        custSpaces: [
          { id: SPACE, numbers: [BUSINESS, { number: PENDING, status: 'PENDING', verifiedName: 'Acme Support' }] },
          { id: 'cams-node-other', numbers: ['8613800000003'], statusCallbackUrl: 'http://127.0.0.1:9/status' },
        ],
        templates: TEMPLATES,
        receiptDelayMs: 5,
      },
    })
    client = new Client(sandboxOptions(sandbox, { custSpaceId: SPACE }))
    // Ada writes first (opening her window) and gets three texts; Bo gets two templates; Cy,
    // whose window is closed, one text (its receipt says it failed).
    const inbound = await sandbox.inbound({ from: ADA, to: BUSINESS, text: 'where is my order?' })
    sent.push([inbound.MessageId, ADA, 'inbound'])
    const text = (to, body) => ({ from: BUSINESS, to, content: { messageType: 'text', text: body } })
    const template = (to, name) => ({ from: BUSINESS, to, template: { code: 'T1', language: 'en', params: { name } } })
    for (const message of [
      text(ADA, 'shipped'),
      text(ADA, 'out for delivery'),
      text(ADA, 'delivered'),
      template(BO, 'Bo'),
      template(BO, 'Bo again'),
      text(CY, 'hello?'),
    ]) {
      const receipt = await client.send(message)
      sent.push([receipt.messageId, message.to, 'outbound'])
    }
  })
  after(() => sandbox?.stop())

  test('the async iterator walks every page of the history, newest first', async () => {
    const records = []
    for await (const record of client.messages({ businessNumber: BUSINESS, pageSize: 3 })) {
      records.push(record)
    }
    assert.deepEqual(
      records.map((r) => [r.messageId, r.userNumber, r.direction]),
      sent.toReversed(),
    )
    for (const record of records) {
      assert.equal(record.businessNumber, BUSINESS)
      assert.equal(record.channel, 'whatsapp')
      assert.equal(typeof record.sentAtMs, 'number')
      assert.ok(Math.abs(record.sentAtMs - Date.now()) < 60_000, `${record.sentAt}`)
    }
    const bo = records.find((r) => r.userNumber === BO)
    assert.deepEqual([bo.messageType, bo.templateCode, bo.language], ['template', 'T1', 'en'])
    const inbound = records.at(-1)
    assert.deepEqual([inbound.content, inbound.status], ['where is my order?', 'received'])
  })

  test('pages follow nextPage: three pages of three', async () => {
    const pages = []
    let query = { businessNumber: BUSINESS, pageSize: 3 }
    for (;;) {
      const page = await client.listMessages(query)
      pages.push(page)
      if (page.nextPage === undefined) {
        break
      }
      query = { ...query, page: page.nextPage }
    }
    assert.deepEqual(
      pages.map(({ page, nextPage, records }) => [page, nextPage, records.length]),
      [
        [1, 2, 3],
        [2, 3, 3],
        [3, undefined, 1],
      ],
    )
  })

  test('filters: user, direction, template, status and time', async () => {
    const ids = async (filter) =>
      (await client.listMessages({ businessNumber: BUSINESS, ...filter })).records.map((r) => r.messageId)
    const of = (keep) => sent.filter(keep).map(([id]) => id).toReversed()
    assert.deepEqual(await ids({ userNumber: ADA }), of(([, user]) => user === ADA))
    assert.deepEqual(await ids({ direction: 'outbound' }), of(([, , direction]) => direction === 'outbound'))
    assert.deepEqual(await ids({ direction: 'inbound' }), of(([, , direction]) => direction === 'inbound'))
    assert.deepEqual(await ids({ templateCode: 'T1' }), of(([, user]) => user === BO))
    assert.deepEqual(await ids({ status: 'received' }), of(([, , direction]) => direction === 'inbound'))
    assert.deepEqual(await ids({ sinceMs: Date.now() + 3_600_000 }), [])
    assert.deepEqual(await ids({ untilMs: Date.now() + 3_600_000 }), of(() => true))
  })

  test('a send whose receipt says it failed is listed as failed, with the reason', async () => {
    const [cyId] = sent.find(([, user]) => user === CY)
    let failed = []
    for (let tries = 0; tries < 50 && failed.length === 0; tries += 1) {
      failed = (await client.listMessages({ businessNumber: BUSINESS, status: 'failed' })).records
      if (failed.length === 0) {
        await sleep(100)
      }
    }
    assert.deepEqual(
      failed.map((r) => r.messageId),
      [cyId],
    )
    assert.ok(failed[0].failReason, 'the receipt gave a reason')
  })

  test("phone numbers: the client's channel by default, filtered by status or another channel", async () => {
    const numbers = await client.phoneNumbers()
    assert.deepEqual(
      numbers.map((n) => [n.phoneNumber, n.status]),
      [
        [BUSINESS, 'CONNECTED'],
        [PENDING, 'PENDING'],
      ],
    )
    const [pending, ...rest] = await client.phoneNumbers({ status: 'PENDING' })
    assert.deepEqual(rest, [])
    assert.equal(pending.phoneNumber, PENDING)
    assert.equal(pending.verifiedName, 'Acme Support')
    assert.equal(pending.qualityRating, 'GREEN')
    assert.equal(pending.messagingLimitTier, 'TIER_10K')
    assert.equal(pending.official, false)
    const other = await client.phoneNumbers({ custSpaceId: 'cams-node-other' })
    assert.deepEqual(
      other.map((n) => [n.phoneNumber, n.statusCallbackUrl]),
      [['8613800000003', 'http://127.0.0.1:9/status']],
    )
  })
})

describe('media uploads', () => {
  const PNG = Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'), Buffer.alloc(10_000, 7)])
  const MEDIA_SPACE = 'cams-node-media'
  let sandbox
  let client
  let dir

  before(async () => {
    sandbox = await startSandbox({
      accessKeyId: 'node-ops-media',
      accessKeySecret: 'node-ops-media-secret',
      config: { custSpaces: [{ id: MEDIA_SPACE, numbers: [BUSINESS] }] },
    })
    client = new Client(sandboxOptions(sandbox, { custSpaceId: MEDIA_SPACE }))
    dir = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'chatlane-node-media-'))
  })
  after(() => {
    fs.rmSync(dir, { recursive: true, force: true })
    return sandbox?.stop()
  })

  /** What the sandbox's bucket serves at `url`. */
  async function served(url) {
    const answer = await fetch(url)
    assert.equal(answer.status, 200)
    return Buffer.from(await answer.arrayBuffer())
  }

  test('bytes are uploaded, served back and sent as an image link', async () => {
    const uploaded = await client.uploadMedia(PNG, { fileName: 'logo.png' })
    assert.deepEqual(Object.keys(uploaded).sort(), ['contentType', 'key', 'size', 'url'])
    assert.deepEqual([uploaded.size, uploaded.contentType], [PNG.length, 'image/png'])
    assert.ok(uploaded.key.startsWith(`${MEDIA_SPACE}/`) && uploaded.key.endsWith('-logo.png'), uploaded.key)
    assert.ok(uploaded.url.startsWith(`${sandbox.endpoint}/`) && uploaded.url.endsWith(uploaded.key), uploaded.url)
    assert.deepEqual(await served(uploaded.url), PNG)

    const ada = '6591230001'
    await sandbox.inbound({ from: ada, to: BUSINESS, text: 'send me your logo' })
    const image = { messageType: 'image', link: uploaded.url, caption: 'our logo' }
    const receipt = await client.send({ from: BUSINESS, to: ada, content: image })
    const entry = (await sandbox.ledger()).find((e) => e.messageId === receipt.messageId)
    assert.equal(JSON.parse(entry.params.Content).link, uploaded.url)
  })

  test('a file is uploaded by its path or file: URL, named after it unless renamed', async () => {
    const file = path.join(dir, 'brochure 2026.pdf')
    fs.writeFileSync(file, PNG)
    const byPath = await client.uploadMedia(file)
    assert.ok(byPath.key.endsWith('-brochure_2026.pdf'), byPath.key)
    assert.equal(byPath.contentType, 'application/pdf')
    const byUrl = await client.uploadMedia(require('node:url').pathToFileURL(file), {
      fileName: 'logo.png',
      contentType: 'image/x-png',
      custSpaceId: MEDIA_SPACE,
    })
    assert.ok(byUrl.key.endsWith('-logo.png'), byUrl.key)
    assert.equal(byUrl.contentType, 'image/x-png')
    const fromArrayBuffer = await client.uploadMedia(new Uint8Array(PNG).buffer, { fileName: 'logo.png' })
    for (const uploaded of [byPath, byUrl, fromArrayBuffer]) {
      assert.deepEqual(await served(uploaded.url), PNG)
    }
  })

  test('what cannot be uploaded is refused before anything is sent', async () => {
    const before = (await sandbox.requests()).length
    const ledger = (await sandbox.ledger()).length
    const empty = await rejection(client.uploadMedia(new Uint8Array(0), { fileName: 'logo.png' }))
    assert.ok(empty instanceof InvalidParameterError, `${empty}`)
    assert.equal(empty.code, 'InvalidParameter')
    assert.match(empty.message, /^bytes: the file is empty/)
    const nameless = await rejection(client.uploadMedia(PNG))
    assert.ok(nameless instanceof InvalidParameterError && /^fileName: required/.test(nameless.message), `${nameless}`)
    const absent = await rejection(client.uploadMedia(path.join(dir, 'absent.png')))
    assert.ok(absent instanceof ConfigurationError && absent.message.includes('absent.png'), `${absent}`)
    const unknown = await rejection(client.uploadMedia(PNG, { filename: 'logo.png' }))
    assert.ok(unknown instanceof ConfigurationError, `${unknown}`)
    await assert.rejects(client.uploadMedia(42), TypeError)
    await assert.rejects(client.uploadMedia(PNG, { fileName: 7 }), TypeError)
    const aborted = await rejection(client.uploadMedia(PNG, { fileName: 'logo.png', signal: AbortSignal.abort() }))
    assert.equal(aborted.name, 'AbortError')
    assert.equal((await sandbox.requests()).length, before)
    assert.equal((await sandbox.ledger()).length, ledger)
  })
})
