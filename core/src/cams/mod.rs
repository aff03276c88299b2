//! The CAMS wire contract: parameters, ACS3-HMAC-SHA256 signing, the signed HTTP request
//! and the classification of answers. Everything here is pure.

pub mod codes;
pub mod encode;
pub mod request;
pub mod response;
pub mod sign;
pub mod unverified;
pub mod wire;

/// The API version every CAMS operation uses (`x-acs-version`).
pub const API_VERSION: &str = "2020-06-06";

/// A CAMS operation chatlane calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Operation {
    /// Send one message.
    SendChatappMessage,
    /// Send one template to up to 1,000 recipients.
    SendChatappMassMessage,
}

impl Operation {
    /// The account's documented QPS limit for this operation (spec §1), evenly spaced.
    pub const fn default_quota(self) -> crate::limit::Quota {
        match self {
            Self::SendChatappMessage => crate::limit::Quota::per_second(250.0),
            Self::SendChatappMassMessage => crate::limit::Quota::per_second(10.0),
        }
    }

    /// The action name (`x-acs-action`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::SendChatappMessage => "SendChatappMessage",
            Self::SendChatappMassMessage => "SendChatappMassMessage",
        }
    }
}
