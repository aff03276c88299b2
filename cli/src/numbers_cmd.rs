//! `chatlane numbers`: the channel's business numbers, with status, quality rating and tier.

use std::process::ExitCode;

use chatlane_core::ops::{PhoneNumber, PhoneNumberQuery};
use clap::Args;

use crate::connection::ConnectionArgs;
use crate::listing::{Failure, Listing, cell, finish};

/// Examples shown by `chatlane numbers --help`.
pub const EXAMPLES: &str = "\
Examples:
  chatlane numbers --cust-space-id cams-8c8h1zpp
  chatlane numbers --status CONNECTED --json

Credentials and endpoint as for `chatlane send`; the channel instance (CustSpaceId) from
--cust-space-id or CHATLANE_CUST_SPACE_ID. --json prints one PhoneNumber per line (the
model's camelCase shape, schema/chatlane.schema.json).";

/// Options of `chatlane numbers`.
#[derive(Debug, Args)]
pub struct NumbersArgs {
    /// Only numbers in this status, e.g. CONNECTED or PENDING.
    #[arg(long)]
    status: Option<String>,
    /// Print one JSON object per number (PhoneNumber) instead of a table.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    connection: ConnectionArgs,
}

/// Runs `chatlane numbers`.
pub async fn run(args: NumbersArgs) -> ExitCode {
    finish(numbers(args).await)
}

async fn numbers(args: NumbersArgs) -> Result<(), Failure> {
    let connection = args.connection.connect(|_| {}).await?;
    let query = PhoneNumberQuery { status: args.status, ..PhoneNumberQuery::default() };
    let numbers = connection.client.phone_numbers(&query).await?;
    let mut listing = Listing::new(args.json, &["NUMBER", "NAME", "STATUS", "QUALITY", "TIER"]);
    for number in &numbers {
        listing.add(number, row)?;
    }
    Ok(listing.end()?)
}

/// A number's row in the table.
fn row(number: &PhoneNumber) -> Vec<String> {
    vec![
        number.phone_number.clone(),
        cell(number.verified_name.as_deref()),
        cell(number.status.as_deref()),
        cell(number.quality_rating.as_deref()),
        cell(number.messaging_limit_tier.as_deref()),
    ]
}
