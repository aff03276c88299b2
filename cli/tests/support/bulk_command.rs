//! The `chatlane bulk` command the CLI's tests run: template `T1` to `people.csv` in `dir`,
//! from the sandbox's account at `endpoint`, paced at `rate`, stderr kept for the summary.

use std::path::Path;
use std::process::Stdio;

use chatlane_sandbox::{DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET};
use tokio::process::Command;

pub fn bulk(endpoint: &str, dir: &Path, rate: usize) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_chatlane"));
    command
        .args(["bulk", "--quiet", "--csv", "people.csv", "--from", "8613800000000", "--template", "T1"])
        .args(["--language", "en", "--rate", &rate.to_string(), "--endpoint", endpoint])
        .env("ALIBABA_CLOUD_ACCESS_KEY_ID", DEFAULT_ACCESS_KEY_ID)
        .env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", DEFAULT_ACCESS_KEY_SECRET)
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    command
}
