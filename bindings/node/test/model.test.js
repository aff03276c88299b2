'use strict'

// The pure functions over the message model: `violations`, `massViolations`, `wireParams`
// and `massWireParams` send nothing and need no client.

const assert = require('node:assert/strict')
const { describe, test } = require('node:test')

const { ChatlaneError, ValidationError, massViolations, massWireParams, violations, wireParams } = require('chatlane')

const FROM = '8613800000000'
const TO = '6591234567'

/** A WhatsApp button message whose buttons are `buttons`. */
function buttons(...list) {
  return {
    from: FROM,
    to: TO,
    content: {
      messageType: 'interactive',
      type: 'button',
      body: { text: 'Pick one' },
      action: { buttons: list.map(([id, title]) => ({ type: 'reply', reply: { id, title } })) },
    },
  }
}

/** A mass send of template `C1` to `recipients`. */
function mass(recipients, template = {}) {
  return { from: FROM, template: { code: 'C1', language: 'en', ...template }, recipients }
}

/** What `call` throws; fails the test if it returns. */
function thrown(call) {
  try {
    call()
  } catch (error) {
    return error
  }
  assert.fail('expected a throw')
}

describe('violations', () => {
  test('a valid message has none', () => {
    assert.deepEqual(violations(buttons(['yes', 'Yes'], ['no', 'No'])), [])
  })

  test('every violation, in order, with its code, path and message', () => {
    const found = violations({ ...buttons(['same', 'A title longer than twenty'], ['same', 'B']), from: '+86' })
    assert.deepEqual(
      found.map((v) => [v.code, v.path]),
      [
        ['digits_only', 'from'],
        ['too_long', 'content.action.buttons[0].reply.title'],
        ['duplicate', 'content.action.buttons[1].reply.id'],
      ],
    )
    for (const violation of found) {
      assert.deepEqual(Object.keys(violation), ['code', 'path', 'message'])
      assert.ok(violation.message.length > 0)
    }
  })

  test('a value that is not a message throws a ValidationError naming the place', () => {
    const error = thrown(() => violations({ from: FROM, to: TO, template: { language: 'en', params: { n: 1 } } }))
    assert.ok(error instanceof ValidationError, String(error))
    assert.ok(error instanceof ChatlaneError)
    assert.equal(error.code, 'InvalidMessage')
    assert.match(error.message, /^not a valid message at template\.params\.n: /)
    assert.deepEqual(error.violations, [])
  })

  test('undefined optional fields are absent and null ones too', () => {
    const message = { from: FROM, to: TO, taskId: undefined, fallback: null, content: { messageType: 'text', text: 'hi' } }
    assert.deepEqual(violations(message), [])
    assert.equal(wireParams(message).TaskId, undefined)
  })
})

describe('wireParams', () => {
  test('gives the parameters in wire order, structured values as compact JSON', () => {
    const params = wireParams({
      channel: 'whatsapp',
      from: FROM,
      to: TO,
      taskId: 'task-1',
      template: { code: 'C1', language: 'en', params: { name: 'Zoë', city: '北京' }, payload: ['yes'] },
      fallback: { id: 'fb-1', duration: 120 },
    })
    assert.deepEqual(Object.entries(params), [
      ['ChannelType', 'whatsapp'],
      ['From', FROM],
      ['To', TO],
      ['TaskId', 'task-1'],
      ['Type', 'template'],
      ['TemplateCode', 'C1'],
      ['Language', 'en'],
      ['TemplateParams', '{"name":"Zoë","city":"北京"}'],
      ['Payload', '["yes"]'],
      ['FallBackId', 'fb-1'],
      ['FallBackDuration', '120'],
    ])
  })

  test('needs no client: no CustSpaceId, no generated TaskId', () => {
    const params = wireParams({ from: FROM, to: TO, content: { messageType: 'text', text: 'hi' } })
    assert.deepEqual(params, {
      ChannelType: 'whatsapp',
      From: FROM,
      To: TO,
      Type: 'message',
      MessageType: 'text',
      Content: '{"text":"hi"}',
    })
  })

  test('a message with violations still maps, as in every language; violations() names them', () => {
    const message = buttons(['yes', ''])
    assert.match(wireParams(message).Content, /"reply":\{"id":"yes","title":""\}/)
    assert.deepEqual(
      violations(message).map((v) => [v.code, v.path]),
      [['required', 'content.action.buttons[0].reply.title']],
    )
  })

  test('whole numbers beyond 32 bits stay whole (a video of more than 4 GiB)', () => {
    const content = {
      messageType: 'text_video',
      text: 'Film',
      link: 'https://cdn.example.com/v.mp4',
      thumbnail: 'https://cdn.example.com/v.png',
      fileSize: 5_000_000_000,
      duration: 600,
    }
    const message = { channel: 'viber', from: 'viber-service', to: TO, content }
    assert.match(wireParams(message).Content, /"fileSize":5000000000,/)
  })

  test('leaves the caller’s object as it was', () => {
    const message = buttons(['yes', 'Yes'])
    const before = structuredClone(message)
    wireParams(message)
    violations(message)
    assert.deepEqual(message, before)
  })
})

describe('mass sends', () => {
  test('massWireParams merges each recipient’s variables into the template’s', () => {
    const params = massWireParams(mass([{ to: TO, params: { b: '2' } }, { to: '6597654321' }], { params: { a: '1' } }))
    assert.deepEqual(params, {
      ChannelType: 'whatsapp',
      From: FROM,
      TemplateCode: 'C1',
      Language: 'en',
      SenderList: `[{"TemplateParams":{"a":"1","b":"2"},"To":"${TO}"},{"TemplateParams":{"a":"1"},"To":"6597654321"}]`,
    })
  })

  test('massViolations reports each recipient by index', () => {
    assert.deepEqual(massViolations(mass([{ to: TO }])), [])
    assert.deepEqual(
      massViolations(mass([{ to: TO }, { to: '+65' }])).map((v) => [v.code, v.path]),
      [['digits_only', 'recipients[1].to']],
    )
  })

  test('a single message is not a mass send, and the other way round', () => {
    assert.match(thrown(() => massViolations(buttons(['yes', 'Yes']))).message, /not a valid message/)
    assert.match(thrown(() => violations(mass([{ to: TO }]))).message, /not a valid message/)
  })
})
