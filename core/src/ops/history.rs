//! Message history: what a business number sent and received, as the provider recorded it
//! (CAMS `ListChatappMessage`), or as a Meta client's event store recorded its webhooks
//! ([`crate::store::EventStore::history`]).

use serde::{Deserialize, Serialize};

use super::{check_page, invalid};
use crate::cams::unverified::PAGE_SIZE;
use crate::error::Error;
use crate::model::Channel;

/// Which way a message went.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Sent by the business (CAMS `DOWN`).
    Outbound,
    /// Sent by a user (CAMS `UP`).
    Inbound,
}

/// Which messages of a business number to list. JSON keys are camelCase.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct HistoryQuery {
    /// The business number whose messages to list.
    pub business_number: String,
    /// The chat app: `whatsapp` (when unset) or `viber`, the two CAMS keeps history for (Meta:
    /// `whatsapp` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub channel: Option<Channel>,
    /// Only messages with this user (Meta: by phone number or business-scoped user ID).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub user_number: Option<String>,
    /// Only one way.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub direction: Option<Direction>,
    /// Only messages in this status (the provider's name, e.g. `delivered`, `read`, `failed`;
    /// Meta's inbound messages are `received`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub status: Option<String>,
    /// Only sends of this template (CAMS only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub template_code: Option<String>,
    /// Only the messages of this mass send (its `GroupMessageId`; CAMS only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub group_message_id: Option<String>,
    /// Only messages sent at or after this time, in milliseconds since the Unix epoch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub since_ms: Option<u64>,
    /// Only messages sent at or before this time, in milliseconds since the Unix epoch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub until_ms: Option<u64>,
    /// The channel instance (`CustSpaceId`); the client's when unset (CAMS only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub cust_space_id: Option<String>,
    /// The page, from 1 (the first when unset).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub page: Option<u32>,
    /// Records per page, 1–1,000 (100 when unset).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub page_size: Option<u32>,
}

impl HistoryQuery {
    /// The first page of `business_number`'s WhatsApp messages, every filter unset.
    pub fn new(business_number: impl Into<String>) -> Self {
        Self {
            business_number: business_number.into(),
            channel: None,
            user_number: None,
            direction: None,
            status: None,
            template_code: None,
            group_message_id: None,
            since_ms: None,
            until_ms: None,
            cust_space_id: None,
            page: None,
            page_size: None,
        }
    }

    /// The chat app it asks about.
    pub fn channel(&self) -> Channel {
        self.channel.unwrap_or(Channel::Whatsapp)
    }

    /// The page it asks for.
    pub fn page(&self) -> u32 {
        self.page.unwrap_or(1)
    }

    /// The records per page it asks for.
    pub fn page_size(&self) -> u32 {
        self.page_size.unwrap_or(PAGE_SIZE)
    }

    /// The first reason the query cannot be asked, as an [`crate::ErrorCode::InvalidParameter`].
    pub fn check(&self) -> Result<(), Error> {
        if self.business_number.trim().is_empty() {
            return Err(invalid("businessNumber", "required"));
        }
        let channel = self.channel();
        if !matches!(channel, Channel::Whatsapp | Channel::Viber) {
            return Err(invalid(
                "channel",
                format!("history is kept for whatsapp and viber, not {}", channel.as_str()),
            ));
        }
        if let (Some(since), Some(until)) = (self.since_ms, self.until_ms)
            && since > until
        {
            return Err(invalid("sinceMs", format!("{since} is after untilMs {until}")));
        }
        check_page(self.page(), self.page_size())
    }
}

/// One message in a business number's history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(rename_all = "camelCase")]
pub struct HistoryRecord {
    /// The provider's ID of the message (what a send returned, what receipts carry).
    pub message_id: String,
    /// Which way it went, when the provider says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub direction: Option<Direction>,
    /// The business number.
    pub business_number: String,
    /// The user.
    pub user_number: String,
    /// The chat app, as the provider names it (e.g. `whatsapp`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub channel: Option<String>,
    /// The message type (e.g. `text`, `image`, `template`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub message_type: Option<String>,
    /// What it carried, as the provider shows it (text, or JSON).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub content: Option<String>,
    /// The last status it reached (e.g. `sent`, `delivered`, `read`, `failed`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub status: Option<String>,
    /// The provider's label for the status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub status_name: Option<String>,
    /// Why it failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub fail_reason: Option<String>,
    /// Whether it fell back to SMS.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub fallback: bool,
    /// What the SMS fallback said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub fallback_content: Option<String>,
    /// The template it used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub template_code: Option<String>,
    /// The template's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub template_name: Option<String>,
    /// The template's language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub language: Option<String>,
    /// The conversation it was charged to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub conversation_id: Option<String>,
    /// When it was sent, in milliseconds since the Unix epoch (when the provider's time reads).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub sent_at_ms: Option<u64>,
    /// When it was sent, as the provider wrote it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub sent_at: Option<String>,
}

/// One page of history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(rename_all = "camelCase")]
pub struct HistoryPage {
    /// Its records, in the provider's order.
    pub records: Vec<HistoryRecord>,
    /// Which page this is.
    pub page: u32,
    /// The page size asked for.
    pub page_size: u32,
    /// The next page to ask for (the same query with `page` set to it); absent on the last.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub next_page: Option<u32>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;

    #[test]
    fn a_query_reads_with_defaults_and_is_checked() {
        let query: HistoryQuery = serde_json::from_str(r#"{"businessNumber": "8613800000000"}"#).unwrap();
        assert_eq!(query, HistoryQuery::new("8613800000000"));
        assert!(query.check().is_ok());
        let bad = [
            HistoryQuery::new(" "),
            HistoryQuery { channel: Some(Channel::Messenger), ..HistoryQuery::new("1") },
            HistoryQuery { since_ms: Some(2), until_ms: Some(1), ..HistoryQuery::new("1") },
            HistoryQuery { page: Some(0), ..HistoryQuery::new("1") },
        ];
        for query in bad {
            assert_eq!(query.check().unwrap_err().code(), ErrorCode::InvalidParameter, "{query:?}");
        }
        assert!(serde_json::from_str::<HistoryQuery>(r#"{"businessNumber": "1", "user": "2"}"#).is_err());
    }
}
