//! Templates: listing them, and one template in full (CAMS `ListChatappTemplate`,
//! `GetChatappTemplateDetail`; Meta `GET /{waba-id}/message_templates`, `GET /{template-id}`).
//!
//! CAMS pages by number, Meta by cursor: a page says which `page` comes next and, for Meta,
//! the cursor that reaches it (`nextCursor`); [`TemplatePage::next_query`] asks for it either way.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::{check_page, invalid};
use crate::cams::unverified::PAGE_SIZE;
use crate::error::Error;

/// Which templates to list. JSON keys are camelCase.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TemplateQuery {
    /// Only the template with this code (CAMS only: Meta lists by name; read a Meta template by
    /// its ID with `template`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub code: Option<String>,
    /// Only templates with this name (Meta: whose name contains it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub name: Option<String>,
    /// Only templates in this language (e.g. `en`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub language: Option<String>,
    /// Only templates in this review state: `pass`, `fail`, `auditing` or `unaudit`. Meta takes
    /// `pass` (`APPROVED`), `fail` (`REJECTED`), `auditing` (`PENDING`) or its own status
    /// (`APPROVED`, `PAUSED`, `DISABLED`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub audit_status: Option<String>,
    /// Only templates of this category: `UTILITY`, `MARKETING` or `AUTHENTICATION`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub category: Option<String>,
    /// Only templates of this kind: `WHATSAPP` or `VIBER` (Meta: `WHATSAPP` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub template_type: Option<String>,
    /// The channel instance (`CustSpaceId`); the client's when unset. CAMS only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub cust_space_id: Option<String>,
    /// The page, from 1 (the first when unset). Meta numbers its pages but reaches them by
    /// `cursor`: a page after the first needs the cursor too.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub page: Option<u32>,
    /// Meta: where the page starts, the `nextCursor` of the page before. CAMS pages by number
    /// and refuses it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub cursor: Option<String>,
    /// Templates per page, 1–1,000 (100 when unset).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub page_size: Option<u32>,
}

impl TemplateQuery {
    /// The first page of every template.
    pub fn all() -> Self {
        Self::default()
    }

    /// The page it asks for.
    pub fn page(&self) -> u32 {
        self.page.unwrap_or(1)
    }

    /// The templates per page it asks for.
    pub fn page_size(&self) -> u32 {
        self.page_size.unwrap_or(PAGE_SIZE)
    }

    /// Whether the query can be asked; an [`crate::ErrorCode::InvalidParameter`] otherwise.
    pub fn check(&self) -> Result<(), Error> {
        check_page(self.page(), self.page_size())
    }
}

/// A template as a listing shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(rename_all = "camelCase")]
pub struct TemplateSummary {
    /// Its code (what a CAMS template send names as `templateCode`; Meta: its ID, while a send
    /// names a Meta template by `name`).
    pub code: String,
    /// Its name.
    pub name: String,
    /// Its language.
    pub language: String,
    /// Its review state: CAMS `pass` (approved), `fail`, `auditing` or `unaudit`; Meta's own
    /// status (`APPROVED`, `PENDING`, `REJECTED`, `PAUSED`, `DISABLED`, …).
    pub audit_status: String,
    /// Its category, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub category: Option<String>,
    /// Its kind (`WHATSAPP`, `VIBER`), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub template_type: Option<String>,
    /// Why the review refused it (Meta: its `rejected_reason`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub reason: Option<String>,
    /// When it last changed, in milliseconds since the Unix epoch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub updated_at_ms: Option<u64>,
}

/// One page of templates.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(rename_all = "camelCase")]
pub struct TemplatePage {
    /// Its templates.
    pub templates: Vec<TemplateSummary>,
    /// How many templates match the query in all, when the provider says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub total: Option<u64>,
    /// Which page this is.
    pub page: u32,
    /// The page size asked for.
    pub page_size: u32,
    /// The next page to ask for (the same query with `page` set to it, and `cursor` to
    /// `nextCursor` when there is one); absent on the last.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub next_page: Option<u32>,
    /// Meta: the `cursor` that reaches the next page; absent on the last page, and for CAMS.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub next_cursor: Option<String>,
}

impl TemplatePage {
    /// `query`, the query of this page, asking for the next one (`page` = `next_page`,
    /// `cursor` = `next_cursor`): what a loop over every page asks next, whatever the
    /// provider; `None` on the last page.
    pub fn next_query(&self, query: &TemplateQuery) -> Option<TemplateQuery> {
        let page = self.next_page?;
        Some(TemplateQuery { page: Some(page), cursor: self.next_cursor.clone(), ..query.clone() })
    }
}

/// Which template to read in full: by code (Meta: the template's ID) or by name, in one
/// language.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TemplateRef {
    /// Its code, Meta's template ID (or give `name`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub code: Option<String>,
    /// Its name (or give `code`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub name: Option<String>,
    /// Its language (e.g. `en`).
    pub language: String,
    /// Its kind: `WHATSAPP` or `VIBER` (Meta: `WHATSAPP` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub template_type: Option<String>,
    /// The channel instance (`CustSpaceId`); the client's when unset. CAMS only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub cust_space_id: Option<String>,
}

impl TemplateRef {
    /// The template with code `code` in `language`.
    pub fn code(code: impl Into<String>, language: impl Into<String>) -> Self {
        Self {
            code: Some(code.into()),
            name: None,
            language: language.into(),
            template_type: None,
            cust_space_id: None,
        }
    }

    /// Whether it names one template; an [`crate::ErrorCode::InvalidParameter`] otherwise.
    pub fn check(&self) -> Result<(), Error> {
        let given = |field: &Option<String>| field.as_deref().is_some_and(|v| !v.trim().is_empty());
        if !given(&self.code) && !given(&self.name) {
            return Err(invalid("code", "give the template's code or its name"));
        }
        if self.language.trim().is_empty() {
            return Err(invalid("language", "required"));
        }
        Ok(())
    }
}

/// A template in full: what a send of it must carry and whether it may be sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(rename_all = "camelCase")]
pub struct TemplateDetail {
    /// Its code (Meta: its ID).
    pub code: String,
    /// Its name.
    pub name: String,
    /// Its language.
    pub language: String,
    /// Its review state: CAMS `pass` (approved), `fail`, `auditing` or `unaudit`; Meta's own
    /// status (`APPROVED`, `PENDING`, `REJECTED`, `PAUSED`, `DISABLED`, …).
    pub audit_status: String,
    /// Whether the provider lets it be sent now (Meta: its status is `APPROVED`).
    pub allow_send: bool,
    /// Its category, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub category: Option<String>,
    /// Its kind (`WHATSAPP`, `VIBER`), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub template_type: Option<String>,
    /// Why the review refused it (Meta: its `rejected_reason`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub reason: Option<String>,
    /// Its quality: `GREEN`, `YELLOW`, `RED` or `UNKNOWN`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub quality_score: Option<String>,
    /// How long a send of it may wait for delivery, in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub message_send_ttl_seconds: Option<u64>,
    /// An example value of each variable, by name (Meta: the body's variables, `1`, `2`, … when
    /// positional).
    #[serde(default, skip_serializing_if = "HashMap::is_empty")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub example: HashMap<String, String>,
    /// Its header, body, footer and buttons, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub components: Vec<TemplateComponent>,
}

/// One part of a template: as a template's detail reads it, and as a new or changed template
/// writes it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TemplateComponent {
    /// `HEADER`, `BODY`, `FOOTER`, `BUTTONS`, `CAROUSEL` or `LIMITED_TIME_OFFER`.
    pub kind: String,
    /// A header's format: `TEXT`, `IMAGE`, `VIDEO`, `DOCUMENT` or `LOCATION`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub format: Option<String>,
    /// Its text, with its variables.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub text: Option<String>,
    /// A media header's URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub url: Option<String>,
    /// A media header's caption.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub caption: Option<String>,
    /// A document header's file name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub file_name: Option<String>,
    /// The buttons of a `BUTTONS` component.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub buttons: Vec<TemplateButton>,
}

impl TemplateComponent {
    /// A component of kind `kind` (`HEADER`, `BODY`, `FOOTER`) with `text` and nothing else; a
    /// `HEADER` is a `TEXT` one.
    pub fn text(kind: impl Into<String>, text: impl Into<String>) -> Self {
        let kind = kind.into();
        let format = (kind == "HEADER").then(|| "TEXT".to_owned());
        Self { kind, format, text: Some(text.into()), url: None, caption: None, file_name: None, buttons: Vec::new() }
    }

    /// A `BUTTONS` component holding `buttons`.
    pub fn buttons(buttons: Vec<TemplateButton>) -> Self {
        Self { text: None, buttons, ..Self::text("BUTTONS", "") }
    }
}

/// One button of a template.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TemplateButton {
    /// `PHONE_NUMBER`, `URL`, `QUICK_REPLY`, `COPY_CODE`, `ONE_TAP`, `ZERO_TAP`, `MPM`,
    /// `CATALOG` or `FLOW`.
    pub kind: String,
    /// Its label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub text: Option<String>,
    /// A URL button's address (with its variable when `urlType` is `dynamic`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub url: Option<String>,
    /// A URL button's kind: `static` or `dynamic`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub url_type: Option<String>,
    /// A call button's number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub phone_number: Option<String>,
    /// A flow button's flow.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub flow_id: Option<String>,
}

impl TemplateButton {
    /// A button of kind `kind` (`QUICK_REPLY`, `URL`, …) labelled `text`, and nothing else.
    pub fn labelled(kind: impl Into<String>, text: impl Into<String>) -> Self {
        Self {
            kind: kind.into(),
            text: Some(text.into()),
            url: None,
            url_type: None,
            phone_number: None,
            flow_id: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;

    #[test]
    fn queries_read_with_defaults_and_refs_name_one_template() {
        let query: TemplateQuery = serde_json::from_str("{}").unwrap();
        assert_eq!(query, TemplateQuery::all());
        assert!(query.check().is_ok());
        assert!(TemplateRef::code("744c", "en").check().is_ok());
        let nameless = TemplateRef { code: Some(" ".into()), ..TemplateRef::code("x", "en") };
        let languageless = TemplateRef::code("744c", "");
        for bad in [nameless, languageless] {
            assert_eq!(bad.check().unwrap_err().code(), ErrorCode::InvalidParameter, "{bad:?}");
        }
    }
}
