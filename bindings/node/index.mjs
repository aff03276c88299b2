// ES module entry point: re-exports the CommonJS module, so both share one addon and
// one set of error classes (`instanceof` works across `import` and `require`).
import chatlane from './index.js'

export const {
  Client,
  Receiver,
  MetaApp,
  AccessToken,
  ChatlaneError,
  ValidationError,
  ConfigurationError,
  AuthenticationError,
  PermissionDeniedError,
  SubscriptionError,
  ThrottledError,
  TemplateError,
  SessionWindowError,
  InvalidParameterError,
  RejectedError,
  NetworkError,
  RequestTimeoutError,
  OutcomeUnknownError,
  ServerError,
  MalformedResponseError,
  StorageError,
  InternalError,
  violations,
  massViolations,
  wireParams,
  massWireParams,
  metaBody,
  metaRequest,
  operationParams,
  parseCamsPush,
  parseMetaWebhook,
  verifyMetaSignature,
  verifyMetaChallenge,
  dedupKey,
} = chatlane

export default chatlane
