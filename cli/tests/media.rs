//! `chatlane media upload` as a user runs it, against a sandbox started in-process (reached
//! with `--endpoint` and the keys in the environment): the URL printed serves the file back,
//! `--json` prints the record, and what cannot be uploaded is refused before any request.

use chatlane_core::transport::{DirectTransport, Transport, TransportConfig};
use chatlane_sandbox::{DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, Sandbox, SandboxConfig};
use serde_json::Value;

#[path = "support/run.rs"]
mod run;

use run::{Ran, chatlane, scratch};

const SPACE: &str = "cams-1";

async fn sandbox() -> Sandbox {
    let config = SandboxConfig::parse(&serde_json::json!({"custSpaces": [{"id": SPACE}]}).to_string()).unwrap();
    Sandbox::start(config, ([127, 0, 0, 1], 0).into()).await.unwrap()
}

/// Runs `chatlane media upload ARGS` against `sandbox` with its keys in the environment.
async fn upload(sandbox: &Sandbox, args: &[&str]) -> Ran {
    let mut command = chatlane(&["media", "upload", "--endpoint", &sandbox.endpoint()]);
    command
        .args(args)
        .env("ALIBABA_CLOUD_ACCESS_KEY_ID", DEFAULT_ACCESS_KEY_ID)
        .env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", DEFAULT_ACCESS_KEY_SECRET);
    Ran::of(&mut command).await
}

/// `GET url` without credentials: the status and body.
async fn fetch(url: &str) -> (u16, Vec<u8>) {
    let transport = DirectTransport::new(&TransportConfig::default()).unwrap();
    let request = axum::http::Request::get(url).body(axum::body::Bytes::new()).unwrap();
    let answer = transport.send(request).await.unwrap();
    (answer.status, answer.body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_url_printed_serves_the_file_back() {
    let sandbox = sandbox().await;
    let dir = scratch("media-served");
    let file = dir.join("brochure 2026.pdf");
    let bytes: Vec<u8> = (0..=255u8).cycle().take(300_000).collect();
    std::fs::write(&file, &bytes).unwrap();
    let path = file.to_str().unwrap();

    let ran = upload(&sandbox, &[path, "--cust-space-id", SPACE]).await;
    let url = ran.ok().trim_end();
    assert_eq!(ran.stdout.lines().count(), 1, "only the URL: {}", ran.stdout);
    assert!(url.starts_with(&format!("{}/", sandbox.endpoint())) && url.ends_with("-brochure_2026.pdf"), "{url}");
    assert_eq!(fetch(url).await, (200, bytes.clone()));

    let ran =
        upload(&sandbox, &[path, "--cust-space-id", SPACE, "--json", "--content-type", "application/x-pdf"]).await;
    let record: Value = serde_json::from_str(ran.ok()).unwrap();
    assert_eq!(record["size"], 300_000);
    assert_eq!(record["contentType"], "application/x-pdf");
    let key = record["key"].as_str().unwrap();
    assert!(key.starts_with(&format!("{SPACE}/")), "{key}");
    assert!(record["url"].as_str().unwrap().ends_with(key), "{record}");
    assert_ne!(record["url"].as_str().unwrap(), url, "a second upload has its own key");
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_cannot_be_uploaded_is_refused_before_any_request() {
    let sandbox = sandbox().await;
    let dir = scratch("media-refused");
    let large = dir.join("huge.mp4");
    std::fs::File::create(&large).unwrap().set_len(100 * 1024 * 1024 + 1).unwrap();
    let ran = upload(&sandbox, &[large.to_str().unwrap(), "--cust-space-id", SPACE]).await;
    assert_eq!(ran.code, Some(1), "{}", ran.stderr);
    assert!(ran.stderr.contains("error [InvalidParameter") && ran.stderr.contains("100 MB"), "{}", ran.stderr);

    let absent = dir.join("absent.png");
    let ran = upload(&sandbox, &[absent.to_str().unwrap(), "--cust-space-id", SPACE]).await;
    assert_eq!(ran.code, Some(2), "{}", ran.stderr);
    assert!(ran.stderr.contains("error [InvalidConfig") && ran.stderr.contains("absent.png"), "{}", ran.stderr);

    let small = dir.join("small.png");
    std::fs::write(&small, b"png").unwrap();
    let ran = upload(&sandbox, &[small.to_str().unwrap()]).await;
    assert_eq!(ran.code, Some(1), "{}", ran.stderr);
    assert!(ran.stderr.contains("custSpaceId: required"), "{}", ran.stderr);
    assert!(sandbox.requests().is_empty(), "{:?}", sandbox.requests());
    assert!(ran.stdout.is_empty());
    std::fs::remove_dir_all(dir).unwrap();
}
