// Type-checked, never run, by types.test.js (`tsc --noEmit --strict`): the package's types
// take every kind of message as a plain object and narrow on the discriminants, Meta's client
// and OAuth are typed end to end, received events narrow on theirs, the operations beyond
// sending (media among them) take and give the model's queries and records, and each
// `@ts-expect-error` line is a shape the core refuses, which must not compile either.

import {
  AccessToken,
  ChatlaneError,
  Client,
  MetaApp,
  Receiver,
  ValidationError,
  dedupKey,
  massWireParams,
  metaBody,
  metaRequest,
  operationParams,
  parseCamsPush,
  parseMetaWebhook,
  verifyMetaChallenge,
  verifyMetaSignature,
  violations,
  wireParams,
} from 'chatlane'
import type {
  AuthorizationStart,
  CallOptions,
  ReconcileOptions,
  ClientOptions,
  HistoryPage,
  HistoryQuery,
  HistoryRecord,
  NewTemplate,
  PhoneNumber,
  SavedTemplate,
  TemplateDeletion,
  TemplateDetail,
  TemplateEdit,
  TemplatePage,
  TemplateQuery,
  TemplateRef,
  UploadedMedia,
  UploadOptions,
  DownloadedMedia,
  MediaInfo,
  MediaOptions,
  ReceiverOptions,
  SendStatus,
  WebhookEndpoint,
  WebhookReply,
  WebhookRequest,
  Content,
  Event,
  InboundContent,
  SignatureMatch,
  Header,
  Interactive,
  KnownToken,
  MassMessage,
  Message,
  MetaAppOptions,
  OutcomeEvent,
  Receipt,
  RetryEvent,
  TemplateParams,
  TokenInfo,
  ValidationOptions,
  Violation,
} from 'chatlane'

const from = '8613800000000'
const to = '6591234567'
const params: TemplateParams = { name: 'Ada', code: '123456' }

const messages: Message[] = [
  { from, to, template: { code: '744c4b5c79c94324', language: 'en', params, payload: ['yes', 'no'] } },
  { from, to, content: { messageType: 'text', text: 'hello' }, taskId: 'order-42', recipientType: 'individual' },
  { from, to, content: { messageType: 'image', link: 'https://cdn.example.com/a.png', caption: 'A' } },
  { from, to, content: { messageType: 'location', longitude: 103.85, latitude: 1.29, name: 'Marina Bay' } },
  {
    from,
    to,
    content: {
      messageType: 'interactive',
      type: 'button',
      header: { type: 'image', image: { link: 'https://cdn.example.com/a.png' } },
      body: { text: 'Pick one' },
      action: {
        buttons: [{ type: 'reply', reply: { id: 'yes', title: 'Yes' } }, { reply: { id: 'no', title: 'No' } }],
      },
    },
  },
  {
    from,
    to,
    content: {
      messageType: 'interactive',
      type: 'flow',
      body: { text: 'Book a table' },
      action: {
        name: 'flow',
        parameters: { flow_message_version: '3', flow_id: '1', flow_cta: 'Book', flow_action: 'data_exchange' },
      },
    },
  },
  {
    channel: 'viber',
    from: 'viber-service',
    to,
    content: { messageType: 'text_button', text: 'Sale', caption: 'Shop', action: 'https://example.com' },
    label: 'promotion',
    ttl: 3600,
  },
  {
    channel: 'line',
    from: 'line-channel',
    to: 'U1234',
    content: { messageType: 'custom', type: 'flex', content: { altText: 'Menu', contents: { type: 'bubble' } } },
  },
]

const mass: MassMessage = {
  from,
  template: { name: 'order_update', language: 'zh_CN', params },
  recipients: [{ to, params: { name: 'Ada' } }, { to: '6597654321', payload: ['stop'] }],
  fallback: { id: 'fb-1', rule: 'sentFailed' },
}

/** A one-line summary: narrowing on `messageType`, then on `type`. */
function summary(content: Content): string {
  switch (content.messageType) {
    case 'text':
      return content.text
    case 'image':
    case 'video':
      return content.caption ?? content.link ?? `media ${content.id ?? ''}`
    case 'interactive':
      return interactiveSummary(content)
    case 'custom':
      return content.type
    default:
      return content.messageType
  }
}

function interactiveSummary(interactive: Interactive): string {
  switch (interactive.type) {
    case 'button':
      return interactive.action.buttons.map((button) => button.reply.title).join(' / ')
    case 'list':
      return interactive.action.button
    case 'product':
      return interactive.action.product_retailer_id
    default:
      return interactive.body.text
  }
}

/** The link or text of a header; every variant is handled (`never` otherwise). */
function headerSummary(header: Header): string {
  switch (header.type) {
    case 'text':
      return header.text
    case 'image':
      return header.image.link ?? `media ${header.image.id ?? ''}`
    case 'video':
      return header.video.link ?? `media ${header.video.id ?? ''}`
    case 'document':
      return header.document.filename ?? header.document.link ?? `media ${header.document.id ?? ''}`
    default: {
      const unhandled: never = header
      return unhandled
    }
  }
}

export async function sendAll(client: Client): Promise<Receipt[]> {
  const found: Violation[] = messages.flatMap((message) => violations(message))
  const wire: Record<string, string> = { ...wireParams(messages[0]), ...massWireParams(mass) }
  const summaries = messages.map((message) => (message.content ? summary(message.content) : message.template?.language))
  console.log(found, wire, summaries, headerSummary({ type: 'text', text: 'Menu' }))
  try {
    return await Promise.all([...messages.map((message) => client.send(message)), client.sendMass(mass)])
  } catch (error) {
    if (error instanceof ValidationError) {
      console.log(error.violations.map((v) => `${v.path}: ${v.message}`))
    }
    throw error
  }
}

export const refused: Message[] = [
  {
    from,
    to,
    content: {
      messageType: 'audio',
      link: 'https://cdn.example.com/a.mp3',
      // @ts-expect-error: audio has no caption
      caption: 'no',
    },
  },
  // @ts-expect-error: a template needs a language
  { from, to, template: { code: 'C1' } },
  // @ts-expect-error: no such content type
  { from, to, content: { messageType: 'fax', text: 'hi' } },
  // @ts-expect-error: the old flat shape
  { type: 'text', from, to, text: 'hi' },
  // @ts-expect-error: the channel is one of six
  { channel: 'sms', from, to, content: { messageType: 'text', text: 'hi' } },
  {
    from,
    to,
    content: {
      messageType: 'interactive',
      type: 'list',
      // @ts-expect-error: a text header has text, not a link
      header: { type: 'text', link: 'https://cdn.example.com/a.png' },
      body: { text: 'Pick one' },
      action: { button: 'Open', sections: [] },
    },
  },
  // @ts-expect-error: template variables are strings
  { from, to, template: { code: 'C1', language: 'en', params: { n: 1 } } },
  // @ts-expect-error: `to` is required
  { from, content: { messageType: 'text', text: 'hi' } },
]

new Client({
  onRetry: (event: RetryEvent) => console.log(event.taskId, event.attempt, event.code, event.delayMs),
  onOutcome: (event: OutcomeEvent) => console.log(event.ok ? event.messageId : event.errorCode, event.latencyMs),
})
// @ts-expect-error: a hook is a function
new Client({ onRetry: 'log' })

/** Meta: a token from OAuth, the checks and body of a Meta send, then the send. */
export async function sendThroughMeta(code: string): Promise<Receipt> {
  const client = new Client({ provider: 'meta', accessToken: 'a-token', graphVersion: 'v25.0' })
  const provider: 'cams' | 'meta' = client.provider
  const options: MetaAppOptions = { appId: '900000000000001', appSecret: 'app-secret', graphUrl: null }
  const app = new MetaApp(options)
  const start: AuthorizationStart = app.authorizationUrl('https://app.example.com/cb', ['whatsapp_business_messaging'])
  const token: AccessToken = await app.exchangeCallback(start.pending, '?code=c&state=s')
  const expiresAt: Date | null = token.expiresAt
  const info: TokenInfo = await app.inspect(await app.longLived(token))
  const targets: string[] = info.granularScopes.flatMap((granted) => granted.targetIds)
  await client.setAccessToken(await app.exchangeCode(code))
  await client.setAccessToken(token.token)
  const meta: ValidationOptions = { provider: 'meta' }
  const found: Violation[] = violations(messages[1], meta)
  const body: Record<string, unknown> = metaBody(messages[1], 'order-42')
  console.log(provider, start.url, expiresAt, token.scopes.join(), info.kind, info.isValid, targets, found, body)
  // @ts-expect-error: a token's scopes are read-only
  token.scopes.push('business_management')
  // @ts-expect-error: the pending authorization is read-only
  start.pending = '{}'
  // @ts-expect-error: a token is a string or an AccessToken
  await client.setAccessToken({ token: 'a-token' })
  return client.send(messages[1])
}

/** Meta: a stored token with its expiry and scopes, renewed through the app, each new one stored. */
export function renewing(app: MetaApp, store: (token: string, expiresAt: Date | null) => Promise<void>): Client {
  const known: KnownToken = { expiresAt: Date.now() + 3_600_000, scopes: ['whatsapp_business_messaging'] }
  const stored: AccessToken = AccessToken.from('a-token', known)
  const options: ClientOptions = {
    provider: 'meta',
    accessToken: AccessToken.from(stored.token, { expiresAt: new Date(), scopes: null }),
    renewWith: app,
    onTokenRenewed: (token: AccessToken) => store(token.token, token.expiresAt),
    tokenRenewalMarginMs: 600_000,
  }
  return new Client({ ...options, onTokenRenewed: (token) => console.log(token.scopes.join()) })
}

// @ts-expect-error: a token renews through a MetaApp
new Client({ provider: 'meta', accessToken: 'a-token', renewWith: { appId: '900000000000001' } })
// @ts-expect-error: the renewed token is an AccessToken, not a string
new Client({ provider: 'meta', accessToken: 'a-token', onTokenRenewed: (token: string) => token.length })
// @ts-expect-error: an expiry is a Date or epoch milliseconds
AccessToken.from('a-token', { expiresAt: '2030-01-01T00:00:00Z' })
// @ts-expect-error: the provider is cams or meta
violations(messages[0], { provider: 'sms' })
// @ts-expect-error: an AccessToken comes from a MetaApp
new AccessToken()
// @ts-expect-error: a MetaApp needs its secret
new MetaApp({ appId: '900000000000001' })

/** Receiving: a line per event, narrowed on `event`, the status and the content's `type`. */
export function received(body: Uint8Array, signature: string | undefined): string[] {
  const form: SignatureMatch = verifyMetaSignature('app-secret', body, signature)
  const events: Event[] = [...parseMetaWebhook(body), ...parseCamsPush('[]', 'status'), ...parseCamsPush(body, 'inbound')]
  return events.map((event) => {
    const key = dedupKey(event)
    switch (event.event) {
      case 'status':
        return `${key} ${typeof event.status === 'string' ? event.status : event.status.other} ${event.errors?.[0]?.code}`
      case 'inbound':
        return `${key} ${event.sender.phone ?? event.sender.userId} ${contentSummary(event.content)} ${form}`
      case 'unsupported':
        return `${key} ${event.name} ${event.raw.length}`
    }
  })
}

function contentSummary(content: InboundContent): string {
  switch (content.type) {
    case 'text':
      return content.body
    case 'image':
    case 'video':
      return content.url ?? content.id ?? ''
    case 'audio':
      return content.voice ? 'voice note' : 'audio'
    case 'location':
      return `${content.latitude},${content.longitude}`
    case 'button_reply':
      return content.id
    case 'order':
      return (content.items ?? []).map((item) => item.productRetailerId).join()
    case 'unsupported':
      return content.messageType
    default:
      return content.type
  }
}

export const challenge: string = verifyMetaChallenge('hub.mode=subscribe&hub.challenge=1&hub.verify_token=t', 't')
// @ts-expect-error: a CAMS push is a status or an inbound push
parseCamsPush('[]', 'statuses')
// @ts-expect-error: a body is bytes or a string
parseMetaWebhook({ entry: [] })
// @ts-expect-error: an image has no body
export const caption = (content: InboundContent) => (content.type === 'image' ? content.body : '')

/** A webhook receiver: requests in the shapes servers give them, replies narrowed, events committed. */
export async function receive(raw: Uint8Array, nodeHeaders: Record<string, string | string[] | undefined>) {
  const options: ReceiverOptions = {
    metaAppSecret: 'app-secret',
    camsToken: null,
    camsAllowedIps: ['47.74.0.0/16'],
    camsUnauthenticated: false,
    eventStore: 'events.db',
  }
  const receiver = new Receiver(options)
  const endpoint: WebhookEndpoint = 'cams_status'
  const request: WebhookRequest = { method: 'POST', query: '?token=t', headers: nodeHeaders, body: raw, remoteAddr: '::1' }
  const reply: WebhookReply = await receiver.handle(endpoint, request)
  const pairs = await receiver.handle('meta', { method: 'POST', headers: [['x-hub-signature-256', 'sha256=00']], body: 'text' })
  await receiver.handle('meta', { method: 'GET', query: 'hub.mode=subscribe', headers: new Headers() })
  const code: string | null = reply.error instanceof ChatlaneError ? reply.error.code : (pairs.error?.code ?? null)
  const keys: string[] = reply.events.map((event) => (event.event === 'status' ? event.messageId : event.event))
  await receiver.commit(reply.events)
  const again: Event[] = await receiver.reclaim(60_000, 100)
  const sent: SendStatus | null = await receiver.send('order-42', 'meta')
  const accepted: string | null = sent?.state === 'accepted' ? sent.messageId : null
  return [reply.status, reply.contentType, reply.body, reply.skipped, code, keys, again, accepted, String(receiver)]
}

// @ts-expect-error: the endpoints are cams_status, cams_inbound and meta
new Receiver().handle('cams', { method: 'POST' })
// @ts-expect-error: a request says its method
new Receiver().handle('meta', { body: '{}' })
// @ts-expect-error: the allow-list is an array
new Receiver({ camsAllowedIps: '47.74.0.0/16' })
// @ts-expect-error: a send is looked up through cams or meta
new Receiver().send('order-42', 'sms')

/** Operations beyond sending: pages of history and templates, a template in full, numbers. */
export async function operations(client: Client, signal: AbortSignal): Promise<string[]> {
  const query: HistoryQuery = { businessNumber: from, direction: 'inbound', sinceMs: Date.now() - 86_400_000, pageSize: 50 }
  const page: HistoryPage = await client.listMessages(query, { signal })
  const next: number | undefined = page.nextPage
  const lines: string[] = page.records.map((record: HistoryRecord) => `${record.messageId} ${record.status ?? ''}`)
  for await (const record of client.messages({ ...query, page: next })) {
    lines.push(record.direction === 'outbound' ? record.userNumber : (record.content ?? ''))
  }
  const templates: TemplatePage = await client.listTemplates({ auditStatus: 'pass' })
  for await (const summary of client.templates()) {
    const ref: TemplateRef = { code: summary.code, language: summary.language }
    const detail: TemplateDetail = await client.template(ref)
    lines.push(`${detail.allowSend} ${detail.components?.map((c) => c.kind).join()} ${templates.total ?? 0}`)
  }
  const numbers: PhoneNumber[] = await client.phoneNumbers({ status: 'CONNECTED' })
  const wire: Record<string, string> = operationParams('ListChatappTemplate', { page: 2 } satisfies TemplateQuery)
  const graph: { method: string; path: string } = metaRequest('WhatsappMediaRetrieve', { mediaId: '1037' }, null)
  const options: CallOptions = { signal }
  await client.phoneNumbers(undefined, options)
  const reconcile: ReconcileOptions = { settleMs: 0, signal }
  const absent: string[] = (await client.reconcile(reconcile)).filter((s: SendStatus) => s.state === 'absent').map((s) => s.taskId)
  await client.send({ from, to, taskId: absent[0], content: { messageType: 'text', text: 'again' } }, { resend: true })
  return [...lines, ...absent, ...numbers.map((n) => n.qualityRating ?? n.phoneNumber), ...Object.keys(wire), graph.path]
}

/** Media: bytes or a path uploaded, the URL sent as an image's link. */
export async function uploadMedia(client: Client, signal: AbortSignal): Promise<string> {
  const options: UploadOptions = { fileName: 'logo.png', contentType: 'image/png', custSpaceId: null, signal }
  const uploaded: UploadedMedia = await client.uploadMedia(new Uint8Array([1, 2, 3]), options)
  const byPath: UploadedMedia = await client.uploadMedia('/tmp/brochure.pdf')
  await client.uploadMedia(new URL('file:///tmp/logo.png'), { signal })
  await client.send({ from, to, content: { messageType: 'image', link: uploaded.url } })
  return `${uploaded.key} ${uploaded.size + byPath.size} ${byPath.contentType}`
}

/** Meta's media: uploaded for a number, sent by its ID, looked up, downloaded and deleted. */
export async function metaMedia(client: Client, signal: AbortSignal): Promise<string> {
  const uploaded: UploadedMedia = await client.uploadMedia('/tmp/logo.png', { phoneNumberId: from, signal })
  const mediaId: string | undefined = uploaded.id
  if (mediaId === undefined) return 'not uploaded to Meta'
  await client.send({ from, to, content: { messageType: 'image', id: mediaId } })
  const options: MediaOptions = { phoneNumberId: from, signal }
  const info: MediaInfo = await client.mediaInfo(mediaId, options)
  const file: DownloadedMedia = await client.downloadMedia(mediaId)
  const bytes: Uint8Array = file.data
  const deleted: void = await client.deleteMedia(mediaId, { signal })
  return `${info.url} ${info.size} ${info.sha256 === file.sha256} ${file.contentType} ${bytes.length} ${String(deleted)}`
}

/** Template management: create, change and delete. */
export async function manageTemplates(client: Client, signal: AbortSignal): Promise<string> {
  const template: NewTemplate = {
    name: 'order_update',
    language: 'en',
    category: 'UTILITY',
    components: [
      { kind: 'BODY', text: 'Hi $(name)' },
      { kind: 'BUTTONS', buttons: [{ kind: 'URL', text: 'Track', url: 'https://t.example/$(order)', urlType: 'dynamic' }] },
    ],
    example: { name: 'Ada' },
  }
  const saved: SavedTemplate = await client.createTemplate(template, { signal })
  const edit: TemplateEdit = { code: saved.code, language: 'en', components: [{ kind: 'BODY', text: 'Bye' }] }
  await client.modifyTemplate(edit)
  const deletion: TemplateDeletion = { code: saved.code, language: 'en' }
  const deleted: void = await client.deleteTemplate(deletion, { signal })
  return `${saved.name} ${String(deleted)}`
}

// @ts-expect-error: a new template has a category
new Client().createTemplate({ name: 'n', language: 'en', components: [{ kind: 'BODY' }] })
// @ts-expect-error: a component has a kind
new Client().modifyTemplate({ code: 'C', language: 'en', components: [{ text: 'Hi' }] })
// @ts-expect-error: history is listed for a business number
new Client().listMessages({ userNumber: to })
// @ts-expect-error: a template is read in one language
new Client().template({ code: 'C1' })
// @ts-expect-error: the direction is inbound or outbound
new Client().listMessages({ businessNumber: from, direction: 'UP' })
// @ts-expect-error: a page is a number
new Client().listTemplates({ page: '2' })
// @ts-expect-error: an upload is bytes, a path or a file: URL
new Client().uploadMedia(42)
// @ts-expect-error: the name is fileName
new Client().uploadMedia('logo.png', { filename: 'logo.png' })
// @ts-expect-error: a media ID is a string, its number an option
new Client().mediaInfo({ mediaId: '1234567890123456' })
// @ts-expect-error: the number is phoneNumberId
new Client().downloadMedia('1234567890123456', { phoneNumber: from })
