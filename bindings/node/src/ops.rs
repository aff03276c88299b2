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
            let query = checked(Operation::ListChatappMessage, &query, client.config().cust_space_id())?;
            let page = client.list_messages(&serde_json::from_value(query).expect("the core read it")).await?;
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
            let query = checked(Operation::ListChatappTemplate, &query, client.config().cust_space_id())?;
            let page = client.list_templates(&serde_json::from_value(query).expect("the core read it")).await?;
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
            let template = checked(Operation::GetChatappTemplateDetail, &template, client.config().cust_space_id())?;
            let detail = client.template(&serde_json::from_value(template).expect("the core read it")).await?;
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
            let query = checked(Operation::QueryChatappPhoneNumbers, &query, client.config().cust_space_id())?;
            let numbers = client.phone_numbers(&serde_json::from_value(query).expect("the core read it")).await?;
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

/// The JSON value of the query of `operation` in `text`, read and checked by the core (its
/// `params_of`, as the shared cases run it, with the client's `default_space`): a wrong shape
/// or a query that cannot be asked is its `InvalidParameter` error naming the field, and the
/// value then reads as the query type.
fn checked(operation: Operation, text: &str, default_space: Option<&str>) -> Result<Value, Error> {
    let query = query_value(text)?;
    params_of(operation.as_str(), query.clone(), default_space)?;
    Ok(query)
}

/// The JSON value of a query's text (`index.js` hands over `JSON.stringify` output).
fn query_value(text: &str) -> Result<Value, Error> {
    serde_json::from_str(text).map_err(|error| Error::new(ErrorCode::InvalidParameter, format!("not JSON: {error}")))
}
