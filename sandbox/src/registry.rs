//! Checks against the configured registry (channel instances, business numbers, templates)
//! and the two template operations, `ListChatappTemplate` and `GetChatappTemplateDetail`.
//!
//! Codes where CAMS documents one are CAMS's (`Authentication.NoAuth`,
//! `InvalidParameter.PhoneNumberError`, `DetailError.TemplateNotExist`,
//! `InvalidParameter.PageInvalid`). Where the real code is not documented the sandbox uses
//! `InvalidParameter.TemplateNotApproved` and `InvalidParameter.TemplateParamsMismatch`
//! [UNVERIFIED spellings, chosen here].

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::config::{SandboxConfig, TemplateDef};
use crate::send::Refusal;

/// Code for a template that exists but is not approved.
pub const NOT_APPROVED: &str = "InvalidParameter.TemplateNotApproved";
/// Code for template parameters that do not cover the template's variables.
pub const PARAMS_MISMATCH: &str = "InvalidParameter.TemplateParamsMismatch";
/// Code for an unknown template.
pub const NOT_FOUND: &str = "DetailError.TemplateNotExist";

fn refuse(code: &'static str, message: impl Into<String>) -> Result<(), Refusal> {
    Err(Refusal::Business(code, message.into()))
}

/// Checks a send against the registry; anything goes when none is configured.
pub fn check_send(config: &SandboxConfig, params: &BTreeMap<String, String>) -> Result<(), Refusal> {
    let get = |name: &str| params.get(name).map(String::as_str).filter(|v| !v.is_empty());
    if !config.cust_spaces.is_empty() {
        let from = get("From").unwrap_or_default();
        match get("CustSpaceId") {
            Some(id) => match config.cust_space(id) {
                None => return refuse("Authentication.NoAuth", format!("CustSpaceId {id} is not yours.")),
                Some(space) if !space.numbers.iter().any(|n| n == from) => {
                    return refuse("InvalidParameter.PhoneNumberError", format!("{from} is not a number of {id}."));
                }
                Some(_) => {}
            },
            None if config.space_of_number(from).is_none() => {
                return refuse("InvalidParameter.PhoneNumberError", format!("{from} is not a registered number."));
            }
            None => {}
        }
    }
    let is_template = get("Type") == Some("template") || get("SenderList").is_some();
    if !is_template || config.templates.is_empty() {
        return Ok(());
    }
    let language = get("Language").unwrap_or_default();
    let Some(template) = config.template(get("TemplateCode"), get("TemplateName"), language) else {
        return refuse(NOT_FOUND, format!("No template with this code or name in language {language}."));
    };
    if template.audit_status != "pass" {
        return refuse(NOT_APPROVED, format!("Template {} is {}, not approved.", template.code, template.audit_status));
    }
    let parameter_sets: Vec<Value> = match get("SenderList") {
        Some(list) => serde_json::from_str::<Vec<Value>>(list)
            .unwrap_or_default()
            .into_iter()
            .map(|sender| sender.get("TemplateParams").cloned().unwrap_or(Value::Null))
            .collect(),
        None => vec![get("TemplateParams").and_then(|p| serde_json::from_str(p).ok()).unwrap_or(Value::Null)],
    };
    for given in parameter_sets {
        if let Some(missing) = template.variables.iter().find(|v| given.get(v.as_str()).is_none()) {
            return refuse(PARAMS_MISMATCH, format!("TemplateParams has no value for ${missing}."));
        }
    }
    Ok(())
}

/// The body of a `ListChatappTemplate` answer (`Page` = `{"Index":1,"Size":10}`).
pub fn list(config: &SandboxConfig, params: &BTreeMap<String, String>) -> Result<Value, Refusal> {
    let page: Value = params
        .get("Page")
        .and_then(|p| serde_json::from_str(p).ok())
        .ok_or(Refusal::Business("InvalidParameter.PageInvalid", "Page must be {\"Index\":n,\"Size\":m}.".into()))?;
    let (Some(index), Some(size)) = (page["Index"].as_u64(), page["Size"].as_u64()) else {
        return Err(Refusal::Business("InvalidParameter.PageInvalid", "Page needs Index and Size.".into()));
    };
    if index == 0 || size == 0 {
        return Err(Refusal::Business("InvalidParameter.PageInvalid", "Index and Size start at 1.".into()));
    }
    let filter = |name: &str, value: &str| params.get(name).is_none_or(|want| want.is_empty() || want == value);
    let matching: Vec<&TemplateDef> = config
        .templates
        .iter()
        .filter(|t| filter("Code", &t.code) && filter("Name", &t.name) && filter("Language", &t.language))
        .filter(|t| filter("AuditStatus", &t.audit_status) && filter("Category", &t.category))
        .collect();
    let start = usize::try_from((index - 1).saturating_mul(size)).unwrap_or(usize::MAX);
    let page: Vec<Value> = matching
        .iter()
        .skip(start)
        .take(usize::try_from(size).unwrap_or(usize::MAX))
        .map(|t| {
            json!({
                "TemplateCode": t.code, "TemplateName": t.name, "Language": t.language,
                "AuditStatus": t.audit_status, "Category": t.category, "TemplateType": "WHATSAPP",
                "Reason": "", "LastUpdateTime": 0,
            })
        })
        .collect();
    Ok(json!({ "Success": true, "Total": matching.len(), "ListTemplate": page }))
}

/// The body of a `GetChatappTemplateDetail` answer.
pub fn detail(config: &SandboxConfig, params: &BTreeMap<String, String>) -> Result<Value, Refusal> {
    let get = |name: &str| params.get(name).map(String::as_str).filter(|v| !v.is_empty());
    let Some(language) = get("Language") else { return Err(Refusal::Missing("Language")) };
    let template = config
        .template(get("TemplateCode"), get("TemplateName"), language)
        .ok_or(Refusal::Business(NOT_FOUND, "The template does not exist.".into()))?;
    let mut components = vec![json!({ "Type": "BODY", "Text": template.body })];
    if !template.buttons.is_empty() {
        components.push(json!({ "Type": "BUTTONS", "Buttons": template.buttons }));
    }
    let example: serde_json::Map<String, Value> =
        template.variables.iter().map(|v| (v.clone(), Value::String(format!("<{v}>")))).collect();
    Ok(json!({
        "Success": true,
        "Data": {
            "TemplateCode": template.code, "Name": template.name, "Language": template.language,
            "Category": template.category, "AuditStatus": template.audit_status, "Reason": "",
            "QualityScore": "GREEN", "AllowSend": template.audit_status == "pass",
            "Components": components, "Example": example,
        },
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> SandboxConfig {
        SandboxConfig::parse(
            r#"{
              "custSpaces": [{"id": "cams-1", "numbers": ["8613800000000"]}],
              "templates": [
                {"code": "C1", "name": "order", "language": "en", "variables": ["name"], "body": "Hi $(name)"},
                {"code": "C2", "name": "promo", "language": "en", "auditStatus": "auditing", "category": "MARKETING"}
              ]
            }"#,
        )
        .unwrap()
    }

    fn params(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    fn code(result: Result<(), Refusal>) -> &'static str {
        match result {
            Ok(()) => "OK",
            Err(Refusal::Business(code, _)) => code,
            Err(Refusal::Missing(name)) => name,
        }
    }

    #[test]
    fn sends_are_checked_against_numbers_and_templates() {
        let base = [("From", "8613800000000"), ("Type", "template"), ("Language", "en")];
        let send = |extra: &[(&str, &str)]| code(check_send(&config(), &params(&[&base[..], extra].concat())));
        assert_eq!(send(&[("TemplateCode", "C1"), ("TemplateParams", r#"{"name":"Ada"}"#)]), "OK");
        assert_eq!(
            send(&[("TemplateName", "order"), ("TemplateParams", r#"{"name":"Ada"}"#), ("CustSpaceId", "cams-1")]),
            "OK"
        );
        assert_eq!(send(&[("TemplateCode", "C1")]), PARAMS_MISMATCH);
        assert_eq!(send(&[("TemplateCode", "C2")]), NOT_APPROVED);
        assert_eq!(send(&[("TemplateCode", "C9")]), NOT_FOUND);
        assert_eq!(send(&[("TemplateCode", "C1"), ("CustSpaceId", "cams-x")]), "Authentication.NoAuth");
        let stranger = params(&[("From", "8613900000000"), ("Type", "message")]);
        assert_eq!(code(check_send(&config(), &stranger)), "InvalidParameter.PhoneNumberError");
        let mass = params(&[
            ("From", "8613800000000"),
            ("TemplateCode", "C1"),
            ("Language", "en"),
            ("SenderList", r#"[{"To":"1","TemplateParams":{"name":"A"}},{"To":"2"}]"#),
        ]);
        assert_eq!(code(check_send(&config(), &mass)), PARAMS_MISMATCH);
        assert_eq!(code(check_send(&SandboxConfig::default(), &stranger)), "OK");
    }

    #[test]
    fn lists_and_details_come_from_the_registry() {
        let all = list(&config(), &params(&[("Page", r#"{"Index":1,"Size":10}"#)])).unwrap();
        assert_eq!(all["Total"], 2);
        let approved =
            list(&config(), &params(&[("Page", r#"{"Index":1,"Size":1}"#), ("AuditStatus", "pass")])).unwrap();
        assert_eq!(approved["ListTemplate"][0]["TemplateCode"], "C1");
        assert!(matches!(list(&config(), &params(&[])), Err(Refusal::Business("InvalidParameter.PageInvalid", _))));
        let detail = detail(&config(), &params(&[("TemplateCode", "C1"), ("Language", "en")])).unwrap();
        assert_eq!(detail["Data"]["Components"][0]["Text"], "Hi $(name)");
        assert_eq!(detail["Data"]["AllowSend"], true);
        assert!(matches!(
            super::detail(&config(), &params(&[("TemplateCode", "C1")])),
            Err(Refusal::Missing("Language"))
        ));
    }
}
