//! Delivery statuses and the order they move forward in.

use serde::{Deserialize, Serialize};

/// What became of a sent message. JSON: the lowercase name (`"delivered"`), or
/// `{"other": "<provider's name>"}` for a status chatlane does not know.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// The provider sent it to the user's app.
    Sent,
    /// It reached the user's device.
    Delivered,
    /// The user read it.
    Read,
    /// The user played the voice note.
    Played,
    /// It could not be delivered (see the errors).
    Failed,
    /// The user deleted it (CAMS lists it; reportedly never pushed).
    Deleted,
    /// Viber: the user subscribed to the business.
    Subscribe,
    /// Viber: the user unsubscribed from the business.
    Unsubscribe,
    /// A status chatlane does not know, by the provider's name as given.
    Other(String),
}

/// Where a status stands in a message's life: see [`DeliveryStatus::supersedes`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StatusRank {
    /// A step of delivery: `sent` 1 < `delivered` 2 < `read` 3 < `played` 4.
    Progress(u8),
    /// The end: nothing comes after `failed`.
    Terminal,
    /// Not a step of delivery (`deleted`, Viber subscriptions, unknown statuses): recorded
    /// beside the delivery status, never in place of it.
    Separate,
}

impl DeliveryStatus {
    /// Every status chatlane knows, in delivery order, then the others.
    const KNOWN: [DeliveryStatus; 8] = [
        Self::Sent,
        Self::Delivered,
        Self::Read,
        Self::Played,
        Self::Failed,
        Self::Deleted,
        Self::Subscribe,
        Self::Unsubscribe,
    ];

    /// The status a provider calls `name`, in any case (`Delivered`, `delivered`); an unknown
    /// name is [`DeliveryStatus::Other`], kept as given.
    pub fn parse(name: &str) -> Self {
        Self::KNOWN
            .into_iter()
            .find(|known| known.name().eq_ignore_ascii_case(name))
            .unwrap_or_else(|| Self::Other(name.to_owned()))
    }

    /// Its name: lowercase for a known status, the provider's own for another.
    pub fn name(&self) -> &str {
        match self {
            Self::Sent => "sent",
            Self::Delivered => "delivered",
            Self::Read => "read",
            Self::Played => "played",
            Self::Failed => "failed",
            Self::Deleted => "deleted",
            Self::Subscribe => "subscribe",
            Self::Unsubscribe => "unsubscribe",
            Self::Other(name) => name,
        }
    }

    /// Where it stands in a message's life.
    pub fn rank(&self) -> StatusRank {
        match self {
            Self::Sent => StatusRank::Progress(1),
            Self::Delivered => StatusRank::Progress(2),
            Self::Read => StatusRank::Progress(3),
            Self::Played => StatusRank::Progress(4),
            Self::Failed => StatusRank::Terminal,
            Self::Deleted | Self::Subscribe | Self::Unsubscribe | Self::Other(_) => StatusRank::Separate,
        }
    }

    /// Whether a message whose delivery status is `current` moves to `self`: only forward
    /// (a late `delivered` after `read` is ignored, as is anything after `failed`); `failed`
    /// ends any step; a separate status never replaces a delivery status, and any delivery
    /// status replaces a separate one. Providers redeliver and reorder (Meta skips
    /// `delivered` when a message is read at once), so a store applies only what supersedes.
    pub fn supersedes(&self, current: &DeliveryStatus) -> bool {
        match (current.rank(), self.rank()) {
            (_, StatusRank::Separate) | (StatusRank::Terminal, _) => false,
            (StatusRank::Separate, _) | (StatusRank::Progress(_), StatusRank::Terminal) => true,
            (StatusRank::Progress(now), StatusRank::Progress(next)) => next > now,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_any_case_and_keeps_unknown_names() {
        assert_eq!(DeliveryStatus::parse("Delivered"), DeliveryStatus::Delivered);
        assert_eq!(DeliveryStatus::parse("READ"), DeliveryStatus::Read);
        assert_eq!(DeliveryStatus::parse("unsubscribe"), DeliveryStatus::Unsubscribe);
        assert_eq!(DeliveryStatus::parse("Queued"), DeliveryStatus::Other("Queued".into()));
        assert_eq!(DeliveryStatus::parse("Queued").name(), "Queued");
        for known in DeliveryStatus::KNOWN {
            assert_eq!(DeliveryStatus::parse(known.name()), known);
        }
    }

    #[test]
    fn serialises_known_names_as_strings_and_others_tagged() {
        assert_eq!(serde_json::to_value(DeliveryStatus::Played).unwrap(), "played");
        let other = DeliveryStatus::Other("queued".into());
        assert_eq!(serde_json::to_value(&other).unwrap(), serde_json::json!({"other": "queued"}));
        assert_eq!(serde_json::from_value::<DeliveryStatus>(serde_json::json!({"other": "queued"})).unwrap(), other);
    }

    #[test]
    fn statuses_only_move_forward() {
        use DeliveryStatus::*;
        let chain = [Sent, Delivered, Read, Played];
        for (i, earlier) in chain.iter().enumerate() {
            for later in &chain[i + 1..] {
                assert!(later.supersedes(earlier), "{later:?} after {earlier:?}");
                assert!(!earlier.supersedes(later), "{earlier:?} after {later:?}");
            }
            assert!(!earlier.supersedes(earlier), "{earlier:?} twice");
            assert!(Failed.supersedes(earlier), "failed after {earlier:?}");
            assert!(!earlier.supersedes(&Failed), "{earlier:?} after failed");
        }
        assert!(!Failed.supersedes(&Failed));
        assert!(Read.supersedes(&Sent), "read implies delivered");
    }

    #[test]
    fn separate_statuses_never_replace_the_delivery_status() {
        use DeliveryStatus::*;
        for separate in [Deleted, Subscribe, Unsubscribe, Other("queued".into())] {
            assert_eq!(separate.rank(), StatusRank::Separate);
            for delivery in [Sent, Read, Failed] {
                assert!(!separate.supersedes(&delivery), "{separate:?} over {delivery:?}");
            }
            assert!(Sent.supersedes(&separate) && Failed.supersedes(&separate), "{separate:?}");
        }
    }
}
