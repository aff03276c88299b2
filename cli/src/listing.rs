//! What the listing commands (`templates`, `messages`, `numbers`) share: records printed as
//! JSON lines or as an aligned table, and how a listing ends.

use std::io::{self, Write};
use std::process::ExitCode;

use chatlane_core::Error;
use serde::Serialize;

use crate::connection::failed;

/// Why a listing stopped.
pub enum Failure {
    /// The query or the provider said no.
    Api(Error),
    /// Standard output could not be written.
    Output(io::Error),
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Self::Api(error)
    }
}

impl From<io::Error> for Failure {
    fn from(error: io::Error) -> Self {
        Self::Output(error)
    }
}

/// The exit code of a listing that ended with `result`, its error reported as every command
/// does; a reader that went away (`| head`) is not an error.
pub fn finish(result: Result<(), Failure>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Api(error)) => failed(&error),
        Err(Failure::Output(error)) if error.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(Failure::Output(error)) => {
            eprintln!("error: cannot write the output: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Where a listing's records go: one JSON object per line as they come (the model's
/// camelCase shape), or a table written once every row is known.
pub enum Listing {
    /// JSON lines on standard output.
    Json,
    /// Rows kept for [`Table::write`].
    Table(Table),
}

impl Listing {
    /// JSON lines when `json`, else a table with these column titles.
    pub fn new(json: bool, header: &[&'static str]) -> Self {
        if json { Self::Json } else { Self::Table(Table::new(header)) }
    }

    /// Adds `record`: written at once as JSON, or kept as the table row `row` makes of it.
    pub fn add<R: Serialize>(&mut self, record: &R, row: impl FnOnce(&R) -> Vec<String>) -> io::Result<()> {
        match self {
            Self::Json => {
                let mut out = io::stdout().lock();
                serde_json::to_writer(&mut out, record)?;
                writeln!(out)
            }
            Self::Table(table) => {
                table.push(row(record));
                Ok(())
            }
        }
    }

    /// Writes the table, if it is one.
    pub fn end(self) -> io::Result<()> {
        match self {
            Self::Json => Ok(()),
            Self::Table(table) => table.write(&mut io::stdout().lock()),
        }
    }
}

/// Column titles and rows, written with each column as wide as its widest cell.
pub struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// An empty table with these column titles.
    pub fn new(header: &[&str]) -> Self {
        Self { header: header.iter().map(|title| (*title).to_owned()).collect(), rows: Vec::new() }
    }

    /// Adds a row (one cell per column).
    pub fn push(&mut self, row: Vec<String>) {
        self.rows.push(row);
    }

    /// Writes the titles and the rows, columns two spaces apart, no trailing blanks.
    pub fn write(&self, out: &mut impl Write) -> io::Result<()> {
        let lines = || std::iter::once(&self.header).chain(&self.rows);
        let mut widths = vec![0; self.header.len()];
        for line in lines() {
            for (width, cell) in widths.iter_mut().zip(line) {
                *width = (*width).max(cell.chars().count());
            }
        }
        for line in lines() {
            let mut text = String::new();
            for (i, (cell, width)) in line.iter().zip(&widths).enumerate() {
                if i > 0 {
                    text.push_str("  ");
                }
                text.push_str(cell);
                text.extend(std::iter::repeat_n(' ', width - cell.chars().count()));
            }
            writeln!(out, "{}", text.trim_end())?;
        }
        Ok(())
    }
}

/// A cell of an optional value: `-` when there is none.
pub fn cell(value: Option<&str>) -> String {
    value.filter(|v| !v.is_empty()).unwrap_or("-").to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_as_wide_as_their_widest_cell() {
        let mut table = Table::new(&["CODE", "NAME", "STATUS"]);
        table.push(vec!["T1".into(), "réservation".into(), cell(Some("pass"))]);
        table.push(vec!["LONGCODE".into(), "t".into(), cell(None)]);
        table.push(vec!["T3".into(), "x".into(), cell(Some(""))]);
        let mut out = Vec::new();
        table.write(&mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "CODE      NAME         STATUS\n\
             T1        réservation  pass\n\
             LONGCODE  t            -\n\
             T3        x            -\n"
        );
    }

    #[test]
    fn an_empty_table_is_its_header() {
        let mut out = Vec::new();
        Table::new(&["NUMBER", "STATUS"]).write(&mut out).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "NUMBER  STATUS\n");
    }
}
