//! `CreateChatappTemplate`, `ModifyChatappTemplate` and `DeleteChatappTemplate` on the
//! run-time registry ([`crate::templates`]).
//!
//! Required parameters are the SDK model's (operations.md): missing ones are HTTP 400
//! `MissingParameter`. Component rules and their codes are CAMS's documented ones
//! (`InvalidParameter.MessageInvalid` for `{{1}}` placeholders or a component without `Type`,
//! `.HeaderMoreVarable`, `.FooterHaveVariable`, `.ButtonTextHaveVariable`, `.UrlMoreVarable`,
//! `.TemplateNameExist`, `.TemplateTypeNotSupport`, `DelError.TemplateNotExist`); a body that
//! is not a JSON array of components, an `Example` that is not a JSON object of strings, a
//! `MessageSendTtlSeconds` that is not a number, or an unknown WhatsApp category, is
//! `InvalidParameter.CreateError`, and a header in an `AUTHENTICATION` template (which the SDK
//! documentation forbids) `InvalidParameter.HeaderTypeNotSupport` [UNVERIFIED: which codes
//! CAMS gives there].
//!
//! A template's code is shared by its languages: creating a name that exists in another
//! language adds that language under the same code. New codes are 18 digits, like CAMS's.
//! Created and modified templates go (back) to `auditing` until reviewed. A template keeps
//! its `TemplateType`, `Example` and `MessageSendTtlSeconds` for the list and the detail; a
//! deletion removes only templates of the `TemplateType` it names.

use std::collections::BTreeMap;
use std::time::Instant;

use rand::Rng;
use serde_json::{Value, json};

use crate::callbacks::epoch_ms;
use crate::config::TemplateDef;
use crate::registry::NOT_FOUND;
use crate::send::{self, Refusal};
use crate::templates::{Template, Templates};

/// Code for a `DeleteChatappTemplate` of an unknown template (CAMS's own).
pub const DELETE_NOT_FOUND: &str = "DelError.TemplateNotExist";
const CREATE_ERROR: &str = "InvalidParameter.CreateError";
const MESSAGE_INVALID: &str = "InvalidParameter.MessageInvalid";

fn business(code: &'static str, message: impl Into<String>) -> Refusal {
    Refusal::Business(code, message.into())
}

/// The body of a `CreateChatappTemplate` answer: `Data` {`TemplateCode`, `TemplateName`}.
pub fn create(templates: &Templates, params: &BTreeMap<String, String>) -> Result<Value, Refusal> {
    let [kind, name, language, category, components] =
        send::required(params, ["TemplateType", "Name", "Language", "Category", "Components"])?;
    if !["WHATSAPP", "VIBER"].contains(&kind) {
        return Err(business(
            "InvalidParameter.TemplateTypeNotSupport",
            format!("TemplateType {kind} is not supported."),
        ));
    }
    if kind == "WHATSAPP" && !["UTILITY", "MARKETING", "AUTHENTICATION"].contains(&category) {
        return Err(business(CREATE_ERROR, format!("Category {category} is not a WhatsApp template category.")));
    }
    let components = read_components(components)?;
    check_category(category, &components)?;
    let (example, ttl) = (read_example(params)?, read_ttl(params)?);
    let mut catalog = templates.lock();
    if catalog.find(None, Some(name), language).is_some() {
        return Err(business("InvalidParameter.TemplateNameExist", format!("Template {name} exists in {language}.")));
    }
    let code = catalog.iter().find(|t| t.def.name == name).map_or_else(new_code, |t| t.def.code.clone());
    let def = TemplateDef {
        code: code.clone(),
        name: name.to_owned(),
        language: language.to_owned(),
        category: category.to_owned(),
        audit_status: String::new(),
        variables: Vec::new(),
        buttons: Vec::new(),
        body: String::new(),
        components: Vec::new(),
        template_type: kind.to_owned(),
        example: example.unwrap_or_default(),
        message_send_ttl_seconds: ttl,
    };
    catalog.add(Template::submitted(with_components(def, components), epoch_ms(), Instant::now() + templates.review()));
    Ok(json!({ "Success": true, "Data": { "TemplateCode": code, "TemplateName": name } }))
}

/// The body of a `ModifyChatappTemplate` answer: the template (by `TemplateCode` or
/// `TemplateName`, in `Language`) gets the new `Components` (and `Example` and
/// `MessageSendTtlSeconds`, when given) and goes back to review.
pub fn modify(templates: &Templates, params: &BTreeMap<String, String>) -> Result<Value, Refusal> {
    let get = |name: &str| params.get(name).map(String::as_str).filter(|v| !v.is_empty());
    let (code, name) = (get("TemplateCode"), get("TemplateName"));
    if code.is_none() && name.is_none() {
        return Err(Refusal::Missing("TemplateCode"));
    }
    let [language, components] = send::required(params, ["Language", "Components"])?;
    let components = read_components(components)?;
    let (example, ttl) = (read_example(params)?, read_ttl(params)?);
    let mut catalog = templates.lock();
    let template = catalog
        .find_mut(code, name, language)
        .ok_or_else(|| business(NOT_FOUND, format!("No template with this code or name in language {language}.")))?;
    check_category(&template.def.category, &components)?;
    let mut def = with_components(template.def.clone(), components);
    def.example = example.unwrap_or(def.example);
    def.message_send_ttl_seconds = ttl.or(def.message_send_ttl_seconds);
    *template = Template::submitted(def, epoch_ms(), Instant::now() + templates.review());
    let data = json!({ "TemplateCode": template.def.code, "TemplateName": template.def.name });
    Ok(json!({ "Success": true, "Data": data }))
}

/// The body of a `DeleteChatappTemplate` answer: the template of `TemplateType` (by
/// `TemplateCode` or `TemplateName`) goes in `Language`, or in every language when none is
/// given.
pub fn delete(templates: &Templates, params: &BTreeMap<String, String>) -> Result<Value, Refusal> {
    let get = |name: &str| params.get(name).map(String::as_str).filter(|v| !v.is_empty());
    let [kind] = send::required(params, ["TemplateType"])?;
    let (code, name) = (get("TemplateCode"), get("TemplateName"));
    if code.is_none() && name.is_none() {
        return Err(Refusal::Missing("TemplateCode"));
    }
    if templates.lock().remove(kind, code, name, get("Language")) == 0 {
        return Err(business(DELETE_NOT_FOUND, "The template to delete does not exist."));
    }
    Ok(json!({ "Success": true }))
}

/// An `AUTHENTICATION` template has no header (SDK documentation of `Components`).
fn check_category(category: &str, components: &[Value]) -> Result<(), Refusal> {
    if category == "AUTHENTICATION" && components.iter().any(|c| c["Type"] == "HEADER") {
        return Err(business("InvalidParameter.HeaderTypeNotSupport", "An AUTHENTICATION template has no header."));
    }
    Ok(())
}

/// `Example`, a JSON object of strings, when given.
fn read_example(params: &BTreeMap<String, String>) -> Result<Option<BTreeMap<String, String>>, Refusal> {
    let Some(text) = params.get("Example").filter(|v| !v.is_empty()) else { return Ok(None) };
    serde_json::from_str(text)
        .map(Some)
        .map_err(|_| business(CREATE_ERROR, "Example must be a JSON object of strings."))
}

/// `MessageSendTtlSeconds`, a whole number, when given.
fn read_ttl(params: &BTreeMap<String, String>) -> Result<Option<u64>, Refusal> {
    let Some(text) = params.get("MessageSendTtlSeconds").filter(|v| !v.is_empty()) else { return Ok(None) };
    text.parse().map(Some).map_err(|_| business(CREATE_ERROR, "MessageSendTtlSeconds must be a whole number."))
}

/// `def` with these components: its body, buttons and variables read from them.
fn with_components(mut def: TemplateDef, components: Vec<Value>) -> TemplateDef {
    let of_type = |kind: &str| components.iter().find(|c| c["Type"] == kind);
    def.body = of_type("BODY").and_then(|c| c["Text"].as_str()).unwrap_or_default().to_owned();
    def.buttons = of_type("BUTTONS").and_then(|c| c["Buttons"].as_array()).cloned().unwrap_or_default();
    def.variables = Vec::new();
    for component in &components {
        for name in strings(component).flat_map(placeholders) {
            if !def.variables.contains(&name) {
                def.variables.push(name);
            }
        }
    }
    def.components = components;
    def
}

/// Reads `Components` (a JSON array) and checks CAMS's rules on it.
fn read_components(text: &str) -> Result<Vec<Value>, Refusal> {
    let Ok(Value::Array(components)) = serde_json::from_str::<Value>(text) else {
        return Err(business(CREATE_ERROR, "Components must be a JSON array of components."));
    };
    for component in &components {
        let Some(kind) = component.get("Type").and_then(Value::as_str) else {
            return Err(business(MESSAGE_INVALID, "Every component needs a Type."));
        };
        if strings(component).any(|s| s.contains("{{")) {
            return Err(business(MESSAGE_INVALID, "Numbered placeholders like {{1}} are not supported: use $(name)."));
        }
        let text = component["Text"].as_str().unwrap_or_default();
        match kind {
            "HEADER" if placeholders(text).len() > 1 => {
                return Err(business("InvalidParameter.HeaderMoreVarable", "A header has at most one variable."));
            }
            "FOOTER" if !placeholders(text).is_empty() => {
                return Err(business("InvalidParameter.FooterHaveVariable", "A footer has no variables."));
            }
            "BUTTONS" => {
                for button in component["Buttons"].as_array().into_iter().flatten() {
                    if !placeholders(button["Text"].as_str().unwrap_or_default()).is_empty() {
                        return Err(business(
                            "InvalidParameter.ButtonTextHaveVariable",
                            "Button texts have no variables.",
                        ));
                    }
                    if placeholders(button["Url"].as_str().unwrap_or_default()).len() > 1 {
                        return Err(business("InvalidParameter.UrlMoreVarable", "A URL has at most one variable."));
                    }
                }
            }
            _ => {}
        }
    }
    if !components.iter().any(|c| c["Type"] == "BODY") {
        return Err(business(MESSAGE_INVALID, "A template needs a BODY component."));
    }
    Ok(components)
}

/// Every string inside `value`, however deep.
fn strings(value: &Value) -> Box<dyn Iterator<Item = &str> + '_> {
    match value {
        Value::String(s) => Box::new(std::iter::once(s.as_str())),
        Value::Array(items) => Box::new(items.iter().flat_map(strings)),
        Value::Object(fields) => Box::new(fields.values().flat_map(strings)),
        _ => Box::new(std::iter::empty()),
    }
}

/// The variable names of the `$(name)` placeholders in `text`, in order.
fn placeholders(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("$(") {
        let Some(len) = rest[start + 2..].find(')') else { break };
        names.push(rest[start + 2..start + 2 + len].to_owned());
        rest = &rest[start + 3 + len..];
    }
    names
}

/// A new template code: 18 digits.
fn new_code() -> String {
    let mut rng = rand::rng();
    (0..18).map(|i| char::from(b'0' + rng.random_range(u8::from(i == 0)..10))).collect()
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn params(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    const BODY: &str = r#"[{"Type":"HEADER","Format":"TEXT","Text":"Order $(order)"},
        {"Type":"BODY","Text":"Hi $(name), order $(order) shipped."},
        {"Type":"BUTTONS","Buttons":[{"Type":"URL","Text":"Track","Url":"https://t.example/$(order)"}]}]"#;

    fn created(templates: &Templates, name: &str, language: &str) -> Result<Value, Refusal> {
        let base = [("TemplateType", "WHATSAPP"), ("Category", "UTILITY"), ("Components", BODY)];
        create(templates, &params(&[&base[..], &[("Name", name), ("Language", language)]].concat()))
    }

    fn outcome(result: Result<Value, Refusal>) -> &'static str {
        match result {
            Ok(_) => "OK",
            Err(Refusal::Missing(name)) => name,
            Err(Refusal::Business(code, _)) => code,
        }
    }

    #[test]
    fn create_adds_an_auditing_template_whose_languages_share_a_code() {
        let templates = Templates::new(&[], Duration::from_secs(60));
        let data = created(&templates, "shipped", "en").unwrap()["Data"].clone();
        let code = data["TemplateCode"].as_str().unwrap().to_owned();
        assert!(code.len() == 18 && code.bytes().all(|b| b.is_ascii_digit()), "{code}");
        assert_eq!(data["TemplateName"], "shipped");
        let french = created(&templates, "shipped", "fr").unwrap();
        assert_eq!(french["Data"]["TemplateCode"].as_str(), Some(code.as_str()));
        assert_eq!(outcome(created(&templates, "shipped", "en")), "InvalidParameter.TemplateNameExist");
        let catalog = templates.lock();
        let def = &catalog.find(Some(&code), None, "en").unwrap().def;
        assert_eq!((def.audit_status.as_str(), def.body.as_str()), ("auditing", "Hi $(name), order $(order) shipped."));
        assert_eq!(def.variables, ["order", "name"]);
        assert_eq!(def.buttons[0]["Text"], "Track");
    }

    #[test]
    fn create_refuses_what_cams_refuses() {
        let templates = Templates::new(&[], Duration::ZERO);
        let with = |pairs: &[(&str, &str)]| {
            let base = [("Name", "n"), ("Language", "en"), ("Category", "UTILITY"), ("TemplateType", "WHATSAPP")];
            outcome(create(&templates, &params(&[&base[..], pairs].concat())))
        };
        let components = |json: &str| with(&[("Components", json)]);
        assert_eq!(with(&[]), "Components");
        assert_eq!(components("{}"), CREATE_ERROR);
        assert_eq!(components(r#"[{"Text":"x"}]"#), MESSAGE_INVALID);
        assert_eq!(components(r#"[{"Type":"BODY","Text":"Hi {{1}}"}]"#), MESSAGE_INVALID);
        assert_eq!(components(r#"[{"Type":"FOOTER","Text":"x"}]"#), MESSAGE_INVALID);
        let body = r#"{"Type":"BODY","Text":"x"}"#;
        let also = |component: &str| components(&format!("[{body},{component}]"));
        assert_eq!(also(r#"{"Type":"HEADER","Text":"$(a) $(b)"}"#), "InvalidParameter.HeaderMoreVarable");
        assert_eq!(also(r#"{"Type":"FOOTER","Text":"$(a)"}"#), "InvalidParameter.FooterHaveVariable");
        assert_eq!(
            also(r#"{"Type":"BUTTONS","Buttons":[{"Type":"QUICK_REPLY","Text":"$(a)"}]}"#),
            "InvalidParameter.ButtonTextHaveVariable"
        );
        assert_eq!(
            also(r#"{"Type":"BUTTONS","Buttons":[{"Type":"URL","Text":"a","Url":"https://x/$(a)/$(b)"}]}"#),
            "InvalidParameter.UrlMoreVarable"
        );
        assert_eq!(components(&format!("[{body}]")), "OK");
        let kind = |kind: &str, category: &str| {
            let base = [("Name", "m"), ("Language", "en"), ("Components", r#"[{"Type":"BODY","Text":"x"}]"#)];
            outcome(create(
                &templates,
                &params(&[&base[..], &[("TemplateType", kind), ("Category", category)]].concat()),
            ))
        };
        assert_eq!(kind("SMS", "UTILITY"), "InvalidParameter.TemplateTypeNotSupport");
        assert_eq!(kind("WHATSAPP", "PROMO"), CREATE_ERROR);
        let auth = [("Name", "otp"), ("TemplateType", "WHATSAPP"), ("Category", "AUTHENTICATION")];
        let header = r#"[{"Type":"HEADER","Format":"TEXT","Text":"Code"},{"Type":"BODY"}]"#;
        let auth = |pairs: &[(&str, &str)]| outcome(create(&templates, &params(&[&auth[..], pairs].concat())));
        assert_eq!(auth(&[("Language", "en"), ("Components", header)]), "InvalidParameter.HeaderTypeNotSupport");
        let body = r#"[{"Type":"BODY"}]"#;
        assert_eq!(auth(&[("Language", "en"), ("Components", body), ("Example", "[1]")]), CREATE_ERROR);
        assert_eq!(auth(&[("Language", "en"), ("Components", body), ("MessageSendTtlSeconds", "ten")]), CREATE_ERROR);
    }

    #[test]
    fn a_template_keeps_its_kind_example_and_ttl() {
        let templates = Templates::new(&[], Duration::ZERO);
        let given = [
            ("Name", "promo"),
            ("Language", "en"),
            ("TemplateType", "VIBER"),
            ("Category", "MARKETING"),
            ("Components", r#"[{"Type":"BODY","Text":"Hi $(name)"}]"#),
            ("Example", r#"{"name":"Ada"}"#),
            ("MessageSendTtlSeconds", "600"),
        ];
        let code = create(&templates, &params(&given)).unwrap()["Data"]["TemplateCode"].as_str().unwrap().to_owned();
        let def = templates.lock().find(Some(&code), None, "en").unwrap().def.clone();
        assert_eq!(def.template_type, "VIBER");
        assert_eq!(def.example.get("name").map(String::as_str), Some("Ada"));
        assert_eq!(def.message_send_ttl_seconds, Some(600));
        let whatsapp = params(&[("TemplateType", "WHATSAPP"), ("TemplateCode", &code)]);
        assert_eq!(outcome(delete(&templates, &whatsapp)), DELETE_NOT_FOUND, "a deletion names the kind");
        assert_eq!(outcome(delete(&templates, &params(&[("TemplateType", "VIBER"), ("TemplateName", "promo")]))), "OK");
    }

    #[test]
    fn modify_resubmits_and_delete_removes_a_language_or_all() {
        let templates = Templates::new(&[], Duration::ZERO);
        let code = created(&templates, "shipped", "en").unwrap()["Data"]["TemplateCode"].as_str().unwrap().to_owned();
        let code = code.as_str();
        created(&templates, "shipped", "fr").unwrap();
        assert_eq!(templates.lock().find(Some(code), None, "en").unwrap().def.audit_status, "pass");
        let body = r#"[{"Type":"BODY","Text":"Bye $(who)"}]"#;
        let modify = |pairs: &[(&str, &str)]| outcome(modify(&templates, &params(pairs)));
        assert_eq!(modify(&[("TemplateCode", code), ("Language", "en"), ("Components", body)]), "OK");
        assert_eq!(templates.lock().find(Some(code), None, "en").unwrap().def.variables, ["who"]);
        assert_eq!(modify(&[("TemplateCode", code), ("Language", "de"), ("Components", body)]), NOT_FOUND);
        assert_eq!(modify(&[("Language", "en"), ("Components", body)]), "TemplateCode");
        assert_eq!(modify(&[("TemplateName", "shipped"), ("Language", "en")]), "Components");
        let delete = |pairs: &[(&str, &str)]| outcome(delete(&templates, &params(pairs)));
        assert_eq!(delete(&[("TemplateCode", code)]), "TemplateType");
        assert_eq!(delete(&[("TemplateType", "WHATSAPP"), ("TemplateCode", code), ("Language", "fr")]), "OK");
        assert!(templates.lock().find(Some(code), None, "en").is_some());
        assert_eq!(delete(&[("TemplateType", "WHATSAPP"), ("TemplateName", "shipped")]), "OK");
        assert_eq!(delete(&[("TemplateType", "WHATSAPP"), ("TemplateCode", code)]), DELETE_NOT_FOUND);
    }

    #[test]
    fn placeholders_are_dollar_parenthesised_names() {
        assert_eq!(placeholders("$(a) and $(b_2) but not $(c"), ["a", "b_2"]);
        assert!(placeholders("none").is_empty());
    }
}
