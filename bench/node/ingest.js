'use strict'

// chatlane's Node receiver at volume: the bodies of bench/ingest/bodies.py (in
// BENCH_INGEST_DIR) through `receiver.handle` and `commit`, one body at a time, as a webhook
// server runs them, with the in-memory and the SQLite store, each store fresh so every event
// is new. Rows as bench/PROTOCOL.md says: `ingest/<bodies>/<store>` with `events_per_s`.
//
//   BENCH_INGEST_DIR=target/bench/ingest node bench/node/ingest.js

const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')

const { Receiver } = require(path.resolve(__dirname, '..', '..', 'bindings', 'node'))

const APP_SECRET = 'bench-app-secret' // bench/ingest/bodies.py
const CAMS_TOKEN = 'bench'

function load(name) {
  const lines = fs.readFileSync(path.join(process.env.BENCH_INGEST_DIR, `${name}.jsonl`), 'utf8').trim().split('\n')
  return lines.map((line) => {
    if (name.startsWith('cams')) return { body: Buffer.from(line), signature: null }
    const { body, signature } = JSON.parse(line)
    return { body: Buffer.from(body), signature }
  })
}

async function replay(receiver, endpoint, bodies) {
  const query = endpoint === 'meta' ? '' : `token=${CAMS_TOKEN}`
  for (const { body, signature } of bodies) {
    const headers = signature ? { 'x-hub-signature-256': signature } : {}
    const reply = await receiver.handle(endpoint, { method: 'POST', query, headers, body })
    if (reply.status !== 200) throw new Error(reply.body)
    await receiver.commit(reply.events)
  }
}

async function main() {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'chatlane-ingest-'))
  try {
    for (const [name, endpoint, stores] of [
      ['cams_status_1000', 'cams_status', ['memory', 'sqlite']],
      ['meta_1000', 'meta', ['memory', 'sqlite']],
      ['meta_1', 'meta', ['memory']],
    ]) {
      const bodies = load(name)
      const events = name.endsWith('1000') ? 1000 * bodies.length : bodies.length
      for (const store of stores) {
        const eventStore = store === 'memory' ? ':memory:' : path.join(scratch, `${name}.db`)
        const receiver = new Receiver({ metaAppSecret: APP_SECRET, camsToken: CAMS_TOKEN, eventStore })
        const started = process.hrtime.bigint()
        await replay(receiver, endpoint, bodies)
        const seconds = Number(process.hrtime.bigint() - started) / 1e9
        const row = { impl: 'chatlane-node', scenario: `ingest/${name}/${store}`, events, seconds, events_per_s: events / seconds }
        console.log(JSON.stringify(row))
      }
    }
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true })
  }
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
