//! The provider seam: one pipeline for every API, what differs behind one trait.
//!
//! The pipeline (`provider/pipeline.rs`) runs every send the same way — prepare (validate and map, pure) → take the
//! pacing slots → build the authenticated request → transport → classify → retry what
//! provably had no effect — and reports to the send's span and observer. A [`Provider`]
//! supplies what differs: the wire mapping and its own validation, authentication (CAMS
//! signs each request with AccessKey credentials, Meta sends a bearer token), the pacing budgets an attempt takes, and
//! what an answer means. A new provider is a new implementation of [`Provider`]; nothing in
//! the pipeline or the bindings changes.

mod pipeline;

use std::future::Future;

use crate::error::Error;
use crate::limit::{LimitKey, Pacing, Quota};
use crate::model::{MassMessage, Message};
use crate::operation::Operation;
use crate::transport::{HttpRequest, HttpResponse};

pub(crate) use pipeline::{Dispatch, Pipeline};

/// The providers a client can send through, by the names the `provider` option takes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum ProviderKind {
    /// Alibaba Cloud CAMS (`cams`, the default).
    #[default]
    Cams,
    /// Meta's WhatsApp Cloud API (`meta`).
    Meta,
}

impl ProviderKind {
    /// Every provider.
    pub const ALL: [ProviderKind; 2] = [Self::Cams, Self::Meta];

    /// The provider called `name`; any other name is [`crate::ErrorCode::InvalidConfig`].
    pub fn parse(name: &str) -> Result<Self, Error> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == name).ok_or_else(|| {
            let known = Self::ALL.map(Self::as_str).join(" or ");
            Error::new(crate::ErrorCode::InvalidConfig, format!("unknown provider {name:?}; expected {known}"))
        })
    }

    /// Its name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Cams => "cams",
            Self::Meta => "meta",
        }
    }

    /// Every reason `message` cannot be sent through this provider; empty when it can.
    pub fn violations(self, message: &Message) -> Vec<crate::Violation> {
        match self {
            Self::Cams => crate::validate::violations(message),
            Self::Meta => crate::meta::violations(message),
        }
    }
}

/// What a caller hands a client to send.
#[derive(Clone, Copy, Debug)]
pub enum OutgoingRef<'a> {
    /// One message to one recipient.
    Message(&'a Message),
    /// One template to many recipients.
    Mass(&'a MassMessage),
}

impl<'a> OutgoingRef<'a> {
    /// The caller's `TaskId`, if any.
    pub fn task_id(self) -> Option<&'a str> {
        match self {
            Self::Message(message) => message.task_id.as_deref(),
            Self::Mass(message) => message.task_id.as_deref(),
        }
    }
}

/// A call of an operation other than a send ([`crate::ops`]), in its provider's wire form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Call {
    /// A CAMS action and its parameters, signed like a send.
    Cams {
        /// The action.
        operation: Operation,
        /// Its parameters.
        params: crate::cams::wire::Params,
    },
    /// A Graph API request.
    Meta(GraphCall),
}

impl Call {
    /// The operation it calls.
    pub fn operation(&self) -> Operation {
        match self {
            Self::Cams { operation, .. } | Self::Meta(GraphCall { operation, .. }) => *operation,
        }
    }
}

/// A Graph API request: `{method} {endpoint}/{version}/{path_and_query}` with the bearer
/// token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GraphCall {
    /// The operation it belongs to (its pacing budget and scope).
    pub operation: Operation,
    /// `GET`, `POST` or `DELETE`.
    pub method: http::Method,
    /// The node, edge and query string, e.g. `{waba-id}/message_templates?limit=100`.
    pub path_and_query: String,
    /// The body, with its `Content-Type` (a media upload's multipart form); none for a read.
    pub body: Option<(String, bytes::Bytes)>,
    /// The business phone number ID whose budget paces it; the WABA's when unset.
    pub number: Option<String>,
}

impl GraphCall {
    /// A `GET` of `path_and_query` for `operation`, paced under the WABA's budget.
    pub fn read(operation: Operation, path_and_query: String) -> Self {
        Self { operation, method: http::Method::GET, path_and_query, body: None, number: None }
    }
}

/// An answer that accepted the message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Accepted {
    /// The provider's ID of the accepted message (receipts carry the same one).
    pub message_id: String,
    /// The provider's request ID (quote it to support).
    pub request_id: String,
}

/// An accepted call's answer: its body, the operation's to read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CallAnswer {
    /// The body.
    pub body: Vec<u8>,
    /// How many items the list the answer carries holds, when the provider's classification
    /// counted them while it went over the body (CAMS's `Data` array): what a walk needs to
    /// know whether a next page exists without reading this one first.
    pub listed: Option<usize>,
}

/// What differs between the APIs chatlane sends through.
pub trait Provider: Send + Sync + 'static {
    /// Which provider this is.
    const KIND: ProviderKind;

    /// A send validated for this provider and in its wire form, built once and sent by
    /// every attempt.
    type Prepared: Send + Sync;
    /// What one attempt is authenticated with (e.g. signing credentials).
    type Authority: Send + Sync;

    /// Validates `outgoing` for this provider and maps it to its wire form, with `task_id`
    /// (the caller's or a generated one) as the correlation ID. Pure; a message with
    /// violations is an [`crate::ErrorCode::InvalidMessage`] error carrying all of them.
    fn prepare(&self, outgoing: OutgoingRef<'_>, task_id: &str) -> Result<Self::Prepared, Error>;

    /// The operation `prepared` calls.
    fn operation(&self, prepared: &Self::Prepared) -> Operation;

    /// The authority for the next attempt, renewed when it is about to expire.
    fn authority(&self) -> impl Future<Output = Result<Self::Authority, Error>> + Send;

    /// The pacing budgets one attempt of `prepared` takes a slot of, in order.
    fn limits(&self, prepared: &Self::Prepared, authority: &Self::Authority, pacing: &Pacing)
    -> Vec<(LimitKey, Quota)>;

    /// One request for `prepared`, freshly authenticated.
    fn request(&self, prepared: &Self::Prepared, authority: &Self::Authority) -> Result<HttpRequest, Error>;

    /// What `answer` to a request made with `authority` means: accepted, or a typed error
    /// whose code tells the retry policy whether the request provably had no effect
    /// ([`crate::retry::is_safe_to_retry`]). An answer that says the authority is dead (an
    /// expired token) lets the provider renew it before the next send.
    fn classify(&self, answer: &HttpResponse, authority: &Self::Authority) -> Result<Accepted, Error>;

    /// The pacing budgets one attempt of `call` takes a slot of.
    fn call_limits(&self, call: &Call, authority: &Self::Authority, pacing: &Pacing) -> Vec<(LimitKey, Quota)>;

    /// One request for `call`, freshly authenticated; a call of another provider's operation
    /// is [`crate::ErrorCode::InvalidConfig`].
    fn call_request(&self, call: &Call, authority: &Self::Authority) -> Result<HttpRequest, Error>;

    /// Whether `answer` to a call carries what it asked for (then its body is read by the
    /// operation, with the items of its list counted if the classification went over them),
    /// or the typed error it is, classified as a send's answer is.
    fn classify_call(&self, answer: HttpResponse, authority: &Self::Authority) -> Result<CallAnswer, Error>;
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use http::HeaderValue;

    use super::*;
    use crate::cams::Cams;
    use crate::credentials::Credentials;
    use crate::credentials::provider::{CredentialCache, CredentialSource};
    use crate::endpoint::Endpoint;
    use crate::error::ErrorCode;
    use crate::meta::provider_tests::{meta, templates};

    #[test]
    fn each_provider_refuses_the_other_ones_calls() {
        let credentials = Credentials::new("AK", "SK-secret", None).unwrap();
        let cams = Cams {
            endpoint: Endpoint::default(),
            cust_space_id: None,
            credentials: Arc::new(CredentialCache::new(CredentialSource::Fixed(credentials.clone()))),
            user_agent: "chatlane-test".into(),
            account: Default::default(),
        };
        let refused = cams.call_request(&templates("1/message_templates"), &Arc::new(credentials)).unwrap_err();
        assert_eq!(refused.code(), ErrorCode::InvalidConfig);
        assert!(refused.message().contains("WhatsappTemplates is a call of Meta's Graph API"), "{refused}");

        let call = Call::Cams { operation: Operation::ListChatappTemplate, params: Default::default() };
        let refused = meta(&[]).call_request(&call, &HeaderValue::from_static("Bearer t0k3n")).unwrap_err();
        assert_eq!(refused.code(), ErrorCode::InvalidConfig);
        assert!(refused.message().contains("ListChatappTemplate is a CAMS operation"), "{refused}");
    }
}
