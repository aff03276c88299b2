'use strict'

// The Meta conformance cases (tests/conformance/meta/*.json, see tests/conformance/README.md)
// through the Node API: a valid message gives no Meta violations and exactly the case's
// request body; an invalid one gives exactly the case's violations (code and path, in order).
// A case with a `source` takes the message of the shared case of its name in that file.

const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const { describe, test } = require('node:test')

const { metaBody, violations } = require('chatlane')

const DIR = path.join(__dirname, '..', '..', '..', 'tests', 'conformance')
const META_DIR = path.join(DIR, 'meta')

/** The `*.json` files of `dir`, sorted, with their parsed contents. */
function documents(dir) {
  return fs
    .readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => [name, JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8'))])
}

/** The shared suite's messages by file, then case name. */
const shared = new Map(
  documents(DIR).map(([file, { cases }]) => [file, new Map(cases.map(({ name, message }) => [name, message]))]),
)

/** The message of a Meta case: its own, or its source's. */
function messageOf({ name, source, message }) {
  if (source === undefined) {
    return message
  }
  const found = shared.get(source)?.get(name)
  assert.ok(found, `${name}: no case of that name in ${source}`)
  return found
}

const files = documents(META_DIR)

test('there are Meta conformance cases to run', () => {
  const names = files.map(([file]) => file)
  assert.ok(names.includes('meta.json') && names.includes('shared.json'), `found ${names} in ${META_DIR}`)
  assert.ok(files.every(([, { cases }]) => cases.length > 0))
})

for (const [file, { cases }] of files) {
  describe(`meta/${file}`, () => {
    for (const testCase of cases) {
      test(testCase.name, () => {
        const message = messageOf(testCase)
        const found = violations(message, { provider: 'meta' }).map((v) => [v.code, v.path])
        if (testCase.body === undefined) {
          assert.deepStrictEqual(found, testCase.violations.map((v) => [v.code, v.path]))
        } else {
          assert.deepStrictEqual(found, [])
          assert.deepStrictEqual(metaBody(message), testCase.body)
        }
      })
    }
  })
}
