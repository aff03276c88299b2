'use strict'

// The package surface: error classes come from the core's table, and the hand-written
// index.d.ts and index.mjs declare exactly what the addon and index.js provide.

const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const { test } = require('node:test')

const chatlane = require('chatlane')
const native = require('../native.js')

const ROOT = path.join(__dirname, '..')
const dts = fs.readFileSync(path.join(ROOT, 'index.d.ts'), 'utf8')

test('one exported class per core error category, named by the core', () => {
  const table = native.errorClasses()
  assert.equal(table.length, 16)
  for (const { category, className } of table) {
    const cls = chatlane[className]
    assert.equal(typeof cls, 'function', className)
    assert.equal(cls.name, className)
    assert.equal(cls.category, category)
    assert.ok(cls.prototype instanceof chatlane.ChatlaneError)
    const error = new cls('boom', { code: 'Internal', requestId: 'r-1' })
    assert.ok(error instanceof Error)
    assert.equal(error.name, className)
    assert.equal(error.category, category)
    assert.equal(error.requestId, 'r-1')
    assert.equal(error.platformCode, null)
    assert.equal(error.attempts, 0)
    assert.equal(new cls('again', { code: 'Internal', attempts: 3 }).attempts, 3)
    assert.match(String(error), new RegExp(`^${className}: boom$`))
  }
})

test('a base ChatlaneError takes its category from the code', () => {
  const error = new chatlane.ChatlaneError('slow down', { code: 'Throttled', retryAfterMs: 500 })
  assert.equal(error.category, 'throttled')
  assert.equal(error.retryAfterMs, 500)
  assert.equal(error.name, 'ChatlaneError')
})

test('index.d.ts declares every error class, code and category', () => {
  const declaredClasses = [...dts.matchAll(/^export declare class (\w+) extends ChatlaneError \{\n  static readonly category: '(\w+)'/gm)]
  assert.deepEqual(
    declaredClasses.map(([, name, category]) => ({ category, className: name })),
    native.errorClasses().map(({ category, className }) => ({ category, className })),
  )
  const union = (name) => {
    const block = new RegExp(`^export type ${name} =\\n((?:  \\| '\\w+'\\n)+)`, 'm').exec(dts)
    assert.ok(block, `index.d.ts has no ${name} union`)
    return [...block[1].matchAll(/'(\w+)'/g)].map(([, value]) => value)
  }
  assert.deepEqual(union('ErrorCode'), native.errorCodes().map(({ code }) => code))
  assert.deepEqual(union('ErrorCategory'), native.errorClasses().map(({ category }) => category))
})

test('index.d.ts ClientOptions declares exactly the options the addon accepts', () => {
  const block = /^export interface ClientOptions \{\n([\s\S]*?)^\}/m.exec(dts)
  assert.ok(block, 'index.d.ts has no ClientOptions interface')
  const declared = [...block[1].matchAll(/^  (\w+)\?:/gm)].map(([, name]) => name)
  let accepted
  try {
    new chatlane.Client({ 'no such option': true })
    assert.fail('an unknown option should have thrown')
  } catch (error) {
    accepted = /expected one of (.*)$/.exec(error.message)?.[1].split(', ')
  }
  assert.deepEqual(declared, accepted)
})

test('the panic probe is a hidden test hook, not public API', () => {
  assert.equal(typeof native.panicProbe, 'function')
  assert.equal(typeof chatlane._panicProbe, 'function')
  assert.ok(!Object.keys(chatlane).includes('_panicProbe'))
  assert.ok(!/panicProbe/i.test(dts))
})

test('index.mjs re-exports every name index.js exports', async () => {
  const esm = await import('chatlane')
  const names = Object.keys(esm).filter((name) => name !== 'default')
  assert.deepEqual(names.sort(), Object.keys(chatlane).sort())
  for (const name of names) {
    assert.equal(esm[name], chatlane[name], name)
  }
  assert.equal(esm.default, chatlane)
})

test('package.json points require, import and types at the hand-written files', () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'))
  assert.equal(manifest.name, 'chatlane')
  assert.equal(manifest.main, 'index.js')
  assert.equal(manifest.types, 'index.d.ts')
  assert.deepEqual(manifest.exports['.'], { types: './index.d.ts', import: './index.mjs', require: './index.js' })
})
