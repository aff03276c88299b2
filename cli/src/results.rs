//! The bulk results file: an append-only CSV journal that makes `chatlane bulk` resumable.
//!
//! Before a message is sent, a `pending` row with its TaskId is written and flushed; after
//! the answer, a `sent` or `failed` row. On a re-run the last row per recipient decides:
//! `sent` is skipped; `pending` (the run died mid-send) and `unknown` (outcome unknown) are
//! never re-sent automatically, since the platform may have accepted them — `--reconcile`
//! resolves them by TaskId from the receipts in the event store; `failed` (a definite
//! refusal) is tried again.

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io;
use std::path::Path;
use std::sync::{Mutex, PoisonError};

use serde::{Deserialize, Serialize};

/// The state of one recipient.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// About to be sent; if it is the last row, the outcome is unknown.
    Pending,
    /// Accepted by the platform.
    Sent,
    /// Definitely refused; a re-run tries again.
    Failed,
    /// The request may have been processed; never re-sent automatically.
    Unknown,
}

/// One row of the results file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Row {
    /// The recipient (`To`).
    pub recipient: String,
    /// The TaskId sent with the message.
    pub task_id: String,
    /// What happened.
    pub status: Status,
    /// The platform's MessageId, when sent.
    pub message_id: String,
    /// The chatlane error code, when not sent.
    pub error_code: String,
    /// Requests made for this message.
    pub attempts: u32,
}

/// The last row of every recipient in an existing results file.
pub fn load(path: &Path) -> io::Result<HashMap<String, Row>> {
    let mut last = HashMap::new();
    let file = match File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(last),
        Err(e) => return Err(e),
    };
    for row in csv::Reader::from_reader(file).into_deserialize::<Row>() {
        let row: Row =
            row.map_err(|e| io::Error::new(io::ErrorKind::InvalidData, format!("{}: {e}", path.display())))?;
        last.insert(row.recipient.clone(), row);
    }
    Ok(last)
}

/// Appends rows, flushing each one so a crash loses nothing already written.
pub struct Journal(Mutex<csv::Writer<File>>);

impl Journal {
    /// Opens `path` for appending (writing the header if the file is new).
    pub fn open(path: &Path) -> io::Result<Self> {
        let is_new = std::fs::metadata(path).map_or(true, |m| m.len() == 0);
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        let writer = csv::WriterBuilder::new().has_headers(is_new).from_writer(file);
        Ok(Self(Mutex::new(writer)))
    }

    /// Appends one row and flushes it to the file.
    pub fn append(&self, row: &Row) -> io::Result<()> {
        let mut writer = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        writer.serialize(row).map_err(io::Error::other)?;
        writer.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(recipient: &str, status: Status) -> Row {
        Row {
            recipient: recipient.into(),
            task_id: "t".into(),
            status,
            message_id: String::new(),
            error_code: String::new(),
            attempts: 1,
        }
    }

    #[test]
    fn the_last_row_per_recipient_wins_across_reopenings() {
        let dir = std::env::temp_dir().join(format!("chatlane-results-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("results.csv");
        let _ = std::fs::remove_file(&path);
        assert!(load(&path).unwrap().is_empty());
        let journal = Journal::open(&path).unwrap();
        journal.append(&row("1", Status::Pending)).unwrap();
        journal.append(&row("1", Status::Sent)).unwrap();
        journal.append(&row("2", Status::Pending)).unwrap();
        drop(journal);
        let journal = Journal::open(&path).unwrap();
        journal.append(&row("3", Status::Failed)).unwrap();
        let last = load(&path).unwrap();
        assert_eq!(last.len(), 3);
        assert_eq!(
            (last["1"].status, last["2"].status, last["3"].status),
            (Status::Sent, Status::Pending, Status::Failed)
        );
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text.lines().filter(|l| l.starts_with("recipient,")).count(), 1, "one header");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
