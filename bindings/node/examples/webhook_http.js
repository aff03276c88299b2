'use strict'

// A webhook server on plain `node:http` that receives CAMS receipts and inbound messages and
// Meta's webhooks, and prints each new event once, as one JSON line: redeliveries (also after
// a restart) print nothing. The receiver checks Meta's signature over the raw body bytes and
// the CAMS push URLs' token, and records events in an SQLite file before answering 200.
//
//   CHATLANE_CAMS_PUSH_TOKEN=s3cret WHATSAPP_APP_SECRET=… WHATSAPP_VERIFY_TOKEN=… \
//   PORT=8080 node bindings/node/examples/webhook_http.js
//
// Push URLs: http://HOST:PORT/cams/status?token=s3cret and /cams/inbound?token=s3cret (CAMS),
// http://HOST:PORT/meta (Meta; its subscription GET is answered too). It listens on HOST
// (default 127.0.0.1: put it behind your HTTPS reverse proxy) and PORT (0: a free port); the
// first line printed is `listening on http://HOST:PORT`. EVENT_STORE names the SQLite file
// (default chatlane-events.db).

const http = require('node:http')

const { Receiver } = require('chatlane')

/** The receiver's endpoint for each path. */
const ENDPOINTS = { '/cams/status': 'cams_status', '/cams/inbound': 'cams_inbound', '/meta': 'meta' }

const receiver = new Receiver({
  camsToken: process.env.CHATLANE_CAMS_PUSH_TOKEN,
  metaAppSecret: process.env.WHATSAPP_APP_SECRET,
  metaVerifyToken: process.env.WHATSAPP_VERIFY_TOKEN,
  eventStore: process.env.EVENT_STORE || 'chatlane-events.db',
})

/** What the application does with an event; here, print it. Throwing leaves it uncommitted. */
function processEvent(event) {
  console.log(JSON.stringify(event))
}

/** Processes events, then commits them: a crash in between hands them out again (reclaim). */
async function processAll(events) {
  for (const event of events) {
    processEvent(event)
  }
  await receiver.commit(events)
}

/** The raw body, as the signature covers it. */
async function rawBody(req) {
  const chunks = []
  for await (const chunk of req) {
    chunks.push(chunk)
  }
  return Buffer.concat(chunks)
}

const server = http.createServer(async (req, res) => {
  try {
    const url = new URL(req.url, 'http://localhost')
    const endpoint = ENDPOINTS[url.pathname]
    if (endpoint === undefined) {
      res.writeHead(404).end()
      return
    }
    const reply = await receiver.handle(endpoint, {
      method: req.method,
      query: url.search,
      headers: req.headers,
      body: await rawBody(req),
      remoteAddr: req.socket.remoteAddress,
    })
    if (reply.error !== null) {
      console.error(`${reply.status} ${url.pathname}: ${reply.error.code}: ${reply.error.message}`)
    }
    // The events are recorded: answer at once (providers expect a quick 200), then process.
    res.writeHead(reply.status, { 'content-type': reply.contentType }).end(reply.body)
    await processAll(reply.events)
  } catch (error) {
    console.error(error)
    if (!res.headersSent) {
      res.writeHead(500).end()
    }
  }
})

async function main() {
  // This process is the store's one consumer: what an earlier run handed out but never
  // committed (it stopped in between) is processed now. Several processes would reclaim
  // with a lease (how long a consumer may take) on a timer instead.
  await processAll(await receiver.reclaim(0, 1000))
  const host = process.env.HOST || '127.0.0.1'
  server.listen(Number(process.env.PORT ?? 8080), host, () => {
    console.log(`listening on http://${host}:${server.address().port}`)
  })
}

main().catch((error) => {
  console.error(error)
  process.exitCode = 1
})
