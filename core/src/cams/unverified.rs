//! Wire choices the spec leaves unverified, each in one place so it is a one-line change.
//! `docs/unverified.md` lists every such choice with its reasoning.

/// Spelling of `Label` for promotional Viber messages. The SDK documentation writes
/// `pormotion`, the Go SDK example `promotion`.
pub const VIBER_PROMOTION_LABEL: &str = "promotion";

/// Requests per second per account for `ListChatappMessage`, which documents no limit: the
/// same as the other read-only statistics operations (`GetChatappTemplateMetric`, 50/s).
pub const LIST_MESSAGE_QPS: f64 = 50.0;

/// Records per page when a caller pages through history or templates without choosing: CAMS
/// documents no maximum `Page.Size` (its examples use 10). 100 keeps paging through
/// thousands of records to tens of requests at 5–50 requests per second.
pub const PAGE_SIZE: u32 = 100;

/// How `SendTime` in `ListChatappMessage` records is written: `yyyy-MM-dd HH:mm:ss`, UTC. The
/// SDK types it as a string without a format.
pub const SEND_TIME_FORMAT: &[time::format_description::BorrowedFormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");

/// How long after a send CAMS's history (`ListChatappMessage`) is taken to hold it, so that
/// its absence there proves it never arrived: 10 minutes. CAMS documents no delay between
/// accepting a message and listing it; a longer wait only delays a re-send.
pub const HISTORY_SETTLE_MS: u64 = 10 * 60 * 1000;

/// How a media object of `GetChatappUploadAuthorization`'s bucket is addressed when
/// `EndPoint` is a host name: virtual-hosted style (`{BucketName}.{EndPoint}/{key}`), as
/// OSS's SDKs address host-name endpoints; `false` puts it path-style
/// (`{EndPoint}/{BucketName}/{key}`), which an IP address or `localhost` (the sandbox) gets
/// either way. CAMS documents neither the form of `EndPoint` nor how its bucket is read.
pub const OSS_VIRTUAL_HOSTED: bool = true;
