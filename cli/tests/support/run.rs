//! Running the `chatlane` binary in the CLI's tests: a command with none of the provider's
//! variables inherited, and what a run printed and how it ended; a scratch directory; and a raw
//! POST to what it serves.

// Each test crate compiles this module for itself and uses part of it.
#![allow(dead_code)]

use std::process::Stdio;

use serde_json::Value;
use tokio::process::Command;

/// `chatlane ARGS`, with no input and none of the variables that choose a provider, an
/// endpoint, a channel instance or credentials.
pub fn chatlane(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_chatlane"));
    command.args(args).stdin(Stdio::null());
    for variable in [
        "CHATLANE_PROVIDER",
        "CHATLANE_ENDPOINT",
        "CHATLANE_CUST_SPACE_ID",
        "ALIBABA_CLOUD_PROFILE",
        "WHATSAPP_ACCESS_TOKEN",
        "WHATSAPP_PHONE_NUMBER_ID",
        "WHATSAPP_BUSINESS_ACCOUNT_ID",
    ] {
        command.env_remove(variable);
    }
    command
}

/// What a run printed, and how it ended.
pub struct Ran {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Ran {
    /// Runs `command` to its end.
    pub async fn of(command: &mut Command) -> Self {
        let output = command.output().await.unwrap();
        Self {
            code: output.status.code(),
            stdout: String::from_utf8(output.stdout).unwrap(),
            stderr: String::from_utf8(output.stderr).unwrap(),
        }
    }

    /// Standard output, after checking the run succeeded.
    pub fn ok(&self) -> &str {
        assert_eq!(self.code, Some(0), "stdout: {}\nstderr: {}", self.stdout, self.stderr);
        &self.stdout
    }

    /// Each line of a successful run's output, as JSON.
    pub fn json_lines(&self) -> Vec<Value> {
        self.ok().lines().map(|line| serde_json::from_str(line).unwrap()).collect()
    }
}

/// A fresh directory for a test's files: `chatlane-cli-{name}-{process ID}` in the system's
/// temporary directory.
pub fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("chatlane-cli-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// One POST over a raw connection (the CLI's tests carry no HTTP client); the answer's text.
pub async fn raw_post(endpoint: &str, path: &str, body: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let host = endpoint.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(host).await.unwrap();
    let request = format!(
        "POST {path} HTTP/1.1\r\nhost: {host}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    answer
}

/// Each message of `messages list --json` lines as its ID, direction, user and status.
pub fn summary(messages: &[Value]) -> Vec<(&str, &str, &str, &str)> {
    messages
        .iter()
        .map(|m| {
            let field = |name: &str| m[name].as_str().unwrap_or_default();
            (field("messageId"), field("direction"), field("userNumber"), field("status"))
        })
        .collect()
}
