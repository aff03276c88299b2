//! The keys redeliveries are recognised by (Meta reference §5.3, CAMS reference §10): both
//! providers deliver at least once, so a store records each key and skips an event whose key
//! it has seen. A key is a compact JSON array of strings, so that no two tuples share one.

use serde_json::Value;
use sha2::{Digest, Sha256};

use super::model::{Event, InboundEvent, StatusEvent, UnsupportedEvent};
use super::status::DeliveryStatus;

impl Event {
    /// The key a redelivery of this event has too; see the key of each kind.
    pub fn dedup_key(&self) -> String {
        match self {
            Self::Status(status) => status.dedup_key(),
            Self::Inbound(inbound) => inbound.dedup_key(),
            Self::Unsupported(unsupported) => unsupported.dedup_key(),
        }
    }
}

impl StatusEvent {
    /// `["status", provider, message ID, status]`, and for `failed` the first error's code
    /// (`""` without one): each step of a message is recorded once.
    pub fn dedup_key(&self) -> String {
        let mut parts = vec!["status", self.provider.as_str(), &self.message_id, self.status.name()];
        if self.status == DeliveryStatus::Failed {
            parts.push(self.errors.first().map_or("", |error| &error.code));
        }
        key(&parts)
    }
}

impl InboundEvent {
    /// `["inbound", provider, business number, message ID]`.
    pub fn dedup_key(&self) -> String {
        key(&["inbound", self.provider.as_str(), &self.business.number, &self.message_id])
    }
}

impl UnsupportedEvent {
    /// `["unsupported", provider, SHA-256]`: the lowercase hex SHA-256 of the canonical JSON
    /// (keys sorted, no spaces) of `{"accountId", "name", "raw"}`, `raw` as the JSON it holds.
    /// `reason` is left out: it is chatlane's wording, not the provider's.
    pub fn dedup_key(&self) -> String {
        let raw = serde_json::from_str(&self.raw).unwrap_or_else(|_| Value::String(self.raw.clone()));
        let identity = serde_json::json!({"accountId": self.account_id, "name": self.name, "raw": raw});
        let mut canonical = String::new();
        write_canonical(&identity, &mut canonical);
        key(&["unsupported", self.provider.as_str(), &hex::encode(Sha256::digest(canonical.as_bytes()))])
    }
}

fn key(parts: &[&str]) -> String {
    serde_json::to_string(parts).expect("strings serialise")
}

/// `value` as JSON with every object's keys sorted (by code point) and no whitespace.
fn write_canonical(value: &Value, out: &mut String) {
    match value {
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        Value::Object(fields) => {
            let mut sorted: Vec<_> = fields.iter().collect();
            sorted.sort_unstable_by(|a, b| a.0.cmp(b.0));
            out.push('{');
            for (i, (name, field)) in sorted.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(name.clone()).to_string());
                out.push(':');
                write_canonical(field, out);
            }
            out.push('}');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::events::{Business, ChatUser, DeliveryError, InboundContent, InboundText};
    use crate::provider::ProviderKind;

    fn status(status: DeliveryStatus, errors: &[&str]) -> StatusEvent {
        StatusEvent {
            provider: ProviderKind::Meta,
            message_id: "wamid.1".into(),
            task_id: None,
            business: Business { number: "106540352242922".into(), ..Business::default() },
            recipient: ChatUser { phone: Some("16505551234".into()), ..ChatUser::default() },
            status,
            timestamp_ms: Some(1),
            errors: errors
                .iter()
                .map(|code| DeliveryError { code: (*code).into(), title: None, description: None })
                .collect(),
            conversation: None,
            pricing: None,
        }
    }

    #[test]
    fn statuses_are_keyed_by_message_and_status_and_failures_by_code() {
        assert_eq!(status(DeliveryStatus::Read, &[]).dedup_key(), r#"["status","meta","wamid.1","read"]"#);
        let retimed = StatusEvent { timestamp_ms: Some(2), ..status(DeliveryStatus::Read, &[]) };
        assert_eq!(retimed.dedup_key(), status(DeliveryStatus::Read, &[]).dedup_key());
        let failed = status(DeliveryStatus::Failed, &["131049", "131026"]).dedup_key();
        assert_eq!(failed, r#"["status","meta","wamid.1","failed","131049"]"#);
        assert_ne!(failed, status(DeliveryStatus::Failed, &["131026"]).dedup_key());
        assert_eq!(status(DeliveryStatus::Failed, &[]).dedup_key(), r#"["status","meta","wamid.1","failed",""]"#);
        let other = Event::Status(status(DeliveryStatus::Other("queued".into()), &[]));
        assert_eq!(other.dedup_key(), r#"["status","meta","wamid.1","queued"]"#);
    }

    #[test]
    fn inbound_messages_are_keyed_by_business_number_and_message() {
        let inbound = InboundEvent {
            provider: ProviderKind::Cams,
            message_id: "m\"1".into(),
            business: Business { number: "8613800000000".into(), ..Business::default() },
            sender: ChatUser { phone: Some("6591234567".into()), ..ChatUser::default() },
            timestamp_ms: None,
            context: None,
            content: InboundContent::Text(InboundText { body: "hi".into() }),
        };
        assert_eq!(Event::Inbound(inbound.clone()).dedup_key(), r#"["inbound","cams","8613800000000","m\"1"]"#);
        let elsewhere = Business { number: "8613800000001".into(), ..Business::default() };
        assert_ne!(InboundEvent { business: elsewhere, ..inbound.clone() }.dedup_key(), inbound.dedup_key());
    }

    #[test]
    fn other_events_are_keyed_by_the_hash_of_their_canonical_json() {
        let event = |raw: &str, account: Option<&str>| UnsupportedEvent {
            provider: ProviderKind::Meta,
            name: "message_template_status_update".into(),
            raw: raw.into(),
            reason: None,
            account_id: account.map(Into::into),
        };
        let a = event(r#"{"field":"x","value":{"b":1,"a":[true,null,"é"]}}"#, Some("1"));
        let reordered = event(r#"{ "value": {"a": [true, null, "é"], "b": 1}, "field": "x" }"#, Some("1"));
        assert_eq!(a.dedup_key(), reordered.dedup_key());
        // SHA-256 of {"accountId":"1","name":"message_template_status_update","raw":{"field":"x","value":{"a":[true,null,"é"],"b":1}}}
        let digest = "c1994755dfea4befac1c5ab8b46f9fd546441f883da6a7160505f8957ab04875";
        assert_eq!(a.dedup_key(), format!(r#"["unsupported","meta","{digest}"]"#));
        assert_ne!(a.dedup_key(), event(r#"{"field":"x","value":{"b":2,"a":[true,null,"é"]}}"#, Some("1")).dedup_key());
        assert_ne!(a.dedup_key(), event(r#"{"field":"x","value":{"b":1,"a":[true,null,"é"]}}"#, Some("2")).dedup_key());
        let explained = UnsupportedEvent { reason: Some("why".into()), ..a.clone() };
        assert_eq!(explained.dedup_key(), a.dedup_key());

        let mut canonical = String::new();
        write_canonical(&json!({"b": {"d": 1, "c": "x\n"}, "a": [2.5, {"z": 0, "y": 1}]}), &mut canonical);
        assert_eq!(canonical, r#"{"a":[2.5,{"y":1,"z":0}],"b":{"c":"x\n","d":1}}"#);
    }
}
