//! WhatsApp interactive messages: Meta's limits for each sub-type (spec §7.1).

use super::path::Path;
use super::rules::{Report, codes};
use crate::model::{FlowMode, Header, Interactive, InteractiveText, ListAction, ProductListAction};

/// Longest body of a `button` message (and most others).
pub(crate) const MAX_BODY: usize = 1_024;
/// Longest body of a `list` message.
pub(crate) const MAX_LIST_BODY: usize = 4_096;
/// Longest footer and text header.
const MAX_FOOTER: usize = 60;
const MAX_HEADER: usize = 60;
/// Reply buttons: 1–3, title ≤ 20, id ≤ 256.
const MAX_BUTTONS: usize = 3;
const MAX_BUTTON_TITLE: usize = 20;
const MAX_BUTTON_ID: usize = 256;
/// Lists: button label ≤ 20, 1–10 sections, ≤ 10 rows in all, titles ≤ 24, row id ≤ 200,
/// description ≤ 72.
const MAX_LIST_BUTTON: usize = 20;
const MAX_SECTIONS: usize = 10;
const MAX_ROWS: usize = 10;
const MAX_TITLE: usize = 24;
const MAX_ROW_ID: usize = 200;
const MAX_DESCRIPTION: usize = 72;
/// Product lists: ≤ 30 products in all.
const MAX_PRODUCTS: usize = 30;
/// Flow and URL buttons: labels ≤ 30 and ≤ 20.
pub(crate) const MAX_FLOW_CTA: usize = 30;
const MAX_URL_BUTTON: usize = 20;

/// `has_product_action`: the message's `productAction` may carry a product list's sections.
pub(super) fn interactive(report: &mut Report, path: Path<'_>, interactive: &Interactive, has_product_action: bool) {
    let action = path.field("action");
    match interactive {
        Interactive::Button { header, body, footer, action: buttons } => {
            frame(report, path, header.as_ref(), Some(body), footer.as_ref(), MAX_BODY);
            let list = action.field("buttons");
            report.count(list, buttons.buttons.len(), 1, MAX_BUTTONS);
            for (i, button) in buttons.buttons.iter().enumerate() {
                let item = list.index(i);
                let reply = item.field("reply");
                report.text(reply.field("id"), &button.reply.id, MAX_BUTTON_ID);
                report.text(reply.field("title"), &button.reply.title, MAX_BUTTON_TITLE);
            }
            report.unique(buttons.buttons.iter().map(|b| b.reply.id.as_str()), |report, i| {
                report.add(codes::DUPLICATE, list.index(i).field("reply").field("id"), "button ids must be unique");
            });
        }
        Interactive::List { header, body, footer, action: list } => {
            text_header_only(report, path, header.as_ref());
            frame(report, path, header.as_ref(), Some(body), footer.as_ref(), MAX_LIST_BODY);
            list_action(report, action, list);
        }
        Interactive::Product { body, footer, action: product } => {
            frame(report, path, None, body.as_ref(), footer.as_ref(), MAX_BODY);
            report.required(action.field("catalog_id"), &product.catalog_id);
            report.required(action.field("product_retailer_id"), &product.product_retailer_id);
        }
        Interactive::ProductList { header, body, footer, action: list } => {
            text_header_only(report, path, Some(header));
            frame(report, path, Some(header), Some(body), footer.as_ref(), MAX_BODY);
            product_list_action(report, action, list, has_product_action);
        }
        Interactive::CatalogMessage { body, footer, action: catalog } => {
            frame(report, path, None, Some(body), footer.as_ref(), MAX_BODY);
            if let Some(parameters) = &catalog.parameters {
                let at = action.field("parameters");
                report.required(at.field("thumbnail_product_retailer_id"), &parameters.thumbnail_product_retailer_id);
            }
        }
        Interactive::Flow { header, body, footer, action: flow } => {
            frame(report, path, header.as_ref(), Some(body), footer.as_ref(), MAX_BODY);
            let at = action.field("parameters");
            let p = &flow.parameters;
            report.required(at.field("flow_message_version"), &p.flow_message_version);
            let (id, name) = (("flow_id", p.flow_id.as_deref()), ("flow_name", p.flow_name.as_deref()));
            report.either(at, id, name, "the flow's id or name");
            report.text(at.field("flow_cta"), &p.flow_cta, MAX_FLOW_CTA);
            report.opt_text(at.field("flow_token"), p.flow_token.as_deref(), usize::MAX);
            let payload_at = at.field("flow_action_payload");
            let navigate = p.flow_action != Some(FlowMode::DataExchange);
            match (&p.flow_action_payload, navigate) {
                (Some(payload), true) => {
                    report.required(payload_at.field("screen"), &payload.screen);
                    if let Some(data) = &payload.data {
                        report.free_form(payload_at.field("data"), data);
                    }
                }
                (Some(_), false) => {
                    report.add(codes::NOT_ALLOWED, payload_at, "only a navigate flow opens on a given screen");
                }
                (None, true) => report.add(codes::REQUIRED, payload_at, "a navigate flow needs its first screen"),
                (None, false) => {}
            }
        }
        Interactive::CtaUrl { header, body, footer, action: button } => {
            frame(report, path, header.as_ref(), Some(body), footer.as_ref(), MAX_BODY);
            let at = action.field("parameters");
            report.text(at.field("display_text"), &button.parameters.display_text, MAX_URL_BUTTON);
            report.url(at.field("url"), &button.parameters.url);
        }
    }
}

/// Header, body and footer limits shared by every sub-type.
fn frame(
    report: &mut Report,
    path: Path<'_>,
    header: Option<&Header>,
    body: Option<&InteractiveText>,
    footer: Option<&InteractiveText>,
    max_body: usize,
) {
    if let Some(header) = header {
        let at = path.field("header");
        match header {
            Header::Text { text } => report.text(at.field("text"), text, MAX_HEADER),
            Header::Image { image: media } => {
                report.media(at.field("image"), media.link.as_deref(), media.id.as_deref())
            }
            Header::Video { video: media } => {
                report.media(at.field("video"), media.link.as_deref(), media.id.as_deref())
            }
            Header::Document { document: media } => {
                report.media(at.field("document"), media.link.as_deref(), media.id.as_deref())
            }
        }
    }
    if let Some(body) = body {
        report.text(path.field("body").field("text"), &body.text, max_body);
    }
    if let Some(footer) = footer {
        report.text(path.field("footer").field("text"), &footer.text, MAX_FOOTER);
    }
}

/// Lists and product lists take a text header only.
fn text_header_only(report: &mut Report, path: Path<'_>, header: Option<&Header>) {
    if header.is_some_and(|h| !matches!(h, Header::Text { .. })) {
        report.add(codes::NOT_ALLOWED, path.field("header").field("type"), "this message takes a text header only");
    }
}

fn list_action(report: &mut Report, action: Path<'_>, list: &ListAction) {
    report.text(action.field("button"), &list.button, MAX_LIST_BUTTON);
    let sections = action.field("sections");
    report.count(sections, list.sections.len(), 1, MAX_SECTIONS);
    let rows: usize = list.sections.iter().map(|s| s.rows.len()).sum();
    if rows > MAX_ROWS {
        report.add(codes::TOO_MANY, sections, format!("must hold at most {MAX_ROWS} rows in all, not {rows}"));
    }
    let several = list.sections.len() > 1;
    for (i, section) in list.sections.iter().enumerate() {
        let at = sections.index(i);
        match &section.title {
            Some(title) => report.text(at.field("title"), title, MAX_TITLE),
            None if several => report.add(codes::REQUIRED, at.field("title"), "needed when there are several sections"),
            None => {}
        }
        let rows = at.field("rows");
        // At most `MAX_ROWS` in all, checked above.
        report.count(rows, section.rows.len(), 1, usize::MAX);
        for (j, row) in section.rows.iter().enumerate() {
            let row_at = rows.index(j);
            report.text(row_at.field("id"), &row.id, MAX_ROW_ID);
            report.text(row_at.field("title"), &row.title, MAX_TITLE);
            report.opt_text(row_at.field("description"), row.description.as_deref(), MAX_DESCRIPTION);
        }
    }
    let ids =
        list.sections.iter().enumerate().flat_map(|(i, s)| s.rows.iter().enumerate().map(move |(j, r)| (i, j, r)));
    let positions: Vec<(usize, usize)> = ids.clone().map(|(i, j, _)| (i, j)).collect();
    report.unique(ids.map(|(_, _, row)| row.id.as_str()), |report, k| {
        let (i, j) = positions[k];
        let at = sections.index(i);
        let rows = at.field("rows");
        report.add(codes::DUPLICATE, rows.index(j).field("id"), "row ids must be unique");
    });
}

fn product_list_action(report: &mut Report, action: Path<'_>, list: &ProductListAction, has_product_action: bool) {
    report.required(action.field("catalog_id"), &list.catalog_id);
    let sections = action.field("sections");
    if list.sections.is_empty() {
        if !has_product_action {
            let message = "give the sections here or in the message's productAction";
            report.add(codes::REQUIRED, sections, message);
        }
        return;
    }
    report.count(sections, list.sections.len(), 1, MAX_SECTIONS);
    let total: usize = list.sections.iter().map(|s| s.product_items.len()).sum();
    if total > MAX_PRODUCTS {
        report.add(codes::TOO_MANY, sections, format!("must hold at most {MAX_PRODUCTS} products in all, not {total}"));
    }
    for (i, section) in list.sections.iter().enumerate() {
        let at = sections.index(i);
        report.text(at.field("title"), &section.title, MAX_TITLE);
        let items = at.field("product_items");
        // At most `MAX_PRODUCTS` in all, checked above.
        report.count(items, section.product_items.len(), 1, usize::MAX);
        for (j, item) in section.product_items.iter().enumerate() {
            report.required(items.index(j).field("product_retailer_id"), &item.product_retailer_id);
        }
    }
}
