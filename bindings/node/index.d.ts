/**
 * chatlane: send chat-app messages through Alibaba Cloud CAMS (`SendChatappMessage`,
 * `SendChatappMassMessage`) or Meta's WhatsApp Cloud API (`provider: 'meta'`) from a Rust
 * core. Sends run off the event loop and resolve with a {@link Receipt}; every failure is a
 * {@link ChatlaneError} subclass with a stable `code`. Messages are plain objects typed by the
 * model in `./model` ({@link Message}, {@link MassMessage}), checked by the same validator as
 * in every other language. The client also reads a CAMS account's message history, templates
 * and phone numbers ({@link Client.listMessages}, {@link Client.templates}…), uploads media
 * ({@link Client.uploadMedia}) and, on Meta, looks it up, downloads and deletes it
 * ({@link Client.mediaInfo}, {@link Client.downloadMedia}, {@link Client.deleteMedia}). {@link MetaApp}
 * gets Meta tokens through OAuth. {@link Receiver} answers the providers' webhooks and hands
 * out their events.
 */

import type {
  CamsPushKind,
  Event,
  HistoryPage,
  HistoryQuery,
  HistoryRecord,
  MassMessage,
  MediaInfo,
  Message,
  NewTemplate,
  PhoneNumber,
  PhoneNumberQuery,
  ProviderKind,
  SavedTemplate,
  SignatureMatch,
  TemplateDeletion,
  TemplateDetail,
  TemplateEdit,
  TemplatePage,
  TemplateQuery,
  TemplateRef,
  TemplateSummary,
  UploadedMedia,
} from './model'

export * from './model'

/** What a successful send resolves with. */
export interface Receipt {
  /**
   * The platform's `MessageId` (for a mass send, the `GroupMessageId`; on Meta a `wamid.…`);
   * status receipts carry the same ID.
   */
  messageId: string
  /** The platform's `RequestId` (on Meta the `fbtrace_id`; quote it to support). */
  requestId: string
  /**
   * The `TaskId` that went on the wire (on Meta as `biz_opaque_callback_data`): the message's,
   * or a generated 32-hex one. Status receipts carry it.
   */
  taskId: string
  /** How many requests it took (more than 1 after a throttle or a refused connection). */
  attempts: number
  /**
   * Whether the recipient's 24-hour window was closed and the client's fallback template went
   * instead of the message (`sessionWindow: 'fallback'`).
   */
  fallback: boolean
}

/** An AccessKey pair, optionally with an STS security token (see {@link Client.setCredentials}). */
export interface Credentials {
  /** AccessKey ID. */
  accessKeyId: string
  /** AccessKey secret; never shown by `toString`, `util.inspect`, `JSON.stringify` or errors. */
  accessKeySecret: string
  /** STS security token. */
  securityToken?: string | null
}

/** What a {@link ClientOptions.credentialsProvider} gives. */
export interface ProvidedCredentials {
  /** AccessKey ID (an STS one, say). */
  accessKeyId: string
  /** AccessKey secret. */
  accessKeySecret: string
  /** STS security token. */
  securityToken?: string | null
  /** When they expire (a `Date` or epoch milliseconds); absent: never. */
  expiresAt?: Date | number | null
}

/** The client settings the core reads, as it documents them (see {@link ClientOptions}). */
interface CoreClientOptions {
  // generated client options, from the core (scripts/codegen.sh)
  /**
   * The API messages go through: `cams` (default, Alibaba Cloud CAMS) or `meta` (WhatsApp Cloud
   * API).
   */
  provider?: string | null
  /**
   * Meta: the bearer token, or an `AccessToken` with its expiry (past it, sends fail with
   * `TokenExpired` unless renewed) and scopes (without `whatsapp_business_messaging`, the client is
   * not built: `MissingScope`); else `WHATSAPP_ACCESS_TOKEN`. Never shown in a printed form or an
   * error.
   */
  accessToken?: AccessToken | string | null
  /** Meta: the Graph API version, e.g. `v25.0` (default: the version chatlane pins). */
  graphVersion?: string | null
  /**
   * Meta: the WhatsApp Business Account ID (a number), whose message templates the client lists and
   * reads; reading templates needs it.
   */
  wabaId?: string | null
  /**
   * AccessKey ID, with the secret; without either, credentials are looked for (a profile, the
   * `ALIBABA_CLOUD_*` variables, a RAM role).
   */
  accessKeyId?: string | null
  /** AccessKey secret; never shown in a printed form or an error. */
  accessKeySecret?: string | null
  /** STS security token. */
  securityToken?: string | null
  /** The Alibaba Cloud CLI profile to take credentials from (else `ALIBABA_CLOUD_PROFILE`). */
  profile?: string | null
  /** The Alibaba Cloud CLI configuration holding the profiles (default `~/.aliyun/config.json`). */
  profileFile?: string | null
  /**
   * Take temporary credentials from this ECS instance's RAM role (its name; empty: the instance's
   * role), renewed before they expire.
   */
  ecsRamRole?: string | null
  /** The instance metadata service of the RAM role (default `http://100.100.100.200`). */
  ecsMetadataEndpoint?: string | null
  /**
   * `https://host[:port]`; plain `http://` only for loopback hosts (default: the international CAMS
   * endpoint, or Meta's Graph host).
   */
  endpoint?: string | null
  /** CAMS: default `CustSpaceId` for messages that do not set one. */
  custSpaceId?: string | null
  /**
   * A proxy for every request, `http(s)://[user:password@]host:port` (default: the
   * `HTTPS_PROXY`/`HTTP_PROXY`/`ALL_PROXY` variables, which skip loopback endpoints).
   */
  proxy?: string | null
  /**
   * PEM certificates to trust besides the system's roots (a private CA, a TLS-inspecting proxy).
   */
  caCertificates?: string | null
  /** Connect timeout (default 5 s). In milliseconds, 1 to 86,400,000. */
  connectTimeoutMs?: number | null
  /** Whole-request timeout of each attempt (default 10 s). In milliseconds, 1 to 86,400,000. */
  requestTimeoutMs?: number | null
  /**
   * Client-side pacing of sends, per second: one a day to 1,000,000 (default: CAMS 250 per account,
   * Meta 80 per business number).
   */
  rateLimitPerSecond?: number | null
  /** Sends that may go back to back before pacing applies: 1 to 1,000,000 (default 1). */
  rateLimitBurst?: number | null
  /**
   * The longest a send waits for a pacing slot; 0 fails fast with `RateLimited` (default: as long
   * as it takes). In milliseconds, 1 to 86,400,000.
   */
  rateLimitMaxWaitMs?: number | null
  /** Turns client-side pacing off, for sends and every other operation. */
  rateLimitDisabled?: boolean | null
  /**
   * Pace against a budget kept in this Redis (`redis://[:password@]host:port[/db]`, `rediss://` for
   * TLS), shared by every process and host that names it, so a fleet of workers stays under the
   * account's limits together. The password is never shown.
   */
  rateLimitRedisUrl?: string | null
  /**
   * What sends do while that Redis cannot be reached: `closed` (default) waits for it, as long as
   * the pacing wait allows, then fails with `RateLimited` — never over the limit; `local` paces in
   * this process at the quota divided by `rate_limit_instances` and asks Redis again every second.
   */
  rateLimitRedisOutage?: string | null
  /** With `rate_limit_redis_outage="local"`: how many processes share the budget (at least 1). */
  rateLimitInstances?: number | null
  /**
   * CAMS: the account whose rate budgets this client's calls take, so several AccessKeys of one
   * Alibaba account (RAM users, rotating STS keys) share one (default: the first AccessKey ID the
   * client signs with).
   */
  account?: string | null
  /**
   * Attempts in all for failures that provably had no effect (throttled, connection refused, HTTP
   * 503): 1 to 100 (default 4).
   */
  maxAttempts?: number | null
  /**
   * No retry starts later than this after the first attempt (default 30 s). In milliseconds, 1 to
   * 86,400,000.
   */
  retryDeadlineMs?: number | null
  /**
   * The event store a webhook receiver fills — an SQLite file (one host), a Redis URL
   * `redis://[:password@]host:port[/db]` (a fleet) or `:memory:`: sends whose outcome is unknown
   * are recorded there for receipts to resolve, 24-hour windows are read from it, and a Meta
   * client's message history is listed from it.
   */
  eventStore?: string | null
  /**
   * `ignore` (default); `enforce`: refuse a free-form WhatsApp message before sending
   * (`SessionWindowClosed`) when the event store has no message from the recipient in the last 24
   * hours; `fallback`: send the fallback template instead (the receipt's `fallback` says so).
   */
  sessionWindow?: string | null
  /**
   * With `session_window="fallback"`: the template sent instead, without parameters (CAMS: its
   * code; Meta: its name).
   */
  sessionWindowTemplate?: string | null
  /** With `session_window="fallback"`: the fallback template's language. */
  sessionWindowLanguage?: string | null
  /**
   * Check every template send against the template before sending (it exists in that language, is
   * approved and allowed to send — else `TemplateNotFound` or `TemplateNotApproved` —, its
   * parameters are exactly its variables and its payloads fit its quick-reply buttons — else
   * `InvalidMessage` with every violation), each template read with `GetChatappTemplateDetail` and
   * kept this long. Default: no checking. CAMS only. In milliseconds, 1 to 86,400,000.
   */
  templateCacheTtlMs?: number | null
  // end of generated client options
}

/**
 * Client settings, all checked when the client is built: an unknown key, a wrong type, a NaN
 * or a number out of range is a {@link ConfigurationError} (code `'InvalidConfig'`), as in
 * every chatlane language.
 */
export interface ClientOptions extends CoreClientOptions {
  /**
   * Meta: the app that renews `accessToken` before a send when it is about to expire (or Meta
   * refused it as expired or revoked), exchanging it for a new 60-day token
   * (`fb_exchange_token`). Concurrent sends wait for one renewal. Needs `accessToken`.
   */
  renewWith?: MetaApp | null
  /**
   * Meta: called on the JS thread with each token `renewWith` gave, once per renewal, to store
   * it. It never keeps the process alive and never changes a send's result: what it throws
   * (or its promise rejects with) becomes a process warning (code `'CHATLANE_HOOK_ERROR'`).
   */
  onTokenRenewed?: ((token: AccessToken) => void | Promise<void>) | null
  /**
   * Meta: renew `accessToken` when it has less than this left (default 5 minutes), but never
   * before half its lifetime has passed. In milliseconds, 0 or more; needs `renewWith`.
   */
  tokenRenewalMarginMs?: number | null
  /**
   * Asked for credentials before the first send and again whenever the ones it gave have
   * less than five minutes left (one call at a time; it never keeps the event loop alive).
   * If it throws or rejects, the send rejects with a {@link ConfigurationError} whose code is
   * `'MissingCredentials'`, and nothing is sent. Give it instead of keys, a profile or a RAM role.
   */
  credentialsProvider?: (() => ProvidedCredentials | Promise<ProvidedCredentials>) | null
  /**
   * Called on the JS thread after an attempt failed and before it is retried. Hooks never
   * keep the process alive and never change a send's result: what they throw becomes a
   * process warning (code `'CHATLANE_HOOK_ERROR'`).
   */
  onRetry?: ((event: RetryEvent) => void) | null
  /**
   * Called on the JS thread once per send that passed validation, with its receipt or its
   * error; it may run just after the send's promise settles.
   */
  onOutcome?: ((event: OutcomeEvent) => void) | null
}

/** A failed attempt about to be retried (see {@link ClientOptions.onRetry}). */
export interface RetryEvent {
  /** `'SendChatappMessage'`, `'SendChatappMassMessage'` or, on Meta, `'WhatsappMessages'`. */
  operation: string
  /** The send's `TaskId`. */
  taskId: string
  /** The attempt that failed (1-based). */
  attempt: number
  /** Why it failed, e.g. `'Throttled'` or `'Connect'`. */
  code: ErrorCode
  /** The failed attempt's HTTP status, if an answer arrived. */
  httpStatus?: number
  /** Milliseconds until the next attempt. */
  delayMs: number
}

/** A finished send (see {@link ClientOptions.onOutcome}). */
export interface OutcomeEvent {
  /** `'SendChatappMessage'`, `'SendChatappMassMessage'` or, on Meta, `'WhatsappMessages'`. */
  operation: string
  /** The send's `TaskId`. */
  taskId: string
  /** Whether the send was accepted. */
  ok: boolean
  /** Requests made (0 when the send failed before the first). */
  attempts: number
  /** Milliseconds from the first attempt to the outcome, retries and pacing included. */
  latencyMs: number
  /** The accepted message's `MessageId`; absent on error. */
  messageId?: string
  /** The platform's `RequestId` of the last answer, if any. */
  requestId?: string
  /** The error's `code`; absent on success. */
  errorCode?: ErrorCode
  /** The HTTP status of a failed send's last answer, if any. */
  httpStatus?: number
}

/** Options of one send. */
export interface SendOptions {
  /**
   * Cancels the send when aborted: the promise rejects with `signal.reason` (by default a
   * `DOMException` named `'AbortError'`), as `fetch` does. A send still waiting for a pacing
   * slot or a retry backoff then never goes out; one whose request is already on its way
   * has an unknown outcome (reconcile it through receipts by its `TaskId`). A signal aborted
   * already sends nothing.
   */
  signal?: AbortSignal
  // generated send options, from the core (scripts/codegen.sh)
  /**
   * This send's whole-request timeout for each of its attempts, instead of the client's. In
   * milliseconds, 1 to 86,400,000.
   */
  timeoutMs?: number | null
  /**
   * Send again a message proven never to have arrived: its `taskId` is that of a send the client's
   * event store holds proven absent (by `reconcile`), which is marked re-sent before the request,
   * so it never goes twice; a send in any other state is refused with `OutcomeUnknown`, nothing
   * sent.
   */
  resend?: boolean | null
  // end of generated send options
}

/** Options of one call beyond sending ({@link Client.listMessages}, {@link Client.template}…). */
export interface CallOptions {
  /**
   * Cancels the call when aborted: the promise rejects with `signal.reason` (by default a
   * `DOMException` named `'AbortError'`), as `fetch` does; a call still waiting for a pacing
   * slot or a retry backoff then never goes out. A signal aborted already sends nothing.
   */
  signal?: AbortSignal
}

/** Options of {@link Client.uploadMedia}. */
export interface UploadOptions extends CallOptions {
  /** The file's name, which names the object; required for bytes, a path's own name by default. */
  fileName?: string | null
  /**
   * Its media type, e.g. `'image/png'`; by default from the name's extension, else
   * `'application/octet-stream'`.
   */
  contentType?: string | null
  /** CAMS: the channel instance (`CustSpaceId`) whose storage takes it; the client's by default. */
  custSpaceId?: string | null
  /** Meta: the business phone number ID the media is uploaded for (required there). */
  phoneNumberId?: string | null
}

/** Options of Meta's media calls ({@link Client.mediaInfo}, {@link Client.downloadMedia}, {@link Client.deleteMedia}). */
export interface MediaOptions extends CallOptions {
  /** The business phone number ID the media must belong to, checked by Meta; any by default. */
  phoneNumberId?: string | null
}

/**
 * Node's `Buffer` where `@types/node` declares it, else the `Uint8Array` it extends (the
 * package's types do not need `@types/node`).
 */
type NodeBuffer = typeof globalThis extends { Buffer: { alloc(size: number): infer B } } ? B : Uint8Array

/** A media file {@link Client.downloadMedia} downloaded. */
export interface DownloadedMedia {
  /** The file's content, a `Buffer`. */
  data: NodeBuffer
  /** Its media type, e.g. `'image/jpeg'`. */
  contentType: string
  /** Its SHA-256 as Meta gave it (hex or base64), which the content was checked against. */
  sha256: string
}

/** Options of {@link Client.reconcile}. */
export interface ReconcileOptions {
  /**
   * How long after a send its absence from the message history proves it never arrived, in
   * milliseconds (a whole number, 0 or more); 600,000 (10 minutes) by default. Sends more
   * recent than that stay `'unknown'`.
   */
  settleMs?: number | null
  /** Cancels the call when aborted, as {@link CallOptions.signal}. */
  signal?: AbortSignal
}

/**
 * A CAMS client, or with `provider: 'meta'` a client of Meta's WhatsApp Cloud API (a message's
 * `from` is then the business phone number ID). It reuses connections: share one per process.
 */
export declare class Client {
  /**
   * @throws {ConfigurationError} for bad options or missing credentials.
   * @throws {PermissionDeniedError} with code `'MissingScope'` for an {@link AccessToken} whose
   *   scopes cannot send.
   */
  constructor(options?: ClientOptions)
  /** The API this client sends through. */
  readonly provider: 'cams' | 'meta'
  /** The endpoint requests go to, e.g. `'https://cams.ap-southeast-1.aliyuncs.com/'`. */
  readonly endpoint: string
  /** The AccessKey ID requests are signed with now (not secret). */
  readonly accessKeyId: string | null
  /** The default `CustSpaceId`, or `null`. */
  readonly custSpaceId: string | null
  /**
   * Validates and sends one message (`SendChatappMessage`); the work runs off the event loop.
   * Rejects with a {@link ChatlaneError} subclass, e.g. {@link ValidationError} before
   * anything is sent, {@link AuthenticationError} for a wrong secret.
   */
  send(message: Message, options?: SendOptions): Promise<Receipt>
  /**
   * Validates and sends one template to up to 1,000 recipients, each with their own
   * variables (`SendChatappMassMessage`); the receipt's `messageId` is the `GroupMessageId`.
   * Rejects as {@link Client.send} does; on Meta (which has no mass send) with a
   * {@link ValidationError}.
   */
  sendMass(mass: MassMessage, options?: SendOptions): Promise<Receipt>
  /**
   * Replaces the credentials for every later send (e.g. a refreshed STS token), keeping the
   * client's connections and pacing.
   * @throws {ConfigurationError} for unusable credentials, or on a Meta client; the old ones
   *   stay in use.
   */
  setCredentials(credentials: Credentials): void
  /**
   * Replaces a Meta client's bearer token for every later send (e.g. after the old one was
   * revoked), keeping the client's connections and pacing; resolves once it is in use. An
   * {@link AccessToken} brings its expiry along: past it, sends fail with `'TokenExpired'`
   * (a client built with `renewWith` renews it first).
   * Rejects with a {@link ConfigurationError} on a CAMS client or for an unusable token (the
   * old one stays in use); throws a `TypeError` for neither a string nor an `AccessToken`.
   */
  setAccessToken(token: string | AccessToken): Promise<void>
  /**
   * One page of a business number's message history (`ListChatappMessage`), in the
   * provider's order (newest first): what it sent, with the status its receipts reached, and
   * what its users sent. The page's `nextPage` is the `page` to ask for next, absent on the
   * last page. It needs a `custSpaceId`: the query's, or the client's. Calls are paced at the
   * operation's limit and asked again when their answer is lost. Rejects with an
   * {@link InvalidParameterError} for a query the core refuses (its message starts with the
   * field, e.g. `'page: …'`; nothing is sent), otherwise as {@link Client.send}.
   *
   * Meta keeps no history: a Meta client lists what its `eventStore` recorded of the webhooks
   * a {@link Receiver} on the same store admitted (inbound messages `'received'`; sent ones
   * with the status their receipts reached, without content), and rejects with a
   * {@link ConfigurationError} without an `eventStore`; `templateCode`, `groupMessageId`,
   * `custSpaceId` and a channel other than WhatsApp are an {@link InvalidParameterError} there.
   */
  listMessages(query: HistoryQuery, options?: CallOptions): Promise<HistoryPage>
  /**
   * Every message {@link Client.listMessages} lists for `query`, from `query.page` (the first
   * by default) through the last page, each page asked for once the one before is used up:
   * `for await (const record of client.messages(query))`. Fails as `listMessages` does.
   */
  messages(query: HistoryQuery, options?: CallOptions): AsyncGenerator<HistoryRecord, void, undefined>
  /**
   * One page of the account's templates (`ListChatappTemplate`), every template by default;
   * `total` counts those matching. Rejects as {@link Client.listMessages}.
   */
  listTemplates(query?: TemplateQuery, options?: CallOptions): Promise<TemplatePage>
  /** Every template {@link Client.listTemplates} lists for `query`, page after page. */
  templates(query?: TemplateQuery, options?: CallOptions): AsyncGenerator<TemplateSummary, void, undefined>
  /**
   * One template in full (`GetChatappTemplateDetail`): components, buttons, example values,
   * quality and whether it may be sent (`allowSend`). Rejects with a {@link TemplateError}
   * (`'TemplateNotFound'`) for an unknown template, otherwise as {@link Client.listMessages}.
   */
  template(template: TemplateRef, options?: CallOptions): Promise<TemplateDetail>
  /**
   * Submits a template for review (`CreateChatappTemplate`): resolves with its code and name;
   * it is `'auditing'` until reviewed. Checked before anything is sent: a `BODY` (and at most
   * one `HEADER`, `FOOTER`, `BUTTONS`), variables written `$(name)`, the documented button
   * counts and lengths; a refusal is an {@link InvalidParameterError} naming the field (e.g.
   * `'components[0].text: …'`), as is a name already taken in that language (its
   * `platformCode` `'InvalidParameter.TemplateNameExist'`). A write: an attempt that may have
   * arrived is never repeated (a lost answer rejects with an {@link OutcomeUnknownError}: list
   * the templates to see whether it took). Otherwise rejects as {@link Client.listMessages}.
   */
  createTemplate(template: NewTemplate, options?: CallOptions): Promise<SavedTemplate>
  /**
   * Replaces a template's components in one language and submits it for review again
   * (`ModifyChatappTemplate`), checked and written as {@link Client.createTemplate}. Rejects
   * with a {@link TemplateError} (`'TemplateNotFound'`) for an unknown template.
   */
  modifyTemplate(edit: TemplateEdit, options?: CallOptions): Promise<SavedTemplate>
  /**
   * Deletes a template by `code` or `name`, in `language` or in every language
   * (`DeleteChatappTemplate`), written as {@link Client.createTemplate}. Rejects with a
   * {@link TemplateError} (`'TemplateNotFound'`) for an unknown template.
   */
  deleteTemplate(deletion: TemplateDeletion, options?: CallOptions): Promise<void>
  /**
   * The channel's business numbers with their status, quality rating and messaging tier
   * (`QueryChatappPhoneNumbers`); the client's `custSpaceId` by default. Rejects as
   * {@link Client.listMessages}.
   */
  phoneNumbers(query?: PhoneNumberQuery, options?: CallOptions): Promise<PhoneNumber[]>
  /**
   * Uploads a file: its bytes (copied when called; `fileName` required) or its path or
   * `file:` URL, read by the core off the JS thread. CAMS stores it in the channel instance's
   * media storage (`GetChatappUploadAuthorization`, then an OSS `PUT`): the record's `url` is
   * the `link` of an image, video, audio, document or sticker message. Meta stores it for the
   * business number `phoneNumberId` (required there): the record's `id` is the message's
   * media `id` (kept 30 days). Rejects with an `InvalidParameterError` for an empty or
   * nameless file, one over 100 MB (on Meta, over WhatsApp's limit for its type) or a Meta
   * upload without `phoneNumberId` (nothing is sent), a `ConfigurationError` for a path that
   * cannot be read; otherwise as {@link Client.listMessages}.
   */
  uploadMedia(bytesOrPath: Uint8Array | ArrayBuffer | string | URL, options?: UploadOptions): Promise<UploadedMedia>
  /**
   * What Meta holds of a media file, uploaded or received (`GET /{media-id}`): type, size,
   * SHA-256 and its download URL (valid 5 minutes, only with the token:
   * {@link Client.downloadMedia} fetches it). Meta only: rejects with a
   * {@link ConfigurationError} on a CAMS client, an {@link InvalidParameterError} for an
   * unknown ID (or one of another number than `phoneNumberId`); otherwise as
   * {@link Client.listMessages}.
   */
  mediaInfo(mediaId: string, options?: MediaOptions): Promise<MediaInfo>
  /**
   * Downloads a Meta media file, uploaded or received, its SHA-256 checked against Meta's; a
   * download URL that expired is asked for again once. The token goes only to Meta's hosts
   * (or the client's own endpoint). Rejects with a {@link MalformedResponseError} for a
   * damaged file or a URL the token may not go to; otherwise as {@link Client.mediaInfo}.
   */
  downloadMedia(mediaId: string, options?: MediaOptions): Promise<DownloadedMedia>
  /**
   * Deletes a Meta media file (`DELETE /{media-id}`); a write, not repeated when its answer is
   * lost (an {@link OutcomeUnknownError}). Rejects as {@link Client.mediaInfo}.
   */
  deleteMedia(mediaId: string, options?: MediaOptions): Promise<void>
  /**
   * Resolves the sends of unknown outcome the client's `eventStore` recorded: each one no
   * receipt has resolved and sent at least `settleMs` ago is looked up in the message history
   * (with the client's `custSpaceId`) and, when nothing there could be it, marked `'absent'`:
   * send it again, once, with `send(message, { resend: true })` and the same `taskId`. Meta
   * keeps no history: its sends stay `'unknown'` until a receipt comes. Resolves with every
   * send that was unknown, in its state now. Rejects with a {@link ConfigurationError}
   * without an event store or for an unknown option, an {@link InvalidParameterError} for a
   * `settleMs` that is not a whole number, 0 or more; otherwise as {@link Client.listMessages}.
   */
  reconcile(options?: ReconcileOptions): Promise<SendStatus[]>
  /** A description without secrets. */
  toString(): string
  /** The non-secret settings. */
  toJSON(): { provider: 'cams' | 'meta'; endpoint: string; accessKeyId: string | null; custSpaceId: string | null }
}

/** Every stable error code. New codes may be added; existing ones never change meaning. */
export type ErrorCode =
  // generated error codes, from the core (scripts/codegen.sh)
  | 'InvalidMessage'
  | 'InvalidConfig'
  | 'MissingCredentials'
  | 'SignatureMismatch'
  | 'InvalidAccessKey'
  | 'InvalidSecurityToken'
  | 'InvalidTimestamp'
  | 'NonceReused'
  | 'TokenExpired'
  | 'InvalidGrant'
  | 'InvalidClient'
  | 'StateMismatch'
  | 'PermissionDenied'
  | 'MissingScope'
  | 'NotSubscribed'
  | 'Throttled'
  | 'RateLimited'
  | 'TemplateNotFound'
  | 'TemplateNotApproved'
  | 'TemplateParamsMismatch'
  | 'SessionWindowClosed'
  | 'MissingParameter'
  | 'InvalidParameter'
  | 'Rejected'
  | 'Connect'
  | 'ConnectTimeout'
  | 'OutcomeUnknown'
  | 'Server'
  | 'MalformedResponse'
  | 'StoreFailed'
  | 'Internal'
  // end of generated error codes

/** The coarse family of an error: what a caller can do about it. One class per category. */
export type ErrorCategory =
  // generated error categories, from the core (scripts/codegen.sh)
  | 'validation'
  | 'configuration'
  | 'authentication'
  | 'permission'
  | 'subscription'
  | 'throttled'
  | 'template'
  | 'session_window'
  | 'invalid_parameter'
  | 'rejected'
  | 'network'
  | 'timeout'
  | 'outcome_unknown'
  | 'server'
  | 'malformed_response'
  | 'storage'
  | 'internal'
  // end of generated error categories

/** One reason a message failed validation. */
export interface Violation {
  /** Stable machine code, e.g. `'required'`, `'digits_only'`, `'too_long'`. */
  code: string
  /** Field path in the message's JSON names, e.g. `'from'`, `'content.action.buttons[0].reply.title'`. */
  path: string
  /** Readable explanation. */
  message: string
}

/** Options of {@link violations}. */
export interface ValidationOptions {
  /**
   * The API the message is for: `'cams'` (default) or `'meta'`, which adds the rules of Meta's
   * Cloud API after the common ones.
   */
  provider?: 'cams' | 'meta' | null
}

/**
 * Every violation in a message, in the validator's order; empty when it can be sent. Pure:
 * nothing is sent.
 * @throws {ValidationError} when `message` is not a message at all (e.g. an unknown field or
 *   a number where a string belongs); its `message` names the place.
 * @throws {ConfigurationError} for an unknown option or provider.
 */
export declare function violations(message: Message, options?: ValidationOptions): Violation[]

/**
 * Every violation in a mass send, as {@link violations}.
 * @throws {ValidationError} when `mass` is not a mass send at all.
 */
export declare function massViolations(mass: MassMessage): Violation[]

/**
 * The `SendChatappMessage` parameters a message goes on the wire with (structured values as
 * compact JSON), without a client's defaults: `CustSpaceId` and `TaskId` only when the message
 * sets them. Pure: nothing is sent. Not validated, as in every language: a message with
 * violations ({@link violations}) maps as far as it can.
 * @throws {ValidationError} when `message` is not a message at all.
 */
export declare function wireParams(message: Message): Record<string, string>

/**
 * The `SendChatappMassMessage` parameters a mass send goes on the wire with, as
 * {@link wireParams}.
 * @throws {ValidationError} when `mass` is not a mass send at all.
 */
export declare function massWireParams(mass: MassMessage): Record<string, string>

/**
 * The JSON body Meta's Cloud API receives for a message
 * (`POST /{version}/{phone-number-id}/messages`; the sender is the phone number ID in the URL),
 * with `taskId` (by default the message's own) as `biz_opaque_callback_data`. Pure: nothing is
 * sent. Not validated: a message with violations ({@link violations} with
 * `{provider: 'meta'}`) maps as far as it can.
 * @throws {ValidationError} when `message` is not a message at all.
 */
export declare function metaBody(message: Message, taskId?: string | null): Record<string, unknown>

/**
 * The CAMS wire parameters of an operation beyond sending (`'ListChatappMessage'`,
 * `'ListChatappTemplate'`, `'GetChatappTemplateDetail'`, `'QueryChatappPhoneNumbers'`,
 * `'CreateChatappTemplate'`, `'ModifyChatappTemplate'` or `'DeleteChatappTemplate'`) for its
 * query in the core's JSON shape ({@link HistoryQuery}, {@link TemplateQuery},
 * {@link TemplateRef}, {@link PhoneNumberQuery}, {@link NewTemplate}, {@link TemplateEdit},
 * {@link TemplateDeletion}), with `clientCustSpaceId` as the
 * `CustSpaceId` of a query that sets none, as a client's calls map them. Pure: nothing is sent.
 * @throws {InvalidParameterError} for a query the core refuses; its message starts with the
 *   field, e.g. `'page: …'`.
 * @throws {ConfigurationError} for another operation.
 */
export declare function operationParams(
  operation: string,
  query: object,
  clientCustSpaceId?: string | null,
): Record<string, string>

/**
 * The first Graph request a Meta client of WhatsApp Business Account `wabaId` makes for a
 * query of `'ListChatappTemplate'`, `'GetChatappTemplateDetail'` ({@link TemplateQuery},
 * {@link TemplateRef}), `'WhatsappMediaRetrieve'` or `'WhatsappMediaDelete'`
 * ({@link MediaRef}): its method and its path after `/{version}/`. Pure: nothing is sent.
 * @throws {InvalidParameterError} for a query the core refuses; its message starts with the
 *   field.
 * @throws {ConfigurationError} for a template operation without `wabaId`, or another operation.
 */
export declare function metaRequest(
  operation: string,
  query: object,
  wabaId?: string | null,
): { method: string; path: string }

/**
 * The events of a CAMS push body, in order: a JSON array of receipts (HTTP batch push) or one
 * receipt object (queue mode); `kind` says which push it is, as the bodies do not (`'status'`
 * from the `StatusCallbackUrl`, `'inbound'` from the `UpCallbackUrl`). An element that cannot
 * be read is an `unsupported` event carrying it and the reason; the rest are kept. A string
 * body is sent as UTF-8 (a `Buffer` is a `Uint8Array`).
 * @throws {InvalidParameterError} for a body over 4 MiB, not JSON, or neither an array nor an
 *   object.
 * @throws {ConfigurationError} for another `kind`.
 */
export declare function parseCamsPush(body: Uint8Array | string, kind: CamsPushKind): Event[]

/**
 * The events of a Meta webhook body (verified with {@link verifyMetaSignature}), in order:
 * each message an `inbound` event, each status a `status` event, anything else (other webhook
 * fields, errors, elements that cannot be read) an `unsupported` event.
 * @throws {InvalidParameterError} for a body over 4 MiB, not JSON, not an object or without an
 *   `entry` array.
 */
export declare function parseMetaWebhook(body: Uint8Array | string): Event[]

/**
 * Checks `header`, Meta's `X-Hub-Signature-256` value (`sha256=<hex>`; `null` or `undefined`
 * when the request had none), against the HMAC-SHA256 of the exact `body` received under
 * `appSecret`, in constant time, and returns the form of the body it signs: `'raw'`, or
 * `'escaped_unicode'` (every character above `~` written as `\uXXXX`). Strings are taken as
 * UTF-8. Never shows the secret.
 * @throws {AuthenticationError} (code `SignatureMismatch`) for a missing, malformed or wrong
 *   signature.
 * @throws {ConfigurationError} for an empty secret.
 */
export declare function verifyMetaSignature(
  appSecret: Uint8Array | string,
  body: Uint8Array | string,
  header: string | null | undefined,
): SignatureMatch

/**
 * The `hub.challenge` to answer Meta's subscription request (a GET) with, when `query`, its
 * raw query string (with or without `?`), has `hub.mode=subscribe` and `verifyToken` as
 * `hub.verify_token` (compared in constant time).
 * @throws {AuthenticationError} (code `SignatureMismatch`) for a wrong or missing token.
 * @throws {InvalidParameterError} for another mode, or a challenge missing or not 1 to 256
 *   letters, digits, `.`, `_` or `-`.
 * @throws {ConfigurationError} for an empty `verifyToken`.
 */
export declare function verifyMetaChallenge(query: string, verifyToken: string): string

/**
 * The key a redelivery of `event` has too (a compact JSON array of strings), as the core
 * computes it: record it and skip an event whose key was seen.
 * @throws {InvalidParameterError} when `event` is not an event.
 */
export declare function dedupKey(event: Event): string

/** Which push a request is, by the URL it came to (see {@link Receiver.handle}). */
export type WebhookEndpoint = 'cams_status' | 'cams_inbound' | 'meta'

/**
 * What a {@link Receiver} checks pushes against and records events in. Every value is checked
 * when the receiver is built: an unknown name or a wrong type is a {@link ConfigurationError}
 * (code `'InvalidConfig'`). Secrets are never shown by `toString`, `util.inspect` or errors.
 */
export interface ReceiverOptions {
  /** Meta: the app secret notifications are signed with; without it, they are refused (500). */
  metaAppSecret?: string | null
  /** Meta: the verify token of the webhook subscription; without it, the subscription `GET` is refused. */
  metaVerifyToken?: string | null
  /**
   * CAMS: a shared secret the push URLs carry as `?token=…` (CAMS signs nothing), compared in
   * constant time.
   */
  camsToken?: string | null
  /** CAMS: the networks (`'47.74.0.0/16'`) or addresses pushes may come from. */
  camsAllowedIps?: readonly string[] | null
  /**
   * CAMS: accept pushes with neither a token nor an allow-list (anyone who finds the URL could
   * then forge receipts); off by default, when such pushes are refused (500).
   */
  camsUnauthenticated?: boolean | null
  /**
   * Where events are recorded before the reply says 200: an SQLite file (created if missing;
   * shared with a client's `eventStore` and with other processes) or `':memory:'`. Without
   * one, every event of every request is handed out, redeliveries included.
   */
  eventStore?: string | null
}

/**
 * The headers of a request: an object as Node gives them (`req.headers`), or `[name, value]`
 * pairs (an array, a WHATWG `Headers`, a `Map`). Names in any case.
 */
export type WebhookHeaders =
  | Readonly<Record<string, string | readonly string[] | undefined>>
  | Iterable<readonly [string, string]>

/** One HTTP request as the server received it (see {@link Receiver.handle}). */
export interface WebhookRequest {
  /** `'POST'` for pushes, `'GET'` for Meta's subscription request (any case). */
  method: string
  /** The raw query string, with or without its `?` (CAMS's `token`, Meta's `hub.*`). */
  query?: string | null
  /** The request's headers (Meta's `X-Hub-Signature-256` among them). */
  headers?: WebhookHeaders | null
  /**
   * The body exactly as received, before any parsing (the signature covers these bytes; a
   * string is taken as UTF-8).
   */
  body?: Uint8Array | string | null
  /**
   * The peer's address, as `req.socket.remoteAddress` gives it (`'::ffff:203.0.113.7'`,
   * `'203.0.113.7:51234'`…), checked against `camsAllowedIps`; behind a proxy, the client
   * address it vouches for.
   */
  remoteAddr?: string | null
}

/** What to answer a request with, and the events it brought (see {@link Receiver.handle}). */
export interface WebhookReply {
  /**
   * The HTTP status: 200 accepted (with a store: its events recorded); 400 unreadable body,
   * 401 signature or push token wrong or missing, 403 address not allowed or verify token
   * wrong, 405 wrong method, 413 body over 4 MiB, 500 receiver not configured for the
   * provider, 503 store failed (the provider delivers again on 5xx).
   */
  status: number
  /** The `Content-Type` of `body`. */
  contentType: string
  /** The response body (a refusal's is `{"code", "message"}` JSON, never a secret). */
  body: string
  /**
   * The events to process, in order: all of them without a store; with one, only those not
   * seen before. Commit them once processed ({@link Receiver.commit}).
   */
  events: Event[]
  /** Events skipped as redeliveries, or as statuses that would move a message backwards. */
  skipped: number
  /** Why the request was refused; `null` when `status` is 200. */
  error: ChatlaneError | null
}

/** Where a send stands that ended with an {@link OutcomeUnknownError}, as the event store knows it. */
export type SendState = 'unknown' | 'accepted' | 'absent' | 'resent'

/** What {@link Receiver.send} and {@link Client.reconcile} resolve with. */
export interface SendStatus {
  /** The provider it was sent through. */
  provider: ProviderKind
  /** The correlation ID it carried (CAMS `TaskId`, Meta `biz_opaque_callback_data`). */
  taskId: string
  /** The business number (Meta: phone number ID) it was sent from. */
  from: string
  /** The recipient. */
  to: string
  /**
   * `'unknown'` (never re-send it), `'accepted'` once a receipt carrying its task ID arrived,
   * `'absent'` once {@link Client.reconcile} proved it never arrived, `'resent'` once sent again.
   */
  state: SendState
  /** The provider's message ID, once accepted. */
  messageId: string | null
  /** When it was recorded, in milliseconds since the Unix epoch. */
  recordedMs: number
  /** When its state last changed, in milliseconds since the Unix epoch. */
  updatedMs: number
}

/**
 * A webhook receiver that fits any web framework: hand it what the server received and send
 * back the reply it gives. It authenticates each provider's pushes (Meta's
 * `X-Hub-Signature-256` over the raw body bytes, CAMS's URL token and/or address allow-list)
 * and, with an event store, records the events before the reply says 200, hands out only
 * those not seen before (redeliveries and statuses that would go backwards are skipped), and
 * gives back through {@link Receiver.reclaim} what a crashed consumer never committed. Every
 * call runs off the event loop. Share one per process. `toString` and `util.inspect` never
 * show a secret.
 */
export declare class Receiver {
  /**
   * @throws {ConfigurationError} for bad options.
   * @throws {StorageError} for an event store that cannot be opened.
   */
  constructor(options?: ReceiverOptions)
  /**
   * Answers one request to `endpoint`; never rejects for a refused request (that is the
   * reply's status and error). Rejects with a `TypeError` for arguments of the wrong type, a
   * {@link ConfigurationError} for an unknown endpoint, an {@link InvalidParameterError} for
   * a `remoteAddr` that is not an IP address.
   */
  handle(endpoint: WebhookEndpoint, request: WebhookRequest): Promise<WebhookReply>
  /**
   * Marks these events processed, by their dedup keys: they are handed out neither again by
   * a redelivery nor by {@link Receiver.reclaim}. Rejects with an {@link InvalidParameterError}
   * for a value that is not an event, a {@link StorageError} when the store fails.
   */
  commit(events: readonly Event[]): Promise<void>
  /**
   * Events recorded but not committed within `leaseMs` of being handed out (their consumer
   * died), handed out again: at most `limit`, oldest first; empty without a store. Rejects
   * with an {@link InvalidParameterError} for a lease or limit that is not a whole number,
   * 0 or more.
   */
  reclaim(leaseMs: number, limit: number): Promise<Event[]>
  /**
   * What the event store knows of the send with `taskId` through `provider` (default
   * `'cams'`), or `null` (no store, or no such send recorded).
   */
  send(taskId: string, provider?: ProviderKind): Promise<SendStatus | null>
  /** A description without secrets. */
  toString(): string
}

/** What a {@link MetaApp} is built with. */
export interface MetaAppOptions {
  /** The app's ID. */
  appId: string
  /** The app secret; never shown by `toString`, `util.inspect` or errors. */
  appSecret: string
  /** The Graph API host (default `https://graph.facebook.com`; `http://` only on loopback). */
  graphUrl?: string | null
  /** The login dialog's host (default `https://www.facebook.com`; `http://` only on loopback). */
  dialogUrl?: string | null
  /** The Graph API version, `vNN.N` (default: the version chatlane pins). */
  graphVersion?: string | null
}

/** Where an authorization starts (see {@link MetaApp.authorizationUrl}). */
export interface AuthorizationStart {
  /** The login dialog URL to send the user to. */
  url: string
  /**
   * What to keep server-side (e.g. in the session) until the callback, as JSON text. Secret
   * (it holds the PKCE verifier): a getter, so printing or serialising the result never shows
   * it; store `pending` itself.
   */
  readonly pending: string
}

/** A scope granted on some objects only. */
export interface GranularScope {
  /** The scope, e.g. `'whatsapp_business_management'`. */
  scope: string
  /** The IDs it is granted on (a WABA's, a phone number's); empty: not limited. */
  targetIds: string[]
}

/** What Meta's `debug_token` says about a token (see {@link MetaApp.inspect}). */
export interface TokenInfo {
  /** The app the token belongs to. */
  appId: string | null
  /** Meta's `type` of the token: `'USER'`, `'PAGE'`, `'APP'`, `'SYSTEM_USER'`… */
  kind: string | null
  /** Whether the token works now. */
  isValid: boolean
  /** When it expires; `null`: never. */
  expiresAt: Date | null
  /** When it was issued. */
  issuedAt: Date | null
  /** The scopes (permissions) granted. */
  scopes: string[]
  /** Scopes limited to some objects: which WhatsApp Business Accounts or numbers it may touch. */
  granularScopes: GranularScope[]
  /** The user (or system user) the token acts for. */
  userId: string | null
}

/** What is known of a token obtained elsewhere (see {@link AccessToken.from}). */
export interface KnownToken {
  /** When it expires, a `Date` or epoch milliseconds; absent: never, or not known. */
  expiresAt?: Date | number | null
  /** The scopes granted; absent: not known. */
  scopes?: readonly string[] | null
}

/**
 * A bearer token a {@link MetaApp} call gave, or one obtained elsewhere
 * ({@link AccessToken.from}); hand it to `new Client({provider: 'meta', accessToken})` or
 * {@link Client.setAccessToken}, expiry and scopes included. `toString`, `util.inspect` and
 * `JSON.stringify` never show the token.
 */
export declare class AccessToken {
  private constructor()
  /**
   * A token obtained elsewhere (a system user's, kept in a secret store) with what is known of
   * it: a client fails with `'TokenExpired'` past `expiresAt` unless it renews the token first
   * (`renewWith`), and is not built when `scopes` lack `whatsapp_business_messaging`
   * (`'MissingScope'`).
   * @throws {TypeError} for an argument of the wrong type.
   * @throws {ConfigurationError} for an expiry outside the years -9999 to 9999.
   */
  static from(token: string, known?: KnownToken): AccessToken
  /** The token itself: secret, for the `Authorization` header or a secret store. */
  readonly token: string
  /** When it expires (a new `Date` each time), or `null`: never, or not said. */
  readonly expiresAt: Date | null
  /** The scopes granted, when the answer named them. */
  readonly scopes: readonly string[]
  /** A description without the token. */
  toString(): string
  /** Everything but the token. */
  toJSON(): { expiresAt: Date | null; scopes: string[] }
}

/**
 * One Meta app's OAuth: the login dialog URL (with `state` and PKCE), the code exchange, the
 * long-lived exchange and `debug_token`; a client's token renews through it
 * ({@link ClientOptions.renewWith}). It holds the app secret: keep it on a backend (a mobile
 * app hands its code over). Failures are {@link ChatlaneError} subclasses, e.g.
 * {@link AuthenticationError} with code `'StateMismatch'`, `'InvalidGrant'` or
 * `'InvalidClient'`.
 */
export declare class MetaApp {
  /** @throws {ConfigurationError} for unusable options (an empty ID or secret: `'MissingCredentials'`). */
  constructor(options: MetaAppOptions)
  /** The app's ID (not secret). */
  readonly appId: string
  /**
   * The login dialog URL that comes back to `redirectUri` with a code for `scopes`, and what
   * to keep until the callback.
   * @throws {ConfigurationError} for an unusable redirect URI.
   */
  authorizationUrl(redirectUri: string, scopes: readonly string[]): AuthorizationStart
  /**
   * The token for the callback whose query string (`?code=…&state=…`) is `callbackQuery`,
   * checked against `pending`: another `state` rejects with `'StateMismatch'`, a refused
   * authorization with the provider's error.
   */
  exchangeCallback(pending: string, callbackQuery: string): Promise<AccessToken>
  /**
   * The token for a code obtained without a redirect (the JS SDK's popup of Embedded Signup);
   * a used, expired or forged code rejects with `'InvalidGrant'`.
   */
  exchangeCode(code: string): Promise<AccessToken>
  /** A long-lived (about 60 days) token for `token`. */
  longLived(token: string | AccessToken): Promise<AccessToken>
  /** What Meta's `debug_token` says about `token`: validity, expiry, scopes. */
  inspect(token: string | AccessToken): Promise<TokenInfo>
  /** A description without secrets. */
  toString(): string
}

/** What an error carries besides its message (to construct one, e.g. in a test double). */
export interface ChatlaneErrorDetails {
  code: ErrorCode
  platformCode?: string | null
  requestId?: string | null
  httpStatus?: number | null
  retryAfterMs?: number | null
  taskId?: string | null
  attempts?: number
  violations?: readonly Violation[]
  cause?: unknown
}

/** Base class of every error chatlane raises. Fields absent for an error are `null`. */
export declare class ChatlaneError extends Error {
  constructor(message: string, details: ChatlaneErrorDetails)
  /** The stable code, e.g. `'SignatureMismatch'`. */
  readonly code: ErrorCode
  /** The category of `code`, e.g. `'authentication'`. */
  readonly category: ErrorCategory
  /** The platform's `Code`, e.g. `'SignatureDoesNotMatch'`. */
  readonly platformCode: string | null
  /** The platform's `RequestId`. */
  readonly requestId: string | null
  /** The HTTP status of the answer. */
  readonly httpStatus: number | null
  /** How long the server asked to wait before retrying, in milliseconds. */
  readonly retryAfterMs: number | null
  /**
   * The message's `TaskId` (the caller's or a generated one), set on every error from a send
   * except validation errors; reconcile outcome-unknown errors through receipts by it.
   */
  readonly taskId: string | null
  /** How many requests were tried (0 when it failed before anything was sent). */
  readonly attempts: number
  /** Every validation violation; empty unless `code` is `'InvalidMessage'`. */
  readonly violations: readonly Violation[]
}

// generated error classes, from the core (scripts/codegen.sh)
/** The message or a parameter was rejected before anything was sent; see `violations`. */
export declare class ValidationError extends ChatlaneError {
  static readonly category: 'validation'
  readonly category: 'validation'
}
/** The client was configured wrongly (endpoint, credentials, timeouts). */
export declare class ConfigurationError extends ChatlaneError {
  static readonly category: 'configuration'
  readonly category: 'configuration'
}
/** The gateway did not accept the credentials or the signature. */
export declare class AuthenticationError extends ChatlaneError {
  static readonly category: 'authentication'
  readonly category: 'authentication'
}
/** The credentials are valid but lack permission for the operation or resource. */
export declare class PermissionDeniedError extends ChatlaneError {
  static readonly category: 'permission'
  readonly category: 'permission'
}
/** The product is not activated for the account. */
export declare class SubscriptionError extends ChatlaneError {
  static readonly category: 'subscription'
  readonly category: 'subscription'
}
/**
 * The request was throttled (by the platform, or by chatlane's own pacing: `RateLimited`); it may
 * be retried after the retry-after delay.
 */
export declare class ThrottledError extends ChatlaneError {
  static readonly category: 'throttled'
  readonly category: 'throttled'
}
/** The template is unknown, not approved, or its parameters do not match. */
export declare class TemplateError extends ChatlaneError {
  static readonly category: 'template'
  readonly category: 'template'
}
/** A free-form message was sent outside the recipient's 24-hour window. */
export declare class SessionWindowError extends ChatlaneError {
  static readonly category: 'session_window'
  readonly category: 'session_window'
}
/** The platform rejected a parameter. */
export declare class InvalidParameterError extends ChatlaneError {
  static readonly category: 'invalid_parameter'
  readonly category: 'invalid_parameter'
}
/** The platform rejected the request for a reason chatlane does not classify further. */
export declare class RejectedError extends ChatlaneError {
  static readonly category: 'rejected'
  readonly category: 'rejected'
}
/** The request could not be delivered to the server (nothing was sent). */
export declare class NetworkError extends ChatlaneError {
  static readonly category: 'network'
  readonly category: 'network'
}
/** No answer arrived in time and the request was never written. */
export declare class RequestTimeoutError extends ChatlaneError {
  static readonly category: 'timeout'
  readonly category: 'timeout'
}
/**
 * The request may or may not have taken effect (no complete answer, an HTTP 5xx other than 503, a
 * 2xx without `Code=OK` and a `MessageId`); never retried: reconcile through receipts by its
 * `TaskId`.
 */
export declare class OutcomeUnknownError extends ChatlaneError {
  static readonly category: 'outcome_unknown'
  readonly category: 'outcome_unknown'
}
/** The gateway refused before processing (HTTP 503); retried until the attempts run out. */
export declare class ServerError extends ChatlaneError {
  static readonly category: 'server'
  readonly category: 'server'
}
/**
 * A refusal (HTTP 4xx) whose answer could not be read (an unreadable success is outcome-unknown).
 */
export declare class MalformedResponseError extends ChatlaneError {
  static readonly category: 'malformed_response'
  readonly category: 'malformed_response'
}
/**
 * The event store (an SQLite file, Redis) could not be read or written; what it was given was not
 * acknowledged.
 */
export declare class StorageError extends ChatlaneError {
  static readonly category: 'storage'
  readonly category: 'storage'
}
/** A bug in chatlane (a caught panic); please report it. */
export declare class InternalError extends ChatlaneError {
  static readonly category: 'internal'
  readonly category: 'internal'
}
// end of generated error classes
