//! The Graph request of an operation's query, as a Meta client makes it first (pure): what the
//! shared operation cases (`tests/operations/meta.json`) check in every language, as
//! [`crate::cams::ops::params_of`] gives CAMS's wire parameters.

use serde::Serialize;

use super::{media, templates};
use crate::error::{Error, ErrorCode};
use crate::operation::Operation;
use crate::ops::Query;

/// A Graph request: its method and the path and query after `/{version}/`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct GraphRequest {
    /// `GET` or `DELETE`.
    pub method: String,
    /// The node, edge and query string, e.g. `{waba-id}/message_templates?fields=…`.
    pub path: String,
}

/// The first Graph request a Meta client of WhatsApp Business Account `waba_id` makes for
/// `query` (its JSON text) of `operation`: `ListChatappTemplate` (a page of the listing),
/// `GetChatappTemplateDetail` (the template's node by ID, else the first page of the lookup by
/// name), `WhatsappMediaRetrieve` or `WhatsappMediaDelete`. Nothing is sent. A query that
/// cannot be asked is [`ErrorCode::InvalidParameter`] naming the field; a template operation
/// without a WABA, or an operation that is not a Graph call, [`ErrorCode::InvalidConfig`].
pub fn request_of(operation: &str, query: &str, waba_id: Option<&str>) -> Result<GraphRequest, Error> {
    let get = |path: String| GraphRequest { method: "GET".into(), path };
    Ok(match Query::from_json_text(operation, query)? {
        Query::Templates(query) => {
            let waba_id = templates::waba(waba_id, Operation::ListChatappTemplate)?;
            get(templates::list_path(&query, waba_id)?)
        }
        Query::Template(template) => {
            let waba_id = templates::waba(waba_id, Operation::GetChatappTemplateDetail)?;
            match templates::template_id(&template)? {
                Some(id) => get(templates::node_path(id)),
                None => get(templates::lookup_path(&template, waba_id, None)),
            }
        }
        Query::MediaInfo(media) => get(media::media_path(&media)?),
        Query::DeleteMedia(media) => GraphRequest { method: "DELETE".into(), path: media::media_path(&media)? },
        Query::History(_)
        | Query::Numbers(_)
        | Query::CreateTemplate(_)
        | Query::ModifyTemplate(_)
        | Query::DeleteTemplate(_) => {
            let message = format!("{operation} is not a call of Meta's Graph API");
            return Err(Error::new(ErrorCode::InvalidConfig, message));
        }
    })
}
