//! The shared operation cases (`tests/operations/`): each query gives exactly its wire
//! parameters (CAMS) or its first Graph request (Meta, `"provider": "meta"`), or its typed
//! error.

#[path = "support/json_documents.rs"]
mod json_documents;

use std::collections::BTreeMap;

use chatlane_core::Error;
use chatlane_core::cams::ops::params_of;
use chatlane_core::meta::calls::request_of;
use json_documents::json_documents;
use serde_json::Value;

#[test]
fn every_operation_case_holds() {
    let mut names = std::collections::HashSet::new();
    let (mut checked, mut meta_cases) = (0, 0);
    for (file, doc) in json_documents("operations") {
        assert!(doc["description"].as_str().is_some_and(|d| !d.is_empty()), "{file}: no description");
        let stem = file.trim_end_matches(".json");
        for case in doc["cases"].as_array().unwrap_or_else(|| panic!("{file}: no cases")) {
            let name = case["name"].as_str().unwrap_or_else(|| panic!("{file}: a case without a name"));
            assert!(name.starts_with(&format!("{stem}/")) && names.insert(name.to_owned()), "{file}: {name}");
            let object = case.as_object().unwrap();
            let operation = case["operation"].as_str().unwrap();
            let query = case["query"].to_string();
            let meta = case["provider"] == "meta";
            let known: &[&str] = match meta {
                true => &["name", "provider", "operation", "clientWabaId", "query", "graph", "error"],
                false => &["name", "operation", "clientCustSpaceId", "query", "wire", "error"],
            };
            assert!(object.keys().all(|k| known.contains(&k.as_str())), "{name}: unknown key");
            let outcome = match meta {
                true => request_of(operation, &query, case["clientWabaId"].as_str())
                    .map(|request| serde_json::to_value(request).unwrap()),
                false => params_of(operation, &query, case["clientCustSpaceId"].as_str()).map(|params| {
                    let pairs: BTreeMap<&str, &str> = params.iter().collect();
                    assert_eq!(params.len(), pairs.len(), "{name}: a parameter twice");
                    serde_json::to_value(pairs).unwrap()
                }),
            };
            let expected = if meta { &case["graph"] } else { &case["wire"] };
            check(name, expected, &case["error"], outcome);
            checked += 1;
            meta_cases += usize::from(meta);
        }
    }
    assert!(checked - meta_cases >= 40, "only {} CAMS operation cases", checked - meta_cases);
    assert!(meta_cases >= 25, "only {meta_cases} Meta operation cases");
}

/// A case's outcome is exactly its `expected` value, or its `error`: the code, and the field
/// its message names (`"field: …"`; empty when it names none).
fn check(name: &str, expected: &Value, error: &Value, outcome: Result<Value, Error>) {
    match (expected, error, outcome) {
        (Value::Object(_), Value::Null, Ok(got)) => assert_eq!(&got, expected, "{name}"),
        (Value::Null, Value::Object(error), Err(got)) => {
            assert_eq!(got.code().as_str(), error["code"], "{name}: {got}");
            let field = error["field"].as_str().unwrap();
            assert!(field.is_empty() || got.message().contains(&format!("{field}: ")), "{name}: {got}");
        }
        (_, _, outcome) => panic!("{name}: exactly one outcome or error, and it did not hold: {outcome:?}"),
    }
}
