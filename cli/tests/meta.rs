//! `chatlane send --provider meta` and `chatlane oauth` against the embedded sandbox, as a
//! user runs them: exit codes, what is printed, and that no token is taken from a flag's help.

use std::process::{Command, Output};

fn chatlane(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_chatlane"))
        .args(args)
        .env_remove("WHATSAPP_ACCESS_TOKEN")
        .env_remove("WHATSAPP_PHONE_NUMBER_ID")
        .output()
        .unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn a_meta_send_prints_its_wamid_and_a_template_goes_by_name() {
    let sent = chatlane(&["send", "--provider", "meta", "--sandbox", "--to", "16505551234", "--text", "Hi"]);
    assert!(sent.status.success(), "{sent:?}");
    assert!(stdout(&sent).starts_with("MessageId=wamid."), "{sent:?}");
    let template = ["--template", "order_update", "--language", "en_US", "--param", "first_name=Ada"];
    let sent = chatlane(&[&["send", "--provider", "meta", "--sandbox", "--to", "16505551234"][..], &template].concat());
    assert!(sent.status.success(), "{sent:?}");
}

#[test]
fn a_meta_send_without_a_sender_or_a_token_says_what_to_give() {
    let missing = chatlane(&["send", "--provider", "meta", "--to", "16505551234", "--text", "Hi"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("WHATSAPP_PHONE_NUMBER_ID"), "{missing:?}");
    let missing = chatlane(&["send", "--provider", "meta", "--from", "1065", "--to", "16505551234", "--text", "Hi"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("--access-token"), "{missing:?}");
}

#[test]
fn the_oauth_flow_runs_against_the_sandbox_and_inspect_shows_the_scopes() {
    let exchanged = chatlane(&["oauth", "exchange", "--sandbox", "--long-lived"]);
    assert!(exchanged.status.success(), "{exchanged:?}");
    let token: serde_json::Value = serde_json::from_slice(&exchanged.stdout).unwrap();
    assert!(token["accessToken"].as_str().is_some_and(|t| !t.is_empty()), "{token}");
    assert!(token["expiresAt"].is_string(), "a long-lived token expires: {token}");
    let inspected = chatlane(&["oauth", "inspect", "--sandbox"]);
    let info: serde_json::Value = serde_json::from_slice(&inspected.stdout).unwrap();
    assert_eq!(info["isValid"], true);
    assert!(info["scopes"].as_array().unwrap().iter().any(|s| s == "whatsapp_business_messaging"), "{info}");
    let refused = chatlane(&["oauth", "exchange", "--sandbox", "--code", "forged"]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("InvalidGrant"), "{refused:?}");
}

#[test]
fn the_url_step_keeps_the_pending_state_for_the_callback() {
    let dir = std::env::temp_dir().join(format!("chatlane-oauth-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let state = dir.join("pending.json");
    let url = chatlane(&[
        "oauth",
        "url",
        "--app-id",
        "1234",
        "--app-secret",
        "s3cret",
        "--redirect-uri",
        "https://app.example/cb",
        "--state-file",
        state.to_str().unwrap(),
    ]);
    assert!(url.status.success(), "{url:?}");
    let printed: serde_json::Value = serde_json::from_slice(&url.stdout).unwrap();
    let link = printed["url"].as_str().unwrap();
    assert!(link.starts_with("https://www.facebook.com/v25.0/dialog/oauth?") && link.contains("client_id=1234"));
    assert!(!stdout(&url).contains("s3cret"));
    let forged = chatlane(&[
        "oauth",
        "exchange",
        "--app-id",
        "1234",
        "--app-secret",
        "s3cret",
        "--callback",
        "code=c&state=forged",
        "--state-file",
        state.to_str().unwrap(),
    ]);
    assert_eq!(forged.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&forged.stderr).contains("StateMismatch"), "{forged:?}");
    std::fs::remove_dir_all(dir).unwrap();
}
