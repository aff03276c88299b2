'use strict'

// The webhook server of webhook_http.js on Express: `express.raw({ type: '*/*' })` keeps the
// body as the exact bytes received (a Buffer), which Meta's signature covers; a JSON body
// parser would re-encode it and every signature would fail. Each new event is printed once,
// as one JSON line.
//
//   npm install express
//   CHATLANE_CAMS_PUSH_TOKEN=s3cret WHATSAPP_APP_SECRET=… WHATSAPP_VERIFY_TOKEN=… \
//   PORT=8080 node bindings/node/examples/webhook_express.js
//
// Push URLs: http://HOST:PORT/cams/status?token=s3cret and /cams/inbound?token=s3cret (CAMS),
// http://HOST:PORT/meta (Meta, GET and POST). HOST defaults to 127.0.0.1, PORT to 8080 (0: a
// free port); the first line printed is `listening on http://HOST:PORT`. EVENT_STORE names the
// SQLite file (default chatlane-events.db).

const express = require('express')

const { Receiver } = require('chatlane')

const receiver = new Receiver({
  camsToken: process.env.CHATLANE_CAMS_PUSH_TOKEN,
  metaAppSecret: process.env.WHATSAPP_APP_SECRET,
  metaVerifyToken: process.env.WHATSAPP_VERIFY_TOKEN,
  eventStore: process.env.EVENT_STORE || 'chatlane-events.db',
})

/** Processes events (here: prints them), then commits them. */
async function processAll(events) {
  for (const event of events) {
    console.log(JSON.stringify(event))
  }
  await receiver.commit(events)
}

/** The Express handler of one endpoint: `cams_status`, `cams_inbound` or `meta`. */
function webhook(endpoint) {
  return async (req, res, next) => {
    try {
      const reply = await receiver.handle(endpoint, {
        method: req.method,
        query: new URL(req.originalUrl, 'http://localhost').search,
        headers: req.headers,
        // A request without a body (Meta's subscription GET) leaves no Buffer.
        body: Buffer.isBuffer(req.body) ? req.body : null,
        remoteAddr: req.socket.remoteAddress,
      })
      if (reply.error !== null) {
        console.error(`${reply.status} ${req.path}: ${reply.error.code}: ${reply.error.message}`)
      }
      res.status(reply.status).type(reply.contentType).send(reply.body)
      await processAll(reply.events)
    } catch (error) {
      next(error)
    }
  }
}

const app = express()
// The receiver refuses bodies over 4 MiB (413); Express's own limit is 100 kB by default.
const raw = express.raw({ type: '*/*', limit: '4mb' })
app.post('/cams/status', raw, webhook('cams_status'))
app.post('/cams/inbound', raw, webhook('cams_inbound'))
app.all('/meta', raw, webhook('meta'))

async function main() {
  // The store's one consumer: process what an earlier run handed out but never committed.
  await processAll(await receiver.reclaim(0, 1000))
  const host = process.env.HOST || '127.0.0.1'
  const server = app.listen(Number(process.env.PORT ?? 8080), host, () => {
    console.log(`listening on http://${host}:${server.address().port}`)
  })
}

main().catch((error) => {
  console.error(error)
  process.exitCode = 1
})
