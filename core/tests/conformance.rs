//! Runs the shared conformance cases (`tests/conformance/*.json`) that every language runs:
//! each message must give exactly its violations (code and path, in order) or, when valid,
//! exactly its wire parameters.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use chatlane_core::cams::wire::{self, Defaults, Params};
use chatlane_core::validate::{self, Violation, codes};
use chatlane_core::{MassMessage, Message, Outgoing, meta};
use serde_json::Value;

#[path = "support/case_names.rs"]
mod case_names;
#[path = "support/json_documents.rs"]
mod json_documents;
use case_names::assert_unique_names_and_known_codes;
use json_documents::json_documents;

/// Fewest valid and invalid cases the suite must hold.
const MIN_CASES: usize = 60;

/// What a case expects.
enum Expect {
    /// Valid: exactly these wire parameters.
    Wire(BTreeMap<String, String>),
    /// Invalid: exactly these `(code, path)` violations, in order.
    Violations(Vec<(String, String)>),
}

struct Case {
    name: String,
    mass: bool,
    message: Value,
    expect: Expect,
}

/// Every case of every file, checked for shape; panics naming the file and case otherwise.
fn cases() -> Vec<Case> {
    let mut all = Vec::new();
    for (file, doc) in json_documents("conformance") {
        assert!(doc["description"].as_str().is_some_and(|d| !d.is_empty()), "{file}: no description");
        let list = doc["cases"].as_array().unwrap_or_else(|| panic!("{file}: no \"cases\" array"));
        let stem = file.trim_end_matches(".json");
        for (i, case) in list.iter().enumerate() {
            let case = parse_case(case).unwrap_or_else(|e| panic!("{file}: case {i}: {e}"));
            assert!(case.name.starts_with(&format!("{stem}/")), "{file}: {:?} must be named {stem}/…", case.name);
            all.push(case);
        }
    }
    all
}

fn parse_case(case: &Value) -> Result<Case, String> {
    let object = case.as_object().ok_or("not an object")?;
    let name = object.get("name").and_then(Value::as_str).ok_or("no \"name\"")?.to_owned();
    let known = ["name", "operation", "message", "wire", "violations"];
    if let Some(key) = object.keys().find(|key| !known.contains(&key.as_str())) {
        return Err(format!("{name}: unknown key {key:?}"));
    }
    let mass = match object.get("operation").and_then(Value::as_str) {
        Some("SendChatappMessage") => false,
        Some("SendChatappMassMessage") => true,
        other => return Err(format!("{name}: unknown operation {other:?}")),
    };
    let message = object.get("message").filter(|m| m.is_object()).ok_or(format!("{name}: no \"message\" object"))?;
    let expect = match (object.get("wire"), object.get("violations")) {
        (Some(wire), None) => {
            let wire = wire.as_object().ok_or(format!("{name}: \"wire\" is not an object"))?;
            let params = wire.iter().map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_owned())));
            let params: Option<BTreeMap<_, _>> = params.collect();
            Expect::Wire(params.ok_or(format!("{name}: every wire value must be a string"))?)
        }
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
        _ => return Err(format!("{name}: give exactly one of \"wire\" and \"violations\"")),
    };
    Ok(Case { name, mass, message: message.clone(), expect })
}

/// The case's violations and wire parameters, or why its message does not deserialise.
fn run(case: &Case) -> Result<(Vec<Violation>, Params), String> {
    let model = case.message.clone();
    if case.mass {
        let message = read::<MassMessage>(model)?;
        Ok((validate::mass_violations(&message), wire::send_mass_message_params(&message, Defaults::default())))
    } else {
        let message = read::<Message>(model)?;
        Ok((validate::violations(&message), wire::send_message_params(&message, Defaults::default())))
    }
}

/// Why `case` fails, if it does.
fn check(case: &Case) -> Option<String> {
    let (violations, params) = match run(case) {
        Ok(found) => found,
        Err(e) => return Some(format!("the message does not deserialise: {e}")),
    };
    let found: Vec<(String, String)> = violations.iter().map(|v| (v.code.to_owned(), v.path.clone())).collect();
    match &case.expect {
        Expect::Violations(expected) if *expected == found => None,
        Expect::Violations(expected) => Some(violations_diff(expected, &violations)),
        Expect::Wire(_) if !violations.is_empty() => {
            let list: String = violations.iter().map(|v| format!("\n    + {v}")).collect();
            Some(format!("expected a valid message, found violations:{list}"))
        }
        Expect::Wire(expected) => {
            let actual: BTreeMap<String, String> = params.iter().map(|(k, v)| (k.to_owned(), v.to_owned())).collect();
            if actual.len() != params.len() {
                return Some(format!("a wire parameter is given twice: {params:?}"));
            }
            (*expected != actual).then(|| wire_diff(expected, &actual))
        }
    }
}

/// Expected and found violations side by side, `-` for expected only, `+` for found only.
fn violations_diff(expected: &[(String, String)], found: &[Violation]) -> String {
    let mut out = String::from("violations differ (- expected, + found):");
    let found_pairs: Vec<(&str, &str)> = found.iter().map(|v| (v.code, v.path.as_str())).collect();
    for (i, (code, path)) in expected.iter().enumerate() {
        let mark = if found_pairs.get(i) == Some(&(code.as_str(), path.as_str())) { ' ' } else { '-' };
        write!(out, "\n    {mark} {path} [{code}]").unwrap();
    }
    for (i, v) in found.iter().enumerate() {
        if expected.get(i).is_none_or(|(code, path)| (code.as_str(), path.as_str()) != (v.code, v.path.as_str())) {
            write!(out, "\n    + {v}").unwrap();
        }
    }
    out
}

/// Missing, unexpected and differing wire parameters.
fn wire_diff(expected: &BTreeMap<String, String>, actual: &BTreeMap<String, String>) -> String {
    let mut out = String::from("wire parameters differ:");
    for (name, want) in expected {
        match actual.get(name) {
            None => write!(out, "\n    - {name} = {want}").unwrap(),
            Some(got) if got != want => {
                let at = want.chars().zip(got.chars()).take_while(|(a, b)| a == b).count();
                write!(out, "\n    {name} (first difference at character {at}):\n      - {want}\n      + {got}")
                    .unwrap();
            }
            Some(_) => {}
        }
    }
    for (name, got) in actual.iter().filter(|(name, _)| !expected.contains_key(*name)) {
        write!(out, "\n    + {name} = {got}").unwrap();
    }
    out
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
fn every_case_gives_exactly_its_violations_or_wire_parameters() {
    let all = cases();
    let failures: Vec<String> =
        all.iter().filter_map(|case| check(case).map(|why| format!("{}: {why}", case.name))).collect();
    assert!(failures.is_empty(), "{} of {} cases fail:\n\n{}", failures.len(), all.len(), failures.join("\n\n"));
    let valid = all.iter().filter(|c| matches!(c.expect, Expect::Wire(_))).count();
    let invalid = all.len() - valid;
    assert!(valid >= MIN_CASES, "only {valid} valid cases, expected at least {MIN_CASES}");
    assert!(invalid >= MIN_CASES, "only {invalid} invalid cases, expected at least {MIN_CASES}");
}

/// Every code is exercised by a conformance case, or by a message of `tests/edge/` for data
/// JSON text cannot carry (`invalid_text`: a lone surrogate).
#[test]
fn every_violation_code_is_exercised() {
    let edge = json_documents("edge").into_iter().flat_map(|(_, doc)| {
        let cases = doc["cases"].as_array().cloned().unwrap_or_default();
        cases.into_iter().flat_map(|case| {
            let violations = case["violations"].as_array().cloned().unwrap_or_default();
            violations.into_iter().filter_map(|v| v["code"].as_str().map(str::to_owned))
        })
    });
    let exercised: BTreeSet<String> = cases()
        .into_iter()
        .filter_map(|case| match case.expect {
            Expect::Violations(list) => Some(list.into_iter().map(|(code, _)| code)),
            Expect::Wire(_) => None,
        })
        .flatten()
        .chain(edge)
        .collect();
    let missing: Vec<&str> = codes::ALL.into_iter().filter(|code| !exercised.contains(*code)).collect();
    assert!(missing.is_empty(), "no invalid case exercises {missing:?}");
}

/// Values that stress a field: empty, control and combining characters, far too long,
/// extreme numbers, and values of the wrong JSON type.
fn odd_values() -> Vec<Value> {
    vec![
        Value::from(""),
        Value::from(" \u{0}\u{202e}\u{301}"),
        Value::from("é".repeat(5_000)),
        Value::from("ftp://x"),
        Value::from(-1),
        Value::from(u64::MAX),
        Value::from(f64::MAX),
        Value::from(-0.0),
        Value::Null,
        Value::Bool(true),
        Value::Array(vec![]),
        Value::Object(Default::default()),
    ]
}

/// Every path to a leaf (a string, number, bool or null, or an empty array or object).
fn leaves(value: &Value, at: &mut Vec<PathSegment>, out: &mut Vec<Vec<PathSegment>>) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (key, item) in map {
                at.push(PathSegment::Key(key.clone()));
                leaves(item, at, out);
                at.pop();
            }
        }
        Value::Array(items) if !items.is_empty() => {
            for (index, item) in items.iter().enumerate() {
                at.push(PathSegment::Index(index));
                leaves(item, at, out);
                at.pop();
            }
        }
        _ => out.push(at.clone()),
    }
}

#[derive(Clone)]
enum PathSegment {
    Key(String),
    Index(usize),
}

fn slot<'v>(value: &'v mut Value, path: &[PathSegment]) -> &'v mut Value {
    path.iter().fold(value, |value, segment| match segment {
        PathSegment::Key(key) => &mut value[key.as_str()],
        PathSegment::Index(index) => &mut value[*index],
    })
}

/// `message` read as an `M` from its JSON value and from its JSON text, which must agree:
/// the same model, or the same error.
fn read<M: Outgoing + PartialEq + std::fmt::Debug>(message: Value) -> Result<M, String> {
    let text = message.to_string();
    let from_value = M::from_json_value(message).map_err(|e| e.to_string());
    assert_eq!(M::from_json_text(&text).map_err(|e| e.to_string()), from_value, "{text}");
    from_value
}

/// Invalid input never panics: every leaf of every case, replaced by each odd value, either
/// fails to read as a model (a typed error) or is validated and mapped to the wire (CAMS'
/// and, for a single message, Meta's); read from JSON text, every variation gives what it
/// gives read from its JSON value.
#[test]
fn odd_values_anywhere_never_panic() {
    let mut tried = 0;
    for case in cases().into_iter().filter(|case| {
        // The 1,001-recipient case alone would multiply the run by a thousand.
        case.message["recipients"].as_array().is_none_or(|r| r.len() <= 10)
    }) {
        let mut paths = Vec::new();
        leaves(&case.message, &mut Vec::new(), &mut paths);
        for path in &paths {
            for odd in odd_values() {
                let mut message = case.message.clone();
                *slot(&mut message, path) = odd;
                if case.mass {
                    if let Ok(mass) = read::<MassMessage>(message) {
                        validate::mass_violations(&mass);
                        wire::send_mass_message_params(&mass, Defaults::default());
                    }
                } else if let Ok(message) = read::<Message>(message) {
                    validate::violations(&message);
                    wire::send_message_params(&message, Defaults::default());
                    meta::violations(&message);
                    meta::message_body(&message, message.task_id.as_deref());
                }
                tried += 1;
            }
        }
    }
    assert!(tried > 10_000, "only {tried} variations");
}
