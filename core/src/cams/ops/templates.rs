//! `ListChatappTemplate` and `GetChatappTemplateDetail`.

use std::collections::HashMap;

use serde::Deserialize;

use super::{cust_space, given, page_param, read};
use crate::cams::wire::Params;
use crate::error::Error;
use crate::ops::{
    TemplateButton, TemplateComponent, TemplateDetail, TemplatePage, TemplateQuery, TemplateRef, TemplateSummary,
    invalid, next_page,
};

/// The wire parameters of `query`, with `default_space` as the `CustSpaceId` it leaves unset.
pub fn list_templates(query: &TemplateQuery, default_space: Option<&str>) -> Result<Params, Error> {
    query.check()?;
    if query.cursor.is_some() {
        return Err(invalid("cursor", "CAMS pages by number: ask for the `page` (cursors are Meta's)"));
    }
    let mut params = Params::default();
    cust_space(&mut params, query.cust_space_id.as_deref(), default_space);
    params.push_opt("Code", query.code.as_deref());
    params.push_opt("Name", query.name.as_deref());
    params.push_opt("Language", query.language.as_deref());
    params.push_opt("AuditStatus", query.audit_status.as_deref());
    params.push_opt("Category", query.category.as_deref());
    params.push_opt("TemplateType", query.template_type.as_deref());
    page_param(&mut params, query.page(), query.page_size());
    Ok(params)
}

/// The page an accepted answer to `query` carries.
pub fn read_templates(query: &TemplateQuery, body: &[u8]) -> Result<TemplatePage, Error> {
    #[derive(Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct Answer {
        #[serde(default)]
        list_template: Vec<Summary>,
        #[serde(default)]
        total: Option<u64>,
    }
    let answer: Answer = read("ListChatappTemplate", body)?;
    let templates: Vec<TemplateSummary> = answer.list_template.into_iter().map(Summary::into_summary).collect();
    let (page, page_size) = (query.page(), query.page_size());
    let next_page = next_page(page, page_size, templates.len(), answer.total);
    Ok(TemplatePage { templates, total: answer.total, page, page_size, next_page, next_cursor: None })
}

/// The wire parameters of `template`, with `default_space` as the `CustSpaceId` it leaves unset.
pub fn template_detail(template: &TemplateRef, default_space: Option<&str>) -> Result<Params, Error> {
    template.check()?;
    let mut params = Params::default();
    cust_space(&mut params, template.cust_space_id.as_deref(), default_space);
    params.push_opt("TemplateCode", template.code.as_deref().filter(|c| !c.is_empty()));
    params.push_opt("TemplateName", template.name.as_deref().filter(|n| !n.is_empty()));
    params.push("Language", template.language.as_str());
    params.push_opt("TemplateType", template.template_type.as_deref());
    Ok(params)
}

/// The template an accepted `GetChatappTemplateDetail` answer carries.
pub fn read_template(body: &[u8]) -> Result<TemplateDetail, Error> {
    #[derive(Deserialize)]
    struct Answer {
        #[serde(rename = "Data")]
        data: Detail,
    }
    let answer: Answer = read("GetChatappTemplateDetail", body)?;
    Ok(answer.data.into_detail())
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct Summary {
    template_code: Option<String>,
    template_name: Option<String>,
    language: Option<String>,
    audit_status: Option<String>,
    category: Option<String>,
    template_type: Option<String>,
    reason: Option<String>,
    last_update_time: Option<u64>,
}

impl Summary {
    fn into_summary(self) -> TemplateSummary {
        TemplateSummary {
            code: self.template_code.unwrap_or_default(),
            name: self.template_name.unwrap_or_default(),
            language: self.language.unwrap_or_default(),
            audit_status: self.audit_status.unwrap_or_default(),
            category: given(self.category),
            template_type: given(self.template_type),
            reason: given(self.reason),
            updated_at_ms: self.last_update_time.filter(|t| *t > 0),
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct Detail {
    template_code: Option<String>,
    name: Option<String>,
    language: Option<String>,
    audit_status: Option<String>,
    allow_send: Option<bool>,
    category: Option<String>,
    template_type: Option<String>,
    reason: Option<String>,
    quality_score: Option<String>,
    message_send_ttl_seconds: Option<u64>,
    example: Option<HashMap<String, String>>,
    components: Vec<Component>,
}

impl Detail {
    fn into_detail(self) -> TemplateDetail {
        TemplateDetail {
            code: self.template_code.unwrap_or_default(),
            name: self.name.unwrap_or_default(),
            language: self.language.unwrap_or_default(),
            audit_status: self.audit_status.unwrap_or_default(),
            allow_send: self.allow_send.unwrap_or(false),
            category: given(self.category),
            template_type: given(self.template_type),
            reason: given(self.reason),
            quality_score: given(self.quality_score),
            message_send_ttl_seconds: self.message_send_ttl_seconds,
            example: self.example.unwrap_or_default(),
            components: self.components.into_iter().map(Component::into_component).collect(),
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct Component {
    #[serde(rename = "Type")]
    kind: Option<String>,
    format: Option<String>,
    text: Option<String>,
    url: Option<String>,
    caption: Option<String>,
    file_name: Option<String>,
    buttons: Vec<Button>,
}

impl Component {
    fn into_component(self) -> TemplateComponent {
        TemplateComponent {
            kind: self.kind.unwrap_or_default(),
            format: given(self.format),
            text: given(self.text),
            url: given(self.url),
            caption: given(self.caption),
            file_name: given(self.file_name),
            buttons: self.buttons.into_iter().map(Button::into_button).collect(),
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct Button {
    #[serde(rename = "Type")]
    kind: Option<String>,
    text: Option<String>,
    url: Option<String>,
    url_type: Option<String>,
    phone_number: Option<String>,
    flow_id: Option<String>,
}

impl Button {
    fn into_button(self) -> TemplateButton {
        TemplateButton {
            kind: self.kind.unwrap_or_default(),
            text: given(self.text),
            url: given(self.url),
            url_type: given(self.url_type),
            phone_number: given(self.phone_number),
            flow_id: given(self.flow_id),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;

    #[test]
    fn list_parameters_and_pages() {
        let query = TemplateQuery { audit_status: Some("pass".into()), page_size: Some(2), ..TemplateQuery::all() };
        let params = list_templates(&query, Some("cams-1")).unwrap();
        let pairs: Vec<_> = params.iter().collect();
        assert_eq!(pairs, [("CustSpaceId", "cams-1"), ("AuditStatus", "pass"), ("Page", r#"{"Index":1,"Size":2}"#)]);
        let body = br#"{"Code":"OK","Total":3,"ListTemplate":[
            {"TemplateCode":"C1","TemplateName":"order","Language":"en","AuditStatus":"pass","Category":"UTILITY","LastUpdateTime":1700000000000},
            {"TemplateCode":"C2","TemplateName":"promo","Language":"en","AuditStatus":"pass","Reason":"","LastUpdateTime":0}]}"#;
        let page = read_templates(&query, body).unwrap();
        assert_eq!((page.total, page.next_page), (Some(3), Some(2)));
        assert_eq!(page.templates[0].updated_at_ms, Some(1_700_000_000_000));
        assert_eq!((page.templates[1].reason.clone(), page.templates[1].updated_at_ms), (None, None));
        assert_eq!(page.next_query(&query), Some(TemplateQuery { page: Some(2), ..query.clone() }));
        let second = TemplateQuery { page: Some(2), ..query };
        let body = br#"{"Code":"OK","Total":3,"ListTemplate":[{"TemplateCode":"C3","AuditStatus":"fail"}]}"#;
        let last = read_templates(&second, body).unwrap();
        assert_eq!((last.next_page, last.next_cursor.clone(), last.next_query(&second)), (None, None, None));
        let cursor = TemplateQuery { cursor: Some("MQ".into()), ..second };
        assert_eq!(list_templates(&cursor, None).unwrap_err().code(), ErrorCode::InvalidParameter);
    }

    #[test]
    fn a_detail_reads_components_and_buttons() {
        let params = template_detail(&TemplateRef::code("744c", "en"), None).unwrap();
        let pairs: Vec<_> = params.iter().collect();
        assert_eq!(pairs, [("TemplateCode", "744c"), ("Language", "en")]);
        let body = br#"{"Code":"OK","Data":{"TemplateCode":"744c","Name":"order","Language":"en","AuditStatus":"pass",
            "AllowSend":true,"QualityScore":"GREEN","Example":{"name":"Ada"},
            "Components":[{"Type":"BODY","Text":"Hi {{name}}"},
                          {"Type":"BUTTONS","Buttons":[{"Type":"URL","Text":"Track","Url":"https://x.example/{{1}}","UrlType":"dynamic"}]}]}}"#;
        let detail = read_template(body).unwrap();
        assert!(detail.allow_send);
        assert_eq!(detail.example.get("name").map(String::as_str), Some("Ada"));
        assert_eq!(detail.components[1].buttons[0].url_type.as_deref(), Some("dynamic"));
        assert_eq!(read_template(br#"{"Code":"OK"}"#).unwrap_err().code(), ErrorCode::MalformedResponse);
    }
}
