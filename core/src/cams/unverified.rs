//! Wire choices the spec leaves unverified, each in one place so it is a one-line change.
//! `docs/unverified.md` lists every such choice with its reasoning.

/// Spelling of `Label` for promotional Viber messages. The SDK documentation writes
/// `pormotion`, the Go SDK example `promotion`.
pub const VIBER_PROMOTION_LABEL: &str = "promotion";
