//! The operations beyond sending: message history, templates and business phone numbers.
//! Queries cross as JSON text (`JSON.stringify` of the query object) and are read by the
//! core, so a wrong one fails with its `InvalidParameter` error naming the field; results
//! cross back as their JSON text, which `index.js` parses into plain objects (the generated
//! types of `model.d.ts`), 64-bit numbers (`total`, `sentAtMs`) whole.

use chatlane_core::cams::ops::params_of;
use chatlane_core::runtime::Cancellation;
use chatlane_core::{Error, ErrorCode, Operation};
use napi::Env;
use napi::bindgen_prelude::{ClassInstance, Object, PromiseRaw};
use napi_derive::napi;
use serde_json::Value;

use crate::completions::settled;
use crate::{NativeCancellation, NativeClient, guarded, params_object, rethrowable, until_cancelled};

/// The CAMS wire parameters of `operation` (`ListChatappMessage`, `ListChatappTemplate`,
/// `GetChatappTemplateDetail` or `QueryChatappPhoneNumbers`) for `query` (its JSON text), with
/// `client_cust_space_id` as the `CustSpaceId` the query leaves unset: what the shared
/// operation cases check. Throws a JS error carrying the core error's fields: an
/// `InvalidParameter` for a query the core refuses, an `InvalidConfig` for another operation.
#[napi(ts_return_type = "Record<string, string>")]
pub fn operation_params<'env>(
    env: &'env Env,
    operation: String,
    query: String,
    client_cust_space_id: Option<String>,
) -> napi::Result<Object<'env>> {
    guarded(env, || {
        let params = query_value(&query)
            .and_then(|query| params_of(&operation, query, client_cust_space_id.as_deref()))
            .map_err(|error| rethrowable(env, &error))?;
        params_object(env, &params)
    })
}

#[napi]
impl NativeClient {
    /// One page of a business number's history (`ListChatappMessage`) for a `HistoryQuery`
    /// (its JSON text). Resolves with the `HistoryPage`'s JSON text, or with `null` once
    /// `cancel` is cancelled; rejects with a JS error carrying the core error's fields.
    #[napi(
        ts_return_type = "Promise<string | null>",
        ts_args_type = "query: string, cancel?: NativeCancellation | undefined | null"
    )]
    pub fn list_messages<'env>(
        &self,
        env: &'env Env,
        query: String,
        cancel: Option<ClassInstance<'env, NativeCancellation>>,
    ) -> napi::Result<PromiseRaw<'env, Option<String>>> {
        let client = self.inner.clone();
        answered(env, cancel, async move {
            let query = read(Operation::ListChatappMessage, &query, serde_json::from_value)?;
            let page = client.list_messages(&query).await?;
            Ok(serde_json::to_string(&page).expect("a page serialises"))
        })
    }

    /// One page of the account's templates (`ListChatappTemplate`) for a `TemplateQuery` (its
    /// JSON text), as [`NativeClient::list_messages`]: the `TemplatePage`'s JSON text.
    #[napi(
        ts_return_type = "Promise<string | null>",
        ts_args_type = "query: string, cancel?: NativeCancellation | undefined | null"
    )]
    pub fn list_templates<'env>(
        &self,
        env: &'env Env,
        query: String,
        cancel: Option<ClassInstance<'env, NativeCancellation>>,
    ) -> napi::Result<PromiseRaw<'env, Option<String>>> {
        let client = self.inner.clone();
        answered(env, cancel, async move {
            let query = read(Operation::ListChatappTemplate, &query, serde_json::from_value)?;
            let page = client.list_templates(&query).await?;
            Ok(serde_json::to_string(&page).expect("a page serialises"))
        })
    }

    /// One template in full (`GetChatappTemplateDetail`) for a `TemplateRef` (its JSON text),
    /// as [`NativeClient::list_messages`]: the `TemplateDetail`'s JSON text; an unknown
    /// template rejects with `TemplateNotFound`.
    #[napi(
        ts_return_type = "Promise<string | null>",
        ts_args_type = "template: string, cancel?: NativeCancellation | undefined | null"
    )]
    pub fn template<'env>(
        &self,
        env: &'env Env,
        template: String,
        cancel: Option<ClassInstance<'env, NativeCancellation>>,
    ) -> napi::Result<PromiseRaw<'env, Option<String>>> {
        let client = self.inner.clone();
        answered(env, cancel, async move {
            let template = read(Operation::GetChatappTemplateDetail, &template, serde_json::from_value)?;
            let detail = client.template(&template).await?;
            Ok(serde_json::to_string(&detail).expect("a template serialises"))
        })
    }

    /// The channel's business numbers (`QueryChatappPhoneNumbers`) for a `PhoneNumberQuery`
    /// (its JSON text), as [`NativeClient::list_messages`]: the JSON text of the
    /// `PhoneNumber` array.
    #[napi(
        ts_return_type = "Promise<string | null>",
        ts_args_type = "query: string, cancel?: NativeCancellation | undefined | null"
    )]
    pub fn phone_numbers<'env>(
        &self,
        env: &'env Env,
        query: String,
        cancel: Option<ClassInstance<'env, NativeCancellation>>,
    ) -> napi::Result<PromiseRaw<'env, Option<String>>> {
        let client = self.inner.clone();
        answered(env, cancel, async move {
            let query = read(Operation::QueryChatappPhoneNumbers, &query, serde_json::from_value)?;
            let numbers = client.phone_numbers(&query).await?;
            Ok(serde_json::to_string(&numbers).expect("numbers serialise"))
        })
    }
}

/// The promise of `call`, resolving with `null` once `cancel` (if any) is cancelled.
fn answered<'env>(
    env: &'env Env,
    cancel: Option<ClassInstance<'env, NativeCancellation>>,
    call: impl Future<Output = Result<String, Error>> + Send + 'static,
) -> napi::Result<PromiseRaw<'env, Option<String>>> {
    let cancellation: Option<Cancellation> = cancel.map(|cancel| cancel.0.clone());
    settled(env, until_cancelled(call, cancellation))
}

/// The query of `operation` in `text` (JSON), as `parse` reads it; the client's call checks
/// it. A query of the wrong shape is the core's `InvalidParameter` error naming the field:
/// the core's own reader (in `params_of`, as the shared cases run it) reads it again for it.
fn read<Q>(operation: Operation, text: &str, parse: fn(Value) -> serde_json::Result<Q>) -> Result<Q, Error> {
    let query = query_value(text)?;
    parse(query.clone()).map_err(|failure| match params_of(operation.as_str(), query, None) {
        Err(error) => error,
        Ok(_) => Error::new(ErrorCode::InvalidParameter, failure.to_string()),
    })
}

/// The JSON value of a query's text (`index.js` hands over `JSON.stringify` output).
fn query_value(text: &str) -> Result<Value, Error> {
    serde_json::from_str(text).map_err(|error| Error::new(ErrorCode::InvalidParameter, format!("not JSON: {error}")))
}
