//! `ListChatappMessage`: a business number's history.

use serde::Deserialize;
use time::PrimitiveDateTime;

use super::{cust_space, given, page_param, read};
use crate::cams::unverified::SEND_TIME_FORMAT;
use crate::cams::wire::Params;
use crate::error::Error;
use crate::ops::{Direction, HistoryPage, HistoryQuery, HistoryRecord, invalid, next_page};

/// The wire parameters of `query`, with `default_space` as the `CustSpaceId` it leaves unset
/// (CAMS requires one). A query that cannot be asked is [`crate::ErrorCode::InvalidParameter`].
pub fn list_messages(query: &HistoryQuery, default_space: Option<&str>) -> Result<Params, Error> {
    query.check()?;
    let mut params = Params::default();
    params.push("ChannelType", query.channel().as_str());
    cust_space(&mut params, query.cust_space_id.as_deref(), default_space);
    if params.get("CustSpaceId").is_none() {
        return Err(invalid("custSpaceId", "required: the query's, or the client's cust_space_id"));
    }
    params.push("BusinessNumber", query.business_number.as_str());
    params.push_opt("UserNumber", query.user_number.as_deref());
    params.push_opt("TemplateCode", query.template_code.as_deref());
    params.push_opt("GroupMessageId", query.group_message_id.as_deref());
    params.push_opt("EventAction", query.direction.map(event_action));
    params.push_opt("MessageStatus", query.status.as_deref());
    if let Some(since) = query.since_ms {
        params.push("StartTime", since.to_string());
    }
    if let Some(until) = query.until_ms {
        params.push("EndTime", until.to_string());
    }
    page_param(&mut params, query.page(), query.page_size());
    Ok(params)
}

/// The page an accepted answer to `query` carries.
pub fn read_messages(query: &HistoryQuery, body: &[u8]) -> Result<HistoryPage, Error> {
    let answer: Answer = read("ListChatappMessage", body)?;
    let records: Vec<HistoryRecord> = answer.data.into_iter().map(Record::into_record).collect();
    let (page, page_size) = (query.page(), query.page_size());
    let next_page = next_page(page, page_size, records.len(), None);
    Ok(HistoryPage { records, page, page_size, next_page })
}

/// The page after the one an accepted answer to `query` carries (`None` on the last), as
/// [`read_messages`] gives it, from the count of its records its classification made
/// ([`crate::provider::CallAnswer::listed`]): what a walk needs to ask for the next page
/// while the records are read elsewhere. An answer without a records array has none.
pub fn next_messages_page(query: &HistoryQuery, listed: Option<usize>) -> Option<u32> {
    next_page(query.page(), query.page_size(), listed.unwrap_or(0), None)
}

const fn event_action(direction: Direction) -> &'static str {
    match direction {
        Direction::Outbound => "DOWN",
        Direction::Inbound => "UP",
    }
}

#[derive(Deserialize)]
struct Answer {
    #[serde(rename = "Data", default)]
    data: Vec<Record>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase", default)]
#[derive(Default)]
struct Record {
    message_id: Option<String>,
    event_action: Option<String>,
    business_number: Option<String>,
    user_number: Option<String>,
    channel_type: Option<String>,
    message_type: Option<String>,
    message: Option<String>,
    message_status: Option<String>,
    message_status_name: Option<String>,
    fail_reason: Option<String>,
    fail_back_flag: Option<String>,
    fail_back_content: Option<String>,
    template_code: Option<String>,
    template_name: Option<String>,
    language_code: Option<String>,
    conversation_id: Option<String>,
    send_time: Option<String>,
}

impl Record {
    fn into_record(self) -> HistoryRecord {
        let sent_at = given(self.send_time);
        HistoryRecord {
            message_id: self.message_id.unwrap_or_default(),
            direction: match self.event_action.as_deref() {
                Some("DOWN") => Some(Direction::Outbound),
                Some("UP") => Some(Direction::Inbound),
                _ => None,
            },
            business_number: self.business_number.unwrap_or_default(),
            user_number: self.user_number.unwrap_or_default(),
            channel: given(self.channel_type),
            message_type: given(self.message_type),
            content: given(self.message),
            status: given(self.message_status),
            status_name: given(self.message_status_name),
            fail_reason: given(self.fail_reason),
            fallback: self.fail_back_flag.as_deref() == Some("Y"),
            fallback_content: given(self.fail_back_content),
            template_code: given(self.template_code),
            template_name: given(self.template_name),
            language: given(self.language_code),
            conversation_id: given(self.conversation_id),
            sent_at_ms: sent_at.as_deref().and_then(send_time_ms),
            sent_at,
        }
    }
}

/// `SendTime` in milliseconds since the Unix epoch: digits are taken as milliseconds, else
/// the format of [`SEND_TIME_FORMAT`] in UTC; anything else is not read.
fn send_time_ms(text: &str) -> Option<u64> {
    if text.bytes().all(|b| b.is_ascii_digit()) {
        return text.parse().ok();
    }
    let at = PrimitiveDateTime::parse(text, SEND_TIME_FORMAT).ok()?.assume_utc();
    let seconds = u64::try_from(at.unix_timestamp()).ok()?;
    Some(seconds * 1000 + u64::from(at.millisecond()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;
    use crate::cams::response::classify_call;
    use crate::transport::HttpResponse;

    #[test]
    fn a_query_maps_to_the_wire_parameters() {
        let query = HistoryQuery {
            user_number: Some("6591234567".into()),
            direction: Some(Direction::Outbound),
            since_ms: Some(1_700_000_000_000),
            page: Some(2),
            page_size: Some(50),
            ..HistoryQuery::new("8613800000000")
        };
        let params = list_messages(&query, Some("cams-1")).unwrap();
        let pairs: Vec<_> = params.iter().collect();
        assert_eq!(
            pairs,
            [
                ("ChannelType", "whatsapp"),
                ("CustSpaceId", "cams-1"),
                ("BusinessNumber", "8613800000000"),
                ("UserNumber", "6591234567"),
                ("EventAction", "DOWN"),
                ("StartTime", "1700000000000"),
                ("Page", r#"{"Index":2,"Size":50}"#),
            ]
        );
        let own = HistoryQuery { cust_space_id: Some("cams-2".into()), ..query };
        assert_eq!(list_messages(&own, Some("cams-1")).unwrap().get("CustSpaceId"), Some("cams-2"));
        let bad = HistoryQuery { page_size: Some(0), ..HistoryQuery::new("1") };
        assert_eq!(list_messages(&bad, Some("cams-1")).unwrap_err().code(), ErrorCode::InvalidParameter);
        let spaceless = list_messages(&HistoryQuery::new("1"), None).unwrap_err();
        assert!(spaceless.message().starts_with("custSpaceId: required"), "{spaceless}");
    }

    #[test]
    fn records_are_typed_and_a_full_page_has_a_next() {
        let body = br#"{"RequestId":"r","Code":"OK","Success":true,"Data":[
            {"MessageId":"m1","EventAction":"DOWN","BusinessNumber":"86","UserNumber":"65","ChannelType":"whatsapp",
             "MessageType":"text","Message":"hi","MessageStatus":"failed","MessageStatusName":"Failed",
             "FailReason":"131026","FailBackFlag":"Y","TemplateCode":"","SendTime":"2026-12-05 10:00:00"},
            {"MessageId":"m2","EventAction":"UP","BusinessNumber":"86","UserNumber":"65","SendTime":"1796464800000"}
        ]}"#;
        let query = HistoryQuery { page_size: Some(2), ..HistoryQuery::new("86") };
        let page = read_messages(&query, body).unwrap();
        assert_eq!(page.next_page, Some(2));
        let [failed, inbound] = &page.records[..] else { panic!("{page:?}") };
        assert_eq!(failed.direction, Some(Direction::Outbound));
        assert_eq!((failed.status.as_deref(), failed.fail_reason.as_deref()), (Some("failed"), Some("131026")));
        assert!(failed.fallback);
        assert_eq!(failed.template_code, None, "an empty string is no value");
        assert_eq!(failed.sent_at_ms, Some(1_796_464_800_000));
        assert_eq!(inbound.direction, Some(Direction::Inbound));
        assert_eq!(inbound.sent_at_ms, Some(1_796_464_800_000));
        let last = read_messages(&HistoryQuery::new("86"), body).unwrap();
        assert_eq!(last.next_page, None, "2 records on a page of 100");
        // Counted by the classification, not read, as a walk's task decides on the next page.
        let listed = |body: &[u8]| {
            let response = HttpResponse { status: 200, body: body.to_vec(), ..HttpResponse::default() };
            classify_call(response).unwrap().listed
        };
        assert_eq!(listed(body), Some(2));
        assert_eq!(next_messages_page(&query, listed(body)), Some(2));
        assert_eq!(next_messages_page(&HistoryQuery::new("86"), listed(body)), None);
        assert_eq!(listed(br#"{"Code":"OK"}"#), None);
        assert_eq!(next_messages_page(&query, listed(br#"{"Code":"OK"}"#)), None, "no Data: no records");
    }

    #[test]
    fn an_answer_of_another_shape_is_malformed() {
        let error = read_messages(&HistoryQuery::new("86"), br#"{"Data": {"MessageId": 1}}"#).unwrap_err();
        assert_eq!(error.code(), ErrorCode::MalformedResponse);
        assert!(error.message().contains("at Data"), "{error}");
        assert_eq!(next_messages_page(&HistoryQuery::new("86"), None), None, "no records array: no next page");
        let error = read_messages(&HistoryQuery::new("86"), b"{\"Data\": [\"\xff\"]}").unwrap_err();
        assert!(error.message().contains("not UTF-8"), "{error}");
    }
}
