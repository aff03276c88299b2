//! Replays the official SDKs' signing vectors (`tests/vectors/`, copied from the spec).
//!
//! Every V3 vector must reproduce byte for byte; the recommended-shape vectors must also
//! come out of chatlane's own model → wire → request path unchanged.

use std::collections::BTreeMap;
use std::path::PathBuf;

use chatlane_core::Operation;
use chatlane_core::cams::request::{self, RequestContext};
use chatlane_core::cams::sign::{self, SigningInput};
use chatlane_core::cams::wire;
use chatlane_core::{Credentials, Endpoint, MassMessage, Message, validate};
use serde_json::Value;

#[path = "support/json_documents.rs"]
mod json_documents;
use json_documents::json_documents;

fn vectors() -> Vec<(String, Value)> {
    json_documents("vectors")
}

fn v3_vectors() -> Vec<(String, Value)> {
    vectors().into_iter().filter(|(_, v)| v["signature_version"] == "v3").collect()
}

fn string_map(value: &Value) -> BTreeMap<String, String> {
    value
        .as_object()
        .map(|o| o.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned())).collect())
        .unwrap_or_default()
}

fn text(value: &Value) -> &str {
    value.as_str().unwrap_or_else(|| panic!("not a string: {value}"))
}

#[test]
fn every_v3_vector_signs_byte_for_byte() {
    let all = v3_vectors();
    assert!(all.len() >= 12, "expected the spec's V3 vectors, found {}", all.len());
    for (name, vector) in all {
        let inputs = &vector["inputs"];
        let expected = &vector["expected"];
        let query = string_map(&inputs["query_params"]);
        let headers = string_map(&expected["signed_header_values"]);
        let body = expected["body"].as_str().unwrap_or("");
        let hashed_payload = sign::sha256_hex(body.as_bytes());
        assert_eq!(hashed_payload, text(&expected["hashed_payload"]), "{name}: body hash");

        let query: Vec<(&str, &str)> = query.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let headers: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let input = SigningInput {
            method: "POST",
            path: "/",
            query: &query,
            headers: &headers,
            hashed_payload: &hashed_payload,
        };
        let signature = sign::sign(&input, text(&inputs["access_key_secret"]));

        assert_eq!(signature.canonical_query, text(&expected["canonical_query_string"]), "{name}: canonical query");
        assert_eq!(signature.canonical_headers, text(&expected["canonical_headers"]), "{name}: canonical headers");
        assert_eq!(signature.signed_headers, text(&expected["signed_headers"]), "{name}: signed headers");
        assert_eq!(signature.canonical_request, text(&expected["canonical_request"]), "{name}: canonical request");
        assert_eq!(signature.string_to_sign, text(&expected["string_to_sign"]), "{name}: string to sign");
        assert_eq!(signature.signature, text(&expected["signature"]), "{name}: signature");
        assert_eq!(
            signature.authorization(text(&inputs["access_key_id"])),
            text(&expected["authorization"]),
            "{name}: authorization"
        );
        assert!(sign::verify(
            text(&inputs["access_key_secret"]),
            &signature.string_to_sign,
            text(&expected["signature"])
        ));
    }
}

/// The chatlane model of each vector's request (`tests/vectors/models.json`).
fn model_of(name: &str) -> (String, Value) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors/models.json");
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let entry = &doc["models"][name];
    assert!(entry.is_object(), "{name} has no model in tests/vectors/models.json");
    (text(&entry["operation"]).to_owned(), entry["message"].clone())
}

/// The wire parameters chatlane produces for a vector's model.
fn model_params(name: &str) -> (Operation, wire::Params) {
    let (operation, model) = model_of(name);
    if operation == "SendChatappMassMessage" {
        let message = MassMessage::from_json_value(model).unwrap();
        validate::validate(&message).unwrap();
        (Operation::SendChatappMassMessage, wire::send_mass_message_params(&message, Default::default()))
    } else {
        let message = Message::from_json_value(model).unwrap();
        validate::validate(&message).unwrap();
        (Operation::SendChatappMessage, wire::send_message_params(&message, Default::default()))
    }
}

#[test]
fn the_model_produces_every_vectors_wire_parameters() {
    let all = v3_vectors();
    for (name, vector) in &all {
        let inputs = &vector["inputs"];
        let mut expected = string_map(&inputs["query_params"]);
        expected.extend(string_map(&inputs["form_params"]));
        for header in ["Action", "Version"] {
            expected.remove(header);
        }
        let (operation, params) = model_params(name);
        assert_eq!(operation.as_str(), text(&vector["operation"]), "{name}");
        let got: BTreeMap<String, String> = params.iter().map(|(k, v)| (k.to_owned(), v.to_owned())).collect();
        assert_eq!(got, expected, "{name}");
    }
}

#[test]
fn the_recommended_shape_vectors_come_out_of_request_build() {
    for name in ["v3_minimal_template_query.json", "v3_minimal_text_query.json"] {
        let (_, vector) = v3_vectors().into_iter().find(|(n, _)| n == name).unwrap();
        let inputs = &vector["inputs"];
        let (operation, params) = model_params(name);
        let credentials =
            Credentials::new(text(&inputs["access_key_id"]), text(&inputs["access_key_secret"]), None).unwrap();
        let endpoint = Endpoint::parse(text(&inputs["host"])).unwrap();
        let ctx = RequestContext {
            credentials: &credentials,
            endpoint: &endpoint,
            date: text(&inputs["timestamp"]),
            nonce: text(&inputs["nonce"]),
            user_agent: "chatlane-test",
        };
        let request = request::build(operation, &params, &ctx).unwrap();
        let header = |n: &str| request.headers().get(n).map(|v| v.to_str().unwrap());
        assert_eq!(header("authorization"), Some(text(&vector["expected"]["authorization"])), "{name}");
        assert_eq!(header("host"), Some(text(&inputs["host"])), "{name}");
        assert_eq!(
            request.uri().to_string(),
            format!("https://{}/?{}", text(&inputs["host"]), text(&vector["expected"]["canonical_query_string"]))
        );
        assert_eq!(request.method(), "POST");
        assert!(request.body().is_empty());
    }
}
