'use strict'

// Where a client finds its credentials without explicit keys: a profile of the Alibaba Cloud
// CLI's configuration, named or current, and the ALIBABA_CLOUD_* variables. Node runs each
// test file in its own process, so the variables this file sets stay here.

const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { afterEach, beforeEach, test } = require('node:test')

const { Client, ConfigurationError } = require('chatlane')
const { sharedSandbox, SANDBOX_KEY_ID, SANDBOX_KEY_SECRET } = require('./sandbox.js')

const shared = sharedSandbox(Client)
let home

afterEach(() => fs.rmSync(home, { recursive: true, force: true }))

beforeEach(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'chatlane-home-'))
  process.env.HOME = home
  for (const name of ['ACCESS_KEY_ID', 'ACCESS_KEY_SECRET', 'SECURITY_TOKEN', 'PROFILE']) {
    delete process.env[`ALIBABA_CLOUD_${name}`]
  }
})

/** An aliyun CLI config: profile `sandbox` holds the sandbox's keys, `stale` unknown ones. */
function writeConfig(dir, current) {
  const file = path.join(dir, '.aliyun', 'config.json')
  fs.mkdirSync(path.dirname(file), { recursive: true })
  const profiles = [
    { name: 'stale', mode: 'AK', access_key_id: 'stale-id', access_key_secret: 'stale-secret' },
    { name: 'sandbox', mode: 'AK', access_key_id: SANDBOX_KEY_ID, access_key_secret: SANDBOX_KEY_SECRET },
  ]
  fs.writeFileSync(file, JSON.stringify({ current, profiles }))
  return file
}

async function sends(client) {
  const to = `65${String(Math.floor(Math.random() * 1e10)).padStart(10, '0')}`
  const receipt = await client.send({ from: '8613800000000', to, content: { messageType: 'text', text: 'hi' } })
  assert.ok(receipt.messageId)
}

test('a named profile in a given file signs the sends', async () => {
  const file = writeConfig(path.join(home, 'elsewhere'), 'stale')
  const client = new Client({ profile: 'sandbox', profileFile: file, endpoint: shared.sandbox.endpoint })
  assert.equal(client.accessKeyId, SANDBOX_KEY_ID)
  await sends(client)
})

test('ALIBABA_CLOUD_PROFILE names the profile', async () => {
  writeConfig(home, 'stale')
  process.env.ALIBABA_CLOUD_PROFILE = 'sandbox'
  await sends(new Client({ endpoint: shared.sandbox.endpoint }))
})

test('the variables come before the current profile', async () => {
  writeConfig(home, 'stale')
  process.env.ALIBABA_CLOUD_ACCESS_KEY_ID = SANDBOX_KEY_ID
  process.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET = SANDBOX_KEY_SECRET
  await sends(new Client({ endpoint: shared.sandbox.endpoint }))
})

test('the current profile is the last resort', async () => {
  writeConfig(home, 'sandbox')
  await sends(new Client({ endpoint: shared.sandbox.endpoint }))
})

test('a missing profile or file is MissingCredentials; keys and a profile together are refused', () => {
  const file = writeConfig(home, 'stale')
  for (const options of [{ profile: 'nope', profileFile: file }, { profile: 'sandbox', profileFile: `${file}.absent` }]) {
    assert.throws(() => new Client(options), { name: 'ConfigurationError', code: 'MissingCredentials' })
  }
  assert.throws(() => new Client({ accessKeyId: 'id', accessKeySecret: 'secret', profile: 'sandbox' }), (error) => {
    assert.ok(error instanceof ConfigurationError)
    assert.equal(error.code, 'InvalidConfig')
    return true
  })
})

test('an ECS RAM role signs the sends with its STS credentials', async () => {
  // The sandbox emulates the instance metadata service too: '' takes the instance's role.
  const { endpoint } = shared.sandbox
  const client = new Client({ endpoint, ecsRamRole: '', ecsMetadataEndpoint: endpoint })
  assert.equal(client.accessKeyId, null, 'nothing is fetched before the first send')
  await sends(client)
  assert.equal(client.accessKeyId, SANDBOX_KEY_ID)
})

test('an unknown ECS RAM role is MissingCredentials and sends nothing', async () => {
  const { endpoint } = shared.sandbox
  const client = new Client({ endpoint, ecsRamRole: 'nope', ecsMetadataEndpoint: endpoint })
  const error = await sends(client).catch((e) => e)
  assert.ok(error instanceof ConfigurationError, String(error))
  assert.equal(error.code, 'MissingCredentials')
  assert.equal(error.attempts, 0)
})

test('a credentials provider is asked once while its credentials last', async () => {
  let calls = 0
  const credentialsProvider = async () => {
    calls++
    return {
      accessKeyId: SANDBOX_KEY_ID,
      accessKeySecret: SANDBOX_KEY_SECRET,
      securityToken: 'provided-token',
      expiresAt: new Date(Date.now() + 3600_000),
    }
  }
  const client = new Client({ endpoint: shared.sandbox.endpoint, credentialsProvider })
  await sends(client)
  await sends(client)
  assert.equal(calls, 1)
})

test('credentials about to expire are asked for again', async () => {
  let calls = 0
  const credentialsProvider = () => {
    calls++
    // Inside the five-minute margin; a plain (not async) function works too.
    return { accessKeyId: SANDBOX_KEY_ID, accessKeySecret: SANDBOX_KEY_SECRET, expiresAt: Date.now() + 240_000 }
  }
  const client = new Client({ endpoint: shared.sandbox.endpoint, credentialsProvider })
  await sends(client)
  await sends(client)
  assert.equal(calls, 2)
})

test('a provider that fails sends nothing; a provider with keys is refused', async () => {
  for (const credentialsProvider of [
    async () => {
      throw new Error('the vault is sealed')
    },
    () => 5,
    () => ({ accessKeyId: 'only-the-id' }),
  ]) {
    const client = new Client({ endpoint: shared.sandbox.endpoint, credentialsProvider })
    const error = await sends(client).catch((e) => e)
    assert.ok(error instanceof ConfigurationError, String(error))
    assert.equal(error.code, 'MissingCredentials')
    assert.equal(error.attempts, 0)
  }
  const both = { accessKeyId: 'id', accessKeySecret: 's', credentialsProvider: () => ({}) }
  assert.throws(() => new Client(both), { name: 'ConfigurationError', code: 'InvalidConfig' })
  assert.throws(() => new Client({ credentialsProvider: 'not a function' }), { name: 'ConfigurationError' })
})
