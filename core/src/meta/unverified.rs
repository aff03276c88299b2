//! Wire choices the Meta reference leaves unverified, each in one place so it is a one-line
//! change. `docs/unverified.md` ("Meta Cloud API") lists every such choice with its reasoning.

use crate::limit::Quota;

/// The `recipient_type` sent with a business-scoped user ID in `recipient`: none, so Meta's
/// default (`individual`) applies. Meta's examples were not seen; `individual` is the other
/// candidate (`business_scoped_user_id` is refused with code 100, §2.1).
pub const BSUID_RECIPIENT_TYPE: Option<&str> = None;

/// Longest `biz_opaque_callback_data` (the `TaskId`): "512 characters is commonly cited" (§2.1).
pub const MAX_CALLBACK_DATA: usize = 512;

/// The response header read for the Graph trace ID when the error body has no `fbtrace_id`.
pub const TRACE_ID_HEADER: &str = "x-fb-trace-id";

/// The pace of template reads (`GET /{waba-id}/message_templates`, `GET /{template-id}`), per
/// WhatsApp Business Account. Meta documents no per-second limit for these management
/// endpoints, only a rolling hour per app and WABA: 200 requests, or 5,000 once the WABA has a
/// registered number (§1, §4). A client that sends has one, so the budget is the 5,000: bursts
/// of 50, then the rest spread evenly, so that no hour holds more than 5,000 (50 + 4,950).
/// A WABA still on 200/hour gets Meta's `80007`, a throttle retried with backoff.
pub const TEMPLATE_READS: Quota = Quota { per_second: (5_000.0 - 50.0) / 3_600.0, burst: 50 };

/// The pace of media calls (upload, retrieve, delete), per business phone number (a lookup
/// or deletion that names none: per WABA): Meta documents no limit for the media endpoints
/// (§7), so they get a budget of their own that stays far below the Graph API's per-app
/// limits and never takes the number's send slots.
pub const MEDIA_CALLS: Quota = Quota::per_second(25.0);

/// The hosts (and their subdomains) a media download URL may be on for the bearer token to be
/// sent there (§7): `lookaside.fbsbx.com` in Meta's documents and fixtures, and Meta's CDN
/// domains some clients report. Any other host is refused.
pub const MEDIA_HOSTS: [&str; 4] = ["fbsbx.com", "facebook.com", "fbcdn.net", "whatsapp.net"];

/// The templates asked per page while looking one up by name (the `name` filter of
/// `message_templates` may match more than the exact name: the lookup keeps the exact one).
pub const LOOKUP_PAGE_SIZE: u32 = 100;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_reads_fill_but_never_overrun_the_hourly_budget() {
        let hour = f64::from(TEMPLATE_READS.burst) + TEMPLATE_READS.per_second * 3_600.0;
        assert!((4_999.0..=5_000.0 + 1e-6).contains(&hour), "{hour} requests in the first hour");
    }
}
