'use strict'

// The shared edge cases (tests/edge/*.json, see its README) through the Node API: client
// options a caller can write that chatlane must refuse with the same typed error as every
// other language, and messages with values at the edge of what JSON carries.

const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const { describe, test } = require('node:test')

const chatlane = require('chatlane')

const DIR = path.join(__dirname, '..', '..', '..', 'tests', 'edge')
const DEFAULTS = { accessKeyId: 'edge-key-id', accessKeySecret: 'edge-key-secret', endpoint: 'http://127.0.0.1:9' }

function load(file) {
  const { cases } = JSON.parse(fs.readFileSync(path.join(DIR, file), 'utf8'))
  assert.ok(cases.length >= 10, `${file}: too few cases`)
  return cases
}

/** `{"a": {"a": … {"a": 1}}}`, `depth` objects deep. */
function nested(depth) {
  let value = { a: 1 }
  for (let i = 1; i < depth; i++) {
    value = { a: value }
  }
  return value
}

/** The JS value a case's JSON (with its markers) stands for. */
function build(value) {
  if (Array.isArray(value)) {
    return value.map(build)
  }
  if (value === null || typeof value !== 'object') {
    return value
  }
  const keys = Object.keys(value)
  if (keys.length === 1 && keys[0].startsWith('$')) {
    const argument = value[keys[0]]
    switch (keys[0]) {
      case '$float':
        return Number(argument)
      case '$int':
        return Number(argument)
      case '$ms':
        return argument
      case '$repeat':
        return argument[0].repeat(argument[1])
      case '$lone_surrogate':
        return `${argument}\ud800`
      case '$nest':
        return nested(argument)
      case '$cycle': {
        const cycle = {}
        cycle.self = cycle
        return cycle
      }
      default:
        throw new Error(`unknown marker ${keys[0]}`)
    }
  }
  return Object.fromEntries(keys.map((key) => [key, build(value[key])]))
}

/** A Python option name as Node spells it: camel case, durations with `Ms`. */
function jsName(name, value) {
  const camel = name.replace(/_([a-z])/g, (_, letter) => letter.toUpperCase())
  const duration = value !== null && typeof value === 'object' && '$ms' in value
  return duration ? `${camel}Ms` : camel
}

describe('options.json', () => {
  for (const { name, options, error, hidden } of load('options.json')) {
    test(name, () => {
      const given = Object.fromEntries(Object.entries(options).map(([key, value]) => [jsName(key, value), build(value)]))
      const create = () => new chatlane.Client({ ...DEFAULTS, ...given })
      if (error === null) {
        create()
        return
      }
      assert.throws(create, (thrown) => {
        assert.ok(thrown instanceof chatlane.ConfigurationError, `${thrown}`)
        assert.equal(thrown.code, error)
        if (hidden !== undefined) {
          assert.ok(!thrown.message.includes(hidden) && !String(thrown).includes(hidden), thrown.message)
        }
        return true
      })
    })
  }

  test('a BigInt is refused like any number out of range', () => {
    assert.throws(() => new chatlane.Client({ ...DEFAULTS, maxAttempts: 4294967296n }), {
      name: 'ConfigurationError',
      code: 'InvalidConfig',
    })
  })
})

/**
 * What `violations` finds, or the violations of the `ValidationError` it throws for data
 * that cannot be read as a message at all (a NaN, a lone surrogate).
 */
function violationsOf(message) {
  try {
    return chatlane.violations(message).map((v) => [v.code, v.path])
  } catch (error) {
    assert.ok(error instanceof chatlane.ValidationError, `${error}`)
    assert.equal(error.code, 'InvalidMessage')
    return error.violations.map((v) => [v.code, v.path])
  }
}

describe('messages.json', () => {
  const client = new chatlane.Client(DEFAULTS)
  for (const { name, message, violations } of load('messages.json')) {
    test(name, async () => {
      const built = build(message)
      const expected = violations.map((v) => [v.code, v.path])
      assert.deepEqual(violationsOf(built), expected)
      if (expected.length > 0) {
        const error = await client.send(built).then(
          () => assert.fail('sent'),
          (e) => e,
        )
        assert.ok(error instanceof chatlane.ValidationError, `${error}`)
        assert.deepEqual(
          error.violations.map((v) => [v.code, v.path]),
          expected,
        )
      }
    })
  }
})

test('a panic in a synchronous entry point throws InternalError', () => {
  // Every synchronous function runs in the same guard; this test hook panics inside it.
  assert.throws(() => chatlane._panicProbeSync(), (error) => {
    assert.ok(error instanceof chatlane.InternalError, `${error}`)
    assert.equal(error.code, 'Internal')
    assert.match(error.message, /deliberate panic/)
    return true
  })
})
