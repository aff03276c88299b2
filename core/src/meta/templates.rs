//! A WhatsApp Business Account's message templates as [`crate::ops`] records (Meta reference
//! §9): a [`TemplateQuery`] as the query of `GET /{version}/{waba-id}/message_templates`, a
//! [`TemplateRef`] as `GET /{version}/{template-id}` or a lookup by name, and Graph's answers
//! as typed records. Pure: the client runs the requests.
//!
//! | chatlane | Graph |
//! |---|---|
//! | `name`, `language`, `category` | the filters of the same names (`name` matches part of a name) |
//! | `auditStatus` `pass`, `fail`, `auditing` | `status` `APPROVED`, `REJECTED`, `PENDING`; Meta's own (capitals and `_`) as given |
//! | `pageSize`, `cursor` | `limit`, `after` |
//! | `code` (summary, detail, ref) | the template's `id` |
//! | `auditStatus` (summary, detail) | `status` as Meta writes it; `allowSend` when it is `APPROVED` |
//! | `reason`, `qualityScore` | `rejected_reason` (but `NONE`), `quality_score.score` |
//! | `components` | `components[]`: `type`, `format`, `text`, `buttons[]` (`type`, `text`, `url`, `phone_number`, `flow_id`; `urlType` `dynamic` when the URL has a variable) |
//! | `example` | the body's examples: `body_text` by position (`1`, `2`, …) or `body_text_named_params` by name |
//!
//! A listing's `paging.next` says a page follows; its `paging.cursors.after` is the
//! `nextCursor` that reaches it. `code` (listing), `custSpaceId`, a `templateType` other than
//! `WHATSAPP` and a page after the first without its cursor are refused
//! ([`ErrorCode::InvalidParameter`]) rather than ignored.

use std::collections::HashMap;

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use url::form_urlencoded::Serializer;

use super::unverified::LOOKUP_PAGE_SIZE;
use crate::error::{Error, ErrorCode};
use crate::operation::Operation;
use crate::ops::{
    TemplateButton, TemplateComponent, TemplateDetail, TemplatePage, TemplateQuery, TemplateRef, TemplateSummary,
    invalid,
};

/// The fields a listing asks for.
pub const SUMMARY_FIELDS: &str = "id,name,language,status,category,rejected_reason";

/// The fields of a template in full.
pub const DETAIL_FIELDS: &str =
    "id,name,language,status,category,rejected_reason,components,parameter_format,quality_score";

/// Meta's status for each of CAMS's review states that has one (`unaudit` has none).
const CAMS_STATUSES: [(&str, &str); 3] = [("pass", "APPROVED"), ("fail", "REJECTED"), ("auditing", "PENDING")];

/// `waba_id`, the WABA whose templates are read; none is [`ErrorCode::InvalidConfig`] naming
/// `operation` (what a CAMS client would call) and the `waba_id` option.
pub fn waba(waba_id: Option<&str>, operation: Operation) -> Result<&str, Error> {
    waba_id.ok_or_else(|| {
        Error::new(
            ErrorCode::InvalidConfig,
            format!(
                "{} is a CAMS operation; a Meta client reads the templates of its WhatsApp Business Account, \
                 named by the waba_id option, which is not set",
                operation.as_str()
            ),
        )
    })
}

/// The path and query of the listing `query` asks for, of WABA `waba_id`.
pub fn list_path(query: &TemplateQuery, waba_id: &str) -> Result<String, Error> {
    query.check()?;
    if given(&query.code).is_some() {
        return Err(invalid("code", "Meta lists templates by name; read one by its ID (code) with `template`"));
    }
    cams_only_space(&query.cust_space_id)?;
    whatsapp_only(&query.template_type)?;
    let cursor = given(&query.cursor);
    if query.page() > 1 && cursor.is_none() {
        return Err(invalid(
            "cursor",
            format!(
                "Meta reaches page {} by the nextCursor of the page before (TemplatePage::next_query sets both)",
                query.page()
            ),
        ));
    }
    let mut form = Serializer::new(String::new());
    form.append_pair("fields", SUMMARY_FIELDS).append_pair("limit", &query.page_size().to_string());
    for (key, value) in [("name", &query.name), ("language", &query.language), ("category", &query.category)] {
        if let Some(value) = given(value) {
            form.append_pair(key, value);
        }
    }
    if let Some(status) = given(&query.audit_status) {
        form.append_pair("status", meta_status(status)?);
    }
    if let Some(cursor) = cursor {
        form.append_pair("after", cursor);
    }
    Ok(format!("{waba_id}/message_templates?{}", form.finish()))
}

/// The page an accepted listing answer to `query` carries.
pub fn read_templates(query: &TemplateQuery, body: &[u8]) -> Result<TemplatePage, Error> {
    let listing: Listing = read(body)?;
    let cursor = listing.next_cursor()?;
    let (page, page_size) = (query.page(), query.page_size());
    let next_page = cursor.as_ref().and_then(|_| page.checked_add(1));
    Ok(TemplatePage {
        templates: listing.data.into_iter().map(Node::into_summary).collect(),
        total: None,
        page,
        page_size,
        next_page,
        next_cursor: cursor.filter(|_| next_page.is_some()),
    })
}

/// Checks `template` for Meta; its ID when it names one (`code`), else `None`: it is looked up
/// by name ([`lookup_path`]).
pub fn template_id(template: &TemplateRef) -> Result<Option<&str>, Error> {
    template.check()?;
    cams_only_space(&template.cust_space_id)?;
    whatsapp_only(&template.template_type)?;
    let id = given(&template.code);
    if let Some(id) = id
        && !id.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(invalid("code", format!("a Meta template ID is a number, not {id:?}")));
    }
    Ok(id)
}

/// The path and query of template `id` in full.
pub fn node_path(id: &str) -> String {
    format!("{id}?fields={}", DETAIL_FIELDS.replace(',', "%2C"))
}

/// The template an accepted answer to [`node_path`] carries, if it is in `template`'s language
/// (else [`ErrorCode::TemplateNotFound`]: a Meta template ID names one language).
pub fn read_node(template: &TemplateRef, body: &[u8]) -> Result<TemplateDetail, Error> {
    let node: Node = read(body)?;
    if node.language.as_deref() != Some(template.language.as_str()) {
        let language = node.language.as_deref().unwrap_or("no language");
        let id = node.id.as_deref().unwrap_or_default();
        let message = format!("template {id} is in {language}, not {}", template.language);
        return Err(Error::new(ErrorCode::TemplateNotFound, message));
    }
    Ok(node.into_detail())
}

/// `error`, the failure of reading template `id`, as the caller needs it: Graph's code `100`
/// there means no template with that ID can be seen ("Object with ID … does not exist, cannot
/// be loaded due to missing permissions, …"): [`ErrorCode::TemplateNotFound`], Meta's details
/// kept. Any other error as it is.
pub fn unknown_id(id: &str, error: Error) -> Error {
    if error.code() != ErrorCode::InvalidParameter || error.platform_code() != Some("100") {
        return error;
    }
    let message = format!("no template with ID {id}: {}", error.message());
    Error::new(ErrorCode::TemplateNotFound, message).with_platform(error.platform().clone())
}

/// The path and query of one page of the lookup of `template` by name, from cursor `after`.
pub fn lookup_path(template: &TemplateRef, waba_id: &str, after: Option<&str>) -> String {
    let mut form = Serializer::new(String::new());
    form.append_pair("fields", DETAIL_FIELDS)
        .append_pair("limit", &LOOKUP_PAGE_SIZE.to_string())
        .append_pair("name", template.name.as_deref().unwrap_or_default())
        .append_pair("language", &template.language);
    if let Some(after) = after {
        form.append_pair("after", after);
    }
    format!("{waba_id}/message_templates?{}", form.finish())
}

/// What one page of a lookup by name found.
#[derive(Debug, PartialEq, Eq)]
pub enum Lookup {
    /// The template with exactly that name, in that language.
    Found(Box<TemplateDetail>),
    /// Not on this page; the cursor of the next.
    After(String),
    /// Not on this page, the last.
    Missing,
}

/// Looks for `template` (exactly its name and language) in an accepted answer to [`lookup_path`].
pub fn find(template: &TemplateRef, body: &[u8]) -> Result<Lookup, Error> {
    let listing: Listing = read(body)?;
    let cursor = listing.next_cursor()?;
    let name = template.name.as_deref();
    let language = Some(template.language.as_str());
    let exact =
        listing.data.into_iter().find(|node| node.name.as_deref() == name && node.language.as_deref() == language);
    Ok(match (exact, cursor) {
        (Some(node), _) => Lookup::Found(Box::new(node.into_detail())),
        (None, Some(cursor)) => Lookup::After(cursor),
        (None, None) => Lookup::Missing,
    })
}

/// The error for a `template` found nowhere.
pub fn not_found(template: &TemplateRef) -> Error {
    let name = template.name.as_deref().unwrap_or_default();
    Error::new(ErrorCode::TemplateNotFound, format!("no template named {name:?} in {}", template.language))
}

/// Meta's `status` for `auditStatus` `value`: CAMS's review states mapped, Meta's own as given.
fn meta_status(value: &str) -> Result<&str, Error> {
    if let Some((_, meta)) = CAMS_STATUSES.iter().find(|(cams, _)| *cams == value) {
        return Ok(meta);
    }
    if value.bytes().all(|b| b.is_ascii_uppercase() || b == b'_') {
        return Ok(value);
    }
    Err(invalid(
        "auditStatus",
        format!("Meta takes pass, fail, auditing or its own status (APPROVED, PENDING, PAUSED, …), not {value:?}"),
    ))
}

/// Refuses a `custSpaceId`: a CAMS channel instance.
fn cams_only_space(space: &Option<String>) -> Result<(), Error> {
    match given(space) {
        Some(_) => Err(invalid("custSpaceId", "a CAMS channel instance; Meta reads the client's WABA (waba_id)")),
        None => Ok(()),
    }
}

/// Refuses a template kind other than `WHATSAPP`.
fn whatsapp_only(kind: &Option<String>) -> Result<(), Error> {
    match given(kind) {
        Some(kind) if kind != "WHATSAPP" => {
            Err(invalid("templateType", format!("Meta has WHATSAPP templates only, not {kind}")))
        }
        _ => Ok(()),
    }
}

/// A field's value unless absent or empty.
fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().filter(|v| !v.is_empty())
}

/// Reads an accepted answer's body as `T`; another shape is [`ErrorCode::MalformedResponse`],
/// naming where it went wrong.
fn read<T: DeserializeOwned>(body: &[u8]) -> Result<T, Error> {
    let mut reader = serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(&mut reader).map_err(|failure| {
        let place = failure.path().to_string();
        let message = format!("Meta's template answer cannot be read at {place}: {}", failure.into_inner());
        Error::new(ErrorCode::MalformedResponse, message)
    })
}

/// A page of `message_templates`.
#[derive(Deserialize)]
struct Listing {
    #[serde(default)]
    data: Vec<Node>,
    #[serde(default)]
    paging: Paging,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Paging {
    cursors: Cursors,
    next: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Cursors {
    after: Option<String>,
}

impl Listing {
    /// The cursor of the next page, when `paging.next` says there is one; a `next` without an
    /// `after` cursor is [`ErrorCode::MalformedResponse`].
    fn next_cursor(&self) -> Result<Option<String>, Error> {
        if self.paging.next.is_none() {
            return Ok(None);
        }
        match self.paging.cursors.after.as_deref().filter(|c| !c.is_empty()) {
            Some(after) => Ok(Some(after.to_owned())),
            None => Err(Error::new(
                ErrorCode::MalformedResponse,
                "Meta's template listing names a next page without its cursor (paging.cursors.after)",
            )),
        }
    }
}

/// A message template node (listing entries and `GET /{template-id}`).
#[derive(Deserialize, Default)]
#[serde(default)]
struct Node {
    id: Option<String>,
    name: Option<String>,
    language: Option<String>,
    status: Option<String>,
    category: Option<String>,
    rejected_reason: Option<String>,
    quality_score: Option<Quality>,
    components: Vec<Component>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Quality {
    score: Option<String>,
}

impl Node {
    fn into_summary(self) -> TemplateSummary {
        TemplateSummary {
            code: self.id.unwrap_or_default(),
            name: self.name.unwrap_or_default(),
            language: self.language.unwrap_or_default(),
            audit_status: self.status.unwrap_or_default(),
            category: self.category.filter(|c| !c.is_empty()),
            template_type: Some("WHATSAPP".to_owned()),
            reason: self.rejected_reason.filter(|r| !r.is_empty() && r != "NONE"),
            updated_at_ms: None,
        }
    }

    fn into_detail(mut self) -> TemplateDetail {
        let example = self.components.iter().find(|c| c.kind.as_deref() == Some("BODY")).map(Component::examples);
        let quality_score = self.quality_score.take().and_then(|q| q.score).filter(|s| !s.is_empty());
        let components = std::mem::take(&mut self.components).into_iter().map(Component::into_component).collect();
        let summary = self.into_summary();
        TemplateDetail {
            allow_send: summary.audit_status == "APPROVED",
            code: summary.code,
            name: summary.name,
            language: summary.language,
            audit_status: summary.audit_status,
            category: summary.category,
            template_type: summary.template_type,
            reason: summary.reason,
            quality_score,
            message_send_ttl_seconds: None,
            example: example.unwrap_or_default(),
            components,
        }
    }
}

/// A template component.
#[derive(Deserialize, Default)]
#[serde(default)]
struct Component {
    #[serde(rename = "type")]
    kind: Option<String>,
    format: Option<String>,
    text: Option<String>,
    buttons: Vec<Button>,
    example: Examples,
}

/// A body's example values: by position, or by name.
#[derive(Deserialize, Default)]
#[serde(default)]
struct Examples {
    body_text: Vec<Vec<Value>>,
    body_text_named_params: Vec<NamedExample>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct NamedExample {
    param_name: String,
    example: Value,
}

impl Component {
    /// Its example values by variable: `1`, `2`, … for positional ones, else their names.
    fn examples(&self) -> HashMap<String, String> {
        let positional = self.example.body_text.first().into_iter().flatten().enumerate();
        let positional = positional.filter_map(|(i, value)| Some(((i + 1).to_string(), scalar(value)?)));
        let named = self.example.body_text_named_params.iter();
        let named = named.filter_map(|param| Some((param.param_name.clone(), scalar(&param.example)?)));
        positional.chain(named).collect()
    }

    fn into_component(self) -> TemplateComponent {
        TemplateComponent {
            kind: self.kind.unwrap_or_default(),
            format: self.format.filter(|f| !f.is_empty()),
            text: self.text.filter(|t| !t.is_empty()),
            url: None,
            caption: None,
            file_name: None,
            buttons: self.buttons.into_iter().map(Button::into_button).collect(),
        }
    }
}

/// A button of a `BUTTONS` component.
#[derive(Deserialize, Default)]
#[serde(default)]
struct Button {
    #[serde(rename = "type")]
    kind: Option<String>,
    text: Option<String>,
    url: Option<String>,
    phone_number: Option<String>,
    /// A number or a string.
    flow_id: Value,
}

impl Button {
    fn into_button(self) -> TemplateButton {
        let url = self.url.filter(|u| !u.is_empty());
        let url_type = url.as_ref().map(|url| if url.contains("{{") { "dynamic" } else { "static" }.to_owned());
        TemplateButton {
            kind: self.kind.unwrap_or_default(),
            text: self.text.filter(|t| !t.is_empty()),
            url,
            url_type,
            phone_number: self.phone_number.filter(|p| !p.is_empty()),
            flow_id: scalar(&self.flow_id),
        }
    }
}

/// A string, or a number written out; nothing for any other value.
fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transport::HttpResponse;

    const WABA: &str = "102290129340398";

    fn query() -> TemplateQuery {
        TemplateQuery::all()
    }

    fn code(result: Result<impl std::fmt::Debug, Error>) -> (ErrorCode, String) {
        let error = result.unwrap_err();
        (error.code(), error.message().to_owned())
    }

    #[test]
    fn a_query_becomes_the_listings_filters_and_cursor() {
        let filtered = TemplateQuery {
            name: Some("order update".into()),
            language: Some("en_US".into()),
            audit_status: Some("pass".into()),
            category: Some("UTILITY".into()),
            template_type: Some("WHATSAPP".into()),
            page_size: Some(2),
            ..query()
        };
        assert_eq!(
            list_path(&filtered, WABA).unwrap(),
            "102290129340398/message_templates?fields=id%2Cname%2Clanguage%2Cstatus%2Ccategory%2Crejected_reason\
             &limit=2&name=order+update&language=en_US&category=UTILITY&status=APPROVED"
        );
        let plain = list_path(&query(), WABA).unwrap();
        assert!(plain.ends_with("rejected_reason&limit=100"), "{plain}");
        let next = TemplateQuery { page: Some(2), cursor: Some("QVFI=".into()), ..query() };
        assert!(list_path(&next, WABA).unwrap().ends_with("&limit=100&after=QVFI%3D"));
        for (cams, meta) in
            [("fail", "REJECTED"), ("auditing", "PENDING"), ("PAUSED", "PAUSED"), ("IN_APPEAL", "IN_APPEAL")]
        {
            let path = list_path(&TemplateQuery { audit_status: Some(cams.into()), ..query() }, WABA).unwrap();
            assert!(path.ends_with(&format!("&status={meta}")), "{cams}: {path}");
        }
    }

    #[test]
    fn what_meta_cannot_ask_is_refused_by_field() {
        let refused = [
            (TemplateQuery { audit_status: Some("unaudit".into()), ..query() }, "auditStatus: "),
            (TemplateQuery { audit_status: Some("Approved".into()), ..query() }, "auditStatus: "),
            (TemplateQuery { code: Some("744c".into()), ..query() }, "code: "),
            (TemplateQuery { cust_space_id: Some("cams-1".into()), ..query() }, "custSpaceId: "),
            (TemplateQuery { template_type: Some("VIBER".into()), ..query() }, "templateType: "),
            (TemplateQuery { page: Some(2), ..query() }, "cursor: Meta reaches page 2"),
            (TemplateQuery { page_size: Some(0), ..query() }, "pageSize: "),
        ];
        for (bad, field) in refused {
            let (code, message) = code(list_path(&bad, WABA));
            assert_eq!(code, ErrorCode::InvalidParameter, "{bad:?}");
            assert!(message.starts_with(field), "{message}");
        }
    }

    const LISTING: &str = r#"{"data":[
        {"id":"1600000000000001","name":"order_update","language":"en_US","status":"APPROVED","category":"UTILITY","rejected_reason":"NONE"},
        {"id":"1600000000000002","name":"promo","language":"en_US","status":"REJECTED","category":"MARKETING","rejected_reason":"INVALID_FORMAT"}],
        "paging":{"cursors":{"before":"MAZDZD","after":"MQZDZD"},"next":"https://graph.facebook.com/v25.0/1/message_templates?after=MQZDZD"}}"#;

    #[test]
    fn a_listing_reads_into_a_page_with_its_next_cursor() {
        let first = TemplateQuery { page_size: Some(2), ..query() };
        let page = read_templates(&first, LISTING.as_bytes()).unwrap();
        assert_eq!((page.page, page.page_size, page.total), (1, 2, None));
        assert_eq!((page.next_page, page.next_cursor.as_deref()), (Some(2), Some("MQZDZD")));
        let summary = &page.templates[0];
        assert_eq!(
            (summary.code.as_str(), summary.name.as_str(), summary.language.as_str(), summary.audit_status.as_str()),
            ("1600000000000001", "order_update", "en_US", "APPROVED")
        );
        assert_eq!(
            (summary.category.as_deref(), summary.template_type.as_deref()),
            (Some("UTILITY"), Some("WHATSAPP"))
        );
        assert_eq!((summary.reason.as_deref(), summary.updated_at_ms), (None, None), "NONE is no reason");
        assert_eq!(page.templates[1].reason.as_deref(), Some("INVALID_FORMAT"));
        let second = page.next_query(&first).unwrap();
        assert_eq!((second.page, second.cursor.as_deref(), second.page_size), (Some(2), Some("MQZDZD"), Some(2)));
        assert!(list_path(&second, WABA).unwrap().ends_with("&after=MQZDZD"));

        let last = br#"{"data":[{"id":"3","name":"x","language":"de","status":"PAUSED"}],"paging":{"cursors":{"before":"Mg","after":"Mg"}}}"#;
        let page = read_templates(&second, last).unwrap();
        assert_eq!(
            (page.page, page.next_page, page.next_cursor.clone(), page.next_query(&second)),
            (2, None, None, None)
        );
        let empty = read_templates(&query(), b"{\"data\":[]}").unwrap();
        assert!(empty.templates.is_empty() && empty.next_page.is_none());
    }

    #[test]
    fn an_unreadable_listing_is_malformed() {
        let cursorless = br#"{"data":[],"paging":{"next":"https://graph.facebook.com/next"}}"#;
        for body in [&b"{not json"[..], br#"{"data":{}}"#, br#"{"data":[{"id":7}]}"#, cursorless] {
            let (code, message) = code(read_templates(&query(), body));
            assert_eq!(code, ErrorCode::MalformedResponse, "{message}");
        }
    }

    const TEMPLATE: &str = r#"{"id":"1600000000000001","name":"order_update","language":"en_US","status":"APPROVED",
        "category":"UTILITY","parameter_format":"POSITIONAL","quality_score":{"score":"GREEN","date":1700000000},
        "components":[
          {"type":"HEADER","format":"TEXT","text":"Order {{1}}","example":{"header_text":["A-1"]}},
          {"type":"BODY","text":"Hi {{1}}, order {{2}} ships today.","example":{"body_text":[["Ada",566701]]}},
          {"type":"FOOTER","text":"Reply STOP to opt out"},
          {"type":"BUTTONS","buttons":[
            {"type":"URL","text":"Track","url":"https://shop.example/track/{{1}}","example":["https://shop.example/track/A-1"]},
            {"type":"URL","text":"Shop","url":"https://shop.example"},
            {"type":"PHONE_NUMBER","text":"Call us","phone_number":"+15550783881"},
            {"type":"QUICK_REPLY","text":"Stop"},
            {"type":"FLOW","text":"Book","flow_id":1234567890}]}]}"#;

    #[test]
    fn a_template_reads_in_full() {
        let reference = TemplateRef::code("1600000000000001", "en_US");
        assert_eq!(template_id(&reference).unwrap(), Some("1600000000000001"));
        assert_eq!(
            node_path("1600000000000001"),
            "1600000000000001?fields=id%2Cname%2Clanguage%2Cstatus%2Ccategory%2Crejected_reason%2Ccomponents%2Cparameter_format%2Cquality_score"
        );
        let detail = read_node(&reference, TEMPLATE.as_bytes()).unwrap();
        assert_eq!(
            (detail.code.as_str(), detail.audit_status.as_str(), detail.allow_send),
            ("1600000000000001", "APPROVED", true)
        );
        assert_eq!(
            (detail.quality_score.as_deref(), detail.template_type.as_deref()),
            (Some("GREEN"), Some("WHATSAPP"))
        );
        let example: Vec<_> = {
            let mut pairs: Vec<_> = detail.example.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            pairs.sort();
            pairs
        };
        assert_eq!(example, [("1", "Ada"), ("2", "566701")], "the body's examples, not the header's");
        let kinds: Vec<_> = detail.components.iter().map(|c| c.kind.as_str()).collect();
        assert_eq!(kinds, ["HEADER", "BODY", "FOOTER", "BUTTONS"]);
        assert_eq!(
            (detail.components[0].format.as_deref(), detail.components[0].text.as_deref()),
            (Some("TEXT"), Some("Order {{1}}"))
        );
        let buttons = &detail.components[3].buttons;
        let url = |b: &TemplateButton| (b.kind.clone(), b.url_type.clone(), b.phone_number.clone(), b.flow_id.clone());
        assert_eq!(
            buttons.iter().map(url).collect::<Vec<_>>(),
            [
                ("URL".into(), Some("dynamic".into()), None, None),
                ("URL".into(), Some("static".into()), None, None),
                ("PHONE_NUMBER".into(), None, Some("+15550783881".into()), None),
                ("QUICK_REPLY".into(), None, None, None),
                ("FLOW".into(), None, None, Some("1234567890".into())),
            ]
        );
        assert_eq!(buttons[0].text.as_deref(), Some("Track"));

        let paused = TEMPLATE.replace(r#""status":"APPROVED""#, r#""status":"PAUSED""#);
        assert!(!read_node(&reference, paused.as_bytes()).unwrap().allow_send);
        let (code, message) = code(read_node(&TemplateRef::code("1600000000000001", "de"), TEMPLATE.as_bytes()));
        assert_eq!(code, ErrorCode::TemplateNotFound);
        assert_eq!(message, "template 1600000000000001 is in en_US, not de");
    }

    #[test]
    fn named_examples_read_by_name() {
        let body = br#"{"id":"9","name":"n","language":"en","status":"PENDING","components":[{"type":"BODY",
            "text":"Hi {{first_name}}","example":{"body_text_named_params":[{"param_name":"first_name","example":"Ada"}]}}]}"#;
        let detail = read_node(&TemplateRef::code("9", "en"), body).unwrap();
        assert_eq!(detail.example, HashMap::from([("first_name".to_owned(), "Ada".to_owned())]));
        assert_eq!((detail.allow_send, detail.quality_score), (false, None));
    }

    #[test]
    fn refs_are_checked_for_meta() {
        let by_name = TemplateRef { code: None, name: Some("order_update".into()), ..TemplateRef::code("", "en_US") };
        assert_eq!(template_id(&by_name).unwrap(), None);
        for (bad, field) in [
            (TemplateRef::code("744c4b5c79c94324", "en"), "code: "),
            (TemplateRef { cust_space_id: Some("cams-1".into()), ..by_name.clone() }, "custSpaceId: "),
            (TemplateRef { template_type: Some("VIBER".into()), ..by_name.clone() }, "templateType: "),
            (TemplateRef { name: None, ..by_name.clone() }, "code: "),
        ] {
            let (code, message) = code(template_id(&bad));
            assert_eq!(code, ErrorCode::InvalidParameter, "{bad:?}");
            assert!(message.starts_with(field), "{message}");
        }
    }

    #[test]
    fn an_unknown_id_is_template_not_found_with_metas_details() {
        let answer = |status: u16, body: &str| {
            let status = http::StatusCode::from_u16(status).unwrap();
            super::super::classify(&HttpResponse::from_parts(status, &http::HeaderMap::new(), body.into())).unwrap_err()
        };
        let unknown = answer(
            400,
            r#"{"error":{"message":"Unsupported get request. Object with ID '42' does not exist","type":"GraphMethodException","code":100,"error_subcode":33,"fbtrace_id":"T"}}"#,
        );
        let error = unknown_id("42", unknown);
        assert_eq!(error.code(), ErrorCode::TemplateNotFound);
        assert!(error.message().starts_with("no template with ID 42: Meta error 100"), "{error}");
        assert_eq!((error.platform_code(), error.platform().request_id.as_deref()), (Some("100"), Some("T")));
        let throttled = answer(400, r#"{"error":{"code":80007,"message":"rate limit"}}"#);
        assert_eq!(unknown_id("42", throttled).code(), ErrorCode::Throttled);
        let other = answer(400, r#"{"error":{"code":131009,"message":"bad"}}"#);
        assert_eq!(unknown_id("42", other).code(), ErrorCode::InvalidParameter, "only Graph's 100");
    }

    #[test]
    fn a_lookup_by_name_keeps_the_exact_name_page_by_page() {
        let reference = TemplateRef { code: None, name: Some("order_update".into()), ..TemplateRef::code("", "en_US") };
        assert_eq!(
            lookup_path(&reference, WABA, None),
            "102290129340398/message_templates?fields=id%2Cname%2Clanguage%2Cstatus%2Ccategory%2Crejected_reason\
             %2Ccomponents%2Cparameter_format%2Cquality_score&limit=100&name=order_update&language=en_US"
        );
        assert!(lookup_path(&reference, WABA, Some("MQ")).ends_with("&language=en_US&after=MQ"));
        let near = r#"{"data":[{"id":"2","name":"order_update_v2","language":"en_US","status":"APPROVED"}],
            "paging":{"cursors":{"after":"MQ"},"next":"https://graph.facebook.com/next"}}"#;
        assert_eq!(find(&reference, near.as_bytes()).unwrap(), Lookup::After("MQ".into()));
        let exact = format!(r#"{{"data":[{{"id":"2","name":"order_update_v2","language":"en_US"}},{TEMPLATE}]}}"#);
        let Lookup::Found(detail) = find(&reference, exact.as_bytes()).unwrap() else { panic!("not found") };
        assert_eq!((detail.code.as_str(), detail.components.len()), ("1600000000000001", 4));
        let other_language = TemplateRef { language: "de".into(), ..reference.clone() };
        assert_eq!(find(&other_language, exact.as_bytes()).unwrap(), Lookup::Missing);
        let (code, message) = code(Err::<(), _>(not_found(&other_language)));
        assert_eq!(
            (code, message.as_str()),
            (ErrorCode::TemplateNotFound, r#"no template named "order_update" in de"#)
        );
    }
}
