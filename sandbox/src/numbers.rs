//! `QueryChatappPhoneNumbers`: the configured channel instances' business numbers, with the
//! details each may override in the configuration ([`crate::config::BusinessNumber`]) and the
//! instance's callback URLs. Without `CustSpaceId`, every instance's numbers; an unknown one
//! is `Authentication.NoAuth`, as for sends.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::config::SandboxConfig;
use crate::send::Refusal;

/// The body of a `QueryChatappPhoneNumbers` answer: `PhoneNumbers`, filtered by `CustSpaceId`
/// and `Status`.
pub fn query(config: &SandboxConfig, params: &BTreeMap<String, String>) -> Result<Value, Refusal> {
    let get = |name: &str| params.get(name).map(String::as_str).filter(|v| !v.is_empty());
    let space = get("CustSpaceId");
    if let Some(id) = space
        && !config.cust_spaces.is_empty()
        && config.cust_space(id).is_none()
    {
        return Err(Refusal::Business("Authentication.NoAuth", format!("CustSpaceId {id} is not yours.")));
    }
    let numbers: Vec<Value> = config
        .cust_spaces
        .iter()
        .filter(|s| space.is_none_or(|id| id == s.id))
        .flat_map(|s| s.numbers.iter().map(move |n| (s, n)))
        .filter(|(_, n)| get("Status").is_none_or(|status| status.eq_ignore_ascii_case(&n.status)))
        .map(|(space, number)| {
            json!({
                "PhoneNumber": number.number, "VerifiedName": number.verified_name, "Status": number.status,
                "QualityRating": number.quality_rating, "MessagingLimitTier": number.messaging_limit_tier,
                "CodeVerificationStatus": "VERIFIED", "NameStatus": "APPROVED", "NewNameStatus": "NONE",
                "StatusCallbackUrl": space.status_callback_url.as_deref().unwrap_or_default(),
                "UpCallbackUrl": space.up_callback_url.as_deref().unwrap_or_default(),
                "IsOfficial": "N",
            })
        })
        .collect();
    Ok(json!({ "Success": true, "PhoneNumbers": numbers }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> SandboxConfig {
        SandboxConfig::parse(
            r#"{"custSpaces": [
                {"id": "cams-1", "numbers": ["861", {"number": "862", "status": "PENDING", "verifiedName": "Acme"}],
                 "statusCallbackUrl": "http://127.0.0.1:9/s", "upCallbackUrl": "http://127.0.0.1:9/u"},
                {"id": "cams-2", "numbers": ["863"]}]}"#,
        )
        .unwrap()
    }

    fn numbers(pairs: &[(&str, &str)]) -> Result<Vec<String>, Refusal> {
        let params = pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        let answer = query(&config(), &params)?;
        Ok(answer["PhoneNumbers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["PhoneNumber"].as_str().unwrap().to_owned())
            .collect())
    }

    #[test]
    fn lists_the_configured_numbers_by_instance_and_status() {
        assert_eq!(numbers(&[]).unwrap(), ["861", "862", "863"]);
        assert_eq!(numbers(&[("CustSpaceId", "cams-1")]).unwrap(), ["861", "862"]);
        assert_eq!(numbers(&[("CustSpaceId", "cams-1"), ("Status", "connected")]).unwrap(), ["861"]);
        assert!(matches!(numbers(&[("CustSpaceId", "cams-9")]), Err(Refusal::Business("Authentication.NoAuth", _))));
        let answer = query(&config(), &BTreeMap::from([("Status".to_owned(), "PENDING".to_owned())])).unwrap();
        let number = &answer["PhoneNumbers"][0];
        assert_eq!((number["VerifiedName"].as_str(), number["QualityRating"].as_str()), (Some("Acme"), Some("GREEN")));
        assert_eq!(
            (number["MessagingLimitTier"].as_str(), number["UpCallbackUrl"].as_str()),
            (Some("TIER_10K"), Some("http://127.0.0.1:9/u"))
        );
        assert_eq!(query(&SandboxConfig::default(), &BTreeMap::new()).unwrap()["PhoneNumbers"], json!([]));
    }
}
