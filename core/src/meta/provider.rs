//! Meta's Cloud API behind the provider seam: the model as Meta's JSON, a bearer token,
//! pacing per business phone number and per recipient; Graph calls ([`Call::Meta`]) paced per
//! WhatsApp Business Account (templates) or per business phone number (media).

use std::sync::Arc;

use bytes::Bytes;
use http::header::{AUTHORIZATION, CONTENT_TYPE, USER_AGENT};
use http::{HeaderValue, Method, Request};

use super::{response, validate, wire};
use crate::endpoint::Endpoint;
use crate::error::{Error, ErrorCode};
use crate::limit::{LimitKey, Pacing, Quota};
use crate::oauth::{TokenSource, check_scopes};
use crate::operation::Operation;
use crate::provider::{Accepted, Call, CallAnswer, GraphCall, OutgoingRef, Provider, ProviderKind};
use crate::transport::{HttpRequest, HttpResponse};

/// The scope every send needs.
pub const MESSAGING_SCOPE: &str = "whatsapp_business_messaging";

/// The scope reading the account's templates needs.
pub const MANAGEMENT_SCOPE: &str = "whatsapp_business_management";

/// The Meta provider of one client.
pub(crate) struct Meta {
    /// `{endpoint}/{version}/`: the messages URL is this plus `{phone-number-id}/messages`.
    base: String,
    token: Arc<TokenSource>,
    user_agent: HeaderValue,
    /// The WhatsApp Business Account whose hourly budget Graph reads take slots of.
    waba_id: Option<String>,
}

/// A Meta send: the business number it goes from, its recipient and its JSON body.
pub(crate) struct Prepared {
    phone_number_id: String,
    recipient: String,
    body: Bytes,
}

impl Meta {
    /// The provider for `endpoint` at Graph `version`, sending with `token`, reading the
    /// templates of WABA `waba_id`. Fails with [`ErrorCode::MissingScope`] when the token's
    /// known scopes lack [`MESSAGING_SCOPE`].
    pub(crate) fn new(
        endpoint: &Endpoint,
        version: &str,
        token: Arc<TokenSource>,
        user_agent: &str,
        waba_id: Option<String>,
    ) -> Result<Self, Error> {
        let host = crate::oauth::MetaHost::new(endpoint.base_url().as_str().trim_end_matches('/'), version)?;
        checked_scopes(&token.token().scopes)?;
        let user_agent = HeaderValue::from_str(user_agent)
            .map_err(|_| Error::new(ErrorCode::InvalidConfig, "the user agent cannot go in an HTTP header"))?;
        Ok(Self { base: host.url("").to_string(), token, user_agent, waba_id })
    }

    /// `Ok` unless the token's known scopes lack what `operation` needs
    /// ([`ErrorCode::MissingScope`]): [`MANAGEMENT_SCOPE`] for the account's templates,
    /// [`MESSAGING_SCOPE`] (checked for every call) for media. No scopes listed: unknown, `Ok`.
    fn call_scope(&self, operation: Operation) -> Result<(), Error> {
        let scopes = self.token.token().scopes;
        if scopes.is_empty() || operation != Operation::WhatsappTemplates {
            return Ok(());
        }
        check_scopes(&scopes, &[MANAGEMENT_SCOPE]).map(drop)
    }
}

/// `Ok` unless a token's known `scopes` lack [`MESSAGING_SCOPE`] ([`ErrorCode::MissingScope`]);
/// scopes beyond it are reported in the `chatlane` log target. No scopes listed: unknown, `Ok`.
pub(crate) fn checked_scopes(scopes: &[String]) -> Result<(), Error> {
    if scopes.is_empty() {
        return Ok(());
    }
    let report = check_scopes(scopes, &[MESSAGING_SCOPE])?;
    if !report.extra.is_empty() {
        tracing::info!(target: crate::observe::TARGET, extra = ?report.extra, "the token carries scopes sending does not need");
    }
    Ok(())
}

impl Provider for Meta {
    const KIND: ProviderKind = ProviderKind::Meta;

    type Prepared = Prepared;
    type Authority = HeaderValue;

    fn prepare(&self, outgoing: OutgoingRef<'_>, task_id: &str) -> Result<Prepared, Error> {
        let OutgoingRef::Message(message) = outgoing else {
            return Err(Error::new(
                ErrorCode::InvalidMessage,
                "Meta's Cloud API has no mass send: send the template to each recipient as its own message",
            ));
        };
        let found = validate::violations(message);
        if !found.is_empty() {
            return Err(crate::validate::invalid(found));
        }
        let body = wire::message_json(message, Some(task_id)).into();
        Ok(Prepared { phone_number_id: message.from.clone(), recipient: message.to.clone(), body })
    }

    fn operation(&self, _: &Prepared) -> Operation {
        Operation::WhatsappMessages
    }

    async fn authority(&self) -> Result<HeaderValue, Error> {
        checked_scopes(&self.token.token().scopes)?;
        self.token.authorization().await
    }

    fn limits(&self, prepared: &Prepared, _: &HeaderValue, pacing: &Pacing) -> Vec<(LimitKey, Quota)> {
        let operation = Operation::WhatsappMessages;
        let number = pacing
            .quota(operation)
            .map(|quota| (LimitKey { account: prepared.phone_number_id.clone(), operation, recipient: None }, quota));
        let pair = pacing.per_recipient.map(|quota| {
            let recipient = Some(prepared.recipient.clone());
            (LimitKey { account: prepared.phone_number_id.clone(), operation, recipient }, quota)
        });
        number.into_iter().chain(pair).collect()
    }

    fn request(&self, prepared: &Prepared, authorization: &HeaderValue) -> Result<HttpRequest, Error> {
        let uri = format!("{}{}/messages", self.base, prepared.phone_number_id);
        Request::builder()
            .method(Method::POST)
            .uri(uri)
            .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
            .header(USER_AGENT, self.user_agent.clone())
            .header(AUTHORIZATION, authorization.clone())
            .body(prepared.body.clone())
            .map_err(|_| Error::new(ErrorCode::InvalidMessage, "the sender (`from`) cannot go in a URL path"))
    }

    fn classify(&self, answer: &HttpResponse, authorization: &HeaderValue) -> Result<Accepted, Error> {
        match response::classify(answer) {
            Ok(accepted) => {
                let request_id = answer.request_id.clone().unwrap_or_default();
                Ok(Accepted { message_id: accepted.message_id, request_id })
            }
            Err(error) => {
                if error.code() == ErrorCode::TokenExpired {
                    self.token.mark_dead(authorization);
                }
                Err(error)
            }
        }
    }

    fn call_limits(&self, call: &Call, _: &HeaderValue, pacing: &Pacing) -> Vec<(LimitKey, Quota)> {
        let operation = call.operation();
        let number = match call {
            Call::Meta(graph) => graph.number.clone(),
            Call::Cams { .. } => None,
        };
        let account = number.or_else(|| self.waba_id.clone()).unwrap_or_default();
        pacing
            .quota(operation)
            .map(|quota| (LimitKey { account, operation, recipient: None }, quota))
            .into_iter()
            .collect()
    }

    fn call_request(&self, call: &Call, authorization: &HeaderValue) -> Result<HttpRequest, Error> {
        let graph = match call {
            Call::Cams { operation, .. } => {
                return Err(Error::new(
                    ErrorCode::InvalidConfig,
                    format!("{} is a CAMS operation; this client sends through Meta's Cloud API", operation.as_str()),
                ));
            }
            Call::Meta(graph) => graph,
        };
        self.call_scope(graph.operation)?;
        let GraphCall { method, path_and_query, body, .. } = graph;
        let mut request = Request::builder()
            .method(method.clone())
            .uri(format!("{}{path_and_query}", self.base))
            .header(USER_AGENT, self.user_agent.clone())
            .header(AUTHORIZATION, authorization.clone());
        if let Some((content_type, _)) = body {
            request = request.header(CONTENT_TYPE, content_type.as_str());
        }
        let body = body.as_ref().map(|(_, bytes)| bytes.clone()).unwrap_or_default();
        request
            .body(body)
            .map_err(|_| Error::new(ErrorCode::InvalidParameter, format!("{path_and_query:?} cannot go in a URL")))
    }

    fn classify_call(&self, answer: HttpResponse, authorization: &HeaderValue) -> Result<CallAnswer, Error> {
        if !(200..300).contains(&answer.status) {
            self.classify(&answer, authorization)?;
        }
        Ok(CallAnswer { body: answer.body, listed: None })
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::oauth::AccessToken;

    /// A provider whose token has `scopes` (none: unknown), reading WABA `102290129340398`.
    pub(crate) fn meta(scopes: &[&str]) -> Meta {
        let token = AccessToken { scopes: scopes.iter().map(|s| s.to_string()).collect(), ..AccessToken::new("t0k3n") };
        let token = Arc::new(TokenSource::fixed(token).unwrap());
        let endpoint = Endpoint::parse("http://127.0.0.1:9").unwrap();
        Meta::new(&endpoint, "v25.0", token, "chatlane-test", Some("102290129340398".into())).unwrap()
    }

    /// A template read of `path_and_query`.
    pub(crate) fn templates(path_and_query: &str) -> Call {
        Call::Meta(GraphCall::read(Operation::WhatsappTemplates, path_and_query.into()))
    }

    #[test]
    fn a_graph_read_is_a_get_with_the_bearer_token_paced_per_waba() {
        let meta = meta(&[]);
        let bearer = HeaderValue::from_static("Bearer t0k3n");
        let request = meta.call_request(&templates("102290129340398/message_templates?limit=2"), &bearer).unwrap();
        assert_eq!(request.method(), Method::GET);
        assert_eq!(request.uri(), "http://127.0.0.1:9/v25.0/102290129340398/message_templates?limit=2");
        assert_eq!(request.headers()[AUTHORIZATION], "Bearer t0k3n");
        assert!(request.body().is_empty());
        let key =
            LimitKey { account: "102290129340398".into(), operation: Operation::WhatsappTemplates, recipient: None };
        let limits = meta.call_limits(&templates("1"), &bearer, &Pacing::default());
        assert_eq!(limits, [(key, super::super::unverified::TEMPLATE_READS)]);
    }

    #[test]
    fn a_media_upload_is_a_post_of_its_form_paced_per_number_with_the_messaging_scope() {
        let bearer = HeaderValue::from_static("Bearer t0k3n");
        let form = ("multipart/form-data; boundary=b".to_owned(), Bytes::from_static(b"--b--"));
        let upload = Call::Meta(GraphCall {
            operation: Operation::WhatsappMediaUpload,
            method: Method::POST,
            path_and_query: "106540352242922/media".into(),
            body: Some(form),
            number: Some("106540352242922".into()),
        });
        let request = meta(&[MESSAGING_SCOPE]).call_request(&upload, &bearer).unwrap();
        assert_eq!(request.method(), Method::POST);
        assert_eq!(request.uri(), "http://127.0.0.1:9/v25.0/106540352242922/media");
        assert_eq!(request.headers()[CONTENT_TYPE], "multipart/form-data; boundary=b");
        assert_eq!(request.body().as_ref(), b"--b--");
        let key =
            LimitKey { account: "106540352242922".into(), operation: Operation::WhatsappMediaUpload, recipient: None };
        let limits = meta(&[]).call_limits(&upload, &bearer, &Pacing::default());
        assert_eq!(limits, [(key, super::super::unverified::MEDIA_CALLS)]);
    }

    #[test]
    fn reads_need_the_management_scope_when_the_scopes_are_known() {
        let bearer = HeaderValue::from_static("Bearer t0k3n");
        let call = templates("1?fields=id");
        let messaging = meta(&[MESSAGING_SCOPE]).call_request(&call, &bearer).unwrap_err();
        assert_eq!(messaging.code(), ErrorCode::MissingScope);
        assert!(messaging.message().contains(MANAGEMENT_SCOPE), "{messaging}");
        assert!(meta(&[MESSAGING_SCOPE, MANAGEMENT_SCOPE]).call_request(&call, &bearer).is_ok());
    }
}
