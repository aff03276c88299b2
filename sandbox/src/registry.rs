//! Checks against the registry (channel instances and business numbers from the
//! configuration, templates from [`crate::templates`]) and the two template reads,
//! `ListChatappTemplate` and `GetChatappTemplateDetail`.
//!
//! Codes where CAMS documents one are CAMS's (`Authentication.NoAuth`,
//! `InvalidParameter.PhoneNumberError`, `DetailError.TemplateNotExist`,
//! `InvalidParameter.PageInvalid`). Where the real code is not documented the sandbox uses
//! `InvalidParameter.TemplateNotApproved` and `InvalidParameter.TemplateParamsMismatch`
//! [UNVERIFIED spellings, chosen here].

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::config::SandboxConfig;
use crate::page::Page;
use crate::send::Refusal;
use crate::templates::Catalog;

/// Code for a template that exists but is not approved.
pub const NOT_APPROVED: &str = "InvalidParameter.TemplateNotApproved";
/// Code for template parameters that do not cover the template's variables.
pub const PARAMS_MISMATCH: &str = "InvalidParameter.TemplateParamsMismatch";
/// Code for an unknown template.
pub const NOT_FOUND: &str = "DetailError.TemplateNotExist";

fn refuse(code: &'static str, message: impl Into<String>) -> Result<(), Refusal> {
    Err(Refusal::Business(code, message.into()))
}

/// Checks that business number `number` may be used with channel instance `space` (or, when
/// none is named, is registered at all); anything goes when no instance is configured.
pub fn check_number(config: &SandboxConfig, space: Option<&str>, number: &str) -> Result<(), Refusal> {
    if config.cust_spaces.is_empty() {
        return Ok(());
    }
    match space {
        Some(id) => match config.cust_space(id) {
            None => refuse("Authentication.NoAuth", format!("CustSpaceId {id} is not yours.")),
            Some(space) if !space.has_number(number) => {
                refuse("InvalidParameter.PhoneNumberError", format!("{number} is not a number of {id}."))
            }
            Some(_) => Ok(()),
        },
        None if config.space_of_number(number).is_none() => {
            refuse("InvalidParameter.PhoneNumberError", format!("{number} is not a registered number."))
        }
        None => Ok(()),
    }
}

/// Checks a send against the registry; anything goes when none is configured.
pub fn check_send(config: &SandboxConfig, catalog: &Catalog, params: &BTreeMap<String, String>) -> Result<(), Refusal> {
    let get = |name: &str| params.get(name).map(String::as_str).filter(|v| !v.is_empty());
    check_number(config, get("CustSpaceId"), get("From").unwrap_or_default())?;
    let is_template = get("Type") == Some("template") || get("SenderList").is_some();
    if !is_template || !catalog.is_checked() {
        return Ok(());
    }
    let language = get("Language").unwrap_or_default();
    let Some(template) = catalog.find(get("TemplateCode"), get("TemplateName"), language).map(|t| &t.def) else {
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
pub fn list(catalog: &Catalog, params: &BTreeMap<String, String>) -> Result<Value, Refusal> {
    let page = Page::parse(params.get("Page").map_or("", String::as_str))?;
    let filter = |name: &str, value: &str| params.get(name).is_none_or(|want| want.is_empty() || want == value);
    let matching: Vec<_> = catalog
        .iter()
        .filter(|t| filter("Code", &t.def.code) && filter("Name", &t.def.name) && filter("Language", &t.def.language))
        .filter(|t| filter("AuditStatus", &t.def.audit_status) && filter("Category", &t.def.category))
        .filter(|t| filter("TemplateType", &t.def.template_type))
        .collect();
    let page: Vec<Value> = page
        .of(&matching)
        .map(|t| {
            let def = &t.def;
            json!({
                "TemplateCode": def.code, "TemplateName": def.name, "Language": def.language,
                "AuditStatus": def.audit_status, "Category": def.category, "TemplateType": def.template_type,
                "Reason": "", "LastUpdateTime": t.updated_ms,
            })
        })
        .collect();
    Ok(json!({ "Success": true, "Total": matching.len(), "ListTemplate": page }))
}

/// The body of a `GetChatappTemplateDetail` answer.
pub fn detail(catalog: &Catalog, params: &BTreeMap<String, String>) -> Result<Value, Refusal> {
    let get = |name: &str| params.get(name).map(String::as_str).filter(|v| !v.is_empty());
    let Some(language) = get("Language") else { return Err(Refusal::Missing("Language")) };
    let template = &catalog
        .find(get("TemplateCode"), get("TemplateName"), language)
        .ok_or(Refusal::Business(NOT_FOUND, "The template does not exist.".into()))?
        .def;
    let mut components = template.components.clone();
    if components.is_empty() {
        components.push(json!({ "Type": "BODY", "Text": template.body }));
        if !template.buttons.is_empty() {
            components.push(json!({ "Type": "BUTTONS", "Buttons": template.buttons }));
        }
    }
    let example: serde_json::Map<String, Value> = if template.example.is_empty() {
        template.variables.iter().map(|v| (v.clone(), Value::String(format!("<{v}>")))).collect()
    } else {
        template.example.iter().map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect()
    };
    let mut data = json!({
        "TemplateCode": template.code, "Name": template.name, "Language": template.language,
        "Category": template.category, "AuditStatus": template.audit_status, "Reason": "",
        "QualityScore": "GREEN", "AllowSend": template.audit_status == "pass",
        "Components": components, "Example": example, "TemplateType": template.template_type,
    });
    if let Some(seconds) = template.message_send_ttl_seconds {
        data["MessageSendTtlSeconds"] = json!(seconds);
    }
    Ok(json!({ "Success": true, "Data": data }))
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::page::PAGE_INVALID;
    use crate::templates::Templates;

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

    fn templates(config: &SandboxConfig) -> Templates {
        Templates::new(&config.templates, Duration::ZERO)
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
        let config = config();
        let registry = templates(&config);
        let catalog = registry.lock();
        let send = |extra: &[(&str, &str)]| code(check_send(&config, &catalog, &params(&[&base[..], extra].concat())));
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
        assert_eq!(code(check_send(&config, &catalog, &stranger)), "InvalidParameter.PhoneNumberError");
        let mass = params(&[
            ("From", "8613800000000"),
            ("TemplateCode", "C1"),
            ("Language", "en"),
            ("SenderList", r#"[{"To":"1","TemplateParams":{"name":"A"}},{"To":"2"}]"#),
        ]);
        assert_eq!(code(check_send(&config, &catalog, &mass)), PARAMS_MISMATCH);
        assert_eq!(
            code(check_send(&SandboxConfig::default(), &templates(&SandboxConfig::default()).lock(), &stranger)),
            "OK"
        );
    }

    #[test]
    fn lists_and_details_come_from_the_registry() {
        let registry = templates(&config());
        let catalog = registry.lock();
        let all = list(&catalog, &params(&[("Page", r#"{"Index":1,"Size":10}"#)])).unwrap();
        assert_eq!(all["Total"], 2);
        let approved =
            list(&catalog, &params(&[("Page", r#"{"Index":1,"Size":1}"#), ("AuditStatus", "pass")])).unwrap();
        assert_eq!(approved["ListTemplate"][0]["TemplateCode"], "C1");
        assert_eq!(approved["ListTemplate"][0]["TemplateType"], "WHATSAPP");
        let viber = list(&catalog, &params(&[("Page", r#"{"Index":1,"Size":10}"#), ("TemplateType", "VIBER")]));
        assert_eq!(viber.unwrap()["Total"], 0);
        assert!(matches!(list(&catalog, &params(&[])), Err(Refusal::Business(PAGE_INVALID, _))));
        let detail = detail(&catalog, &params(&[("TemplateCode", "C1"), ("Language", "en")])).unwrap();
        assert_eq!(detail["Data"]["Components"][0]["Text"], "Hi $(name)");
        assert_eq!(detail["Data"]["AllowSend"], true);
        assert_eq!(
            (&detail["Data"]["TemplateType"], &detail["Data"]["Example"]["name"]),
            (&json!("WHATSAPP"), &json!("<name>"))
        );
        assert!(matches!(
            super::detail(&catalog, &params(&[("TemplateCode", "C1")])),
            Err(Refusal::Missing("Language"))
        ));
    }
}
