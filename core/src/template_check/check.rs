//! Checking a template send against the template's detail (pure).

use std::collections::BTreeSet;

use crate::error::{Error, ErrorCode};
use crate::model::{MassMessage, Message, Template, TemplateParams};
use crate::ops::TemplateDetail;
use crate::validate::{Violation, codes};

/// The template's variables: every `$(name)` in its header, body, buttons' URLs and texts
/// (CAMS reference §6, §6.1), and the names its `example` gives values for.
pub fn variables(detail: &TemplateDetail) -> BTreeSet<String> {
    let mut names: BTreeSet<String> = detail.example.keys().cloned().collect();
    let texts = detail.components.iter().flat_map(|component| {
        let own = [&component.text, &component.url].into_iter().flatten();
        let buttons = component.buttons.iter().flat_map(|button| [&button.text, &button.url].into_iter().flatten());
        own.chain(buttons)
    });
    for text in texts {
        names.extend(placeholders(text));
    }
    names
}

/// The names of the `$(name)` placeholders in `text`.
fn placeholders(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split("$(").skip(1).filter_map(|rest| rest.split_once(')')).map(|(name, _)| name.trim().to_owned())
}

/// `detail` when the template `template` names can be sent: else
/// [`ErrorCode::TemplateNotFound`] (`None`: the account has no such template in that
/// language) or [`ErrorCode::TemplateNotApproved`] (not approved, or the provider does not
/// allow sending it now), as the provider would answer the send.
pub fn sendable<'a>(template: &Template, detail: Option<&'a TemplateDetail>) -> Result<&'a TemplateDetail, Error> {
    let named = template.code.as_deref().or(template.name.as_deref()).unwrap_or_default();
    let Some(detail) = detail.filter(|detail| detail.language == template.language) else {
        let message = format!("the account has no template {named} in language {}", template.language);
        return Err(Error::new(ErrorCode::TemplateNotFound, message));
    };
    if detail.audit_status != "pass" || !detail.allow_send {
        let refused = if detail.allow_send { "" } else { " and the provider does not allow sending it" };
        let message = format!("template {named} cannot be sent: its review is {:?}{refused}", detail.audit_status);
        return Err(Error::new(ErrorCode::TemplateNotApproved, message));
    }
    Ok(detail)
}

/// Every reason `message`'s template send does not fit `detail`, a template it can be sent
/// with ([`sendable`]); empty for a message without a template.
pub fn message_violations(message: &Message, detail: &TemplateDetail) -> Vec<Violation> {
    let Some(template) = &message.template else { return Vec::new() };
    let variables = variables(detail);
    let mut found = params_fit(&template.params, &variables, "template.params", &detail.code, Need::All);
    found.extend(payload_fits(&template.payload, detail, "template.payload"));
    found
}

/// Every reason a mass send does not fit `detail`: each recipient's parameters (the
/// template's, with the recipient's added and overriding) must be exactly the variables.
pub fn mass_violations(message: &MassMessage, detail: &TemplateDetail) -> Vec<Violation> {
    let template = &message.template;
    let variables = variables(detail);
    let mut found = params_fit(&template.params, &variables, "template.params", &detail.code, Need::Extra);
    found.extend(payload_fits(&template.payload, detail, "template.payload"));
    for (i, recipient) in message.recipients.iter().enumerate() {
        let mut merged = template.params.clone();
        for (name, value) in &recipient.params.0 {
            merged.0.insert(name.clone(), value.clone());
        }
        let path = format!("recipients[{i}].params");
        found.extend(params_fit(&merged, &variables, &path, &detail.code, Need::Missing));
        found.extend(params_fit(&recipient.params, &variables, &path, &detail.code, Need::Extra));
        found.extend(payload_fits(&recipient.payload, detail, &format!("recipients[{i}].payload")));
    }
    found
}

/// Which mismatches of a parameter set to report.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Need {
    /// Missing variables and extra parameters.
    All,
    /// Only missing variables.
    Missing,
    /// Only extra parameters.
    Extra,
}

fn params_fit(
    params: &TemplateParams,
    variables: &BTreeSet<String>,
    path: &str,
    template: &str,
    need: Need,
) -> Vec<Violation> {
    let mut found = Vec::new();
    if need != Need::Extra {
        for missing in variables.iter().filter(|name| !params.0.contains_key(*name)) {
            found.push(Violation {
                code: codes::REQUIRED,
                path: format!("{path}.{missing}"),
                message: format!("required by template {template}"),
            });
        }
    }
    if need != Need::Missing {
        for extra in params.0.keys().filter(|name| !variables.contains(*name)) {
            found.push(Violation {
                code: codes::NOT_ALLOWED,
                path: format!("{path}.{extra}"),
                message: format!("not a variable of template {template}"),
            });
        }
    }
    found
}

/// A payload per quick-reply button at most.
fn payload_fits(payload: &[String], detail: &TemplateDetail, path: &str) -> Option<Violation> {
    let buttons = detail.components.iter().flat_map(|c| &c.buttons).filter(|b| b.kind == "QUICK_REPLY").count();
    (payload.len() > buttons).then(|| Violation {
        code: codes::TOO_MANY,
        path: path.to_owned(),
        message: format!(
            "{} payloads for the {buttons} quick-reply buttons of template {}",
            payload.len(),
            detail.code
        ),
    })
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::ops::{TemplateButton, TemplateComponent};

    fn component(kind: &str, text: Option<&str>, buttons: Vec<TemplateButton>) -> TemplateComponent {
        TemplateComponent {
            kind: kind.into(),
            format: None,
            text: text.map(str::to_owned),
            url: None,
            caption: None,
            file_name: None,
            buttons,
        }
    }

    fn button(kind: &str, url: Option<&str>) -> TemplateButton {
        TemplateButton {
            kind: kind.into(),
            text: Some("Go".into()),
            url: url.map(str::to_owned),
            url_type: None,
            phone_number: None,
            flow_id: None,
        }
    }

    fn detail() -> TemplateDetail {
        TemplateDetail {
            code: "744c".into(),
            name: "order".into(),
            language: "en".into(),
            audit_status: "pass".into(),
            allow_send: true,
            category: None,
            template_type: None,
            reason: None,
            quality_score: None,
            message_send_ttl_seconds: None,
            example: HashMap::from([("coupon".to_owned(), "X1".to_owned())]),
            components: vec![
                component("HEADER", Some("Order $(order)"), vec![]),
                component("BODY", Some("Hi $(name), your $( item ) ships"), vec![]),
                component(
                    "BUTTONS",
                    None,
                    vec![button("URL", Some("https://x.example/$(order)")), button("QUICK_REPLY", None)],
                ),
            ],
        }
    }

    fn params(names: &[&str]) -> TemplateParams {
        TemplateParams::from_iter(names.iter().map(|n| ((*n).to_owned(), "v".to_owned())))
    }

    fn send(names: &[&str]) -> Message {
        Message::template("86", "65", "744c", "en", params(names))
    }

    fn paths(found: &[Violation]) -> Vec<(&str, &str)> {
        found.iter().map(|v| (v.code, v.path.as_str())).collect()
    }

    #[test]
    fn variables_come_from_every_placeholder_and_the_example() {
        let names: Vec<String> = variables(&detail()).into_iter().collect();
        assert_eq!(names, ["coupon", "item", "name", "order"]);
    }

    #[test]
    fn a_send_must_give_exactly_the_variables() {
        assert!(message_violations(&send(&["coupon", "item", "name", "order"]), &detail()).is_empty());
        let found = message_violations(&send(&["name", "order", "nmae"]), &detail());
        assert_eq!(
            paths(&found),
            [
                ("required", "template.params.coupon"),
                ("required", "template.params.item"),
                ("not_allowed", "template.params.nmae")
            ]
        );
        assert_eq!(found[0].message, "required by template 744c");
        assert!(message_violations(&Message::text("86", "65", "hi"), &detail()).is_empty());
    }

    #[test]
    fn payloads_fit_the_quick_reply_buttons() {
        let mut message = send(&["coupon", "item", "name", "order"]);
        message.template.as_mut().unwrap().payload = vec!["a".into()];
        assert!(message_violations(&message, &detail()).is_empty());
        message.template.as_mut().unwrap().payload = vec!["a".into(), "b".into()];
        assert_eq!(paths(&message_violations(&message, &detail())), [("too_many", "template.payload")]);
    }

    #[test]
    fn an_unknown_or_unapproved_template_is_the_error_the_provider_would_give() {
        let template = send(&[]).template.unwrap();
        let missing = sendable(&template, None).unwrap_err();
        assert_eq!(missing.code(), ErrorCode::TemplateNotFound);
        assert_eq!(missing.message(), "the account has no template 744c in language en");
        let other_language = TemplateDetail { language: "fr".into(), ..detail() };
        assert_eq!(sendable(&template, Some(&other_language)).unwrap_err().code(), ErrorCode::TemplateNotFound);
        let review = TemplateDetail { audit_status: "auditing".into(), allow_send: false, ..detail() };
        let refused = sendable(&template, Some(&review)).unwrap_err();
        assert_eq!(refused.code(), ErrorCode::TemplateNotApproved);
        assert!(refused.message().contains("\"auditing\" and the provider does not allow"), "{refused}");
        let paused = TemplateDetail { allow_send: false, ..detail() };
        assert_eq!(sendable(&template, Some(&paused)).unwrap_err().code(), ErrorCode::TemplateNotApproved);
        assert_eq!(sendable(&template, Some(&detail())).unwrap().code, "744c");
    }

    #[test]
    fn each_recipient_of_a_mass_send_is_checked_with_the_shared_params() {
        let mass = MassMessage::from_json_value(serde_json::json!({
            "from": "86",
            "template": {"code": "744c", "language": "en", "params": {"coupon": "v", "order": "v"}},
            "recipients": [{"to": "1", "params": {"name": "v", "item": "v"}}, {"to": "2", "params": {"name": "v", "extra": "v"}}],
        }))
        .unwrap();
        let found = mass_violations(&mass, &detail());
        assert_eq!(
            paths(&found),
            [("required", "recipients[1].params.item"), ("not_allowed", "recipients[1].params.extra")]
        );
    }
}
