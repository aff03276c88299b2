//! CAMS behind the provider seam: the model's wire parameters, requests signed with
//! ACS3-HMAC-SHA256 by the account's AccessKey, paced per account and operation.

use std::sync::{Arc, OnceLock};

use time::OffsetDateTime;

use super::request::{self, RequestContext, acs_date};
use super::response;
use super::wire::{self, Defaults, Params};
use crate::credentials::Credentials;
use crate::credentials::provider::CredentialCache;
use crate::endpoint::Endpoint;
use crate::error::{Error, ErrorCode};
use crate::limit::{LimitKey, Pacing, Quota};
use crate::operation::Operation;
use crate::outgoing::random_id;
use crate::provider::{Accepted, Call, CallAnswer, GraphCall, OutgoingRef, Provider, ProviderKind};
use crate::transport::{HttpRequest, HttpResponse};
use crate::validate;

/// The CAMS provider of one client.
pub(crate) struct Cams {
    /// Where requests go (also the signed `host`).
    pub(crate) endpoint: Endpoint,
    /// The `CustSpaceId` for messages that do not set one.
    pub(crate) cust_space_id: Option<String>,
    /// Who signs, shared with the client so it can replace them.
    pub(crate) credentials: Arc<CredentialCache>,
    /// The `user-agent` header.
    pub(crate) user_agent: String,
    /// The account whose budgets the client's calls take: the `account` option, else the
    /// first AccessKey ID it signs with, so rotated keys keep one budget.
    pub(crate) account: OnceLock<String>,
}

/// A CAMS send: its operation and wire parameters.
pub(crate) struct Prepared {
    operation: Operation,
    params: Params,
}

impl Provider for Cams {
    const KIND: ProviderKind = ProviderKind::Cams;

    type Prepared = Prepared;
    type Authority = Arc<Credentials>;

    fn prepare(&self, outgoing: OutgoingRef<'_>, task_id: &str) -> Result<Prepared, Error> {
        let defaults = Defaults { cust_space_id: self.cust_space_id.as_deref(), task_id: Some(task_id) };
        Ok(match outgoing {
            OutgoingRef::Message(message) => {
                validate::validate(message)?;
                Prepared {
                    operation: Operation::SendChatappMessage,
                    params: wire::send_message_params(message, defaults),
                }
            }
            OutgoingRef::Mass(message) => {
                validate::validate(message)?;
                let params = wire::send_mass_message_params(message, defaults);
                Prepared { operation: Operation::SendChatappMassMessage, params }
            }
        })
    }

    fn operation(&self, prepared: &Prepared) -> Operation {
        prepared.operation
    }

    async fn authority(&self) -> Result<Arc<Credentials>, Error> {
        self.credentials.for_send().await
    }

    fn limits(&self, prepared: &Prepared, credentials: &Arc<Credentials>, pacing: &Pacing) -> Vec<(LimitKey, Quota)> {
        self.account_limits(prepared.operation, credentials, pacing)
    }

    fn request(&self, prepared: &Prepared, credentials: &Arc<Credentials>) -> Result<HttpRequest, Error> {
        self.signed(prepared.operation, &prepared.params, credentials)
    }

    fn classify(&self, answer: &HttpResponse, _: &Arc<Credentials>) -> Result<Accepted, Error> {
        response::classify_send(answer)
    }

    fn call_limits(&self, call: &Call, credentials: &Arc<Credentials>, pacing: &Pacing) -> Vec<(LimitKey, Quota)> {
        self.account_limits(call.operation(), credentials, pacing)
    }

    fn call_request(&self, call: &Call, credentials: &Arc<Credentials>) -> Result<HttpRequest, Error> {
        match call {
            Call::Cams { operation, params } => self.signed(*operation, params, credentials),
            Call::Meta(GraphCall { operation, .. }) => Err(Error::new(
                ErrorCode::InvalidConfig,
                format!("{} is a call of Meta's Graph API; this client sends through CAMS", operation.as_str()),
            )),
        }
    }

    fn classify_call(&self, answer: HttpResponse, _: &Arc<Credentials>) -> Result<CallAnswer, Error> {
        response::classify_call(answer)
    }
}

impl Cams {
    /// The account's budget for `operation`, if it is paced.
    fn account_limits(
        &self,
        operation: Operation,
        credentials: &Credentials,
        pacing: &Pacing,
    ) -> Vec<(LimitKey, Quota)> {
        let account = || self.account.get_or_init(|| credentials.access_key_id().to_owned()).clone();
        let key = || LimitKey { account: account(), operation, recipient: None };
        pacing.quota(operation).map(|quota| (key(), quota)).into_iter().collect()
    }

    /// The signed `POST` of `operation` with `params`, dated now with a fresh nonce.
    fn signed(&self, operation: Operation, params: &Params, credentials: &Credentials) -> Result<HttpRequest, Error> {
        let date = acs_date(OffsetDateTime::now_utc());
        let nonce = random_id();
        let ctx = RequestContext {
            credentials,
            endpoint: &self.endpoint,
            date: &date,
            nonce: &nonce,
            user_agent: &self.user_agent,
        };
        request::build(operation, params, &ctx)
    }
}
