//! Reading one element of a body into a provider's wire struct: the failure names the field,
//! and scalars are taken in either JSON form the providers are seen to use (`"131026"` or
//! `131026`, `"1749416383"` or `1749416383`).

use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Deserializer};
use serde_json::{Number, Value};

/// `value` read as a `T`; the failure says where and why (`Timestamp: invalid type…`).
pub(super) fn typed<T: DeserializeOwned>(value: &Value) -> Result<T, String> {
    serde_path_to_error::deserialize(value).map_err(|failure| {
        let path = failure.path().to_string();
        let problem = failure.into_inner();
        if path == "." { problem.to_string() } else { format!("{path}: {problem}") }
    })
}

/// The array at `key` of `object`, read in place; `None` when absent or `null`.
pub(super) fn array<'a>(object: &'a Value, key: &str) -> Result<Option<&'a [Value]>, String> {
    match object.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(items)) => Ok(Some(items)),
        Some(other) => Err(format!("{key}: expected an array, found {other}")),
    }
}

/// A string, or a number taken as its decimal text.
pub(super) fn opt_text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    lenient(deserializer, "a string", |n| Some(n.to_string()), |s| Some(s.to_owned()))
}

/// A string, or a number taken as its decimal text; required.
pub(super) fn text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    opt_text(deserializer)?.ok_or_else(|| D::Error::custom("expected a string, found null"))
}

/// A whole number ≥ 0, or its decimal text.
pub(super) fn opt_integer<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<u64>, D::Error> {
    lenient(deserializer, "a whole number", Number::as_u64, |s| s.parse().ok())
}

/// A finite number, or its decimal text.
pub(super) fn opt_float<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<f64>, D::Error> {
    let finite = |x: f64| x.is_finite().then_some(x);
    lenient(deserializer, "a number", |n| n.as_f64().and_then(finite), |s| s.parse().ok().and_then(finite))
}

/// A finite number, or its decimal text; required.
pub(super) fn float<'de, D: Deserializer<'de>>(deserializer: D) -> Result<f64, D::Error> {
    opt_float(deserializer)?.ok_or_else(|| D::Error::custom("expected a number, found null"))
}

/// `null` or absent as `None`; a number or a string through `number` or `text`.
fn lenient<'de, D: Deserializer<'de>, T>(
    deserializer: D,
    expected: &str,
    number: impl Fn(&Number) -> Option<T>,
    text: impl Fn(&str) -> Option<T>,
) -> Result<Option<T>, D::Error> {
    let value = Value::deserialize(deserializer)?;
    let read = match &value {
        Value::Null => return Ok(None),
        Value::Number(n) => number(n),
        Value::String(s) => text(s),
        _ => None,
    };
    read.map(Some).ok_or_else(|| D::Error::custom(format!("expected {expected}, found {value}")))
}

/// `text` unless it is empty: providers send `""` for a field that does not apply.
pub(super) fn non_empty(text: Option<String>) -> Option<String> {
    text.filter(|t| !t.is_empty())
}

/// Unix seconds as milliseconds; `None` when they do not fit.
pub(super) fn seconds_to_ms(seconds: Option<u64>) -> Result<Option<u64>, String> {
    seconds.map(|s| s.checked_mul(1000).ok_or_else(|| format!("timestamp {s} is out of range"))).transpose()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Sample {
        #[serde(default, deserialize_with = "opt_text")]
        code: Option<String>,
        #[serde(default, deserialize_with = "text")]
        id: String,
        #[serde(default, deserialize_with = "opt_integer")]
        at: Option<u64>,
        #[serde(deserialize_with = "float")]
        x: f64,
    }

    #[test]
    fn takes_scalars_as_numbers_or_text() {
        let sample: Sample = typed(&json!({"code": 131026, "id": 7, "at": "1749416383", "x": "1.5"})).unwrap();
        let code = Some("131026".into());
        assert_eq!(sample, Sample { code, id: "7".into(), at: Some(1_749_416_383), x: 1.5 });
        let sample: Sample = typed(&json!({"code": "E1", "id": "m", "at": null, "x": -2.25})).unwrap();
        assert_eq!(sample, Sample { code: Some("E1".into()), id: "m".into(), at: None, x: -2.25 });
        assert_eq!(non_empty(Some(String::new())), None);
    }

    #[test]
    fn failures_name_the_field() {
        let err = typed::<Sample>(&json!({"at": "soon", "x": 1})).unwrap_err();
        assert_eq!(err, "at: expected a whole number, found \"soon\"");
        let err = typed::<Sample>(&json!({"x": "NaN"})).unwrap_err();
        assert_eq!(err, "x: expected a number, found \"NaN\"");
        let err = typed::<Sample>(&json!({"at": 1})).unwrap_err();
        assert_eq!(err, "missing field `x`");
        let err = typed::<Sample>(&json!({"id": [1], "x": 1})).unwrap_err();
        assert_eq!(err, "id: expected a string, found [1]");
        assert_eq!(seconds_to_ms(Some(u64::MAX)).unwrap_err(), format!("timestamp {} is out of range", u64::MAX));
        assert_eq!(seconds_to_ms(Some(2)).unwrap(), Some(2000));
        let object = json!({"a": [1], "n": null, "s": "x"});
        assert_eq!(array(&object, "a"), Ok(Some(&[json!(1)][..])));
        assert_eq!((array(&object, "n"), array(&object, "z")), (Ok(None), Ok(None)));
        assert_eq!(array(&object, "s").unwrap_err(), "s: expected an array, found \"x\"");
    }
}
