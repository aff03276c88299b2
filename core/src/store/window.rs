//! The 24-hour customer-service window: a free-form WhatsApp message reaches a user only
//! within 24 hours of the user's last message to that business number; outside it, only a
//! template does (CAMS reference §7, Meta reference §2.3). The store learns each window from
//! inbound messages ([`super::EventStore::last_inbound`]); these rules judge a send by it.

use crate::error::{Error, ErrorCode};
use crate::model::{Channel, Message, Template};
use crate::provider::ProviderKind;

/// How long a window stays open after the user's last message.
pub const WINDOW_MS: u64 = 24 * 60 * 60 * 1000;

/// What a client with an event store does before a free-form WhatsApp message.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum WindowPolicy {
    /// Sends it whatever the store knows (the default: the provider refuses it, after the
    /// send, if the window is closed).
    #[default]
    Ignore,
    /// Refuses it before sending, with [`ErrorCode::SessionWindowClosed`], when the store has
    /// no message from the recipient to the sender in the last 24 hours.
    Enforce,
    /// Sends this template instead (same sender, recipient and `TaskId`) when the store has no
    /// message from the recipient in the last 24 hours; the receipt says so.
    Fallback(Template),
}

impl WindowPolicy {
    /// The names the `session_window` option takes.
    pub const NAMES: [&str; 3] = ["ignore", "enforce", "fallback"];

    /// The policy the options name: `session_window` (`ignore`, `enforce` or `fallback`) and,
    /// for `fallback`, the template (a CAMS template code, a Meta template name) and its
    /// language, with no parameters. Anything else is [`ErrorCode::InvalidConfig`].
    pub fn from_options(
        name: &str,
        template: Option<String>,
        language: Option<String>,
        provider: ProviderKind,
    ) -> Result<Self, Error> {
        let invalid = |message: String| Error::new(ErrorCode::InvalidConfig, message);
        match (name, template, language) {
            ("ignore", None, None) => Ok(Self::Ignore),
            ("enforce", None, None) => Ok(Self::Enforce),
            ("fallback", Some(reference), Some(language)) if !reference.is_empty() && !language.is_empty() => {
                let template = match provider {
                    ProviderKind::Cams => Template { code: Some(reference), language, ..Template::default() },
                    ProviderKind::Meta => Template { name: Some(reference), language, ..Template::default() },
                };
                Ok(Self::Fallback(template))
            }
            ("fallback", ..) => Err(invalid(
                "session_window=\"fallback\" needs session_window_template and session_window_language".to_owned(),
            )),
            ("ignore" | "enforce", ..) => Err(invalid(
                "session_window_template and session_window_language go with session_window=\"fallback\"".to_owned(),
            )),
            (other, ..) => {
                Err(invalid(format!("unknown session_window {other:?}; expected {}", Self::NAMES.join(", "))))
            }
        }
    }
}

/// What a send does about its window.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum WindowVerdict {
    /// Send it as it is.
    Send,
    /// Send this message (the fallback template) instead.
    Substitute(Box<Message>),
}

impl WindowPolicy {
    /// What to do with `message`, whose recipient last wrote at `last_inbound_ms`, at `now_ms`:
    /// send it, send the fallback instead, or refuse it ([`ErrorCode::SessionWindowClosed`]).
    pub(crate) fn judge(
        &self,
        message: &Message,
        last_inbound_ms: Option<u64>,
        now_ms: u64,
    ) -> Result<WindowVerdict, Error> {
        if *self == Self::Ignore || !needs_window(message) || is_open(last_inbound_ms, now_ms) {
            return Ok(WindowVerdict::Send);
        }
        match self {
            Self::Fallback(template) => Ok(WindowVerdict::Substitute(Box::new(Message {
                channel: message.channel,
                task_id: message.task_id.clone(),
                cust_space_id: message.cust_space_id.clone(),
                recipient_type: message.recipient_type,
                template: Some(template.clone()),
                ..Message::new(message.from.clone(), message.to.clone())
            }))),
            _ => Err(closed(message, last_inbound_ms)),
        }
    }
}

/// Whether `message` needs an open window: free-form (not a template) WhatsApp.
pub fn needs_window(message: &Message) -> bool {
    message.channel == Channel::Whatsapp && message.template.is_none()
}

/// Whether a window whose user last wrote at `last_inbound_ms` is open at `now_ms`.
pub fn is_open(last_inbound_ms: Option<u64>, now_ms: u64) -> bool {
    last_inbound_ms.is_some_and(|last| now_ms < last.saturating_add(WINDOW_MS))
}

/// The error refusing `message` because its window is closed (`last_inbound_ms`: when the
/// user last wrote, if ever).
fn closed(message: &Message, last_inbound_ms: Option<u64>) -> Error {
    let (to, from) = (&message.to, &message.from);
    let since = match last_inbound_ms {
        Some(last) => format!("{to} last wrote to {from} at {last} ms since the epoch, more than 24 hours ago"),
        None => format!("no message from {to} to {from} is on record"),
    };
    Error::new(
        ErrorCode::SessionWindowClosed,
        format!("{since}: outside the 24-hour window, only a template can be sent"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::TemplateParams;

    #[test]
    fn a_window_is_open_for_24_hours_after_the_last_inbound_message() {
        assert!(!is_open(None, 0));
        assert!(is_open(Some(1_000), 1_000));
        assert!(is_open(Some(1_000), 1_000 + WINDOW_MS - 1));
        assert!(!is_open(Some(1_000), 1_000 + WINDOW_MS));
        assert!(is_open(Some(u64::MAX), u64::MAX - 1));
    }

    #[test]
    fn only_free_form_whatsapp_needs_a_window() {
        let text = Message::text("8613800000000", "6591234567", "hi");
        assert!(needs_window(&text));
        let template = Message::template("8613800000000", "6591234567", "744c", "en", TemplateParams::default());
        assert!(!needs_window(&template));
        let viber = Message { channel: Channel::Viber, ..text.clone() };
        assert!(!needs_window(&viber));
        let err = closed(&text, None);
        assert_eq!(err.code(), ErrorCode::SessionWindowClosed);
        assert_eq!(
            err.message(),
            "no message from 6591234567 to 8613800000000 is on record: outside the 24-hour window, only a template can be sent"
        );
        assert!(closed(&text, Some(5)).message().starts_with("6591234567 last wrote to 8613800000000 at 5 ms"));
    }

    #[test]
    fn policies_come_from_the_options() {
        let policy = |name, template: Option<&str>, language: Option<&str>, provider| {
            WindowPolicy::from_options(name, template.map(Into::into), language.map(Into::into), provider)
        };
        assert_eq!(policy("enforce", None, None, ProviderKind::Cams).unwrap(), WindowPolicy::Enforce);
        let cams = policy("fallback", Some("744c"), Some("en"), ProviderKind::Cams).unwrap();
        assert_eq!(
            cams,
            WindowPolicy::Fallback(Template {
                code: Some("744c".into()),
                language: "en".into(),
                ..Template::default()
            })
        );
        let meta = policy("fallback", Some("hello_again"), Some("en_US"), ProviderKind::Meta).unwrap();
        assert!(matches!(meta, WindowPolicy::Fallback(Template { name: Some(_), code: None, .. })));
        for (name, template, language) in [
            ("strict", None, None),
            ("fallback", None, Some("en")),
            ("fallback", Some(""), Some("en")),
            ("enforce", Some("x"), None),
        ] {
            let err = policy(name, template, language, ProviderKind::Cams).unwrap_err();
            assert_eq!(err.code(), ErrorCode::InvalidConfig, "{name} {template:?} {language:?}");
        }
    }

    #[test]
    fn a_closed_window_refuses_or_substitutes_the_fallback() {
        let text = Message { task_id: Some("t-1".into()), ..Message::text("8613800000000", "6591234567", "hi") };
        let now = 10 * WINDOW_MS;
        assert_eq!(WindowPolicy::Ignore.judge(&text, None, now).unwrap(), WindowVerdict::Send);
        assert_eq!(WindowPolicy::Enforce.judge(&text, Some(now - 1), now).unwrap(), WindowVerdict::Send);
        let err = WindowPolicy::Enforce.judge(&text, Some(now - WINDOW_MS), now).unwrap_err();
        assert_eq!(err.code(), ErrorCode::SessionWindowClosed);
        let template = Template { code: Some("744c".into()), language: "en".into(), ..Template::default() };
        let fallback = WindowPolicy::Fallback(template.clone());
        let WindowVerdict::Substitute(sent) = fallback.judge(&text, None, now).unwrap() else {
            panic!("no substitute")
        };
        assert_eq!((sent.template, sent.content, sent.task_id.as_deref()), (Some(template), None, Some("t-1")));
        assert_eq!((sent.from.as_str(), sent.to.as_str()), ("8613800000000", "6591234567"));
        let already = Message::template("8613800000000", "6591234567", "744c", "en", TemplateParams::default());
        assert_eq!(fallback.judge(&already, None, now).unwrap(), WindowVerdict::Send);
    }
}
