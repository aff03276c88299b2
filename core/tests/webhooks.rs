//! Runs the webhook fixtures (`tests/webhooks/*.json`, see `tests/webhooks/README.md`): every
//! body must give exactly its events (and their dedup keys), or exactly its error code. Also
//! checks the shape of every case, unique names, the corpus's size and that it covers every
//! kind of event, content and status.

use std::collections::BTreeSet;
use std::fmt::Write;

use chatlane_core::ProviderKind;
use chatlane_core::events::{CamsPushKind, Event, parse_cams_push, parse_meta_webhook};
use serde_json::Value;

#[path = "support/json_documents.rs"]
mod json_documents;
use json_documents::json_documents;

/// Fewest cases the corpus holds.
const MIN_CASES: usize = 60;

/// Every `content.type` an inbound event can have.
const CONTENT_TYPES: [&str; 16] = [
    "text",
    "image",
    "video",
    "audio",
    "document",
    "sticker",
    "location",
    "contacts",
    "quick_reply",
    "button_reply",
    "list_reply",
    "flow_reply",
    "reaction",
    "order",
    "system",
    "unsupported",
];

/// Every status chatlane names (an unknown one is `{"other": …}`).
const STATUSES: [&str; 8] = ["sent", "delivered", "read", "played", "failed", "deleted", "subscribe", "unsubscribe"];

/// What a case expects.
enum Expect {
    /// Exactly these events (the model's JSON), and these dedup keys when given.
    Events { events: Value, dedup_keys: Option<Vec<String>> },
    /// This error code.
    Error(String),
}

struct Case {
    name: String,
    provider: ProviderKind,
    kind: Option<CamsPushKind>,
    body: Vec<u8>,
    expect: Expect,
}

impl Case {
    fn parse(&self) -> Result<Vec<Event>, chatlane_core::Error> {
        match (self.provider, self.kind) {
            (ProviderKind::Cams, Some(kind)) => parse_cams_push(&self.body, kind),
            (ProviderKind::Meta, None) => parse_meta_webhook(&self.body),
            _ => unreachable!("checked when read"),
        }
    }
}

/// Every case, checked for shape; panics naming the file and case otherwise.
fn cases() -> Vec<Case> {
    let mut all = Vec::new();
    for (file, doc) in json_documents("webhooks") {
        assert!(doc["description"].as_str().is_some_and(|d| !d.is_empty()), "{file}: no description");
        let list = doc["cases"].as_array().unwrap_or_else(|| panic!("{file}: no \"cases\" array"));
        let prefix = format!("{}/", file.trim_end_matches(".json"));
        for (i, case) in list.iter().enumerate() {
            let case = read_case(case).unwrap_or_else(|e| panic!("{file}: case {i}: {e}"));
            assert!(
                case.name.starts_with(&prefix) || file == "malformed.json",
                "{file}: {} is not {prefix}…",
                case.name
            );
            all.push(case);
        }
    }
    all
}

fn read_case(case: &Value) -> Result<Case, String> {
    let object = case.as_object().ok_or("not an object")?;
    let name = object.get("name").and_then(Value::as_str).ok_or("no \"name\"")?.to_owned();
    let known = ["name", "provider", "kind", "body", "rawBody", "events", "error", "dedupKeys"];
    if let Some(key) = object.keys().find(|key| !known.contains(&key.as_str())) {
        return Err(format!("{name}: unknown key {key:?}"));
    }
    let provider = serde_json::from_value(object.get("provider").cloned().unwrap_or_default())
        .map_err(|e| format!("{name}: provider: {e}"))?;
    let kind = object
        .get("kind")
        .map(|kind| serde_json::from_value::<CamsPushKind>(kind.clone()))
        .transpose()
        .map_err(|e| format!("{name}: kind: {e}"))?;
    if (provider == ProviderKind::Cams) != kind.is_some() {
        return Err(format!("{name}: \"kind\" is for CAMS cases, and every CAMS case has one"));
    }
    let body = match (object.get("body"), object.get("rawBody")) {
        (Some(body), None) => serde_json::to_vec(body).expect("JSON values serialise"),
        (None, Some(Value::String(raw))) => raw.as_bytes().to_vec(),
        _ => return Err(format!("{name}: needs \"body\" (a JSON value) or \"rawBody\" (a string), not both")),
    };
    let expect = match (object.get("events"), object.get("error"), object.get("dedupKeys")) {
        (Some(events @ Value::Array(list)), None, keys) => {
            let dedup_keys = keys
                .map(|keys| serde_json::from_value::<Vec<String>>(keys.clone()))
                .transpose()
                .map_err(|e| format!("{name}: dedupKeys: {e}"))?;
            if dedup_keys.as_ref().is_some_and(|keys| keys.len() != list.len()) {
                return Err(format!("{name}: one dedup key per event"));
            }
            Expect::Events { events: events.clone(), dedup_keys }
        }
        (None, Some(error), None) => {
            let code =
                error.get("code").and_then(Value::as_str).ok_or(format!("{name}: \"error\" needs a \"code\""))?;
            Expect::Error(code.to_owned())
        }
        _ => return Err(format!("{name}: needs \"events\" (an array) or \"error\", and dedup keys only with events")),
    };
    Ok(Case { name, provider, kind, body, expect })
}

/// What is wrong with `case`'s outcome, if anything.
fn check(case: &Case) -> Option<String> {
    let outcome = case.parse();
    match (&case.expect, outcome) {
        (Expect::Events { events, dedup_keys }, Ok(got)) => {
            let got_json = serde_json::to_value(&got).expect("events serialise");
            if &got_json != events {
                return Some(format!("events\n  expected {events}\n  got      {got_json}"));
            }
            let keys: Vec<String> = got.iter().map(Event::dedup_key).collect();
            dedup_keys
                .as_ref()
                .filter(|expected| **expected != keys)
                .map(|expected| format!("dedup keys\n  expected {expected:?}\n  got      {keys:?}"))
        }
        (Expect::Error(code), Err(err)) => (err.code().as_str() != code).then(|| format!("expected {code}, got {err}")),
        (Expect::Events { .. }, Err(err)) => Some(format!("expected events, got {err}")),
        (Expect::Error(code), Ok(got)) => Some(format!("expected {code}, got {} events", got.len())),
    }
}

#[test]
fn every_case_gives_exactly_its_events_or_its_error() {
    let cases = cases();
    let mut failures = String::new();
    let mut failed = 0;
    for case in &cases {
        if let Some(problem) = check(case) {
            failed += 1;
            writeln!(failures, "{}: {problem}", case.name).unwrap();
        }
    }
    assert!(failures.is_empty(), "{failed} of {} cases failed:\n{failures}", cases.len());
}

#[test]
fn expected_events_read_back_into_the_model() {
    for case in cases() {
        if let Expect::Events { events, .. } = &case.expect {
            let model: Vec<Event> =
                serde_json::from_value(events.clone()).unwrap_or_else(|e| panic!("{}: not events: {e}", case.name));
            assert_eq!(&serde_json::to_value(&model).unwrap(), events, "{}", case.name);
        }
    }
}

#[test]
fn the_corpus_covers_every_kind_of_event_content_status_and_failure() {
    let cases = cases();
    assert!(cases.len() >= MIN_CASES, "{} cases, fewer than {MIN_CASES}", cases.len());
    let names: BTreeSet<_> = cases.iter().map(|case| case.name.as_str()).collect();
    assert_eq!(names.len(), cases.len(), "case names repeat");

    let mut seen = BTreeSet::new();
    for case in &cases {
        let provider = case.provider.as_str();
        let Expect::Events { events, .. } = &case.expect else {
            seen.insert(format!("{provider} error"));
            continue;
        };
        for event in events.as_array().expect("checked when read") {
            let kind = event["event"].as_str().unwrap_or_default();
            seen.insert(format!("{provider} {kind}"));
            if let Some(content) = event["content"]["type"].as_str() {
                seen.insert(format!("content {content}"));
            }
            match &event["status"] {
                Value::String(status) => seen.insert(format!("status {status}")),
                Value::Object(_) => seen.insert("status other".to_owned()),
                _ => false,
            };
        }
    }
    let mut missing: Vec<String> = ["cams", "meta"]
        .iter()
        .flat_map(|p| ["status", "inbound", "unsupported", "error"].map(|kind| format!("{p} {kind}")))
        .chain(CONTENT_TYPES.map(|c| format!("content {c}")))
        .chain(STATUSES.map(|s| format!("status {s}")))
        .chain(["status other".to_owned()])
        .filter(|want| !seen.contains(want))
        .collect();
    missing.sort();
    assert!(missing.is_empty(), "no case has: {missing:?}");
}
