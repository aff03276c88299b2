//! The 24-hour customer-service window: a free-form WhatsApp message reaches a user only
//! within 24 hours of the user's last message to that business number; outside it, only a
//! template does (CAMS reference §7, Meta reference §2.3). The store learns each window from
//! inbound messages ([`super::EventStore::last_inbound`]); these rules judge a send by it.

use crate::error::{Error, ErrorCode};
use crate::model::{Channel, Message};

/// How long a window stays open after the user's last message.
pub const WINDOW_MS: u64 = 24 * 60 * 60 * 1000;

/// What a client with an event store does before a free-form WhatsApp message.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum WindowPolicy {
    /// Sends it whatever the store knows (the default: the provider refuses it, after the
    /// send, if the window is closed).
    #[default]
    Ignore,
    /// Refuses it before sending, with [`ErrorCode::SessionWindowClosed`], when the store has
    /// no message from the recipient to the sender in the last 24 hours.
    Enforce,
}

impl WindowPolicy {
    /// Every policy.
    pub const ALL: [WindowPolicy; 2] = [Self::Ignore, Self::Enforce];

    /// Its name in the options: `ignore` or `enforce`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Ignore => "ignore",
            Self::Enforce => "enforce",
        }
    }

    /// The policy called `name`; another name is [`ErrorCode::InvalidConfig`].
    pub fn parse(name: &str) -> Result<Self, Error> {
        Self::ALL.into_iter().find(|policy| policy.as_str() == name).ok_or_else(|| {
            Error::new(ErrorCode::InvalidConfig, format!("unknown session_window {name:?}; expected ignore or enforce"))
        })
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
pub(crate) fn closed(message: &Message, last_inbound_ms: Option<u64>) -> Error {
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
        assert_eq!(WindowPolicy::parse("enforce").unwrap(), WindowPolicy::Enforce);
        assert_eq!(WindowPolicy::parse("strict").unwrap_err().code(), ErrorCode::InvalidConfig);
    }
}
