//! Wire choices the Meta reference leaves unverified, each in one place so it is a one-line
//! change. `docs/unverified.md` ("Meta Cloud API") lists every such choice with its reasoning.

/// The `recipient_type` sent with a business-scoped user ID in `recipient`: none, so Meta's
/// default (`individual`) applies. Meta's examples were not seen; `individual` is the other
/// candidate (`business_scoped_user_id` is refused with code 100, §2.1).
pub const BSUID_RECIPIENT_TYPE: Option<&str> = None;

/// Longest `biz_opaque_callback_data` (the `TaskId`): "512 characters is commonly cited" (§2.1).
pub const MAX_CALLBACK_DATA: usize = 512;

/// The response header read for the Graph trace ID when the error body has no `fbtrace_id`.
pub const TRACE_ID_HEADER: &str = "x-fb-trace-id";
