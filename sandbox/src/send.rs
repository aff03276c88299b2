//! The business side of `SendChatappMessage` and `SendChatappMassMessage`: the checks CAMS
//! itself makes, answered the way CAMS answers them (spec §5.2): missing gateway parameters
//! as HTTP 400 `MissingParameter`, business rule failures as HTTP 200 with `Code != "OK"`.

use std::collections::BTreeMap;

/// Why a send was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// A parameter the gateway requires is absent (HTTP 400 `MissingParameter`).
    Missing(&'static str),
    /// A business rule failed (HTTP 200, `Code` = the CAMS code).
    Business(&'static str, String),
}

/// The values of parameters `names`, none empty; else `Missing` with the first one absent.
pub fn required<'a, const N: usize>(
    params: &'a BTreeMap<String, String>,
    names: [&'static str; N],
) -> Result<[&'a str; N], Refusal> {
    let mut values = [""; N];
    for (value, name) in values.iter_mut().zip(names) {
        *value = params.get(name).map(String::as_str).filter(|v| !v.is_empty()).ok_or(Refusal::Missing(name))?;
    }
    Ok(values)
}

/// The most recipients one `SendChatappMassMessage` may carry (spec §8).
pub const MASS_RECIPIENTS: usize = 1000;

/// Checks a `SendChatappMassMessage` request's parameters.
pub fn check_mass(params: &BTreeMap<String, String>) -> Result<(), Refusal> {
    let get = |name: &str| params.get(name).map(String::as_str).filter(|v| !v.is_empty());
    for name in ["ChannelType", "From", "SenderList"] {
        if get(name).is_none() {
            return Err(Refusal::Missing(name));
        }
    }
    let business = |code: &'static str, message: &str| Err(Refusal::Business(code, message.to_owned()));
    if get("TemplateCode").is_none() && get("TemplateName").is_none() {
        return business("InvalidParameter.TemplateCodeNotEmpty", "TemplateCode must not be empty.");
    }
    if get("Language").is_none() {
        return business("InvalidParameter.LanguageNotEmpty", "Language must not be empty.");
    }
    let senders = serde_json::from_str::<Vec<serde_json::Value>>(get("SenderList").unwrap_or_default());
    let Ok(senders) = senders else {
        return business("InvalidParameter", "SenderList must be a JSON array.");
    };
    if senders.is_empty() || senders.len() > MASS_RECIPIENTS {
        return business("InvalidParameter", "SenderList must hold 1 to 1000 recipients.");
    }
    if senders.iter().any(|s| s.get("To").and_then(|t| t.as_str()).is_none_or(str::is_empty)) {
        return business("InvalidParameter.PhoneNumberError", "Every SenderList entry needs a To.");
    }
    Ok(())
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
    let digits = |name: &str| get(name).unwrap_or_default().bytes().all(|b| b.is_ascii_digit());
    if channel == "whatsapp" && !digits("From") {
        return business("InvalidParameter.FromOnlyNumeric", "The sender number must contain digits only.");
    }
    // Viber senders are service IDs; groups and BSUIDs are not numbers.
    let by_number = get("RecipientType").is_none_or(|kind| kind == "individual");
    if matches!(channel, "whatsapp" | "viber") && by_number && !digits("To") {
        return business("InvalidParameter.ToOnlyNumeric", "The recipient number must contain digits only.");
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
            // Contact cards are an array; every other type is an object.
            if content.is_array() != (message_type == "contacts") || !(content.is_array() || content.is_object()) {
                return business("InvalidParameter.ContentError", "Content does not fit the MessageType.");
            }
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
    fn required_parameters_are_present_and_not_empty() {
        let given = params(&[("A", "1"), ("B", ""), ("C", "3")]);
        assert_eq!(required(&given, ["C", "A"]), Ok(["3", "1"]));
        assert_eq!(required(&given, ["A", "B", "D"]), Err(Refusal::Missing("B")));
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
    fn mass_sends_need_a_template_and_1_to_1000_recipients() {
        let base = [("ChannelType", "whatsapp"), ("From", "861"), ("TemplateCode", "C"), ("Language", "en")];
        let mass = |list: &str| code(check_mass(&params(&[&base[..], &[("SenderList", list)]].concat())));
        assert_eq!(mass(r#"[{"To":"659"},{"To":"658","TemplateParams":{"a":"b"}}]"#), "OK");
        assert_eq!(mass("[]"), "InvalidParameter");
        assert_eq!(mass("not json"), "InvalidParameter");
        assert_eq!(mass(r#"[{"Payload":["x"]}]"#), "InvalidParameter.PhoneNumberError");
        let thousand_and_one = format!("[{}]", vec![r#"{"To":"1"}"#; 1001].join(","));
        assert_eq!(mass(&thousand_and_one), "InvalidParameter");
        assert_eq!(code(check_mass(&params(&base))), "SenderList");
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
        assert_eq!(
            code(check(&with(&[("Type", "message"), ("MessageType", "contacts"), ("Content", r#"{"name":{}}"#)]))),
            "InvalidParameter.ContentError"
        );
    }

    #[test]
    fn viber_senders_groups_and_user_ids_need_not_be_numbers() {
        let text = [("Type", "message"), ("MessageType", "text"), ("Content", r#"{"text":"hi"}"#)];
        let mut viber = with(&text);
        viber.insert("ChannelType".into(), "viber".into());
        viber.insert("From".into(), "chatlane-service".into());
        assert_eq!(code(check(&viber)), "OK");
        let mut group = with(&[&text[..], &[("RecipientType", "group")]].concat());
        group.insert("To".into(), "group-1".into());
        assert_eq!(code(check(&group)), "OK");
        group.remove("RecipientType");
        assert_eq!(code(check(&group)), "InvalidParameter.ToOnlyNumeric");
    }
}
