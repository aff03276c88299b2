//! A call of an operation beyond sending as a binding hands it over: the operation's name
//! and its query in the model's JSON shape, read once here for every language, and answered
//! with the result's JSON.

use serde::de::DeserializeOwned;

use super::{
    HistoryQuery, MediaRef, NewTemplate, PhoneNumberQuery, TemplateDeletion, TemplateEdit, TemplateQuery, TemplateRef,
};
use crate::error::{Error, ErrorCode};

/// A query of one of the operations a client answers with records, or a template write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Query {
    /// `ListChatappMessage`: one page of history.
    History(HistoryQuery),
    /// `ListChatappTemplate`: one page of templates.
    Templates(TemplateQuery),
    /// `GetChatappTemplateDetail`: one template in full.
    Template(TemplateRef),
    /// `QueryChatappPhoneNumbers`: the channel's numbers.
    Numbers(PhoneNumberQuery),
    /// `CreateChatappTemplate`: a template submitted for review.
    CreateTemplate(NewTemplate),
    /// `ModifyChatappTemplate`: a template's components changed.
    ModifyTemplate(TemplateEdit),
    /// `DeleteChatappTemplate`: a template deleted.
    DeleteTemplate(TemplateDeletion),
    /// `WhatsappMediaRetrieve` (Meta): what Meta holds of a media file.
    MediaInfo(MediaRef),
    /// `WhatsappMediaDelete` (Meta): a media file deleted.
    DeleteMedia(MediaRef),
}

impl Query {
    /// The query of `operation` (its CAMS action name, or `WhatsappMedia…` for Meta's media)
    /// in `query`, its JSON shape. A query of
    /// the wrong shape is [`ErrorCode::InvalidParameter`] naming the field ("field: …"); an
    /// operation that is not one of these, [`ErrorCode::InvalidConfig`].
    pub fn from_json(operation: &str, query: serde_json::Value) -> Result<Self, Error> {
        Ok(match operation {
            "ListChatappMessage" => Self::History(read_query(query)?),
            "ListChatappTemplate" => Self::Templates(read_query(query)?),
            "GetChatappTemplateDetail" => Self::Template(read_query(query)?),
            "QueryChatappPhoneNumbers" => Self::Numbers(read_query(query)?),
            "CreateChatappTemplate" => Self::CreateTemplate(read_query(query)?),
            "ModifyChatappTemplate" => Self::ModifyTemplate(read_query(query)?),
            "DeleteChatappTemplate" => Self::DeleteTemplate(read_query(query)?),
            "WhatsappMediaRetrieve" => Self::MediaInfo(read_query(query)?),
            "WhatsappMediaDelete" => Self::DeleteMedia(read_query(query)?),
            other => {
                let message = format!("{other:?} is not a query chatlane knows");
                return Err(Error::new(ErrorCode::InvalidConfig, message));
            }
        })
    }

    /// [`Query::from_json`] of JSON text; text that is not JSON is
    /// [`ErrorCode::InvalidParameter`].
    pub fn from_json_text(operation: &str, text: &str) -> Result<Self, Error> {
        Self::from_json(operation, json_text(text)?)
    }
}

/// JSON text as a value; text that is not JSON is [`ErrorCode::InvalidParameter`].
pub(crate) fn json_text(text: &str) -> Result<serde_json::Value, Error> {
    serde_json::from_str(text)
        .map_err(|e| Error::new(ErrorCode::InvalidParameter, format!("the query is not JSON: {e}")))
}

/// Reads `query` as `T`; a wrong shape is [`ErrorCode::InvalidParameter`] naming its place
/// ("field: problem"; a missing field: "field: required").
pub(crate) fn read_query<T: DeserializeOwned>(query: serde_json::Value) -> Result<T, Error> {
    serde_path_to_error::deserialize(query).map_err(|failure| {
        let path = failure.path().to_string();
        let problem = failure.into_inner().to_string();
        let message = match problem.strip_prefix("missing field `").and_then(|rest| rest.strip_suffix('`')) {
            Some(field) if path == "." => format!("{field}: required"),
            Some(field) => format!("{path}.{field}: required"),
            None if path == "." => problem,
            None => format!("{path}: {problem}"),
        };
        Error::new(ErrorCode::InvalidParameter, message)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_is_read_by_its_operation_with_errors_naming_the_field() {
        let query = Query::from_json_text("ListChatappMessage", r#"{"businessNumber": "86"}"#).unwrap();
        assert_eq!(query, Query::History(HistoryQuery::new("86")));
        let missing = Query::from_json_text("GetChatappTemplateDetail", r#"{"code": "C"}"#).unwrap_err();
        assert_eq!((missing.code(), missing.message()), (ErrorCode::InvalidParameter, "language: required"));
        let typed = Query::from_json_text("ListChatappTemplate", r#"{"pageSize": "ten"}"#).unwrap_err();
        assert!(typed.message().starts_with("pageSize: "), "{typed}");
        assert_eq!(Query::from_json_text("ListChatappMessage", "{").unwrap_err().code(), ErrorCode::InvalidParameter);
        assert_eq!(Query::from_json_text("SendChatappMessage", "{}").unwrap_err().code(), ErrorCode::InvalidConfig);
    }
}
