//! The CAMS operations beyond sending ([`crate::ops`]), each a pure mapping: the query onto
//! the action's wire parameters, and the accepted answer's body onto typed records (the
//! field names of `spec/sdk_introspection/operations.md`).

mod history;
mod media;
mod numbers;
mod template_admin;
mod templates;

pub use history::{list_messages, next_messages_page, read_messages};
pub use media::{read_upload_authorization, upload_authorization};
pub use numbers::{phone_numbers, read_phone_numbers};
pub use template_admin::{create_template, delete_template, modify_template, read_saved};
pub use templates::{list_templates, read_template, read_templates, template_detail};

use serde::de::DeserializeOwned;

use super::wire::{Params, json_value};
use crate::error::{Error, ErrorCode};
use crate::ops::{Query, json_text, read_query};

/// The wire parameters of a call of `operation` with `query`, JSON text in its shape (a
/// [`crate::ops::HistoryQuery`] for `ListChatappMessage`, a [`crate::ops::NewTemplate`] for
/// `CreateChatappTemplate`, …; `{"custSpaceId": …}` or `{}` for
/// `GetChatappUploadAuthorization`), with `default_space` as the
/// `CustSpaceId` it leaves unset: what the shared operation cases (`tests/operations/`) check
/// in every language. A query of the wrong shape, or one that cannot be asked, is
/// [`ErrorCode::InvalidParameter`]; an operation that is not a CAMS query,
/// [`ErrorCode::InvalidConfig`].
pub fn params_of(operation: &str, query: &str, default_space: Option<&str>) -> Result<Params, Error> {
    let query = json_text(query)?;
    if operation == "GetChatappUploadAuthorization" {
        let query: media::AuthorizationQuery = read_query(query)?;
        return upload_authorization(query.cust_space_id.as_deref(), default_space);
    }
    match Query::from_json(operation, query)? {
        Query::History(query) => list_messages(&query, default_space),
        Query::Templates(query) => list_templates(&query, default_space),
        Query::Template(template) => template_detail(&template, default_space),
        Query::Numbers(query) => Ok(phone_numbers(&query, default_space)),
        Query::CreateTemplate(template) => create_template(&template, default_space),
        Query::ModifyTemplate(edit) => modify_template(&edit, default_space),
        Query::DeleteTemplate(deletion) => delete_template(&deletion, default_space),
        Query::MediaInfo(_) | Query::DeleteMedia(_) => {
            Err(Error::new(ErrorCode::InvalidConfig, format!("{operation} is a call of Meta's Graph API, not CAMS")))
        }
    }
}

/// The `Page` parameter: `{"Index":page,"Size":size}`.
fn page_param(params: &mut Params, page: u32, size: u32) {
    params.push("Page", json_value(&serde_json::json!({"Index": page, "Size": size})));
}

/// The `CustSpaceId` the query names, else the client's default.
fn cust_space<'a>(params: &mut Params, given: Option<&'a str>, default: Option<&'a str>) {
    params.push_opt("CustSpaceId", given.filter(|id| !id.is_empty()).or(default));
}

/// Reads an accepted answer's body as `T`; a body of another shape is
/// [`ErrorCode::MalformedResponse`], naming where it went wrong. The path is tracked only
/// once reading has failed: tracking it costs a third of reading a history page.
/// The body's UTF-8 is checked once, whole, rather than string by string.
fn read<T: DeserializeOwned>(action: &str, body: &[u8]) -> Result<T, Error> {
    let text = std::str::from_utf8(body).map_err(|failure| {
        Error::new(ErrorCode::MalformedResponse, format!("the {action} answer is not UTF-8: {failure}"))
    })?;
    if let Ok(answer) = serde_json::from_str(text) {
        return Ok(answer);
    }
    let mut reader = serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(&mut reader).map_err(|failure| {
        let place = failure.path().to_string();
        Error::new(
            ErrorCode::MalformedResponse,
            format!("the {action} answer cannot be read at {place}: {}", failure.into_inner()),
        )
    })
}

/// Drops an empty string, which CAMS writes for a value it does not have.
fn given(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.is_empty())
}
