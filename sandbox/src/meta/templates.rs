//! The WABA's message templates (spec §9), from the configured list
//! ([`super::config::MetaTemplate`]): `GET /{version}/{waba-id}/message_templates` and
//! `GET /{version}/{template-id}`.
//!
//! Both need a valid bearer token (else 190, as for sends) carrying
//! `whatsapp_business_management` (else HTTP 403, code 10). An ID that is neither the
//! configured WABA (listing) nor a template (one template): HTTP 400, code 100, subcode 33,
//! `GraphMethodException`, as Graph answers for an object it cannot load.
//!
//! Query:
//!
//! * `fields`: comma-separated, from `id`, `name`, `language`, `status`, `category`,
//!   `components`, `parameter_format`, `quality_score` (`{"score"}`), `rejected_reason`; `id`
//!   always comes. Default: `id`, `name`, `language`, `status`, `category`, `components`.
//!   Another field → 100.
//! * Listing filters: `name` (templates whose name contains it), `language` (exactly),
//!   `status` and `category` (one value, or several comma-separated, from Meta's lists;
//!   another → 100).
//! * Listing pages: `limit` (default 25; not a positive number → 100) and `after` (a cursor
//!   of an earlier answer; unreadable → 100).
//!
//! A page: `{"data":[…],"paging":{"cursors":{"before","after"},"next"}}`. The cursors are the
//! positions of the page's first and last template among those the filters keep (base64);
//! `next` (this URL with `after` the page's last cursor) comes only when more templates
//! follow; an empty page has no `paging`. `before` is not served.
//!
//! Every authenticated request is journaled (`meta:message_templates`, `meta:template`) with
//! its outcome. Faults do not apply: they are for sends.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value, json};

use super::config::{MetaConfig, MetaTemplate};
use super::errors::GraphError;
use super::{MANAGEMENT_SCOPE, answer};
use crate::server::AppState;

/// Every field a template has.
const FIELDS: [&str; 9] = [
    "id",
    "name",
    "language",
    "status",
    "category",
    "components",
    "parameter_format",
    "quality_score",
    "rejected_reason",
];

/// The fields of an answer without `fields`.
const DEFAULT_FIELDS: [&str; 6] = ["id", "name", "language", "status", "category", "components"];

/// Meta's template statuses.
const STATUSES: [&str; 10] = [
    "APPROVED",
    "IN_APPEAL",
    "PENDING",
    "REJECTED",
    "PENDING_DELETION",
    "DELETED",
    "DISABLED",
    "PAUSED",
    "LIMIT_EXCEEDED",
    "ARCHIVED",
];

/// Meta's template categories.
const CATEGORIES: [&str; 3] = ["AUTHENTICATION", "MARKETING", "UTILITY"];

/// Templates per page without `limit`.
const DEFAULT_LIMIT: usize = 25;

/// The query of a request, by name.
pub(super) type Params = HashMap<String, String>;

/// `GET /{version}/{waba-id}/message_templates`.
pub async fn list(
    State(state): State<Arc<AppState>>,
    Path((version, waba_id)): Path<(String, String)>,
    Query(params): Query<Params>,
    headers: HeaderMap,
) -> Response {
    let url = format!("{}/{version}/{waba_id}/message_templates", state.base_url(&headers));
    answer(&state, "meta:message_templates", &headers, Some(MANAGEMENT_SCOPE), || {
        listing(&state.config.meta, &params, &url, &waba_id)
    })
}

/// `GET /{version}/{template-id}`.
pub async fn node(
    State(state): State<Arc<AppState>>,
    Path((_, id)): Path<(String, String)>,
    Query(params): Query<Params>,
    headers: HeaderMap,
) -> Response {
    answer(&state, "meta:template", &headers, Some(MANAGEMENT_SCOPE), || {
        let fields = fields(&params)?;
        let found = state.config.meta.templates().find(|(template_id, _)| *template_id == id);
        let (id, template) = found.ok_or_else(|| GraphError::unknown_object("get", &id))?;
        Ok(object(&id, template, &fields))
    })
}

/// One page of the WABA `waba_id`'s templates, `url` being the listing's own (for `next`).
fn listing(config: &MetaConfig, params: &Params, url: &str, waba_id: &str) -> Result<Value, GraphError> {
    if waba_id != config.waba_id {
        return Err(GraphError::unknown_object("get", waba_id));
    }
    let fields = fields(params)?;
    let statuses = one_of(params, "status", &STATUSES)?;
    let categories = one_of(params, "category", &CATEGORIES)?;
    let limit = match params.get("limit") {
        None => DEFAULT_LIMIT,
        Some(limit) => limit
            .parse()
            .ok()
            .filter(|limit| *limit > 0)
            .ok_or_else(|| GraphError::parameter(100, "Param limit must be a positive integer."))?,
    };
    let start = match params.get("after") {
        None => 0,
        Some(cursor) => position(cursor)? + 1,
    };
    let kept = |template: &MetaTemplate| {
        params.get("name").is_none_or(|name| template.name.contains(name.as_str()))
            && params.get("language").is_none_or(|language| template.language == *language)
            && statuses.as_ref().is_none_or(|statuses| statuses.contains(&template.status.as_str()))
            && categories.as_ref().is_none_or(|categories| categories.contains(&template.category.as_str()))
    };
    let matching: Vec<_> = config.templates().filter(|(_, template)| kept(template)).collect();
    let data: Vec<Value> =
        matching.iter().skip(start).take(limit).map(|(id, template)| object(id, template, &fields)).collect();
    if data.is_empty() {
        return Ok(json!({ "data": [] }));
    }
    let last = start + data.len() - 1;
    let mut paging = json!({"cursors": {"before": cursor(start), "after": cursor(last)}});
    if last + 1 < matching.len() {
        let mut next = form_urlencoded::Serializer::new(String::new());
        next.extend_pairs(params.iter().filter(|(name, _)| *name != "after"));
        next.append_pair("after", &cursor(last));
        paging["next"] = json!(format!("{url}?{}", next.finish()));
    }
    Ok(json!({ "data": data, "paging": paging }))
}

/// The fields `params` asks for: every one known, `id` first.
fn fields(params: &Params) -> Result<Vec<&'static str>, GraphError> {
    let Some(asked) = params.get("fields") else { return Ok(DEFAULT_FIELDS.to_vec()) };
    let mut fields = vec!["id"];
    for name in asked.split(',').map(str::trim).filter(|name| !name.is_empty()) {
        let known = FIELDS.iter().find(|field| **field == name).ok_or_else(|| {
            let message =
                format!("(#100) Tried accessing nonexisting field ({name}) on node type (WhatsAppMessageTemplate)");
            GraphError::new(StatusCode::BAD_REQUEST, 100, message)
        })?;
        if !fields.contains(known) {
            fields.push(known);
        }
    }
    Ok(fields)
}

/// The values of filter `name` (comma-separated), each one of `allowed`; `None` without it.
fn one_of(params: &Params, name: &str, allowed: &[&'static str]) -> Result<Option<Vec<&'static str>>, GraphError> {
    let Some(given) = params.get(name) else { return Ok(None) };
    let values = given.split(',').map(|value| {
        allowed.iter().copied().find(|known| *known == value.trim()).ok_or_else(|| {
            let details = format!("Param {name} must be one of {{{}}}, not {value:?}.", allowed.join(", "));
            GraphError::parameter(100, details)
        })
    });
    values.collect::<Result<Vec<_>, _>>().map(Some)
}

/// Template `id` with `fields`.
fn object(id: &str, template: &MetaTemplate, fields: &[&str]) -> Value {
    let mut object = Map::new();
    for field in fields {
        let value = match *field {
            "id" => json!(id),
            "name" => json!(template.name),
            "language" => json!(template.language),
            "status" => json!(template.status),
            "category" => json!(template.category),
            "components" => json!(template.components),
            "parameter_format" => json!(template.parameter_format),
            "quality_score" => json!({ "score": template.quality_score }),
            _ => json!(template.rejected_reason),
        };
        object.insert((*field).to_owned(), value);
    }
    Value::Object(object)
}

/// The cursor of position `index`.
fn cursor(index: usize) -> String {
    URL_SAFE_NO_PAD.encode(index.to_string())
}

/// The position a cursor names.
fn position(cursor: &str) -> Result<usize, GraphError> {
    let decoded = URL_SAFE_NO_PAD.decode(cursor).ok().and_then(|bytes| String::from_utf8(bytes).ok());
    decoded
        .and_then(|text| text.parse().ok())
        .ok_or_else(|| GraphError::parameter(100, format!("The after cursor {cursor:?} is not valid.")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> Params {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    fn config() -> MetaConfig {
        let templates = ["a_one", "b_two", "a_three", "a_four"].map(|name| MetaTemplate::new(name, "en_US"));
        MetaConfig { templates: templates.to_vec(), ..MetaConfig::default() }
    }

    const URL: &str = "http://127.0.0.1:1/v25.0/102290129340398/message_templates";

    #[test]
    fn pages_follow_their_cursors_through_the_filtered_templates() {
        let config = config();
        let waba = config.waba_id.clone();
        let first =
            listing(&config, &params(&[("limit", "2"), ("name", "a_"), ("fields", "name")]), URL, &waba).unwrap();
        let names: Vec<_> = first["data"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()).collect();
        assert_eq!(names, ["a_one", "a_three"]);
        assert_eq!(first["data"][0], json!({"id": "1600000000000001", "name": "a_one"}));
        let after = first["paging"]["cursors"]["after"].as_str().unwrap();
        let next = first["paging"]["next"].as_str().unwrap();
        assert!(next.starts_with(URL) && next.contains(&format!("after={after}")), "{next}");
        let second =
            listing(&config, &params(&[("limit", "2"), ("name", "a_"), ("after", after)]), URL, &waba).unwrap();
        assert_eq!(second["data"].as_array().unwrap().len(), 1);
        assert_eq!(second["data"][0]["name"], "a_four");
        assert_eq!(second["paging"].get("next"), None, "the last page");
        let after = second["paging"]["cursors"]["after"].as_str().unwrap();
        let past = listing(&config, &params(&[("name", "a_"), ("after", after)]), URL, &waba).unwrap();
        assert_eq!(past, json!({"data": []}));
    }

    #[test]
    fn bad_queries_and_unknown_objects_are_graph_errors() {
        let config = config();
        let waba = config.waba_id.clone();
        for bad in [
            params(&[("status", "pass")]),
            params(&[("category", "UTILITY,OTHER")]),
            params(&[("limit", "0")]),
            params(&[("after", "not a cursor")]),
            params(&[("fields", "name,nope")]),
        ] {
            let error = listing(&config, &bad, URL, &waba).unwrap_err();
            assert_eq!((error.status, error.code), (StatusCode::BAD_REQUEST, 100), "{bad:?}");
        }
        let unknown = listing(&config, &params(&[]), URL, "1").unwrap_err();
        assert_eq!((unknown.code, unknown.subcode, unknown.kind), (100, Some(33), "GraphMethodException"));
        let statuses = listing(&config, &params(&[("status", "APPROVED,PAUSED")]), URL, &waba).unwrap();
        assert_eq!(statuses["data"].as_array().unwrap().len(), 4);
    }
}
