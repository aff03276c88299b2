//! The API operations chatlane calls, named for spans, hooks and pacing budgets.

/// An operation a provider answers; each is paced on its own budget.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Operation {
    /// CAMS: send one message.
    SendChatappMessage,
    /// CAMS: send one template to up to 1,000 recipients.
    SendChatappMassMessage,
}

impl Operation {
    /// The account's documented QPS limit for this operation, evenly spaced.
    pub const fn default_quota(self) -> crate::limit::Quota {
        match self {
            Self::SendChatappMessage => crate::limit::Quota::per_second(250.0),
            Self::SendChatappMassMessage => crate::limit::Quota::per_second(10.0),
        }
    }

    /// Its name: the CAMS action (`x-acs-action`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::SendChatappMessage => "SendChatappMessage",
            Self::SendChatappMassMessage => "SendChatappMassMessage",
        }
    }
}
