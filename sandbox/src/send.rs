//! The business side of `SendChatappMessage`: the checks CAMS itself makes, answered the
//! way CAMS answers them (spec §5.2): missing gateway parameters as HTTP 400
//! `MissingParameter`, business rule failures as HTTP 200 with `Code != "OK"`.

use std::collections::BTreeMap;

/// Why a send was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// A parameter the gateway requires is absent (HTTP 400 `MissingParameter`).
    Missing(&'static str),
    /// A business rule failed (HTTP 200, `Code` = the CAMS code).
    Business(&'static str, String),
}

/// Checks a `SendChatappMessage` request's parameters.
pub fn check(params: &BTreeMap<String, String>) -> Result<(), Refusal> {
    let get = |name: &str| params.get(name).map(String::as_str).filter(|v| !v.is_empty());
    for name in ["ChannelType", "Type", "From", "To"] {
        if get(name).is_none() {
            return Err(Refusal::Missing(name));
        }
    }
    let business = |code: &'static str, message: &str| Err(Refusal::Business(code, message.to_owned()));
    let channel = get("ChannelType").unwrap_or_default();
    if !["whatsapp", "messenger", "instagram", "viber", "telegram", "line"].contains(&channel) {
        return business("InvalidParameter.ChannelTypeNotSupport", "The channel type is not supported.");
    }
    if matches!(channel, "whatsapp" | "viber") {
        if !get("From").unwrap_or_default().bytes().all(|b| b.is_ascii_digit()) {
            return business("InvalidParameter.FromOnlyNumeric", "The sender number must contain digits only.");
        }
        if !get("To").unwrap_or_default().bytes().all(|b| b.is_ascii_digit()) {
            return business("InvalidParameter.ToOnlyNumeric", "The recipient number must contain digits only.");
        }
    }
    match get("Type").unwrap_or_default() {
        "template" => {
            if get("TemplateCode").is_none() && get("TemplateName").is_none() {
                return business("InvalidParameter.TemplateCodeNotEmpty", "TemplateCode must not be empty.");
            }
            if get("Language").is_none() {
                return business("InvalidParameter.LanguageNotEmpty", "Language must not be empty.");
            }
            for name in ["TemplateParams", "Payload"] {
                if get(name).is_some_and(|v| serde_json::from_str::<serde_json::Value>(v).is_err()) {
                    return business("InvalidParameter.MessageInvalid", &format!("{name} is not valid JSON."));
                }
            }
            Ok(())
        }
        "message" => {
            let Some(message_type) = get("MessageType") else {
                return business("InvalidParameter.MessageTypeNotEmpty", "MessageType must not be empty.");
            };
            let Some(content) = get("Content") else {
                return business("InvalidParameter.ContentNotEmpty", "Content must not be empty.");
            };
            let Ok(content) = serde_json::from_str::<serde_json::Value>(content) else {
                return business("InvalidParameter.ContentError", "Content is not valid JSON.");
            };
            if message_type == "text" && content.get("text").and_then(|t| t.as_str()).is_none_or(str::is_empty) {
                return business("InvalidParameter.TextNotEmpty", "A text message needs a non-empty text.");
            }
            Ok(())
        }
        _ => business("InvalidParameter.MessageInvalid", "Type must be template or message."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    const BASE: [(&str, &str); 3] = [("ChannelType", "whatsapp"), ("From", "861"), ("To", "659")];

    fn with(extra: &[(&str, &str)]) -> BTreeMap<String, String> {
        params(&[&BASE[..], extra].concat())
    }

    fn code(result: Result<(), Refusal>) -> &'static str {
        match result {
            Ok(()) => "OK",
            Err(Refusal::Missing(name)) => name,
            Err(Refusal::Business(code, _)) => code,
        }
    }

    #[test]
    fn accepts_valid_template_and_text() {
        assert_eq!(code(check(&with(&[("Type", "template"), ("TemplateCode", "C"), ("Language", "en")]))), "OK");
        assert_eq!(
            code(check(&with(&[("Type", "message"), ("MessageType", "text"), ("Content", r#"{"text":"hi"}"#)]))),
            "OK"
        );
    }

    #[test]
    fn answers_with_the_cams_codes() {
        assert_eq!(code(check(&params(&[("Type", "template")]))), "ChannelType");
        assert_eq!(
            code(check(&with(&[("Type", "template"), ("Language", "en")]))),
            "InvalidParameter.TemplateCodeNotEmpty"
        );
        assert_eq!(
            code(check(&with(&[("Type", "template"), ("TemplateName", "n")]))),
            "InvalidParameter.LanguageNotEmpty"
        );
        assert_eq!(
            code(check(&with(&[("Type", "message"), ("Content", "{}")]))),
            "InvalidParameter.MessageTypeNotEmpty"
        );
        assert_eq!(
            code(check(&with(&[("Type", "message"), ("MessageType", "text")]))),
            "InvalidParameter.ContentNotEmpty"
        );
        assert_eq!(
            code(check(&with(&[("Type", "message"), ("MessageType", "text"), ("Content", "{")]))),
            "InvalidParameter.ContentError"
        );
        assert_eq!(
            code(check(&with(&[("Type", "message"), ("MessageType", "text"), ("Content", "{}")]))),
            "InvalidParameter.TextNotEmpty"
        );
        let mut bad_from = with(&[("Type", "template"), ("TemplateCode", "C"), ("Language", "en")]);
        bad_from.insert("From".into(), "+861".into());
        assert_eq!(code(check(&bad_from)), "InvalidParameter.FromOnlyNumeric");
    }
}
