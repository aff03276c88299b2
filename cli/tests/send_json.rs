//! `chatlane send --json`: any message kind, and mass sends, from JSON on standard input,
//! through the embedded sandbox; invalid messages list every violation and send nothing.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn send_json(json: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_chatlane"))
        .args(["send", "--sandbox", "--json", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(json.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn interactive_and_mass_messages_are_sent() {
    let buttons = r#"{"from":"8613800000000","to":"6591234567","content":{"messageType":"interactive",
        "type":"button","body":{"text":"Coming?"},
        "action":{"buttons":[{"reply":{"id":"yes","title":"Yes"}},{"reply":{"id":"no","title":"No"}}]}}}"#;
    let mass = r#"{"from":"8613800000000","template":{"code":"C1","language":"en"},
        "recipients":[{"to":"6591234567","params":{"name":"Ada"}},{"to":"6597654321","params":{"name":"Bo"}}]}"#;
    for json in [buttons, mass] {
        let out = send_json(json);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(String::from_utf8_lossy(&out.stdout).starts_with("MessageId="));
    }
}

#[test]
fn invalid_messages_list_every_violation() {
    let out =
        send_json(r#"{"from":"+86 138","to":"6591234567","content":{"messageType":"image","link":"ftp://x/y.png"}}"#);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("from: ") && stderr.contains("[digits_only]"), "{stderr}");
    assert!(stderr.contains("content.link: ") && stderr.contains("[invalid_url]"), "{stderr}");
    let out =
        send_json(r#"{"from":"1","to":"2","content":{"messageType":"audio","link":"https://a/b","caption":"x"}}"#);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("caption"));
}
