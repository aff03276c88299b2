//! Every valid conformance case (`tests/conformance/`) sent by the core client through the
//! sandbox: the ledger must hold exactly the case's wire parameters, plus the `TaskId` the
//! client generated when the message has none.

use std::collections::BTreeMap;
use std::net::SocketAddr;

use chatlane_core::{Client, ClientConfig, ClientOptions, MassMessage, Message};
use chatlane_sandbox::{DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, Sandbox, SandboxConfig};
use serde_json::Value;

#[path = "../../core/tests/support/json_documents.rs"]
mod json_documents;
use json_documents::json_documents;

/// Every case with expected wire parameters, by name.
fn valid_cases() -> Vec<(String, Value)> {
    json_documents("conformance")
        .into_iter()
        .flat_map(|(_, doc)| doc["cases"].as_array().cloned().unwrap_or_default())
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
