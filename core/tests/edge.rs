//! Runs the shared edge cases (`tests/edge/*.json`, see its README) that every language
//! runs: client options read as Python would hand them over (and, where Rust's types can
//! hold the value, as the typed record Kotlin and Swift pass), and messages with values at
//! the edge of what JSON carries.

use chatlane_core::{ClientConfig, ClientOptions, Dialect, ErrorCode, HostValue, Message, Outgoing};
use serde_json::{Map, Value, json};

#[path = "support/json_documents.rs"]
mod json_documents;
use json_documents::json_documents;

/// The cases of `tests/edge/<file>`.
fn cases(file: &str) -> Vec<Value> {
    let (_, document) = json_documents("edge").into_iter().find(|(name, _)| name == file).expect(file);
    let cases = document["cases"].as_array().expect("a \"cases\" array").clone();
    assert!(cases.len() >= 10, "{file}: too few cases");
    cases
}

/// The case's options with the runner's defaults (credentials and a loopback endpoint)
/// under the ones it sets; `null` removes a default.
fn options_of(case: &Value) -> Vec<(String, Value)> {
    let mut options: Map<String, Value> = Map::from_iter([
        ("access_key_id".into(), json!("edge-key-id")),
        ("access_key_secret".into(), json!("edge-key-secret")),
        ("endpoint".into(), json!("http://127.0.0.1:9")),
    ]);
    for (name, value) in case["options"].as_object().expect("options") {
        options.insert(name.clone(), value.clone());
    }
    options.into_iter().collect()
}

/// A marker-or-JSON value as Python hands it over (durations in seconds).
fn host_value(value: &Value) -> HostValue {
    match value {
        Value::Null => HostValue::Absent,
        Value::Bool(flag) => HostValue::Bool(*flag),
        Value::Number(n) => {
            n.as_i64().map_or_else(|| HostValue::Float(n.as_f64().unwrap()), |i| HostValue::Integer(i.into()))
        }
        Value::String(text) => HostValue::Text(text.clone()),
        Value::Object(marker) => match marker.iter().next() {
            Some((key, Value::String(f))) if key == "$float" => HostValue::Float(f.parse().unwrap()),
            Some((key, Value::String(i))) if key == "$int" => HostValue::Integer(i.parse().unwrap_or(i128::MAX)),
            Some((key, ms)) if key == "$ms" => HostValue::Float(ms.as_f64().unwrap() / 1000.0),
            _ => HostValue::Text(built_string(value)),
        },
        Value::Array(_) => HostValue::Other,
    }
}

/// The string a `$repeat` marker stands for.
fn built_string(value: &Value) -> String {
    let repeat = value["$repeat"].as_array().unwrap_or_else(|| panic!("unknown marker {value}"));
    repeat[0].as_str().unwrap().repeat(repeat[1].as_u64().unwrap() as usize)
}

/// The options as the typed record, when every value fits its Rust type.
fn typed_options(options: &[(String, Value)]) -> Option<ClientOptions> {
    let mut typed = ClientOptions::default();
    for (name, value) in options {
        let text = || match value {
            Value::Null => Some(None),
            Value::String(s) => Some(Some(s.clone())),
            Value::Object(_) if value.get("$repeat").is_some() => Some(Some(built_string(value))),
            _ => None,
        };
        let float = || match value {
            Value::Number(n) => n.as_f64(),
            _ => value["$float"].as_str().and_then(|f| f.parse().ok()),
        };
        let millis = || value["$ms"].as_u64();
        let count = || value.as_u64().and_then(|n| u32::try_from(n).ok());
        match name.as_str() {
            "access_key_id" => typed.access_key_id = text()?,
            "access_key_secret" => typed.access_key_secret = text()?,
            "endpoint" => typed.endpoint = text()?,
            "cust_space_id" => typed.cust_space_id = text()?,
            "rate_limit_per_second" => typed.rate_limit_per_second = Some(float()?),
            "rate_limit_burst" => typed.rate_limit_burst = Some(count()?),
            "max_attempts" => typed.max_attempts = Some(count()?),
            "rate_limit_disabled" => typed.rate_limit_disabled = value.as_bool()?,
            "connect_timeout" => typed.connect_timeout_ms = Some(millis()?),
            "request_timeout" => typed.request_timeout_ms = Some(millis()?),
            "rate_limit_max_wait" => typed.rate_limit_max_wait_ms = Some(millis()?),
            "retry_deadline" => typed.retry_deadline_ms = Some(millis()?),
            other => panic!("unknown option {other}"),
        }
    }
    Some(typed)
}

/// The expected error code of a case (`None`: the client is built).
fn expected_code(case: &Value) -> Option<String> {
    case["error"].as_str().map(str::to_owned)
}

fn outcome(result: Result<ClientConfig, chatlane_core::Error>, case: &Value) -> Option<String> {
    match result {
        Ok(_) => None,
        Err(error) => {
            if let Some(hidden) = case["hidden"].as_str() {
                assert!(!error.message().contains(hidden), "{}: the error quotes {hidden:?}: {error}", case["name"]);
            }
            Some(error.code().as_str().to_owned())
        }
    }
}

#[test]
fn options_are_judged_alike_from_host_values_and_from_the_typed_record() {
    let mut typed_runs = 0;
    for case in cases("options.json") {
        let name = case["name"].as_str().unwrap();
        let options = options_of(&case);
        let fields = options.iter().map(|(n, v)| (n.as_str(), host_value(v)));
        let result = ClientOptions::from_host(Dialect::Python, fields).and_then(ClientConfig::from_options);
        assert_eq!(outcome(result, &case), expected_code(&case), "{name} (host values)");
        if let Some(typed) = typed_options(&options) {
            typed_runs += 1;
            assert_eq!(outcome(ClientConfig::from_options(typed), &case), expected_code(&case), "{name} (typed)");
        }
    }
    assert!(typed_runs >= 15, "only {typed_runs} cases fit the typed record");
}

/// A marker-or-JSON message value as JSON, or `None` for what JSON cannot hold.
fn json_value(value: &Value) -> Option<Value> {
    Some(match value {
        Value::Object(map) if map.len() == 1 && map.keys().next().is_some_and(|k| k.starts_with('$')) => {
            match map.iter().next() {
                Some((key, Value::Number(depth))) if key == "$nest" => {
                    let mut nested = json!(1);
                    for _ in 0..depth.as_u64()? {
                        nested = json!({ "a": nested });
                    }
                    nested
                }
                Some((key, _)) if key == "$repeat" => Value::String(built_string(value)),
                _ => return None,
            }
        }
        Value::Object(map) => {
            Value::Object(map.iter().map(|(k, v)| Some((k.clone(), json_value(v)?))).collect::<Option<_>>()?)
        }
        Value::Array(items) => Value::Array(items.iter().map(json_value).collect::<Option<_>>()?),
        other => other.clone(),
    })
}

#[test]
fn messages_at_the_edge_give_the_same_violations() {
    let mut ran = 0;
    for case in cases("messages.json") {
        let name = case["name"].as_str().unwrap();
        if case["unbuildable"]["rust"].is_string() {
            continue;
        }
        let message =
            json_value(&case["message"]).unwrap_or_else(|| panic!("{name}: cannot build; say why in unbuildable"));
        let message = Message::from_json_value(message).unwrap_or_else(|e| panic!("{name}: {e}"));
        let found: Vec<_> = message.violations().into_iter().map(|v| (v.code.to_owned(), v.path)).collect();
        let expected: Vec<_> = case["violations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| (v["code"].as_str().unwrap().to_owned(), v["path"].as_str().unwrap().to_owned()))
            .collect();
        assert_eq!(found, expected, "{name}");
        ran += 1;
    }
    assert!(ran >= 7, "only {ran} cases ran");
}

#[test]
fn json_text_too_deep_for_the_reader_is_an_invalid_message() {
    let deep = format!(
        r#"{{"from":"8613800000000","to":"6591234567","content":{{"messageType":"custom","type":"c","content":{{"a":{}1{}}}}}}}"#,
        r#"{"a":"#.repeat(100_000),
        "}".repeat(100_000)
    );
    assert_eq!(Message::from_json_text(&deep).unwrap_err().code(), ErrorCode::InvalidMessage);
}
