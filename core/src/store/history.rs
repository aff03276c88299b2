//! The message history a store keeps as it admits events: one [`Entry`] per provider,
//! business number and message ID, made from an inbound message or merged from the status
//! receipts of a sent one ([`Entry::inbound`], [`Entry::receipt`]), and the query that lists
//! them ([`HistoryFilter`]), newest first.
//!
//! What a receipt tells is all an outbound entry knows: Meta's status webhooks carry neither
//! the content nor the template of what was sent.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::events::{DeliveryError, DeliveryStatus, InboundContent, InboundEvent, StatusEvent};
use crate::ops::{Direction, HistoryPage, HistoryRecord};
use crate::provider::ProviderKind;

/// Whether a store keeps the history of `provider`'s messages: Meta's only, which has no
/// history of its own (CAMS's is `ListChatappMessage`), so a CAMS receiver pays nothing for it.
pub(super) fn keeps_history(provider: ProviderKind) -> bool {
    provider == ProviderKind::Meta
}

/// The status an inbound message is recorded with.
pub const RECEIVED: &str = "received";

/// Which of a business number's recorded messages to list ([`super::EventStore::history`]),
/// newest first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HistoryFilter {
    /// The provider the messages went through.
    pub provider: ProviderKind,
    /// The business number (Meta: the phone number ID).
    pub business: String,
    /// Only messages with this user, by phone number or business-scoped user ID.
    pub user: Option<String>,
    /// Only one way.
    pub direction: Option<Direction>,
    /// Only messages in this status: [`RECEIVED`] for inbound ones, else the delivery status's
    /// name (`sent`, `delivered`, `read`, `played`, `failed`).
    pub status: Option<String>,
    /// Only messages at or after this time, in milliseconds since the Unix epoch.
    pub since_ms: Option<u64>,
    /// Only messages at or before this time.
    pub until_ms: Option<u64>,
    /// The page, from 1.
    pub page: u32,
    /// Records per page (at least 1).
    pub page_size: u32,
}

impl HistoryFilter {
    /// How many matching entries come before the page.
    pub(super) fn offset(&self) -> u64 {
        u64::from(self.page.saturating_sub(1)) * u64::from(self.page_size)
    }

    /// How many matching entries a store reads for the page: one beyond it, to tell whether
    /// there is a next.
    pub(super) fn take(&self) -> usize {
        self.page_size as usize + 1
    }

    /// Whether only the time range and the user narrow it (the indexes a store keeps), so
    /// that a store may skip [`HistoryFilter::offset`] entries without reading them.
    pub(super) fn indexed_only(&self) -> bool {
        self.direction.is_none() && self.status.is_none()
    }

    /// The page of `entries`: the matching ones after the offset, at most
    /// [`HistoryFilter::take`] of them, newest first.
    pub(super) fn page_of(&self, entries: Vec<Entry>) -> HistoryPage {
        let more = entries.len() > self.page_size as usize;
        let records = entries.iter().take(self.page_size as usize).map(Entry::record).collect();
        let next_page = if more { self.page.checked_add(1) } else { None };
        HistoryPage { records, page: self.page, page_size: self.page_size, next_page }
    }
}

/// One recorded message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Entry {
    pub provider: ProviderKind,
    pub business: String,
    pub message_id: String,
    pub direction: Direction,
    /// The user's phone number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// The user's business-scoped user ID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// [`RECEIVED`], or the latest delivery status a receipt advanced it to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fail_reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversation_id: Option<String>,
    /// When the message was sent (inbound: its timestamp; outbound: its earliest receipt's).
    pub at_ms: u64,
    /// When an admitted event last changed it: what [`super::EventStore::prune`] goes by.
    pub touched_ms: u64,
}

impl Entry {
    /// The entry of an inbound message admitted at `now_ms`.
    pub fn inbound(inbound: &InboundEvent, now_ms: u64) -> Self {
        let (message_type, content) = describe(&inbound.content);
        Self {
            provider: inbound.provider,
            business: inbound.business.number.clone(),
            message_id: inbound.message_id.clone(),
            direction: Direction::Inbound,
            phone: inbound.sender.phone.clone(),
            user_id: inbound.sender.user_id.clone(),
            status: Some(RECEIVED.to_owned()),
            message_type: Some(message_type),
            content: Some(content),
            fail_reason: None,
            conversation_id: None,
            at_ms: inbound.timestamp_ms.unwrap_or(now_ms),
            touched_ms: now_ms,
        }
    }

    /// `current` (the message's entry, if any) after the receipt `status` admitted at `now_ms`:
    /// its time is the earliest receipt's, and its status and failure change only when the
    /// receipt `advances` the message, so a late receipt never moves it back.
    pub fn receipt(current: Option<Self>, status: &StatusEvent, advances: bool, now_ms: u64) -> Self {
        let at_ms = status.timestamp_ms.unwrap_or(now_ms);
        let mut entry = current.unwrap_or_else(|| Self {
            provider: status.provider,
            business: status.business.number.clone(),
            message_id: status.message_id.clone(),
            direction: Direction::Outbound,
            phone: None,
            user_id: None,
            status: None,
            message_type: None,
            content: None,
            fail_reason: None,
            conversation_id: None,
            at_ms,
            touched_ms: now_ms,
        });
        entry.at_ms = entry.at_ms.min(at_ms);
        entry.touched_ms = now_ms;
        entry.phone = entry.phone.or_else(|| status.recipient.phone.clone());
        entry.user_id = entry.user_id.or_else(|| status.recipient.user_id.clone());
        if let Some(id) = status.conversation.as_ref().and_then(|conversation| conversation.id.clone()) {
            entry.conversation_id = Some(id);
        }
        if advances {
            entry.status = Some(status.status.name().to_owned());
            if status.status == DeliveryStatus::Failed {
                entry.fail_reason = fail_reason(&status.errors);
            }
        }
        entry
    }

    /// The user as history shows it: the phone number, else the user ID.
    pub fn user(&self) -> &str {
        self.phone.as_deref().or(self.user_id.as_deref()).unwrap_or_default()
    }

    /// The identities it can be found by: the phone number and the user ID, each when known.
    pub fn users(&self) -> impl Iterator<Item = &str> {
        [&self.phone, &self.user_id].into_iter().flatten().map(String::as_str)
    }

    /// Whether `filter` lists it (its provider and business number aside).
    pub fn matches(&self, filter: &HistoryFilter) -> bool {
        filter.user.as_deref().is_none_or(|user| self.users().any(|known| known == user))
            && filter.direction.is_none_or(|direction| direction == self.direction)
            && filter.status.as_deref().is_none_or(|status| self.status.as_deref() == Some(status))
            && filter.since_ms.is_none_or(|since| self.at_ms >= since)
            && filter.until_ms.is_none_or(|until| self.at_ms <= until)
    }

    /// The order history lists entries in: newest first, then by message ID, descending.
    pub fn newest_first(a: &Self, b: &Self) -> std::cmp::Ordering {
        (b.at_ms, &b.message_id).cmp(&(a.at_ms, &a.message_id))
    }

    /// As a history record.
    pub fn record(&self) -> HistoryRecord {
        HistoryRecord {
            message_id: self.message_id.clone(),
            direction: Some(self.direction),
            business_number: self.business.clone(),
            user_number: self.user().to_owned(),
            channel: None,
            message_type: self.message_type.clone(),
            content: self.content.clone(),
            status: self.status.clone(),
            status_name: None,
            fail_reason: self.fail_reason.clone(),
            fallback: false,
            fallback_content: None,
            template_code: None,
            template_name: None,
            language: None,
            conversation_id: self.conversation_id.clone(),
            sent_at_ms: Some(self.at_ms),
            sent_at: None,
        }
    }
}

/// The type (the content's `type`, or the provider's for content chatlane does not type) and
/// the summary of inbound content: its text, else its caption, else its JSON.
fn describe(content: &InboundContent) -> (String, String) {
    let value = serde_json::to_value(content).expect("inbound content serialises");
    let message_type = match content {
        InboundContent::Unsupported(unsupported) => unsupported.message_type.clone(),
        _ => value["type"].as_str().unwrap_or_default().to_owned(),
    };
    let summary = match content {
        InboundContent::Text(text) => text.body.clone(),
        _ => value.get("caption").and_then(Value::as_str).map_or_else(|| value.to_string(), str::to_owned),
    };
    (message_type, summary)
}

/// Why a message failed, from its receipt's errors: `code: description` (else the title),
/// several joined by `; `; `None` without errors.
fn fail_reason(errors: &[DeliveryError]) -> Option<String> {
    let reasons: Vec<String> = errors
        .iter()
        .map(|error| match error.description.as_ref().or(error.title.as_ref()) {
            Some(text) => format!("{}: {text}", error.code),
            None => error.code.clone(),
        })
        .collect();
    (!reasons.is_empty()).then(|| reasons.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::{Business, ChatUser, Conversation, InboundMedia, InboundText};

    fn sent(status: DeliveryStatus, timestamp_ms: Option<u64>) -> StatusEvent {
        StatusEvent {
            provider: ProviderKind::Meta,
            message_id: "wamid.1".into(),
            task_id: None,
            business: Business { number: "106540352242922".into(), ..Business::default() },
            recipient: ChatUser { phone: Some("16505551234".into()), ..ChatUser::default() },
            status,
            timestamp_ms,
            errors: Vec::new(),
            conversation: None,
            pricing: None,
        }
    }

    fn inbound(content: InboundContent) -> InboundEvent {
        InboundEvent {
            provider: ProviderKind::Meta,
            message_id: "wamid.in".into(),
            business: Business { number: "106540352242922".into(), ..Business::default() },
            sender: ChatUser { user_id: Some("US.1".into()), ..ChatUser::default() },
            timestamp_ms: None,
            context: None,
            content,
        }
    }

    #[test]
    fn inbound_content_is_summarised_by_its_text_caption_or_json() {
        let text = Entry::inbound(&inbound(InboundContent::Text(InboundText { body: "hi".into() })), 7);
        assert_eq!((text.message_type.as_deref(), text.content.as_deref()), (Some("text"), Some("hi")));
        assert_eq!((text.at_ms, text.user(), text.status.as_deref()), (7, "US.1", Some(RECEIVED)));
        let captioned = InboundMedia { id: Some("m".into()), caption: Some("look".into()), ..InboundMedia::default() };
        let image = Entry::inbound(&inbound(InboundContent::Image(captioned)), 7);
        assert_eq!((image.message_type.as_deref(), image.content.as_deref()), (Some("image"), Some("look")));
        let bare = Entry::inbound(&inbound(InboundContent::Video(InboundMedia::default())), 7);
        assert_eq!(
            (bare.message_type.as_deref(), bare.content.as_deref()),
            (Some("video"), Some(r#"{"type":"video"}"#))
        );
    }

    #[test]
    fn receipts_merge_into_one_entry_and_never_move_it_back() {
        let first = Entry::receipt(None, &sent(DeliveryStatus::Read, Some(500)), true, 1_000);
        assert_eq!((first.direction, first.status.as_deref(), first.at_ms), (Direction::Outbound, Some("read"), 500));
        let conversation = Conversation { id: Some("c1".into()), ..Conversation::default() };
        let late = StatusEvent { conversation: Some(conversation), ..sent(DeliveryStatus::Sent, Some(400)) };
        let merged = Entry::receipt(Some(first), &late, false, 2_000);
        assert_eq!((merged.status.as_deref(), merged.at_ms, merged.touched_ms), (Some("read"), 400, 2_000));
        assert_eq!((merged.conversation_id.as_deref(), merged.user()), (Some("c1"), "16505551234"));
        let errors = vec![
            DeliveryError { code: "131026".into(), title: Some("Undeliverable".into()), description: None },
            DeliveryError { code: "1".into(), title: None, description: None },
        ];
        let failed = StatusEvent { errors, ..sent(DeliveryStatus::Failed, None) };
        let failed = Entry::receipt(Some(merged), &failed, true, 3_000);
        assert_eq!((failed.status.as_deref(), failed.at_ms), (Some("failed"), 400));
        assert_eq!(failed.fail_reason.as_deref(), Some("131026: Undeliverable; 1"));
    }

    #[test]
    fn a_page_reads_one_more_to_know_whether_there_is_a_next() {
        let filter = HistoryFilter {
            provider: ProviderKind::Meta,
            business: "b".into(),
            user: None,
            direction: None,
            status: None,
            since_ms: None,
            until_ms: None,
            page: 3,
            page_size: 2,
        };
        assert_eq!((filter.offset(), filter.take()), (4, 3));
        let entry = Entry::receipt(None, &sent(DeliveryStatus::Sent, Some(1)), true, 1);
        let full = filter.page_of(vec![entry.clone(), entry.clone(), entry.clone()]);
        assert_eq!((full.records.len(), full.page, full.next_page), (2, 3, Some(4)));
        assert_eq!(filter.page_of(vec![entry.clone(), entry]).next_page, None, "exactly full: the last");
    }
}
