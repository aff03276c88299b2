'use strict'

// The package surface: error classes come from the core's table, the hand-written
// index.d.ts and index.mjs declare exactly what the addon and index.js provide (the client's
// methods among it), and the generated model.d.ts is current and shipped.

const assert = require('node:assert/strict')
const { execFileSync } = require('node:child_process')
const fs = require('node:fs')
const path = require('node:path')
const { test } = require('node:test')

const chatlane = require('chatlane')
const native = require('../native.js')

const ROOT = path.join(__dirname, '..')
const REPO = path.join(ROOT, '..', '..')
const dts = fs.readFileSync(path.join(ROOT, 'index.d.ts'), 'utf8')
const modelDts = fs.readFileSync(path.join(ROOT, 'model.d.ts'), 'utf8')

test('one exported class per core error category, named by the core', () => {
  const table = native.errorClasses()
  assert.equal(table.length, 17)
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
    // The union's lines, the generated region's comment lines among them.
    const block = new RegExp(`^export type ${name} =\\n((?:  (?:\\| '\\w+'|// [^\\n]*)\\n)+)`, 'm').exec(dts)
    assert.ok(block, `index.d.ts has no ${name} union`)
    return [...block[1].matchAll(/'(\w+)'/g)].map(([, value]) => value)
  }
  assert.deepEqual(union('ErrorCode'), native.errorCodes().map(({ code }) => code))
  assert.deepEqual(union('ErrorCategory'), native.errorClasses().map(({ category }) => category))
})

test('index.d.ts ClientOptions declares exactly the options the addon accepts, and what index.js takes out', () => {
  /** The option names declared in the interface that `heading` opens. */
  const declared = (heading) => {
    const block = new RegExp(`^${heading} \\{\\n([\\s\\S]*?)^\\}`, 'm').exec(dts)
    assert.ok(block, `index.d.ts has no ${heading}`)
    return [...block[1].matchAll(/^  (\w+)\?:/gm)].map(([, name]) => name)
  }
  let accepted
  try {
    new chatlane.Client({ 'no such option': true })
    assert.fail('an unknown option should have thrown')
  } catch (error) {
    accepted = /expected one of (.*)$/.exec(error.message)?.[1].split(', ')
  }
  assert.deepEqual(declared('interface CoreClientOptions'), accepted)
  // index.js takes the functions (the credentials provider, the hooks) and a Meta token's
  // renewal out before the addon reads the data options.
  const taken = ['credentialsProvider', 'onRetry', 'onOutcome', 'onTokenRenewed', 'renewWith', 'tokenRenewalMarginMs']
  const own = declared('export interface ClientOptions extends CoreClientOptions')
  assert.deepEqual(own.sort(), taken.sort())
})

test('index.d.ts ReceiverOptions declares exactly the options the addon accepts', () => {
  const block = /^export interface ReceiverOptions \{\n([\s\S]*?)^\}/m.exec(dts)
  assert.ok(block, 'index.d.ts has no ReceiverOptions')
  const declared = [...block[1].matchAll(/^  (\w+)\?:/gm)].map(([, name]) => name)
  assert.throws(() => new chatlane.Receiver({ 'no such option': true }), (error) => {
    assert.deepEqual(declared, /expected one of (.*)$/.exec(error.message)?.[1].split(', '))
    return true
  })
})

test('index.d.ts declares exactly the classes and functions index.js exports', () => {
  const declared = [...dts.matchAll(/^export declare (?:class|function) (\w+)/gm)].map(([, name]) => name)
  assert.deepEqual(declared.sort(), Object.keys(chatlane).sort())
  assert.match(dts, /^ {2}sendMass\(mass: MassMessage, options\?: SendOptions\): Promise<Receipt>$/m)
})

test('index.d.ts declares exactly the methods of Client that index.js defines', () => {
  const block = /^export declare class Client \{\n([\s\S]*?)^\}/m.exec(dts)
  assert.ok(block, 'index.d.ts has no Client class')
  const declared = [...block[1].matchAll(/^  (\w+)\(/gm)].map(([, name]) => name).filter((name) => name !== 'constructor')
  const prototype = chatlane.Client.prototype
  const defined = Object.getOwnPropertyNames(prototype).filter(
    (name) => name !== 'constructor' && typeof Object.getOwnPropertyDescriptor(prototype, name).value === 'function',
  )
  assert.deepEqual(declared.sort(), defined.sort())
  for (const name of ['mediaInfo', 'downloadMedia', 'deleteMedia']) {
    assert.match(dts, new RegExp(`^  ${name}\\(mediaId: string, options\\?: MediaOptions\\): Promise<`, 'm'), name)
  }
})

test('index.d.ts re-exports the generated model, which scripts/codegen/typescript.py makes of the schema', () => {
  assert.match(dts, /^export \* from '\.\/model'$/m)
  assert.match(modelDts, /^\/\/ generated by scripts\/codegen\/typescript\.py from schema\/chatlane\.schema\.json: do not edit\n/)
  const generated = execFileSync(
    'python3',
    [path.join(REPO, 'scripts', 'codegen', 'typescript.py'), path.join(REPO, 'schema', 'chatlane.schema.json')],
    { encoding: 'utf8' },
  )
  assert.ok(generated === modelDts, 'bindings/node/model.d.ts is stale: run scripts/codegen.sh')
  for (const name of ['Message', 'MassMessage', 'Content', 'Interactive', 'Header', 'TextContent', 'InteractiveButton']) {
    assert.match(modelDts, new RegExp(`^export (?:interface|type) ${name}\\b`, 'm'), name)
  }
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
  assert.ok(manifest.files.includes('model.d.ts'), 'package.json "files" must ship model.d.ts')
})
