//! `CreateChatappTemplate`, `ModifyChatappTemplate` and `DeleteChatappTemplate`.
//!
//! `Components` and `Example` go as compact JSON (spec §2.1), components with the SDK
//! model's wire names in its order (alphabetical), examples sorted by variable name.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use super::{cust_space, read};
use crate::cams::wire::{Params, json_value};
use crate::error::{Error, ErrorCode};
use crate::ops::{
    NewTemplate, SavedTemplate, TemplateButton, TemplateComponent, TemplateDeletion, TemplateEdit, invalid,
};

/// The wire parameters of `template`, with `default_space` as the `CustSpaceId` it leaves unset.
pub fn create_template(template: &NewTemplate, default_space: Option<&str>) -> Result<Params, Error> {
    template.check()?;
    let mut params = Params::default();
    cust_space(&mut params, template.cust_space_id.as_deref(), default_space);
    params.push("Name", template.name.as_str());
    params.push("Language", template.language.as_str());
    params.push("Category", template.category.as_str());
    params.push("TemplateType", template.template_type());
    push_content(&mut params, &template.components, &template.example, template.message_send_ttl_seconds)?;
    Ok(params)
}

/// The wire parameters of `edit`, with `default_space` as the `CustSpaceId` it leaves unset.
pub fn modify_template(edit: &TemplateEdit, default_space: Option<&str>) -> Result<Params, Error> {
    edit.check()?;
    let mut params = Params::default();
    cust_space(&mut params, edit.cust_space_id.as_deref(), default_space);
    push_names(&mut params, edit.code.as_deref(), edit.name.as_deref());
    params.push("Language", edit.language.as_str());
    params.push_opt("TemplateType", edit.template_type.as_deref());
    push_content(&mut params, &edit.components, &edit.example, edit.message_send_ttl_seconds)?;
    Ok(params)
}

/// The wire parameters of `deletion`, with `default_space` as the `CustSpaceId` it leaves
/// unset.
pub fn delete_template(deletion: &TemplateDeletion, default_space: Option<&str>) -> Result<Params, Error> {
    deletion.check()?;
    let mut params = Params::default();
    cust_space(&mut params, deletion.cust_space_id.as_deref(), default_space);
    push_names(&mut params, deletion.code.as_deref(), deletion.name.as_deref());
    params.push_opt("Language", deletion.language.as_deref());
    params.push("TemplateType", deletion.template_type());
    Ok(params)
}

/// The template an accepted `CreateChatappTemplate` or `ModifyChatappTemplate` (`action`)
/// answer names. A `Code=OK` answer without a template code is
/// [`ErrorCode::MalformedResponse`] — the template was taken all the same.
pub fn read_saved(action: &str, body: &[u8]) -> Result<SavedTemplate, Error> {
    #[derive(Deserialize)]
    struct Answer {
        #[serde(rename = "Data")]
        data: Saved,
    }
    #[derive(Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct Saved {
        template_code: String,
        #[serde(default)]
        template_name: String,
    }
    let Saved { template_code, template_name } = read::<Answer>(action, body)?.data;
    if template_code.is_empty() {
        let message = format!("the {action} answer names no template code, though the template was taken");
        return Err(Error::new(ErrorCode::MalformedResponse, message));
    }
    Ok(SavedTemplate { code: template_code, name: template_name })
}

/// `TemplateCode` and `TemplateName`, each when given.
fn push_names(params: &mut Params, code: Option<&str>, name: Option<&str>) {
    params.push_opt("TemplateCode", code.filter(|c| !c.is_empty()));
    params.push_opt("TemplateName", name.filter(|n| !n.is_empty()));
}

/// `Components`, `Example` (when any) and `MessageSendTtlSeconds` (when set).
fn push_content(
    params: &mut Params,
    components: &[TemplateComponent],
    example: &HashMap<String, String>,
    ttl_seconds: Option<u32>,
) -> Result<(), Error> {
    check_placeholders(components)?;
    let components: Vec<WireComponent<'_>> = components.iter().map(WireComponent::from).collect();
    params.push("Components", json_value(&components));
    if !example.is_empty() {
        params.push("Example", json_value(&example.iter().collect::<BTreeMap<_, _>>()));
    }
    if let Some(seconds) = ttl_seconds {
        params.push("MessageSendTtlSeconds", seconds.to_string());
    }
    Ok(())
}

/// CAMS names variables `$(name)`: a numbered `{{1}}` placeholder in a text or URL, which
/// CAMS refuses (`InvalidParameter.MessageInvalid`), is refused here.
fn check_placeholders(components: &[TemplateComponent]) -> Result<(), Error> {
    let numbered = |value: &Option<String>| value.as_deref().is_some_and(|v| v.contains("{{"));
    for (i, component) in components.iter().enumerate() {
        let mut fields = vec![("text".to_owned(), &component.text), ("url".to_owned(), &component.url)];
        for (j, button) in component.buttons.iter().enumerate() {
            fields.push((format!("buttons[{j}].text"), &button.text));
            fields.push((format!("buttons[{j}].url"), &button.url));
        }
        if let Some((field, _)) = fields.into_iter().find(|(_, value)| numbered(value)) {
            let why = "CAMS names variables $(name): numbered {{1}} placeholders are refused";
            return Err(invalid(&format!("components[{i}].{field}"), why));
        }
    }
    Ok(())
}

/// A component as `CreateChatappTemplateRequestComponents` writes it.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct WireComponent<'a> {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    buttons: Vec<WireButton<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    caption: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    file_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    format: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<&'a str>,
    #[serde(rename = "Type")]
    kind: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'a str>,
}

impl<'a> From<&'a TemplateComponent> for WireComponent<'a> {
    fn from(component: &'a TemplateComponent) -> Self {
        Self {
            buttons: component.buttons.iter().map(WireButton::from).collect(),
            caption: component.caption.as_deref(),
            file_name: component.file_name.as_deref(),
            format: component.format.as_deref(),
            text: component.text.as_deref(),
            kind: &component.kind,
            url: component.url.as_deref(),
        }
    }
}

/// A button as `CreateChatappTemplateRequestComponentsButtons` writes it.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct WireButton<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    flow_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    phone_number: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<&'a str>,
    #[serde(rename = "Type")]
    kind: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    url_type: Option<&'a str>,
}

impl<'a> From<&'a TemplateButton> for WireButton<'a> {
    fn from(button: &'a TemplateButton) -> Self {
        Self {
            flow_id: button.flow_id.as_deref(),
            phone_number: button.phone_number.as_deref(),
            text: button.text.as_deref(),
            kind: &button.kind,
            url: button.url.as_deref(),
            url_type: button.url_type.as_deref(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(text: &str) -> TemplateComponent {
        TemplateComponent::text("BODY", text)
    }

    fn new_template(components: Vec<TemplateComponent>) -> NewTemplate {
        NewTemplate {
            name: "order_update".into(),
            language: "en".into(),
            category: "UTILITY".into(),
            components,
            example: HashMap::new(),
            template_type: None,
            message_send_ttl_seconds: None,
            cust_space_id: None,
        }
    }

    fn pairs(params: &Params) -> Vec<(&str, &str)> {
        params.iter().collect()
    }

    #[test]
    fn a_new_template_goes_with_its_components_in_the_sdk_order() {
        let button = TemplateButton {
            url: Some("https://t.example/$(order)".into()),
            url_type: Some("dynamic".into()),
            ..TemplateButton::labelled("URL", "Track")
        };
        let buttons = TemplateComponent::buttons(vec![button]);
        let template = NewTemplate {
            example: [("order", "42"), ("name", "Ada")].map(|(k, v)| (k.to_owned(), v.to_owned())).into(),
            message_send_ttl_seconds: Some(600),
            ..new_template(vec![body("Hi $(name), order $(order) shipped."), buttons])
        };
        let params = create_template(&template, Some("cams-1")).unwrap();
        assert_eq!(
            pairs(&params),
            [
                ("CustSpaceId", "cams-1"),
                ("Name", "order_update"),
                ("Language", "en"),
                ("Category", "UTILITY"),
                ("TemplateType", "WHATSAPP"),
                (
                    "Components",
                    r#"[{"Text":"Hi $(name), order $(order) shipped.","Type":"BODY"},{"Buttons":[{"Text":"Track","Type":"URL","Url":"https://t.example/$(order)","UrlType":"dynamic"}],"Type":"BUTTONS"}]"#
                ),
                ("Example", r#"{"name":"Ada","order":"42"}"#),
                ("MessageSendTtlSeconds", "600"),
            ]
        );
    }

    #[test]
    fn numbered_placeholders_are_refused_naming_their_place() {
        let refused = create_template(&new_template(vec![body("Hi {{1}}")]), None).unwrap_err();
        assert_eq!(
            (refused.code(), refused.message().split(':').next()),
            (ErrorCode::InvalidParameter, Some("components[0].text"))
        );
    }

    #[test]
    fn edits_and_deletions_name_their_template() {
        let edit = TemplateEdit {
            code: Some("744c".into()),
            name: None,
            language: "en".into(),
            components: vec![body("Bye $(who)")],
            example: HashMap::new(),
            template_type: None,
            message_send_ttl_seconds: None,
            cust_space_id: Some("cams-2".into()),
        };
        let params = modify_template(&edit, Some("cams-1")).unwrap();
        assert_eq!(
            pairs(&params),
            [
                ("CustSpaceId", "cams-2"),
                ("TemplateCode", "744c"),
                ("Language", "en"),
                ("Components", r#"[{"Text":"Bye $(who)","Type":"BODY"}]"#)
            ]
        );
        let params = delete_template(&TemplateDeletion::code("744c"), None).unwrap();
        assert_eq!(pairs(&params), [("TemplateCode", "744c"), ("TemplateType", "WHATSAPP")]);
    }

    #[test]
    fn a_saved_template_is_read_from_data() {
        let body = br#"{"Code":"OK","Data":{"TemplateCode":"744c","TemplateName":"order_update"}}"#;
        let saved = read_saved("CreateChatappTemplate", body).unwrap();
        assert_eq!(saved, SavedTemplate { code: "744c".into(), name: "order_update".into() });
        for body in [&br#"{"Code":"OK"}"#[..], br#"{"Code":"OK","Data":{"TemplateCode":""}}"#] {
            let error = read_saved("CreateChatappTemplate", body).unwrap_err();
            assert_eq!(error.code(), ErrorCode::MalformedResponse, "{error}");
        }
    }
}
