'use strict'

// The shared conformance cases (tests/conformance/*.json, see its README) through the Node
// API: a valid message gives no violations and exactly the case's wire parameters; an
// invalid one gives exactly the case's violations (code and path, in order). Rust, Python
// and Kotlin run the same cases.

const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const { describe, test } = require('node:test')

const { massViolations, massWireParams, violations, wireParams } = require('chatlane')

const DIR = path.join(__dirname, '..', '..', '..', 'tests', 'conformance')

/** The functions for each operation a case names. */
const OPERATIONS = {
  SendChatappMessage: { check: violations, wire: wireParams },
  SendChatappMassMessage: { check: massViolations, wire: massWireParams },
}

const files = fs
  .readdirSync(DIR)
  .filter((name) => name.endsWith('.json'))
  .sort()

test('there are conformance cases to run', () => {
  assert.ok(files.length > 0, `no *.json in ${DIR}`)
})

for (const file of files) {
  const { cases } = JSON.parse(fs.readFileSync(path.join(DIR, file), 'utf8'))
  describe(file, () => {
    for (const { name, operation, message, wire, violations: expected } of cases) {
      test(name, () => {
        const { check, wire: wireOf } = OPERATIONS[operation]
        const found = check(message).map((v) => [v.code, v.path])
        if (wire === undefined) {
          assert.deepEqual(found, expected.map((v) => [v.code, v.path]))
        } else {
          assert.deepEqual(found, [])
          assert.deepEqual(wireOf(message), wire)
        }
      })
    }
  })
}
