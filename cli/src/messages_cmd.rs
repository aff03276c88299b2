//! `chatlane messages`: a business number's message history, walking its pages.

use std::path::PathBuf;
use std::process::ExitCode;

use chatlane_core::ops::{Direction, HistoryQuery, HistoryRecord};
use chatlane_core::{Error, ErrorCode};
use clap::{Args, Subcommand, ValueEnum};
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Duration, OffsetDateTime};

use crate::connection::{ConnectionArgs, Provider};
use crate::listing::{Failure, Listing, cell, finish};

/// Examples shown by `chatlane messages --help`.
pub const EXAMPLES: &str = "\
Examples:
  chatlane messages list --from 8613800000000 --since 24h
  chatlane messages list --from 8613800000000 --user 6591234567 --direction inbound --json
  chatlane messages list --from 8613800000000 --status failed --since 2025-01-31T00:00:00Z --limit 50
  chatlane messages list --provider meta --from 106540352242922 --store events.db --since 7d

Credentials and endpoint as for `chatlane send`; the channel instance (CustSpaceId) from
--cust-space-id or CHATLANE_CUST_SPACE_ID. --json prints one HistoryRecord per line (the
model's camelCase shape, schema/chatlane.schema.json).

Meta keeps no history to ask for: with --provider meta (--from a phone number ID), the
history is what `chatlane webhook --store FILE` recorded of Meta's webhooks in FILE, given
as --store FILE (the messages users sent, and the business's messages a status webhook
reported, without their content; --template is CAMS's only). No request is made.";

/// Options of `chatlane messages`.
#[derive(Debug, Args)]
pub struct MessagesArgs {
    #[command(subcommand)]
    action: Action,
}

#[derive(Debug, Subcommand)]
enum Action {
    /// List what a business number sent and received, newest first: a table (sent at,
    /// direction, user, type, status, message ID) or JSON lines.
    #[command(after_help = EXAMPLES)]
    List(Box<ListArgs>),
}

/// Options of `chatlane messages list`.
#[derive(Debug, Args)]
struct ListArgs {
    /// The business number whose messages to list.
    #[arg(long, value_name = "BUSINESS_NUMBER")]
    from: String,
    /// Only messages with this user.
    #[arg(long)]
    user: Option<String>,
    /// Only messages going one way.
    #[arg(long, value_enum)]
    direction: Option<Way>,
    /// Only messages in this status, e.g. delivered, read or failed.
    #[arg(long)]
    status: Option<String>,
    /// Only sends of the template with this code.
    #[arg(long, value_name = "CODE")]
    template: Option<String>,
    /// Only messages sent at or after TIME: an RFC 3339 timestamp (2025-01-31T09:00:00Z) or a
    /// duration ago (90s, 30m, 24h, 7d, 2w).
    #[arg(long, value_name = "TIME", value_parser = time_arg)]
    since: Option<u64>,
    /// Only messages sent at or before TIME (as for --since).
    #[arg(long, value_name = "TIME", value_parser = time_arg)]
    until: Option<u64>,
    /// Stop after N messages.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    limit: Option<u64>,
    /// Messages asked for per request, 1–1000 (default 100).
    #[arg(long, value_name = "N")]
    page_size: Option<u32>,
    /// Print one JSON object per message (HistoryRecord) instead of a table.
    #[arg(long)]
    json: bool,
    /// Meta: the event store (SQLite) that `chatlane webhook --store FILE` records Meta's
    /// webhooks in; a Meta number's history is read from it (Meta keeps none to ask for).
    #[arg(long, value_name = "FILE")]
    store: Option<PathBuf>,
    #[command(flatten)]
    connection: ConnectionArgs,
}

/// Which way a message went.
#[derive(Clone, Copy, Debug, ValueEnum)]
enum Way {
    /// Sent by the business.
    Outbound,
    /// Sent by a user.
    Inbound,
}

impl From<Way> for Direction {
    fn from(way: Way) -> Self {
        match way {
            Way::Outbound => Self::Outbound,
            Way::Inbound => Self::Inbound,
        }
    }
}

/// Runs `chatlane messages`.
pub async fn run(args: MessagesArgs) -> ExitCode {
    finish(match args.action {
        Action::List(args) => list(*args).await,
    })
}

async fn list(args: ListArgs) -> Result<(), Failure> {
    let store = event_store(args.connection.provider, args.store.as_deref())?;
    let connection = args.connection.connect(|options| options.event_store = store).await?;
    let mut query = HistoryQuery {
        user_number: args.user,
        direction: args.direction.map(Direction::from),
        status: args.status,
        template_code: args.template,
        since_ms: args.since,
        until_ms: args.until,
        page_size: args.page_size,
        ..HistoryQuery::new(args.from)
    };
    let mut listing = Listing::new(args.json, &["SENT AT", "DIRECTION", "USER", "TYPE", "STATUS", "MESSAGE ID"]);
    let mut left = args.limit.unwrap_or(u64::MAX);
    loop {
        let page = connection.client.list_messages(&query).await?;
        for record in page.records.iter().take(usize::try_from(left).unwrap_or(usize::MAX)) {
            listing.add(record, row)?;
            left -= 1;
        }
        match page.next_page {
            Some(next) if left > 0 => query.page = Some(next),
            _ => break,
        }
    }
    Ok(listing.end()?)
}

/// The `event_store` option `--store` names: a Meta client's history is read from it. Refused
/// for CAMS, whose history comes from its API (as `--waba-id` is), and when the file does not
/// exist: listing reads a store `chatlane webhook` filled, it does not create an empty one.
fn event_store(provider: Provider, store: Option<&std::path::Path>) -> Result<Option<String>, Error> {
    let Some(path) = store else { return Ok(None) };
    if provider != Provider::Meta {
        return Err(Error::new(
            ErrorCode::InvalidConfig,
            "--store is an option of the meta provider (--provider meta): CAMS's history is read from its API",
        ));
    }
    if !path.is_file() {
        return Err(Error::new(
            ErrorCode::InvalidConfig,
            format!(
                "no event store at {}: give the file `chatlane webhook --store FILE` records Meta's webhooks in",
                path.display()
            ),
        ));
    }
    Ok(Some(path.display().to_string()))
}

/// A message's row in the table.
fn row(record: &HistoryRecord) -> Vec<String> {
    let sent_at = record.sent_at_ms.and_then(timestamp).or_else(|| record.sent_at.clone());
    let direction = record.direction.map(|direction| match direction {
        Direction::Outbound => "outbound",
        Direction::Inbound => "inbound",
    });
    vec![
        cell(sent_at.as_deref()),
        cell(direction),
        record.user_number.clone(),
        cell(record.message_type.as_deref()),
        cell(record.status.as_deref()),
        record.message_id.clone(),
    ]
}

/// `ms` since the epoch as an RFC 3339 UTC timestamp to the second.
fn timestamp(ms: u64) -> Option<String> {
    let at = OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).ok()?;
    at.format(format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z")).ok()
}

/// Reads a `--since`/`--until` value, relative to now.
fn time_arg(raw: &str) -> Result<u64, String> {
    parse_time(raw, OffsetDateTime::now_utc())
}

/// Milliseconds since the epoch of `raw`: an RFC 3339 timestamp, or a duration before `now`
/// (a whole number of seconds, minutes, hours, days or weeks: `90s`, `30m`, `24h`, `7d`, `2w`).
fn parse_time(raw: &str, now: OffsetDateTime) -> Result<u64, String> {
    let at = match OffsetDateTime::parse(raw, &Rfc3339) {
        Ok(at) => at,
        Err(_) => ago(raw).and_then(|duration| now.checked_sub(duration)).ok_or_else(|| {
            "expected an RFC 3339 timestamp (2025-01-31T09:00:00Z) or a duration ago (90s, 30m, 24h, 7d, 2w)".to_owned()
        })?,
    };
    u64::try_from(at.unix_timestamp_nanos() / 1_000_000).map_err(|_| format!("{raw} is before 1970"))
}

/// The duration `raw` says: digits, then a unit (`s`, `m`, `h`, `d` or `w`).
fn ago(raw: &str) -> Option<Duration> {
    let digits = raw.get(..raw.len().checked_sub(1)?)?;
    let seconds = match raw.get(digits.len()..)? {
        "s" => 1,
        "m" => 60,
        "h" => 3_600,
        "d" => 86_400,
        "w" => 604_800,
        _ => return None,
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse::<i64>().ok()?.checked_mul(seconds).map(Duration::seconds)
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    const NOW: OffsetDateTime = datetime!(2025-01-31 09:00:00 UTC);
    const NOW_MS: u64 = 1_738_314_000_000;

    #[test]
    fn times_are_rfc_3339_or_a_duration_ago() {
        assert_eq!(parse_time("2025-01-31T09:00:00Z", NOW), Ok(NOW_MS));
        assert_eq!(parse_time("2025-01-31T17:00:00.250+08:00", NOW), Ok(NOW_MS + 250));
        assert_eq!(parse_time("0s", NOW), Ok(NOW_MS));
        assert_eq!(parse_time("90s", NOW), Ok(NOW_MS - 90_000));
        assert_eq!(parse_time("30m", NOW), Ok(NOW_MS - 1_800_000));
        assert_eq!(parse_time("24h", NOW), Ok(NOW_MS - 86_400_000));
        assert_eq!(parse_time("7d", NOW), Ok(NOW_MS - 7 * 86_400_000));
        assert_eq!(parse_time("2w", NOW), Ok(NOW_MS - 14 * 86_400_000));
    }

    #[test]
    fn anything_else_is_refused_with_what_is_expected() {
        for bad in ["", "h", "24", "24x", "1h30m", "-1h", "+1h", "1.5h", "yesterday", "2025-01-31", "24h ", "9é"] {
            let refused = parse_time(bad, NOW).unwrap_err();
            assert!(refused.contains("RFC 3339") && refused.contains("24h"), "{bad:?}: {refused}");
        }
        assert!(parse_time("99999999999999999999d", NOW).is_err(), "too many to count");
        assert!(parse_time("9999999999999w", NOW).is_err(), "before the earliest date");
        assert_eq!(parse_time("1969-12-31T23:59:59Z", NOW), Err("1969-12-31T23:59:59Z is before 1970".into()));
        assert_eq!(parse_time("3000w", NOW), Err("3000w is before 1970".into()));
    }

    #[test]
    fn sent_times_read_back_as_they_are_given() {
        assert_eq!(timestamp(NOW_MS + 999).as_deref(), Some("2025-01-31T09:00:00Z"));
        assert_eq!(timestamp(0).as_deref(), Some("1970-01-01T00:00:00Z"));
        let record: HistoryRecord = serde_json::from_value(serde_json::json!({
            "messageId": "m1", "direction": "inbound", "businessNumber": "861", "userNumber": "659",
            "messageType": "text", "sentAtMs": NOW_MS,
        }))
        .unwrap();
        assert_eq!(row(&record), ["2025-01-31T09:00:00Z", "inbound", "659", "text", "-", "m1"]);
        let bare = HistoryRecord { sent_at_ms: None, sent_at: Some("2025-01-31 09:00:00".into()), ..record };
        assert_eq!(row(&bare)[0], "2025-01-31 09:00:00");
    }
}
