//! The legacy RPC signature (V2, HMAC-SHA1; spec §4.5), which the official SDKs still send
//! when configured with `signatureAlgorithm = "v2"`.

use std::collections::BTreeMap;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chatlane_core::cams::encode::{canonical_query, percent_encode};
use hmac::{Hmac, Mac};
use sha1::Sha1;

/// Parameters of the V2 protocol itself, as opposed to the operation's.
pub const SYSTEM_PARAMS: [&str; 10] = [
    "Action",
    "Format",
    "Version",
    "Timestamp",
    "SignatureNonce",
    "SignatureMethod",
    "SignatureVersion",
    "AccessKeyId",
    "SecurityToken",
    "Signature",
];

/// `POST&%2F&` + the percent-encoded canonical query of every parameter but `Signature`.
pub fn string_to_sign(params: &BTreeMap<String, String>) -> String {
    let signed = params.iter().filter(|(k, _)| *k != "Signature").map(|(k, v)| (k.as_str(), v.as_str()));
    format!("POST&%2F&{}", percent_encode(&canonical_query(signed)))
}

/// Whether `provided` (base64) is the HMAC-SHA1 of `string_to_sign` under `secret` + `&`.
pub fn verify(secret: &str, string_to_sign: &str, provided: &str) -> bool {
    let Ok(provided) = STANDARD.decode(provided) else { return false };
    let mut mac = Hmac::<Sha1>::new_from_slice(format!("{secret}&").as_bytes()).expect("HMAC accepts any key");
    mac.update(string_to_sign.as_bytes());
    mac.verify_slice(&provided).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_official_sdk_v2_vectors_verify() {
        for name in ["v2_python_text_hmac_sha1.json", "v2_python_template_hmac_sha1.json"] {
            let path = format!("{}/../tests/vectors/{name}", env!("CARGO_MANIFEST_DIR"));
            let vector: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
            let params: BTreeMap<String, String> = vector["inputs"]["all_signed_params"]
                .as_object()
                .unwrap()
                .iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
                .collect();
            let expected = &vector["expected"];
            let sts = string_to_sign(&params);
            assert_eq!(sts, expected["string_to_sign"].as_str().unwrap(), "{name}");
            let signature = expected["signature"].as_str().unwrap();
            assert!(verify("testAccessKeySecret", &sts, signature), "{name}");
            assert!(!verify("wrong", &sts, signature), "{name}");
        }
    }
}
