//! The shared operation cases (`tests/operations/`): each query gives exactly its wire
//! parameters, or its typed error.

#[path = "support/json_documents.rs"]
mod json_documents;

use std::collections::BTreeMap;

use chatlane_core::cams::ops::params_of;
use json_documents::json_documents;
use serde_json::Value;

#[test]
fn every_operation_case_holds() {
    let mut names = std::collections::HashSet::new();
    let mut checked = 0;
    for (file, doc) in json_documents("operations") {
        assert!(doc["description"].as_str().is_some_and(|d| !d.is_empty()), "{file}: no description");
        let stem = file.trim_end_matches(".json");
        for case in doc["cases"].as_array().unwrap_or_else(|| panic!("{file}: no cases")) {
            let name = case["name"].as_str().unwrap_or_else(|| panic!("{file}: a case without a name"));
            assert!(name.starts_with(&format!("{stem}/")) && names.insert(name.to_owned()), "{file}: {name}");
            let known = ["name", "operation", "clientCustSpaceId", "query", "wire", "error"];
            let object = case.as_object().unwrap();
            assert!(object.keys().all(|k| known.contains(&k.as_str())), "{name}: unknown key");
            let operation = case["operation"].as_str().unwrap();
            let result = params_of(operation, &case["query"].to_string(), case["clientCustSpaceId"].as_str());
            match (&case["wire"], &case["error"], result) {
                (Value::Object(wire), Value::Null, Ok(params)) => {
                    let got: BTreeMap<&str, &str> = params.iter().collect();
                    let want: BTreeMap<&str, &str> =
                        wire.iter().map(|(k, v)| (k.as_str(), v.as_str().unwrap())).collect();
                    assert_eq!(got, want, "{name}");
                    assert_eq!(params.len(), got.len(), "{name}: a parameter twice");
                }
                (Value::Null, Value::Object(error), Err(got)) => {
                    assert_eq!(got.code().as_str(), error["code"], "{name}: {got}");
                    let field = error["field"].as_str().unwrap();
                    assert!(field.is_empty() || got.message().contains(&format!("{field}: ")), "{name}: {got}");
                }
                (_, _, result) => panic!("{name}: exactly one of wire or error, and it did not hold: {result:?}"),
            }
            checked += 1;
        }
    }
    assert!(checked >= 40, "only {checked} operation cases");
}
