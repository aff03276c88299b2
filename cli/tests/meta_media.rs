//! `chatlane media` on Meta's Cloud API as a user runs it, against a sandbox started
//! in-process (its Meta face, reached with `--endpoint` and its token): a file uploaded for the
//! business number prints its media ID, is described, downloaded to a file or standard output
//! (never over an existing file unless `--force`) and deleted; a user's image is downloaded by
//! its media ID; and what is refused: an upload without the number, and media by ID on CAMS.

use std::path::Path;

use chatlane_sandbox::meta::{DEFAULT_PHONE_NUMBER_ID, DEFAULT_TOKEN};
use chatlane_sandbox::{Sandbox, SandboxConfig};
use serde_json::Value;
use tokio::process::Command;

#[path = "support/run.rs"]
mod run;

use run::{Ran, chatlane, raw_post, scratch};

/// What is uploaded: a PNG's signature, then bytes that are not UTF-8 text.
fn logo() -> Vec<u8> {
    [&b"\x89PNG\r\n\x1a\n"[..], &(0..=255u8).cycle().take(4_000).collect::<Vec<_>>()].concat()
}

async fn sandbox() -> Sandbox {
    Sandbox::start(SandboxConfig::default(), ([127, 0, 0, 1], 0).into()).await.unwrap()
}

/// `chatlane media ARGS --provider meta` against `sandbox`'s Meta face, with its token.
fn media(sandbox: &Sandbox, args: &[&str]) -> Command {
    let mut command = chatlane(&["media"]);
    command.args(args).args(["--provider", "meta", "--endpoint", &sandbox.endpoint(), "--access-token", DEFAULT_TOKEN]);
    command
}

/// Runs `chatlane media ARGS --provider meta` against `sandbox`.
async fn run(sandbox: &Sandbox, args: &[&str]) -> Ran {
    Ran::of(&mut media(sandbox, args)).await
}

/// `chatlane media upload FILE` for the sandbox's number: the media ID printed.
async fn upload(sandbox: &Sandbox, file: &Path) -> String {
    let ran = run(sandbox, &["upload", file.to_str().unwrap(), "--phone-number-id", DEFAULT_PHONE_NUMBER_ID]).await;
    let id = ran.ok().trim_end().to_owned();
    assert_eq!(ran.stdout.lines().count(), 1, "only the media ID: {}", ran.stdout);
    assert!(id.len() == 16 && id.bytes().all(|b| b.is_ascii_digit()), "{id}");
    id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_prints_its_media_id_which_is_described_downloaded_and_deleted() {
    let sandbox = sandbox().await;
    let dir = scratch("meta-media-round-trip");
    let file = dir.join("logo.png");
    std::fs::write(&file, logo()).unwrap();
    let id = upload(&sandbox, &file).await;

    let ran =
        run(&sandbox, &["upload", file.to_str().unwrap(), "--phone-number-id", DEFAULT_PHONE_NUMBER_ID, "--json"])
            .await;
    let record: Value = serde_json::from_str(ran.ok()).unwrap();
    assert_eq!((record["size"].as_u64(), record["contentType"].as_str()), (Some(4_008), Some("image/png")));
    assert!(record["id"].as_str().is_some_and(|other| other != id), "a second upload has its own ID: {record}");
    assert_eq!((record.get("url"), record.get("key")), (None, None), "a URL and a key are CAMS's: {record}");

    let info: Value = serde_json::from_str(run(&sandbox, &["info", &id, "--json"]).await.ok()).unwrap();
    assert_eq!(
        (info["id"].as_str(), info["contentType"].as_str(), info["size"].as_u64()),
        (Some(&*id), Some("image/png"), Some(4_008))
    );
    let sha256 = info["sha256"].as_str().unwrap();
    assert!(sha256.len() == 64 && sha256.bytes().all(|b| b.is_ascii_hexdigit()), "{info}");
    let url = info["url"].as_str().unwrap();
    assert!(url.starts_with(&format!("{}/whatsapp_business/attachments/?", sandbox.endpoint())), "{url}");
    let text = run(&sandbox, &["info", &id, "--phone-number-id", DEFAULT_PHONE_NUMBER_ID]).await;
    let facts: Vec<(&str, &str)> = text
        .ok()
        .lines()
        .map(|line| line.split_once(char::is_whitespace).map(|(k, v)| (k, v.trim_start())).unwrap())
        .collect();
    let labels: Vec<&str> = facts.iter().map(|(label, _)| *label).collect();
    assert_eq!(labels, ["id:", "type:", "size:", "sha256:", "url:"], "{}", text.stdout);
    assert_eq!(facts[..4], [("id:", &*id), ("type:", "image/png"), ("size:", "4008"), ("sha256:", sha256)]);
    assert!(
        facts[4].1.starts_with(&format!("{}/whatsapp_business/attachments/?", sandbox.endpoint())),
        "{}",
        text.stdout
    );

    let copy = dir.join("copy.png");
    let ran = run(&sandbox, &["download", &id, "-o", copy.to_str().unwrap()]).await;
    assert_eq!(ran.ok(), "", "the file goes to FILE");
    assert_eq!(ran.stderr.lines().count(), 1, "a one-line summary: {}", ran.stderr);
    assert!(ran.stderr.contains("4008 bytes of image/png"), "{}", ran.stderr);
    assert_eq!(std::fs::read(&copy).unwrap(), logo());

    let output = media(&sandbox, &["download", &id, "-o", "-", "--phone-number-id", DEFAULT_PHONE_NUMBER_ID])
        .output()
        .await
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    assert_eq!(output.stdout, logo(), "-o - writes the bytes to standard output");

    let ran = run(&sandbox, &["delete", &id]).await;
    assert_eq!(ran.ok(), format!("deleted media {id}\n"));
    for args in [&["info", &id][..], &["download", &id, "-o", dir.join("gone.png").to_str().unwrap()], &["delete", &id]]
    {
        let gone = run(&sandbox, args).await;
        assert_eq!(gone.code, Some(1), "{args:?}: {}", gone.stderr);
        assert!(gone.stderr.contains("error [InvalidParameter / invalid_parameter]"), "{args:?}: {}", gone.stderr);
        assert!(gone.stdout.is_empty(), "{args:?}: {}", gone.stdout);
    }
    assert!(!dir.join("gone.png").exists(), "a failed download writes no file");
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_download_does_not_overwrite_a_file_unless_forced() {
    let sandbox = sandbox().await;
    let dir = scratch("meta-media-overwrite");
    let file = dir.join("logo.png");
    std::fs::write(&file, logo()).unwrap();
    let id = upload(&sandbox, &file).await;
    let existing = dir.join("existing.png");
    std::fs::write(&existing, b"keep me").unwrap();

    let requests = sandbox.requests().len();
    let refused = run(&sandbox, &["download", &id, "-o", existing.to_str().unwrap()]).await;
    assert_eq!(refused.code, Some(2), "{}", refused.stderr);
    assert!(
        refused.stderr.contains("error [InvalidConfig / configuration]") && refused.stderr.contains("give --force"),
        "{}",
        refused.stderr
    );
    assert_eq!(std::fs::read(&existing).unwrap(), b"keep me");
    assert_eq!(sandbox.requests().len(), requests, "refused before asking for the media");

    run(&sandbox, &["download", &id, "-o", existing.to_str().unwrap(), "--force"]).await.ok();
    assert_eq!(std::fs::read(&existing).unwrap(), logo());
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_users_image_is_downloaded_by_the_media_id_its_message_gave() {
    let sandbox = sandbox().await;
    let photo = b"\xff\xd8\xff\xe0 a user's photo";
    let inbound = format!(
        r#"{{"from": "16505551234", "to": "{DEFAULT_PHONE_NUMBER_ID}",
             "image": {{"data": "/9j/4CBhIHVzZXIncyBwaG90bw==", "mimeType": "image/jpeg"}}}}"#
    );
    let answer = raw_post(&sandbox.endpoint(), "/_sandbox/meta/inbound", &inbound).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let body: Value = serde_json::from_str(answer.split("\r\n\r\n").nth(1).unwrap()).unwrap();
    let media_id = body["mediaId"].as_str().unwrap();

    let dir = scratch("meta-media-inbound");
    let saved = dir.join("photo.jpg");
    let ran = run(&sandbox, &["download", media_id, "-o", saved.to_str().unwrap()]).await;
    ran.ok();
    assert!(ran.stderr.contains("of image/jpeg"), "{}", ran.stderr);
    assert_eq!(std::fs::read(&saved).unwrap(), photo);
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_meta_upload_needs_the_number_from_the_flag_or_the_environment() {
    let sandbox = sandbox().await;
    let dir = scratch("meta-media-numberless");
    let file = dir.join("logo.png");
    std::fs::write(&file, logo()).unwrap();

    let numberless = run(&sandbox, &["upload", file.to_str().unwrap()]).await;
    assert_eq!(numberless.code, Some(1), "{}", numberless.stderr);
    assert!(
        numberless.stderr.contains("error [InvalidParameter / invalid_parameter]: phoneNumberId: required"),
        "{}",
        numberless.stderr
    );
    assert!(
        numberless.stderr.contains("hint: pass --phone-number-id, or set WHATSAPP_PHONE_NUMBER_ID"),
        "{}",
        numberless.stderr
    );
    assert!(numberless.stdout.is_empty() && sandbox.requests().is_empty(), "{:?}", sandbox.requests());

    let mut from_env = media(&sandbox, &["upload", file.to_str().unwrap()]);
    from_env.env("WHATSAPP_PHONE_NUMBER_ID", DEFAULT_PHONE_NUMBER_ID);
    let id = Ran::of(&mut from_env).await.ok().trim_end().to_owned();
    let info: Value = serde_json::from_str(run(&sandbox, &["info", &id, "--json"]).await.ok()).unwrap();
    assert_eq!(info["contentType"], "image/png");
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cams_has_no_media_by_id() {
    let dir = scratch("meta-media-cams");
    let target = dir.join("photo.jpg");
    let target = target.to_str().unwrap();
    let cams = ["--sandbox", "--cust-space-id", "cams-1"];
    for args in [
        &["info", "1037543291543636"][..],
        &["download", "1037543291543636", "-o", target],
        &["delete", "1037543291543636"],
    ] {
        let refused = Ran::of(chatlane(&["media"]).args(args).args(cams)).await;
        assert_eq!(refused.code, Some(2), "{args:?}: {}", refused.stderr);
        assert!(
            refused.stderr.contains("error [InvalidConfig / configuration]")
                && refused.stderr.contains("a CAMS client gives media as URLs"),
            "{args:?}: {}",
            refused.stderr
        );
        assert!(refused.stdout.is_empty(), "{}", refused.stdout);
    }
    assert!(!Path::new(target).exists(), "nothing is written");
    std::fs::remove_dir_all(dir).unwrap();
}
