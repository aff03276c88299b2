//! Template management: a new template submitted for review, a template's components
//! changed, a template deleted (CAMS `CreateChatappTemplate`, `ModifyChatappTemplate`,
//! `DeleteChatappTemplate`).
//!
//! Components are the records a template's detail reads ([`TemplateComponent`],
//! [`TemplateButton`]), so what was read can be written back. The checks here are the
//! documented ones (`spec/sdk_introspection/operations.md`), made before anything is sent:
//! each refusal is an [`crate::ErrorCode::InvalidParameter`] naming its field. These are
//! writes: an attempt that may have reached the provider is never repeated.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::{TemplateButton, TemplateComponent, invalid};
use crate::error::Error;

/// The template categories: `UTILITY`, `MARKETING`, `AUTHENTICATION`.
pub const TEMPLATE_CATEGORIES: [&str; 3] = ["UTILITY", "MARKETING", "AUTHENTICATION"];
/// The template kinds: `WHATSAPP` (the default), `VIBER`.
pub const TEMPLATE_TYPES: [&str; 2] = ["WHATSAPP", "VIBER"];
/// The component kinds chatlane writes, each at most once per template.
const COMPONENT_KINDS: [&str; 4] = ["HEADER", "BODY", "FOOTER", "BUTTONS"];
/// The button kinds a `BUTTONS` component may hold.
const BUTTON_KINDS: [&str; 9] =
    ["PHONE_NUMBER", "URL", "QUICK_REPLY", "COPY_CODE", "ONE_TAP", "ZERO_TAP", "MPM", "CATALOG", "FLOW"];

/// A template to submit for review. JSON keys are camelCase.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewTemplate {
    /// Its name; a name that exists in another language adds this language to it.
    pub name: String,
    /// Its language (e.g. `en`).
    pub language: String,
    /// `UTILITY`, `MARKETING` or `AUTHENTICATION`.
    pub category: String,
    /// Its header, body (required), footer and buttons, each at most once. CAMS names
    /// variables `$(name)`; an `AUTHENTICATION` template has no header, and its body and
    /// footer no text (the provider writes them).
    pub components: Vec<TemplateComponent>,
    /// An example value of each variable, by name, for the review.
    #[serde(default, skip_serializing_if = "HashMap::is_empty")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub example: HashMap<String, String>,
    /// `WHATSAPP` (when unset) or `VIBER`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub template_type: Option<String>,
    /// How long a send of it may wait for delivery, in seconds: 30–900 for `AUTHENTICATION`,
    /// 30–43,200 for `UTILITY`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub message_send_ttl_seconds: Option<u32>,
    /// The channel instance (`CustSpaceId`); the client's when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub cust_space_id: Option<String>,
}

impl NewTemplate {
    /// The kind it asks for: `WHATSAPP` when unset.
    pub fn template_type(&self) -> &str {
        self.template_type.as_deref().unwrap_or(TEMPLATE_TYPES[0])
    }

    /// Whether it can be submitted; an [`crate::ErrorCode::InvalidParameter`] naming the
    /// field otherwise.
    pub fn check(&self) -> Result<(), Error> {
        required("name", &self.name)?;
        required("language", &self.language)?;
        one_of("category", &self.category, &TEMPLATE_CATEGORIES)?;
        one_of("templateType", self.template_type(), &TEMPLATE_TYPES)?;
        let category = Some(self.category.as_str());
        check_components(&self.components, category, self.template_type() == "WHATSAPP")?;
        check_ttl(self.message_send_ttl_seconds, category)
    }
}

/// A template's components changed: it goes back to review. JSON keys are camelCase.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TemplateEdit {
    /// The template's code (or give `name`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub code: Option<String>,
    /// The template's name (or give `code`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub name: Option<String>,
    /// The language whose components change.
    pub language: String,
    /// Its new components, all of them, as [`NewTemplate::components`].
    pub components: Vec<TemplateComponent>,
    /// An example value of each variable, by name.
    #[serde(default, skip_serializing_if = "HashMap::is_empty")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub example: HashMap<String, String>,
    /// Its kind: only `WHATSAPP` templates can be changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub template_type: Option<String>,
    /// How long a send of it may wait for delivery, in seconds (30–43,200).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub message_send_ttl_seconds: Option<u32>,
    /// The channel instance (`CustSpaceId`); the client's when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub cust_space_id: Option<String>,
}

impl TemplateEdit {
    /// Whether it can be submitted; an [`crate::ErrorCode::InvalidParameter`] naming the
    /// field otherwise.
    pub fn check(&self) -> Result<(), Error> {
        code_or_name(self.code.as_deref(), self.name.as_deref())?;
        required("language", &self.language)?;
        if let Some(kind) = self.template_type.as_deref().filter(|kind| *kind != "WHATSAPP") {
            return Err(invalid("templateType", format!("only WHATSAPP templates can be changed, not {kind:?}")));
        }
        check_components(&self.components, None, true)?;
        check_ttl(self.message_send_ttl_seconds, None)
    }
}

/// Which template to delete: by code or name, in one language or in every one. JSON keys are
/// camelCase.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TemplateDeletion {
    /// Its code (or give `name`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub code: Option<String>,
    /// Its name (or give `code`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub name: Option<String>,
    /// The one language to delete; every language of the template when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub language: Option<String>,
    /// `WHATSAPP` (when unset) or `VIBER`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub template_type: Option<String>,
    /// The channel instance (`CustSpaceId`); the client's when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub cust_space_id: Option<String>,
}

impl TemplateDeletion {
    /// The template with code `code`, in every language.
    pub fn code(code: impl Into<String>) -> Self {
        Self { code: Some(code.into()), name: None, language: None, template_type: None, cust_space_id: None }
    }

    /// The kind it names: `WHATSAPP` when unset.
    pub fn template_type(&self) -> &str {
        self.template_type.as_deref().unwrap_or(TEMPLATE_TYPES[0])
    }

    /// Whether it names a template; an [`crate::ErrorCode::InvalidParameter`] naming the field
    /// otherwise (a blank language, too: leave it unset to delete every language).
    pub fn check(&self) -> Result<(), Error> {
        code_or_name(self.code.as_deref(), self.name.as_deref())?;
        if let Some(language) = &self.language {
            required("language", language)?;
        }
        one_of("templateType", self.template_type(), &TEMPLATE_TYPES)
    }
}

/// A template the provider took for review: what a send or a detail names it by.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(rename_all = "camelCase")]
pub struct SavedTemplate {
    /// Its code (shared by its languages).
    pub code: String,
    /// Its name.
    pub name: String,
}

/// `value` is not blank; else "`field`: required".
fn required(field: &str, value: &str) -> Result<(), Error> {
    if value.trim().is_empty() { Err(invalid(field, "required")) } else { Ok(()) }
}

/// `value` is one of `allowed`.
fn one_of(field: &str, value: &str, allowed: &[&str]) -> Result<(), Error> {
    if allowed.contains(&value) {
        return Ok(());
    }
    Err(invalid(field, format!("must be {}, not {value:?}", allowed.join(", "))))
}

/// A code or a name is given.
fn code_or_name(code: Option<&str>, name: Option<&str>) -> Result<(), Error> {
    let given = |value: Option<&str>| value.is_some_and(|v| !v.trim().is_empty());
    if given(code) || given(name) { Ok(()) } else { Err(invalid("code", "give the template's code or its name")) }
}

/// Checks components by the documented rules: a body, each kind at most once, buttons only
/// in `BUTTONS` (at most 10, 2 URL, 1 phone number), WhatsApp's text lengths (`whatsapp`),
/// and an `AUTHENTICATION` template's header-less, text-less shape when `category` says so.
fn check_components(components: &[TemplateComponent], category: Option<&str>, whatsapp: bool) -> Result<(), Error> {
    let authentication = category == Some("AUTHENTICATION");
    for (i, component) in components.iter().enumerate() {
        let field = |name: &str| format!("components[{i}].{name}");
        let kind = component.kind.as_str();
        if !COMPONENT_KINDS.contains(&kind) {
            let why = format!(
                "must be {}, not {kind:?} (carousels and offers are not supported)",
                COMPONENT_KINDS.join(", ")
            );
            return Err(invalid(&field("kind"), why));
        }
        if components[..i].iter().any(|earlier| earlier.kind == kind) {
            return Err(invalid(&field("kind"), format!("a template has one {kind}")));
        }
        let text = component.text.as_deref().unwrap_or_default();
        if authentication && kind == "HEADER" {
            return Err(invalid(&field("kind"), "an AUTHENTICATION template has no HEADER"));
        }
        if authentication && matches!(kind, "BODY" | "FOOTER") && !text.is_empty() {
            return Err(invalid(&field("text"), "an AUTHENTICATION template's text is the provider's: leave it out"));
        }
        let limit = match kind {
            "BODY" => 1024,
            _ => 60,
        };
        if whatsapp && text.chars().count() > limit {
            return Err(invalid(&field("text"), format!("a WhatsApp {kind} holds at most {limit} characters")));
        }
        check_buttons(component, &field("buttons"))?;
    }
    if !components.iter().any(|component| component.kind == "BODY") {
        return Err(invalid("components", "a template needs a BODY"));
    }
    Ok(())
}

/// A `BUTTONS` component holds 1–10 buttons of known kinds, at most 2 `URL` and 1
/// `PHONE_NUMBER`; no other component holds any.
fn check_buttons(component: &TemplateComponent, field: &str) -> Result<(), Error> {
    let buttons = &component.buttons;
    if component.kind != "BUTTONS" {
        return if buttons.is_empty() { Ok(()) } else { Err(invalid(field, "only a BUTTONS component has buttons")) };
    }
    if !(1..=10).contains(&buttons.len()) {
        return Err(invalid(field, format!("1 to 10 buttons, not {}", buttons.len())));
    }
    if let Some((j, button)) = buttons.iter().enumerate().find(|(_, b)| !BUTTON_KINDS.contains(&b.kind.as_str())) {
        let why = format!("must be {}, not {:?}", BUTTON_KINDS.join(", "), button.kind);
        return Err(invalid(&format!("{field}[{j}].kind"), why));
    }
    let count = |kind: &str| buttons.iter().filter(|b: &&TemplateButton| b.kind == kind).count();
    for (kind, most) in [("URL", 2), ("PHONE_NUMBER", 1)] {
        if count(kind) > most {
            return Err(invalid(field, format!("at most {most} {kind} button(s)")));
        }
    }
    Ok(())
}

/// A send time-to-live in its documented range: 30–900 s for `AUTHENTICATION`, else 30–43,200.
fn check_ttl(seconds: Option<u32>, category: Option<&str>) -> Result<(), Error> {
    let Some(seconds) = seconds else { return Ok(()) };
    let most = if category == Some("AUTHENTICATION") { 900 } else { 43_200 };
    if (30..=most).contains(&seconds) {
        return Ok(());
    }
    Err(invalid("messageSendTtlSeconds", format!("must be 30 to {most} seconds, not {seconds}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;

    fn component(kind: &str, text: Option<&str>) -> TemplateComponent {
        TemplateComponent { text: text.map(str::to_owned), ..TemplateComponent::text(kind, "") }
    }

    fn buttons(kinds: &[&str]) -> TemplateComponent {
        TemplateComponent::buttons(kinds.iter().map(|kind| TemplateButton::labelled(*kind, "Go")).collect())
    }

    fn template(category: &str, components: Vec<TemplateComponent>) -> NewTemplate {
        NewTemplate {
            name: "order_update".into(),
            language: "en".into(),
            category: category.into(),
            components,
            example: HashMap::new(),
            template_type: None,
            message_send_ttl_seconds: None,
            cust_space_id: None,
        }
    }

    /// The field a refusal names, or "ok".
    fn field(result: Result<(), Error>) -> String {
        match result {
            Ok(()) => "ok".into(),
            Err(error) => {
                assert_eq!(error.code(), ErrorCode::InvalidParameter, "{error}");
                error.message().split(": ").next().unwrap_or_default().to_owned()
            }
        }
    }

    #[test]
    fn a_new_template_is_checked_by_the_documented_rules() {
        let body = || component("BODY", Some("Hi $(name)"));
        let utility = |components| field(template("UTILITY", components).check());
        assert_eq!(utility(vec![component("HEADER", Some("Order")), body(), buttons(&["QUICK_REPLY", "URL"])]), "ok");
        assert_eq!(utility(vec![component("HEADER", Some("Order"))]), "components");
        assert_eq!(utility(vec![body(), body()]), "components[1].kind");
        assert_eq!(utility(vec![body(), component("CAROUSEL", None)]), "components[1].kind");
        assert_eq!(utility(vec![component("BODY", Some(&"x".repeat(1025)))]), "components[0].text");
        assert_eq!(utility(vec![body(), component("FOOTER", Some(&"x".repeat(61)))]), "components[1].text");
        assert_eq!(utility(vec![body(), buttons(&["URL", "URL", "URL"])]), "components[1].buttons");
        assert_eq!(utility(vec![body(), buttons(&["PHONE_NUMBER", "PHONE_NUMBER"])]), "components[1].buttons");
        assert_eq!(utility(vec![body(), buttons(&["QUICK_REPLY"; 11])]), "components[1].buttons");
        assert_eq!(utility(vec![body(), buttons(&[])]), "components[1].buttons");
        assert_eq!(utility(vec![body(), buttons(&["CALL"])]), "components[1].buttons[0].kind");
        let stray = TemplateComponent { buttons: buttons(&["URL"]).buttons, ..body() };
        assert_eq!(utility(vec![stray]), "components[0].buttons");

        let auth = |components| field(template("AUTHENTICATION", components).check());
        assert_eq!(auth(vec![component("BODY", None), buttons(&["COPY_CODE"])]), "ok");
        assert_eq!(auth(vec![component("HEADER", Some("Code")), component("BODY", None)]), "components[0].kind");
        assert_eq!(auth(vec![body()]), "components[0].text");

        let with = |change: fn(&mut NewTemplate)| {
            let mut new = template("MARKETING", vec![body()]);
            change(&mut new);
            field(new.check())
        };
        assert_eq!(with(|t| t.name = " ".into()), "name");
        assert_eq!(with(|t| t.language = String::new()), "language");
        assert_eq!(with(|t| t.category = "PROMO".into()), "category");
        assert_eq!(with(|t| t.template_type = Some("SMS".into())), "templateType");
        assert_eq!(with(|t| t.message_send_ttl_seconds = Some(29)), "messageSendTtlSeconds");
        assert_eq!(with(|t| t.message_send_ttl_seconds = Some(43_200)), "ok");
        let viber = |t: &mut NewTemplate| {
            t.template_type = Some("VIBER".into());
            t.components = vec![component("BODY", Some(&"x".repeat(2000)))];
        };
        assert_eq!(with(viber), "ok", "WhatsApp's lengths are WhatsApp's");
        let mut slow_code = template("AUTHENTICATION", vec![component("BODY", None)]);
        slow_code.message_send_ttl_seconds = Some(901);
        assert_eq!(field(slow_code.check()), "messageSendTtlSeconds");
    }

    #[test]
    fn edits_and_deletions_name_one_template() {
        let edit = TemplateEdit {
            code: None,
            name: Some("order_update".into()),
            language: "en".into(),
            components: vec![component("BODY", Some("Hi"))],
            example: HashMap::new(),
            template_type: None,
            message_send_ttl_seconds: None,
            cust_space_id: None,
        };
        assert_eq!(field(edit.check()), "ok");
        assert_eq!(field(TemplateEdit { name: None, ..edit.clone() }.check()), "code");
        assert_eq!(field(TemplateEdit { template_type: Some("VIBER".into()), ..edit.clone() }.check()), "templateType");
        assert_eq!(field(TemplateEdit { components: Vec::new(), ..edit }.check()), "components");

        let deletion = TemplateDeletion::code("744c");
        assert_eq!((field(deletion.check()), deletion.template_type()), ("ok".into(), "WHATSAPP"));
        assert_eq!(field(TemplateDeletion { code: Some(" ".into()), ..deletion.clone() }.check()), "code");
        assert_eq!(field(TemplateDeletion { language: Some(String::new()), ..deletion.clone() }.check()), "language");
        assert_eq!(field(TemplateDeletion { template_type: Some("SMS".into()), ..deletion }.check()), "templateType");
    }
}
