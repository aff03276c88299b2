//! Runs the Meta conformance cases (`tests/conformance/meta/*.json`, see
//! `tests/conformance/README.md`): every valid WhatsApp case of the shared suite, and Meta's
//! own cases, must give exactly their Meta body or exactly their violations (the neutral rules
//! followed by Meta's).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use chatlane_core::{Message, meta};
use serde_json::{Value, json};

#[path = "support/case_names.rs"]
mod case_names;
#[path = "support/json_documents.rs"]
mod json_documents;
use case_names::assert_unique_names_and_known_codes;
use json_documents::json_documents;

/// Fewest cases of Meta's own that Meta's rules refuse.
const MIN_META_INVALID: usize = 30;

/// What a case expects.
enum Expect {
    /// Valid: exactly this body.
    Body(Value),
    /// Invalid: exactly these `(code, path)` violations, in order.
    Violations(Vec<(String, String)>),
}

struct Case {
    name: String,
    /// The shared suite's file of the case's message; `None` for a case of Meta's own.
    source: Option<String>,
    message: Value,
    expect: Expect,
}

/// The shared suite's valid single WhatsApp cases (Meta has no mass send): name → (file,
/// message).
fn shared_whatsapp_cases() -> BTreeMap<String, (String, Value)> {
    let mut cases = BTreeMap::new();
    for (file, doc) in json_documents("conformance") {
        for case in doc["cases"].as_array().into_iter().flatten() {
            let single = case["operation"] == "SendChatappMessage" && case.get("wire").is_some();
            let whatsapp = case["message"].get("channel").is_none_or(|channel| channel == "whatsapp");
            if single && whatsapp {
                let name = case["name"].as_str().expect("shared cases have names").to_owned();
                cases.insert(name, (file.clone(), case["message"].clone()));
            }
        }
    }
    cases
}

/// Every Meta case, checked for shape; panics naming the file and case otherwise.
fn cases() -> Vec<Case> {
    let shared = shared_whatsapp_cases();
    let mut all = Vec::new();
    for (file, doc) in json_documents("conformance/meta") {
        assert!(doc["description"].as_str().is_some_and(|d| !d.is_empty()), "{file}: no description");
        let list = doc["cases"].as_array().unwrap_or_else(|| panic!("{file}: no \"cases\" array"));
        for (i, case) in list.iter().enumerate() {
            all.push(parse_case(case, &shared).unwrap_or_else(|e| panic!("meta/{file}: case {i}: {e}")));
        }
    }
    all
}

fn parse_case(case: &Value, shared: &BTreeMap<String, (String, Value)>) -> Result<Case, String> {
    let object = case.as_object().ok_or("not an object")?;
    let name = object.get("name").and_then(Value::as_str).ok_or("no \"name\"")?.to_owned();
    let known = ["name", "source", "message", "body", "violations"];
    if let Some(key) = object.keys().find(|key| !known.contains(&key.as_str())) {
        return Err(format!("{name}: unknown key {key:?}"));
    }
    let (source, message) = match (object.get("source").map(Value::as_str), object.get("message")) {
        (Some(Some(file)), None) => {
            let (shared_file, message) =
                shared.get(&name).ok_or(format!("{name}: not a valid single WhatsApp case of the shared suite"))?;
            if shared_file != file {
                return Err(format!("{name}: its source is {shared_file}, not {file}"));
            }
            (Some(file.to_owned()), message.clone())
        }
        (None, Some(message)) if message.is_object() && name.starts_with("meta/") => (None, message.clone()),
        (None, Some(_)) => return Err(format!("{name}: a case of Meta's own is named meta/… with a message object")),
        _ => return Err(format!("{name}: give exactly one of \"source\" and \"message\"")),
    };
    let expect = match (object.get("body"), object.get("violations")) {
        (Some(body), None) if body.is_object() => Expect::Body(body.clone()),
        (None, Some(violations)) => {
            let list = violations.as_array().filter(|l| !l.is_empty());
            let list = list.ok_or(format!("{name}: \"violations\" must be a non-empty array"))?;
            let pairs = list.iter().map(|v| {
                let field = |key| v.get(key).and_then(Value::as_str).map(str::to_owned);
                let only_code_and_path = v.as_object().is_some_and(|o| o.len() == 2);
                field("code").zip(field("path")).filter(|_| only_code_and_path)
            });
            let pairs: Option<Vec<_>> = pairs.collect();
            Expect::Violations(pairs.ok_or(format!("{name}: each violation is {{\"code\", \"path\"}}"))?)
        }
        _ => return Err(format!("{name}: give exactly one of a \"body\" object and \"violations\"")),
    };
    Ok(Case { name, source, message, expect })
}

fn read(message: &Value) -> Message {
    Message::from_json_value(message.clone()).unwrap_or_else(|e| panic!("{message}: {e}"))
}

/// Why `case` fails, if it does.
fn check(case: &Case) -> Option<String> {
    let message = read(&case.message);
    let violations = meta::violations(&message);
    let found: Vec<(String, String)> = violations.iter().map(|v| (v.code.to_owned(), v.path.clone())).collect();
    match &case.expect {
        Expect::Violations(expected) if *expected == found => None,
        Expect::Violations(expected) => {
            let expected: String = expected.iter().map(|(code, path)| format!("\n    - {path} [{code}]")).collect();
            let found: String = violations.iter().map(|v| format!("\n    + {v}")).collect();
            Some(format!("violations differ (- expected, + found):{expected}{found}"))
        }
        Expect::Body(_) if !violations.is_empty() => {
            let list: String = violations.iter().map(|v| format!("\n    + {v}")).collect();
            Some(format!("expected a valid message, found violations:{list}"))
        }
        Expect::Body(expected) => {
            let body = meta::message_body(&message, message.task_id.as_deref());
            (body != *expected).then(|| format!("body differs:\n    - {expected}\n    + {body}"))
        }
    }
}

/// The entry a shared case would get from the code as it is, to be read against the Meta
/// reference before it is pinned.
fn proposed_entry(name: &str, file: &str, message: &Value) -> Value {
    let message = read(message);
    let violations = meta::violations(&message);
    if violations.is_empty() {
        json!({"name": name, "source": file, "body": meta::message_body(&message, message.task_id.as_deref())})
    } else {
        let violations: Vec<Value> = violations.iter().map(|v| json!({"code": v.code, "path": v.path})).collect();
        json!({"name": name, "source": file, "violations": violations})
    }
}

#[test]
fn cases_are_well_formed_and_uniquely_named() {
    let all = cases();
    assert_unique_names_and_known_codes(all.iter().map(|case| {
        let expected: &[(String, String)] = match &case.expect {
            Expect::Violations(list) => list,
            _ => &[],
        };
        (case.name.as_str(), expected)
    }));
}

#[test]
fn every_valid_whatsapp_case_of_the_shared_suite_has_its_meta_entry() {
    let pinned: BTreeSet<String> = cases().into_iter().filter(|c| c.source.is_some()).map(|c| c.name).collect();
    let mut missing = String::new();
    for (name, (file, message)) in shared_whatsapp_cases() {
        if !pinned.contains(&name) {
            write!(missing, "\n{}", proposed_entry(&name, &file, &message)).unwrap();
        }
    }
    assert!(missing.is_empty(), "shared cases without a Meta entry; proposed (read them before pinning):{missing}");
}

#[test]
fn every_case_gives_exactly_its_body_or_violations() {
    let all = cases();
    let failures: Vec<String> =
        all.iter().filter_map(|case| check(case).map(|why| format!("{}: {why}", case.name))).collect();
    assert!(failures.is_empty(), "{} of {} cases fail:\n\n{}", failures.len(), all.len(), failures.join("\n\n"));
}

#[test]
fn enough_cases_of_metas_own_are_refused_by_metas_rules() {
    let refused = cases()
        .iter()
        .filter(|case| case.source.is_none() && matches!(case.expect, Expect::Violations(_)))
        .filter(|case| !meta::violations(&read(&case.message)).is_empty())
        .count();
    assert!(refused >= MIN_META_INVALID, "only {refused} cases refused by Meta's rules, expected {MIN_META_INVALID}");
}
