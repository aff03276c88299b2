//! `QueryChatappPhoneNumbers`.

use serde::Deserialize;

use super::{cust_space, given, read};
use crate::cams::wire::Params;
use crate::ops::{PhoneNumber, PhoneNumberQuery};

/// The wire parameters of `query`, with `default_space` as the `CustSpaceId` it leaves unset.
pub fn phone_numbers(query: &PhoneNumberQuery, default_space: Option<&str>) -> Params {
    let mut params = Params::default();
    cust_space(&mut params, query.cust_space_id.as_deref(), default_space);
    params.push_opt("Status", query.status.as_deref());
    params
}

/// The numbers an accepted answer carries.
pub fn read_phone_numbers(body: &[u8]) -> Result<Vec<PhoneNumber>, crate::Error> {
    #[derive(Deserialize)]
    struct Answer {
        #[serde(rename = "PhoneNumbers", default)]
        phone_numbers: Vec<Number>,
    }
    let answer: Answer = read("QueryChatappPhoneNumbers", body)?;
    Ok(answer.phone_numbers.into_iter().map(Number::into_number).collect())
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct Number {
    phone_number: Option<String>,
    verified_name: Option<String>,
    status: Option<String>,
    quality_rating: Option<String>,
    messaging_limit_tier: Option<String>,
    name_status: Option<String>,
    is_official: Option<String>,
    status_callback_url: Option<String>,
    up_callback_url: Option<String>,
}

impl Number {
    fn into_number(self) -> PhoneNumber {
        PhoneNumber {
            phone_number: self.phone_number.unwrap_or_default(),
            verified_name: given(self.verified_name),
            status: given(self.status),
            quality_rating: given(self.quality_rating),
            messaging_limit_tier: given(self.messaging_limit_tier),
            name_status: given(self.name_status),
            official: is_yes(self.is_official.as_deref()),
            status_callback_url: given(self.status_callback_url),
            inbound_callback_url: given(self.up_callback_url),
        }
    }
}

/// `IsOfficial` is typed as a string: `Y` or `true` [UNVERIFIED spelling] mean yes.
fn is_yes(value: Option<&str>) -> bool {
    value.is_some_and(|v| v.eq_ignore_ascii_case("Y") || v.eq_ignore_ascii_case("true"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_read_and_the_query_maps() {
        let query = PhoneNumberQuery { status: Some("CONNECTED".into()), cust_space_id: None };
        let pairs: Vec<_> =
            phone_numbers(&query, Some("cams-1")).iter().map(|(k, v)| (k.to_owned(), v.to_owned())).collect();
        assert_eq!(
            pairs,
            [("CustSpaceId".to_owned(), "cams-1".to_owned()), ("Status".to_owned(), "CONNECTED".to_owned())]
        );
        let body = br#"{"Code":"OK","PhoneNumbers":[{"PhoneNumber":"8613800000000","Status":"CONNECTED",
            "QualityRating":"GREEN","MessagingLimitTier":"TIER_10K","IsOfficial":"Y","UpCallbackUrl":"https://h/in","StatusQueue":""}]}"#;
        let numbers = read_phone_numbers(body).unwrap();
        assert_eq!(numbers[0].messaging_limit_tier.as_deref(), Some("TIER_10K"));
        assert!(numbers[0].official);
        assert_eq!(numbers[0].inbound_callback_url.as_deref(), Some("https://h/in"));
        assert!(read_phone_numbers(br#"{"Code":"OK"}"#).unwrap().is_empty());
    }
}
