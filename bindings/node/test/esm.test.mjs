// The package works from ES modules: `import { Client } from 'chatlane'`.

import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { createRequire } from 'node:module'

import { Client, ChatlaneError, InvalidParameterError, ValidationError, operationParams } from 'chatlane'

const require = createRequire(import.meta.url)
const { startSandbox, sandboxOptions } = require('./sandbox.js')

let sandbox

before(async () => {
  sandbox = await startSandbox()
})

after(() => sandbox?.stop())

test('an ES module import sends through the same addon', async () => {
  const client = new Client(sandboxOptions(sandbox))
  const receipt = await client.send({
    from: '8613900000000',
    to: '8613800000000',
    content: { messageType: 'text', text: 'esm' },
  })
  const entry = (await sandbox.ledger()).find((e) => e.messageId === receipt.messageId)
  assert.equal(entry?.params.Content, '{"text":"esm"}')
})

test('errors from an ES module import are the shared classes', async () => {
  const client = new Client(sandboxOptions(sandbox))
  const error = await client.send({ from: '1', to: '2', content: { messageType: 'text', text: '' } }).catch((e) => e)
  assert.ok(error instanceof ValidationError)
  assert.ok(error instanceof ChatlaneError)
  assert.ok(error instanceof require('chatlane').ValidationError)
})

test('operations from an ES module import: the wire mapping and a call, through the same addon', async () => {
  assert.deepEqual(operationParams('QueryChatappPhoneNumbers', { status: 'CONNECTED' }, 'cams-1'), {
    CustSpaceId: 'cams-1',
    Status: 'CONNECTED',
  })
  assert.throws(() => operationParams('ListChatappTemplate', { page: 0 }), InvalidParameterError)
  const page = await new Client(sandboxOptions(sandbox)).listTemplates({ pageSize: 1 })
  assert.deepEqual(page, { templates: [], total: 0, page: 1, pageSize: 1 })
  const journal = await sandbox.requests()
  assert.equal(journal.at(-1).action, 'ListChatappTemplate')
})
