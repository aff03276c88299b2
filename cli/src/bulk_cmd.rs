//! `chatlane bulk`: one template to many recipients from a CSV file, paced by the core's
//! rate limiter, with a progress bar, a results file and safe resumption (see [`results`]).

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use chatlane_core::cams::unverified::HISTORY_SETTLE_MS;
use chatlane_core::random_id;
use chatlane_core::reconcile::ReconcilePolicy;
use chatlane_core::store::SendState;
use chatlane_core::{Channel, Error, ErrorCategory, Message, SendOptions, SendReceipt, Template, TemplateParams};
use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::connection::{ConnectionArgs, report};
use crate::job::{Claim, SharedJob};
use crate::results::{self, Journal, Row, Status};

/// Examples shown by `chatlane bulk --help`.
pub const EXAMPLES: &str = "\
Examples:
  chatlane bulk --sandbox --csv customers.csv --from 8613800000000 --template 744c4b5c --language en
  chatlane bulk --csv customers.csv --to-column phone --from 8613800000000 \\
      --template 744c4b5c --language en --rate 100 --results sent.csv

The CSV has a header row. The recipient column (--to-column, default `to`) gives each
message's recipient; every other column is a template parameter of the same name.
Every outcome is appended to the results file (default: <csv>.results.csv). Re-running the
same command resumes: recipients already sent are skipped, so an interrupted run never sends
twice. Messages whose outcome is unknown (the run died mid-send, no answer came, the answer
could not be read, or an HTTP 5xx other than 503) are not re-sent automatically: with
--store (the file `chatlane webhook --store` records receipts in), `--reconcile` marks those
a receipt proves sent, and re-sends once those CAMS's message history proves never arrived
(nothing to the recipient around the time of the send, 10 minutes or more after it).
Definite refusals are tried again.

  chatlane webhook --port 8080 --cams-token s3cret --store events.db &
  chatlane bulk --csv customers.csv --from 8613800000000 --template 744c4b5c --language en --store events.db
  chatlane bulk --csv customers.csv --from 8613800000000 --template 744c4b5c --language en --store events.db --reconcile";

/// Options of `chatlane bulk`.
#[derive(Debug, Args)]
pub struct BulkArgs {
    /// CSV file: a header row, then one recipient per row.
    #[arg(long, value_name = "FILE")]
    csv: PathBuf,
    /// Sender: business number (digits with country code), page, account or service ID.
    #[arg(long)]
    from: String,
    /// The template to send (TemplateCode).
    #[arg(long)]
    template: String,
    /// Template language, e.g. en or zh_CN.
    #[arg(long)]
    language: String,
    /// Channel: whatsapp, messenger, instagram, viber, telegram or line.
    #[arg(long, default_value = "whatsapp")]
    channel: String,
    /// The CSV column that holds the recipient.
    #[arg(long, default_value = "to")]
    to_column: String,
    /// Results file, appended to (default: <csv>.results.csv).
    #[arg(long, value_name = "FILE")]
    results: Option<PathBuf>,
    /// Messages in flight at once.
    #[arg(long, default_value_t = 32, value_parser = clap::value_parser!(u16).range(1..))]
    concurrency: u16,
    /// Messages per second (default: the account limit for SendChatappMessage, 250).
    #[arg(long)]
    rate: Option<f64>,
    /// No progress bar.
    #[arg(long)]
    quiet: bool,
    /// The event store (SQLite) that `chatlane webhook --store` fills with receipts: sends
    /// whose outcome is unknown are recorded there, and `--reconcile` reads it.
    #[arg(long, value_name = "FILE")]
    store: Option<PathBuf>,
    /// Resolve the results file's `unknown` rows instead of sending: a receipt in --store
    /// with the row's TaskId proves it sent; CAMS's message history proves it absent, and an
    /// absent one is sent again, once, with the same TaskId (the history is read with the
    /// client's CustSpaceId: --cust-space-id). Nothing else is sent.
    #[arg(long, requires = "store")]
    reconcile: bool,
    /// With --reconcile: how many seconds after a send its absence from the history counts
    /// as proof that it never arrived.
    #[arg(long, value_name = "SECONDS", default_value_t = HISTORY_SETTLE_MS / 1000, requires = "reconcile")]
    settle: u64,
    /// Share this CSV job with every worker that names it (with --redis; on any host, each
    /// with its own copy of the CSV): rows are claimed in Redis, so together they send each
    /// once; a row a dead worker was sending becomes `unknown`, never re-sent. The results
    /// file is the job's rows, written at the end.
    #[arg(long, value_name = "NAME", requires = "redis", conflicts_with = "reconcile")]
    job: Option<String>,
    #[command(flatten)]
    connection: ConnectionArgs,
}

/// Where a run writes its rows: the results file, or a job shared through Redis.
enum Ledger {
    File(Box<Journal>),
    Job(SharedJob),
}

impl Ledger {
    /// The results file at `path`, or the job `--job` names.
    async fn open(args: &BulkArgs, path: &Path) -> Result<Self, String> {
        match (&args.job, args.connection.redis_url()) {
            (Some(name), Some(url)) => SharedJob::join(url, name).await.map(Self::Job),
            _ => Journal::open(path)
                .map(|journal| Self::File(Box::new(journal)))
                .map_err(|e| format!("cannot write {}: {e}", path.display())),
        }
    }

    /// Takes a pending row before its message is sent: whether this run sends it.
    async fn take(&self, row: &Row) -> Result<Claim, String> {
        match self {
            Self::File(journal) => {
                journal.append(row).map_err(|e| format!("cannot write the results file: {e}"))?;
                Ok(Claim::Mine)
            }
            Self::Job(job) => job.claim(row).await,
        }
    }

    /// Records a row's outcome.
    async fn record(&self, row: &Row) -> Result<(), String> {
        match self {
            Self::File(journal) => journal.append(row).map_err(|e| format!("cannot write the results file: {e}")),
            Self::Job(job) => job.record(row).await,
        }
    }

    /// Ends the run: a job's rows are exported to the results file at `path`.
    async fn close(self, path: &Path) -> Result<(), String> {
        match self {
            Self::File(_) => Ok(()),
            Self::Job(job) => {
                let exported = job.export(path).await;
                job.leave().await;
                exported.map(drop)
            }
        }
    }
}

/// One message to send.
struct Item {
    recipient: String,
    params: TemplateParams,
}

/// What a run did.
#[derive(Debug, Default)]
struct Summary {
    sent: usize,
    failed: BTreeMap<String, usize>,
    unknown: usize,
    skipped_sent: usize,
    skipped_unknown: usize,
    /// Rows another live worker of the job was sending.
    elsewhere: usize,
    /// Rows skipped during the run (claimed by the job's other workers).
    claimed_skips: usize,
    duplicates: usize,
    not_started: usize,
}

impl Summary {
    /// Counts a row the shared job did not hand to this worker.
    fn skip(&mut self, claim: Claim) {
        match claim {
            Claim::Sent => self.skipped_sent += 1,
            Claim::Unknown => self.skipped_unknown += 1,
            Claim::Elsewhere | Claim::Mine => self.elsewhere += 1,
        }
        self.claimed_skips += 1;
    }

    fn print(&self, results: &Path, interrupted: bool) {
        let failed: usize = self.failed.values().sum();
        let by_code: Vec<String> = self.failed.iter().map(|(code, n)| format!("{code} x{n}")).collect();
        let by_code = if by_code.is_empty() { String::new() } else { format!(" ({})", by_code.join(", ")) };
        eprintln!("sent {}, failed {failed}{by_code}, outcome unknown {}", self.sent, self.unknown);
        eprintln!(
            "skipped: {} already sent, {} unknown from an earlier run, {} duplicate rows",
            self.skipped_sent, self.skipped_unknown, self.duplicates
        );
        if self.elsewhere > 0 {
            eprintln!("{} being sent by the job's other workers", self.elsewhere);
        }
        if self.unknown + self.skipped_unknown > 0 {
            eprintln!(
                "messages with an unknown outcome are not re-sent: reconcile them by TaskId (see the results file)"
            );
        }
        if interrupted {
            eprintln!("interrupted: {} not started; run the same command again to resume", self.not_started);
        }
        eprintln!("results: {}", results.display());
    }
}

/// Runs `chatlane bulk`.
pub async fn run(args: BulkArgs) -> ExitCode {
    let results_path = args.results.clone().unwrap_or_else(|| default_results_path(&args.csv));
    if args.reconcile {
        return reconcile(&args, &results_path).await;
    }
    let plan = match plan(&args, &results_path) {
        Ok(plan) => plan,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    let (items, mut summary) = plan;
    let ledger = match Ledger::open(&args, &results_path).await {
        Ok(ledger) => Arc::new(ledger),
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    let tune = |options: &mut chatlane_core::ClientOptions| {
        options.rate_limit_per_second = args.rate;
        options.event_store = args.store.as_ref().map(|path| path.display().to_string());
    };
    let connection = match args.connection.connect(tune).await {
        Ok(connection) => connection,
        Err(error) => {
            report(&error);
            return ExitCode::from(2);
        }
    };
    let channel = match Channel::parse(&args.channel) {
        Ok(channel) => channel,
        Err(error) => {
            report(&error);
            return ExitCode::from(2);
        }
    };

    let total = items.len();
    let bar = progress_bar(total, args.quiet);
    let summary_cell = Arc::new(Mutex::new(std::mem::take(&mut summary)));
    let semaphore = Arc::new(Semaphore::new(usize::from(args.concurrency)));
    let mut in_flight = JoinSet::new();
    let mut interrupted = false;
    let mut ctrl_c = std::pin::pin!(tokio::signal::ctrl_c());
    let mut started = 0;
    for item in items {
        let permit = tokio::select! {
            permit = Arc::clone(&semaphore).acquire_owned() => permit.expect("the semaphore is never closed"),
            _ = &mut ctrl_c => { interrupted = true; break; }
        };
        let task_id = random_id();
        let recipient = item.recipient.clone();
        match ledger.take(&row(&recipient, &task_id, Status::Pending, None)).await {
            Ok(Claim::Mine) => {}
            Ok(other) => {
                summary_cell.lock().unwrap_or_else(PoisonError::into_inner).skip(other);
                bar.inc(1);
                continue;
            }
            Err(message) => {
                eprintln!("error: {message}");
                interrupted = true;
                break;
            }
        }
        let (client, ledger, summary, bar) =
            (connection.client.clone(), Arc::clone(&ledger), Arc::clone(&summary_cell), bar.clone());
        let message = args.message(channel, item, task_id.clone());
        started += 1;
        in_flight.spawn(async move {
            let outcome = client.send(&message).await;
            record(&ledger, &summary, &recipient, &task_id, outcome).await;
            bar.inc(1);
            drop(permit);
        });
    }
    while in_flight.join_next().await.is_some() {}
    bar.finish_and_clear();

    let mut summary = std::mem::take(&mut *summary_cell.lock().unwrap_or_else(PoisonError::into_inner));
    summary.not_started = total - started - summary.claimed_skips;
    if let Err(message) = Arc::into_inner(ledger).expect("every send is done").close(&results_path).await {
        eprintln!("error: {message}");
    }
    summary.print(&results_path, interrupted);
    if interrupted {
        ExitCode::from(130)
    } else if summary.failed.is_empty() && summary.unknown == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Writes the outcome of one message and counts it.
async fn record(
    ledger: &Ledger,
    summary: &Mutex<Summary>,
    recipient: &str,
    task_id: &str,
    outcome: Result<SendReceipt, Error>,
) {
    let row = row_of(recipient, task_id, outcome);
    if let Err(message) = ledger.record(&row).await {
        eprintln!("error: {message}");
    }
    let mut summary = summary.lock().unwrap_or_else(PoisonError::into_inner);
    match row.status {
        Status::Sent => summary.sent += 1,
        Status::Unknown => summary.unknown += 1,
        Status::Failed | Status::Pending => *summary.failed.entry(row.error_code).or_default() += 1,
    }
}

/// The row of a send's outcome: `sent`, `unknown` (it may have arrived) or `failed`.
fn row_of(recipient: &str, task_id: &str, outcome: Result<SendReceipt, Error>) -> Row {
    match &outcome {
        Ok(receipt) => row(recipient, task_id, Status::Sent, Some(Ok(receipt))),
        Err(error) if error.category() == ErrorCategory::OutcomeUnknown => {
            row(recipient, task_id, Status::Unknown, Some(Err(error)))
        }
        Err(error) => row(recipient, task_id, Status::Failed, Some(Err(error))),
    }
}

fn row(recipient: &str, task_id: &str, status: Status, outcome: Option<Result<&SendReceipt, &Error>>) -> Row {
    let (message_id, error_code, attempts) = match outcome {
        None => (String::new(), String::new(), 0),
        Some(Ok(receipt)) => (receipt.message_id.clone(), String::new(), receipt.attempts),
        Some(Err(error)) => (String::new(), error.code().to_string(), error.attempts()),
    };
    Row { recipient: recipient.to_owned(), task_id: task_id.to_owned(), status, message_id, error_code, attempts }
}

/// `--reconcile`: resolves every recipient whose last row is `unknown` (or `pending`) through
/// the client's reconciliation ([`chatlane_core::Client::reconcile`]), re-sending once those
/// proven absent; prints the counts, and succeeds when none is left unresolved.
async fn reconcile(args: &BulkArgs, results_path: &Path) -> ExitCode {
    match resolve(args, results_path).await {
        Ok(counts) => {
            eprintln!(
                "reconciled: {} sent (a receipt carries their TaskId), {} re-sent (the history proved them absent), {} failed again, {} still unknown",
                counts.sent, counts.resent, counts.failed, counts.unknown
            );
            if counts.unknown > 0 {
                eprintln!(
                    "still unknown: no receipt yet, and the history holds a message that may be it or has not settled; they are not re-sent (run again later)"
                );
            }
            eprintln!("results: {}", results_path.display());
            if counts.unknown + counts.failed == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE }
        }
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

/// What `--reconcile` did.
#[derive(Debug, Default)]
struct Resolved {
    sent: usize,
    resent: usize,
    failed: usize,
    unknown: usize,
}

/// Reconciles the store's unknown sends, then writes a row for each open row it resolved.
async fn resolve(args: &BulkArgs, results_path: &Path) -> Result<Resolved, String> {
    let rows = results::load(results_path).map_err(|e| format!("cannot read {}: {e}", results_path.display()))?;
    let channel = Channel::parse(&args.channel).map_err(|e| e.to_string())?;
    let (items, _) = read_csv(args)?;
    let mut items: BTreeMap<String, Item> = items.into_iter().map(|item| (item.recipient.clone(), item)).collect();
    let tune = |options: &mut chatlane_core::ClientOptions| {
        options.event_store = args.store.as_ref().map(|path| path.display().to_string());
    };
    let client = args.connection.connect(tune).await.map_err(|e| e.to_string())?.client;
    let store = client.config().event_store.clone().expect("--reconcile requires --store");
    let provider = client.config().provider();
    let policy = ReconcilePolicy { settle_ms: args.settle.saturating_mul(1000), ..ReconcilePolicy::default() };
    client.reconcile(&policy).await.map_err(|e| e.to_string())?;
    let journal = Journal::open(results_path).map_err(|e| format!("cannot write {}: {e}", results_path.display()))?;
    let mut open: Vec<&Row> =
        rows.values().filter(|row| matches!(row.status, Status::Pending | Status::Unknown)).collect();
    open.sort_by(|a, b| a.recipient.cmp(&b.recipient));
    let mut counts = Resolved::default();
    for row in open {
        let state = store.send(provider, &row.task_id).map_err(|e| e.to_string())?.map(|record| record.state);
        let resolved = match (state, items.remove(&row.recipient)) {
            (Some(SendState::Accepted { message_id }), _) => {
                counts.sent += 1;
                Row { status: Status::Sent, message_id, error_code: String::new(), ..row.clone() }
            }
            (Some(SendState::Absent), Some(item)) => {
                let message = args.message(channel, item, row.task_id.clone());
                let outcome = client.send_with(&message, SendOptions::resend()).await;
                let resolved = row_of(&row.recipient, &row.task_id, outcome);
                match resolved.status {
                    Status::Sent => counts.resent += 1,
                    Status::Unknown => counts.unknown += 1,
                    Status::Failed | Status::Pending => counts.failed += 1,
                }
                resolved
            }
            _ => {
                counts.unknown += 1;
                continue;
            }
        };
        journal.append(&resolved).map_err(|e| format!("cannot write the results file: {e}"))?;
    }
    Ok(counts)
}

/// Reads the CSV and the earlier results (with `--job`, the job decides row by row instead):
/// what to send, and what is skipped and why.
fn plan(args: &BulkArgs, results_path: &Path) -> Result<(Vec<Item>, Summary), String> {
    let earlier = match args.job {
        Some(_) => Default::default(),
        None => results::load(results_path).map_err(|e| format!("cannot read {}: {e}", results_path.display()))?,
    };
    let (all, duplicates) = read_csv(args)?;
    let mut summary = Summary { duplicates, ..Summary::default() };
    let mut items = Vec::new();
    for item in all {
        match earlier.get(&item.recipient).map(|row| row.status) {
            Some(Status::Sent) => summary.skipped_sent += 1,
            Some(Status::Pending | Status::Unknown) => summary.skipped_unknown += 1,
            Some(Status::Failed) | None => items.push(item),
        }
    }
    Ok((items, summary))
}

/// Every recipient of the CSV with the template parameters of its first row, and how many
/// later rows repeated a recipient.
fn read_csv(args: &BulkArgs) -> Result<(Vec<Item>, usize), String> {
    let mut reader =
        csv::Reader::from_path(&args.csv).map_err(|e| format!("cannot read {}: {e}", args.csv.display()))?;
    let headers = reader.headers().map_err(|e| format!("{}: {e}", args.csv.display()))?.clone();
    let to_index = headers.iter().position(|h| h == args.to_column).ok_or_else(|| {
        let columns: Vec<&str> = headers.iter().collect();
        format!("{} has no column {:?} (columns: {})", args.csv.display(), args.to_column, columns.join(", "))
    })?;
    let (mut seen, mut items, mut duplicates) = (HashSet::new(), Vec::new(), 0);
    for (line, record) in reader.records().enumerate() {
        let record = record.map_err(|e| format!("{} row {}: {e}", args.csv.display(), line + 2))?;
        let recipient = record.get(to_index).unwrap_or_default().trim().to_owned();
        if !seen.insert(recipient.clone()) {
            duplicates += 1;
            continue;
        }
        let params = headers
            .iter()
            .zip(record.iter())
            .enumerate()
            .filter(|(i, _)| *i != to_index)
            .map(|(_, (name, value))| (name.to_owned(), value.to_owned()))
            .collect();
        items.push(Item { recipient, params });
    }
    Ok((items, duplicates))
}

impl BulkArgs {
    /// The template message to `item`'s recipient, with `task_id`.
    fn message(&self, channel: Channel, item: Item, task_id: String) -> Message {
        let template = Template {
            code: Some(self.template.clone()),
            language: self.language.clone(),
            params: item.params,
            ..Template::default()
        };
        Message {
            channel,
            template: Some(template),
            task_id: Some(task_id),
            ..Message::new(self.from.clone(), item.recipient)
        }
    }
}

fn default_results_path(csv: &Path) -> PathBuf {
    let stem = csv.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "bulk".to_owned());
    csv.with_file_name(format!("{stem}.results.csv"))
}

fn progress_bar(total: usize, quiet: bool) -> ProgressBar {
    let target = if quiet { ProgressDrawTarget::hidden() } else { ProgressDrawTarget::stderr() };
    let bar = ProgressBar::with_draw_target(Some(total as u64), target);
    let style = ProgressStyle::with_template("{elapsed_precise} [{wide_bar}] {pos}/{len} {per_sec} ETA {eta}")
        .expect("the template is valid");
    bar.set_style(style);
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}
