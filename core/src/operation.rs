//! The API operations chatlane calls, named for spans, hooks and pacing budgets.

/// An operation a provider answers; each is paced on its own budget.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Operation {
    /// CAMS: send one message.
    SendChatappMessage,
    /// CAMS: send one template to up to 1,000 recipients.
    SendChatappMassMessage,
    /// Meta's Cloud API: send one message (`POST /{version}/{phone-number-id}/messages`).
    WhatsappMessages,
}

impl Operation {
    /// The documented limit for this operation, evenly spaced: per CAMS account, or per
    /// Meta business phone number (80/s until Meta upgrades the number).
    pub const fn default_quota(self) -> crate::limit::Quota {
        match self {
            Self::SendChatappMessage => crate::limit::Quota::per_second(250.0),
            Self::SendChatappMassMessage => crate::limit::Quota::per_second(10.0),
            Self::WhatsappMessages => crate::limit::Quota::per_second(80.0),
        }
    }

    /// Its name: the CAMS action (`x-acs-action`), or `WhatsappMessages` for Meta's
    /// messages edge.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::SendChatappMessage => "SendChatappMessage",
            Self::SendChatappMassMessage => "SendChatappMassMessage",
            Self::WhatsappMessages => "WhatsappMessages",
        }
    }
}
