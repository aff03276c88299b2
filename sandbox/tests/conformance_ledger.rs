//! Every valid conformance case (`tests/conformance/`) sent by the core client through the
//! sandbox: the ledger must hold exactly the case's wire parameters, plus the `TaskId` the
//! client generated when the message has none.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;

use chatlane_core::{Client, ClientConfig, ClientOptions, MassMessage, Message};
use chatlane_sandbox::{DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, Sandbox, SandboxConfig};
use serde_json::Value;

/// Every case with expected wire parameters, by name.
fn valid_cases() -> Vec<(String, Value)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/conformance");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    files
        .iter()
        .flat_map(|path| {
            let doc: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
            doc["cases"].as_array().cloned().unwrap_or_default()
        })
        .filter(|case| case.get("wire").is_some())
        .map(|case| (case["name"].as_str().unwrap().to_owned(), case))
        .collect()
}

#[tokio::test]
async fn every_valid_case_arrives_with_its_wire_parameters() {
    let sandbox = Sandbox::start(SandboxConfig::default(), SocketAddr::from(([127, 0, 0, 1], 0))).await.unwrap();
    let options = ClientOptions {
        access_key_id: Some(DEFAULT_ACCESS_KEY_ID.into()),
        access_key_secret: Some(DEFAULT_ACCESS_KEY_SECRET.into()),
        endpoint: Some(sandbox.endpoint()),
        rate_limit_disabled: true,
        ..ClientOptions::default()
    };
    let client = Client::new(ClientConfig::from_options(options).unwrap()).unwrap();
    let cases = valid_cases();
    assert!(cases.len() >= 60, "expected the conformance suite's valid cases, found {}", cases.len());

    let mut failures = Vec::new();
    for (name, case) in &cases {
        let sent = if case["operation"] == "SendChatappMassMessage" {
            client.send(&MassMessage::from_json_value(case["message"].clone()).unwrap()).await
        } else {
            client.send(&Message::from_json_value(case["message"].clone()).unwrap()).await
        };
        let receipt = match sent {
            Ok(receipt) => receipt,
            Err(error) => {
                failures.push(format!("{name}: refused: {error}"));
                continue;
            }
        };
        let entry = sandbox.ledger().entries().into_iter().find(|e| e.message_id == receipt.message_id);
        let Some(entry) = entry else {
            failures.push(format!("{name}: {} is not in the ledger", receipt.message_id));
            continue;
        };
        let mut expected: BTreeMap<String, String> = serde_json::from_value(case["wire"].clone()).unwrap();
        expected.entry("TaskId".into()).or_insert(receipt.task_id.clone());
        if entry.params != expected {
            failures.push(format!("{name}:\n  ledger   {:?}\n  expected {expected:?}", entry.params));
        }
    }
    assert_eq!(sandbox.ledger().entries().len(), cases.len() - failures.len());
    assert!(failures.is_empty(), "{} of {} cases failed:\n{}", failures.len(), cases.len(), failures.join("\n"));
}
