//! What Meta's Cloud API cannot carry (Meta reference §2, §2.4, §8): the rules a Meta send
//! adds to the provider-neutral ones of [`crate::validate`], in the same codes and paths.
//!
//! A Meta send reports the neutral violations followed by Meta's own, every one at once
//! ([`violations`]); no rule here repeats a neutral one. One neutral rule gives way: on Meta
//! `from` is the business phone number ID, digits of any length, not a phone number. A
//! message for another channel gets one Meta violation (`channel`): every other rule
//! presumes WhatsApp.

use super::{emoji, unverified, wire};
use crate::model::{
    Body, Channel, Content, FlowMode, FlowParameters, Header, Interactive, Message, ProductAction, RecipientType,
    ReplyButton, Template,
};
use crate::validate::{MAX_BODY, MAX_FLOW_CTA, MAX_LIST_BODY, Path, Report, Violation, codes};

/// Longest flow button label (the neutral rules allow [`MAX_FLOW_CTA`]).
const MAX_META_FLOW_CTA: usize = 20;
/// Named template variables: lowercase `a`–`z` and `_`, at most 20 characters.
const MAX_VARIABLE_NAME: usize = 20;
/// Longest template variable value: 32,768 in a template of text only, 1,024 in one with
/// buttons.
const MAX_VARIABLE: usize = 32_768;
const MAX_VARIABLE_WITH_BUTTONS: usize = 1_024;
/// Longest BSUID after its country prefix (`US.` or `US.ENT.`).
const MAX_BSUID: usize = 128;

/// Every violation of `message` as a Meta send: the neutral rules' (but the sender's; media
/// by uploaded ID allowed) then Meta's own; empty when it can be sent.
pub fn violations(message: &Message) -> Vec<Violation> {
    let mut found = crate::validate::violations_with_media_ids(message);
    found.retain(|violation| violation.path != "from");
    found.extend(own(message));
    found
}

/// Every violation of Meta's own rules in `message`.
fn own(message: &Message) -> Vec<Violation> {
    let mut report = Report::default();
    let root = Path::Root;
    if message.channel != Channel::Whatsapp {
        let text = format!("Meta's Cloud API sends WhatsApp messages only, not {}", message.channel.as_str());
        report.add(codes::CHANNEL_UNSUPPORTED, root.field("channel"), text);
        return report.into_violations();
    }
    if report.required(root.field("from"), &message.from) && !message.from.bytes().all(|b| b.is_ascii_digit()) {
        report.add(codes::DIGITS_ONLY, root.field("from"), "must be the business phone number ID, digits only");
    }
    recipient(&mut report, message.recipient_type, &message.to);
    match message.body() {
        Some(Body::Template(template)) => self::template(&mut report, template, message),
        Some(Body::Content(content)) => self::content(&mut report, content),
        None => {}
    }
    if let Some(task_id) = &message.task_id {
        report.max_chars(root.field("taskId"), task_id, unverified::MAX_CALLBACK_DATA);
    }
    cams_only(&mut report, root.field("custSpaceId"), message.cust_space_id.is_some(), "a CAMS channel instance");
    cams_only(&mut report, root.field("category"), message.category.is_some(), "CAMS' direct-send category");
    actions(&mut report, message);
    cams_only(&mut report, root.field("fallback"), message.fallback.is_some(), "CAMS' SMS fallback");
    report.into_violations()
}

/// An option only CAMS offers.
fn cams_only(report: &mut Report, path: Path<'_>, given: bool, what: &str) {
    if given {
        report.add(codes::CHANNEL_UNSUPPORTED, path, format!("{what} is not available through Meta's Cloud API"));
    }
}

/// Phone numbers go in `to`, business-scoped user IDs in `recipient` (`recipientType`
/// `userId`): Meta silently drops a BSUID given as a number.
fn recipient(report: &mut Report, kind: Option<RecipientType>, to: &str) {
    let path = Path::Root.field("to");
    let by_number = matches!(kind, None | Some(RecipientType::Individual));
    if by_number && is_bsuid(to) {
        let text = "is a business-scoped user ID: send it with recipientType userId (Meta silently drops a BSUID given as a phone number)";
        report.add(codes::NOT_ALLOWED, path, text);
    } else if kind == Some(RecipientType::UserId) && !to.trim().is_empty() && !is_bsuid(to) {
        let text = if to.trim_start_matches('+').bytes().all(|b| b.is_ascii_digit()) {
            "is a phone number: send it with recipientType individual"
        } else {
            "must be a business-scoped user ID such as US.13491208655302741918"
        };
        report.add(codes::NOT_ALLOWED, path, text);
    }
}

/// A BSUID: a two-letter country code, a dot, `ENT.` for a parent BSUID, then at most
/// [`MAX_BSUID`] letters and digits (`US.13491208655302741918`, §8).
fn is_bsuid(value: &str) -> bool {
    let Some((country, id)) = value.split_once('.') else { return false };
    let id = id.strip_prefix("ENT.").unwrap_or(id);
    country.len() == 2
        && country.bytes().all(|b| b.is_ascii_uppercase())
        && (1..=MAX_BSUID).contains(&id.len())
        && id.bytes().all(|b| b.is_ascii_alphanumeric())
}

fn template(report: &mut Report, template: &Template, message: &Message) {
    let path = Path::Root.field("template");
    if template.code.is_some() && template.name.is_none() {
        let text = "Meta's Cloud API finds templates by name: give the template's name";
        report.add(codes::CHANNEL_UNSUPPORTED, path.field("code"), text);
    }
    let params = path.field("params");
    let names: Vec<&str> =
        template.params.iter().map(|(name, _)| name).filter(|name| !name.trim().is_empty()).collect();
    match names.iter().filter(|name| wire::position(name).is_some()).count() {
        0 => names.iter().for_each(|name| variable_name(report, params, name)),
        numbered if numbered == names.len() => positions(report, params, &names),
        _ => report.add(codes::NOT_ALLOWED, params, "give named or numbered variables, not both"),
    }
    let buttons = !template.payload.is_empty() || message.flow_action.is_some() || message.product_action.is_some();
    let max = if buttons { MAX_VARIABLE_WITH_BUTTONS } else { MAX_VARIABLE };
    for (name, value) in template.params.iter() {
        let count = value.chars().count();
        if count > max {
            let text = format!("variable {name:?} must be at most {max} characters, not {count}");
            report.add(codes::TOO_LONG, params, text);
        }
    }
}

/// A named variable: lowercase `a`–`z` and `_`, at most [`MAX_VARIABLE_NAME`] characters.
fn variable_name(report: &mut Report, path: Path<'_>, name: &str) {
    if !name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
        let text = format!("variable {name:?}: Meta's named variables hold lowercase a-z and _ only");
        report.add(codes::NOT_ALLOWED, path, text);
    } else if name.len() > MAX_VARIABLE_NAME {
        let text = format!("variable {name:?} must be at most {MAX_VARIABLE_NAME} characters, not {}", name.len());
        report.add(codes::TOO_LONG, path, text);
    }
}

/// Numbered variables are `1` to `n`, each once.
fn positions(report: &mut Report, path: Path<'_>, names: &[&str]) {
    let mut numbers: Vec<u64> = names.iter().filter_map(|name| wire::position(name)).collect();
    numbers.sort_unstable();
    if !numbers.iter().zip(1..).all(|(number, expected)| *number == expected) {
        let text = format!("numbered variables must be 1 to {} with none missing", numbers.len());
        report.add(codes::NOT_ALLOWED, path, text);
    }
}

fn content(report: &mut Report, content: &Content) {
    let path = Path::Root.field("content");
    match content {
        Content::Custom(_) => {
            let text = "custom content is passed through by CAMS only: Meta's Cloud API takes typed content";
            report.add(codes::CHANNEL_UNSUPPORTED, path.field("messageType"), text);
        }
        Content::Reaction(reaction)
            if !reaction.emoji.trim().is_empty() && !emoji::is_single_emoji(&reaction.emoji) =>
        {
            report.add(codes::NOT_ALLOWED, path.field("emoji"), "must be exactly one emoji");
        }
        Content::Interactive(interactive) => self::interactive(report, path, interactive),
        _ => {}
    }
}

fn interactive(report: &mut Report, path: Path<'_>, interactive: &Interactive) {
    if let Some(header) = header(interactive) {
        media_header(report, path.field("header"), header);
    }
    let action = path.field("action");
    match interactive {
        Interactive::Button { action: buttons, .. } => reply_buttons(report, action.field("buttons"), &buttons.buttons),
        Interactive::List { body, .. } => {
            stricter_max(report, path.field("body").field("text"), &body.text, MAX_BODY, MAX_LIST_BODY);
        }
        Interactive::Flow { action: flow, .. } => self::flow(report, action.field("parameters"), &flow.parameters),
        _ => {}
    }
}

fn header(interactive: &Interactive) -> Option<&Header> {
    match interactive {
        Interactive::Button { header, .. }
        | Interactive::List { header, .. }
        | Interactive::Flow { header, .. }
        | Interactive::CtaUrl { header, .. } => header.as_ref(),
        Interactive::ProductList { header, .. } => Some(header),
        Interactive::Product { .. } | Interactive::CatalogMessage { .. } => None,
    }
}

/// Only a document header has a file name.
fn media_header(report: &mut Report, path: Path<'_>, header: &Header) {
    let (kind, media) = match header {
        Header::Image { image } => ("image", image),
        Header::Video { video } => ("video", video),
        Header::Text { .. } | Header::Document { .. } => return,
    };
    if media.filename.is_some() {
        report.add(codes::NOT_ALLOWED, path.field(kind).field("filename"), "only a document header has a file name");
    }
}

/// Reply buttons: unique titles, ids without leading or trailing spaces.
fn reply_buttons(report: &mut Report, path: Path<'_>, buttons: &[ReplyButton]) {
    for (i, button) in buttons.iter().enumerate() {
        let id = &button.reply.id;
        if !id.trim().is_empty() && id.trim() != id {
            let at = path.index(i);
            report.add(codes::NOT_ALLOWED, at.field("reply").field("id"), "must not start or end with a space");
        }
    }
    report.unique(buttons.iter().map(|b| b.reply.title.as_str()), |report, i| {
        let at = path.index(i);
        report.add(codes::DUPLICATE, at.field("reply").field("title"), "button titles must be unique");
    });
}

fn flow(report: &mut Report, path: Path<'_>, parameters: &FlowParameters) {
    let cta = path.field("flow_cta");
    stricter_max(report, cta, &parameters.flow_cta, MAX_META_FLOW_CTA, MAX_FLOW_CTA);
    if emoji::contains_emoji(&parameters.flow_cta) {
        report.add(codes::NOT_ALLOWED, cta, "must not contain emoji");
    }
    let navigate = parameters.flow_action != Some(FlowMode::DataExchange);
    let data = parameters.flow_action_payload.as_ref().and_then(|payload| payload.data.as_ref());
    if navigate && data.is_some_and(|data| data.is_empty()) {
        let at = path.field("flow_action_payload");
        report.add(codes::REQUIRED, at.field("data"), "must not be empty when given");
    }
}

/// `value` must have at most `max` characters where the neutral rules allow up to
/// `neutral` (and report a longer value themselves).
fn stricter_max(report: &mut Report, path: Path<'_>, value: &str, max: usize, neutral: usize) {
    let count = value.chars().count();
    if max < count && count <= neutral {
        report.add(codes::TOO_LONG, path, format!("must be at most {max} characters on Meta's Cloud API, not {count}"));
    }
}

/// Where `productAction` and `flowAction` go: a template's button (one of them: a template
/// has one flow or product button), or for `productAction`, the sections of a product list
/// that has none of its own. Either way several sections are titled.
fn actions(report: &mut Report, message: &Message) {
    let root = Path::Root;
    let template = message.template.is_some();
    let product_list = match &message.content {
        Some(Content::Interactive(Interactive::ProductList { action, .. })) => Some(action.sections.is_empty()),
        _ => None,
    };
    if let Some(products) = &message.product_action {
        let path = root.field("productAction");
        match (template, product_list) {
            (true, _) => {
                section_titles(report, path, products);
                multi_product_thumbnail(report, path, products);
            }
            (false, Some(true)) => {
                section_titles(report, path, products);
                product_list_sections(report, path, products);
            }
            (false, Some(false)) => {
                report.add(codes::EXCLUSIVE, path, "give the product list's sections in content or here, not both");
            }
            (false, None) => {
                let text = "only a template or a product list without sections of its own takes productAction";
                report.add(codes::NOT_ALLOWED, path, text);
            }
        }
    }
    if message.flow_action.is_some() {
        let path = root.field("flowAction");
        if !template {
            report.add(codes::NOT_ALLOWED, path, "only a template's flow button takes flowAction");
        } else if message.product_action.is_some() {
            report.add(
                codes::EXCLUSIVE,
                path,
                "a template has one flow or product button: give productAction or flowAction, not both",
            );
        }
    }
}

/// Several sections each need a title (§2.4).
fn section_titles(report: &mut Report, path: Path<'_>, products: &ProductAction) {
    if products.sections.len() < 2 {
        return;
    }
    let sections = path.field("sections");
    for (i, section) in products.sections.iter().enumerate() {
        if section.title.is_none() {
            let at = sections.index(i);
            report.add(codes::REQUIRED, at.field("title"), "needed when there are several sections");
        }
    }
}

/// A template's multi-product button (sections given) shows its thumbnail product.
fn multi_product_thumbnail(report: &mut Report, path: Path<'_>, products: &ProductAction) {
    if !products.sections.is_empty() && products.thumbnail_product_retailer_id.is_none() {
        let text = "a template's multi-product button needs its thumbnail product";
        report.add(codes::REQUIRED, path.field("thumbnailProductRetailerId"), text);
    }
}

/// A product list's sections given in `productAction`: at least one, and no thumbnail (a
/// product list has none).
fn product_list_sections(report: &mut Report, path: Path<'_>, products: &ProductAction) {
    if products.thumbnail_product_retailer_id.is_some() {
        let text = "a product list has no thumbnail: Meta's Cloud API cannot carry it";
        report.add(codes::NOT_ALLOWED, path.field("thumbnailProductRetailerId"), text);
    }
    report.count(path.field("sections"), products.sections.len(), 1, usize::MAX);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{
        ButtonAction, FlowAction, FlowButton, FlowPayload, InteractiveText, JsonObject, MediaLink,
        ProductActionSection, ProductListAction, Reaction, Reply, TemplateParams,
    };

    const FROM: &str = "15550001111";
    const TO: &str = "6591234567";

    fn found(message: &Message) -> Vec<(&'static str, String)> {
        own(message).into_iter().map(|v| (v.code, v.path)).collect()
    }

    fn expect(pairs: &[(&'static str, &str)]) -> Vec<(&'static str, String)> {
        pairs.iter().map(|(code, path)| (*code, (*path).to_owned())).collect()
    }

    fn by_name(params: &[(&str, &str)]) -> Message {
        let template = Template {
            name: Some("order_update".into()),
            language: "en".into(),
            params: params.iter().copied().collect(),
            ..Template::default()
        };
        Message { template: Some(template), ..Message::new(FROM, TO) }
    }

    fn interactive(interactive: Interactive) -> Message {
        Message::with_content(FROM, TO, Content::Interactive(interactive))
    }

    fn text(text: &str) -> InteractiveText {
        InteractiveText { text: text.into() }
    }

    #[test]
    fn a_message_meta_can_carry_has_none() {
        assert!(found(&Message::text(FROM, TO, "hi")).is_empty());
        assert!(found(&by_name(&[("first_name", "Ada")])).is_empty());
        let bsuid = Message { recipient_type: Some(RecipientType::UserId), ..by_name(&[]) };
        assert!(found(&Message { to: "US.ENT.abc123".into(), ..bsuid.clone() }).is_empty());
        assert!(found(&Message { to: "US.13491208655302741918".into(), ..bsuid }).is_empty());
    }

    #[test]
    fn other_channels_get_one_violation() {
        let mut message = Message { channel: Channel::Viber, ..Message::text("svc", TO, "hi") };
        message.ttl = Some(60);
        message.cust_space_id = Some("space".into());
        assert_eq!(found(&message), expect(&[(codes::CHANNEL_UNSUPPORTED, "channel")]));
    }

    #[test]
    fn every_cams_only_option_at_once_in_field_order() {
        let mut message = Message::template(FROM, TO, "744c4b5c", "en", TemplateParams::new());
        message.task_id = Some("t".repeat(513));
        message.cust_space_id = Some("cams-1".into());
        message.category = Some("UTILITY".into());
        message.fallback = Some(crate::model::Fallback { id: "fb".into(), ..Default::default() });
        let expected = [
            (codes::CHANNEL_UNSUPPORTED, "template.code"),
            (codes::TOO_LONG, "taskId"),
            (codes::CHANNEL_UNSUPPORTED, "custSpaceId"),
            (codes::CHANNEL_UNSUPPORTED, "category"),
            (codes::CHANNEL_UNSUPPORTED, "fallback"),
        ];
        assert_eq!(found(&message), expect(&expected));
        message.task_id = Some("t".repeat(512));
        assert_eq!(found(&message).len(), expected.len() - 1);
    }

    #[test]
    fn bsuids_and_phone_numbers_each_in_their_place() {
        let to = |kind: Option<RecipientType>, to: &str| {
            let message = Message { recipient_type: kind, ..Message::text(FROM, to, "hi") };
            found(&message).into_iter().map(|(code, path)| format!("{code} {path}")).collect::<Vec<_>>()
        };
        let user_id = Some(RecipientType::UserId);
        assert_eq!(to(None, "US.13491208655302741918"), ["not_allowed to"]);
        assert_eq!(to(Some(RecipientType::Individual), "BR.ENT.x1"), ["not_allowed to"]);
        assert_eq!(to(user_id, "6591234567"), ["not_allowed to"]);
        assert_eq!(to(user_id, "+6591234567"), ["not_allowed to"]);
        assert_eq!(to(user_id, "us.1349"), ["not_allowed to"]);
        assert_eq!(to(user_id, &format!("US.{}", "1".repeat(129))), ["not_allowed to"]);
        assert!(to(user_id, &format!("US.{}", "1".repeat(128))).is_empty());
        assert!(to(user_id, " ").is_empty(), "blank: the neutral rules report it");
        assert!(to(Some(RecipientType::Group), "US.1349").is_empty(), "a group ID is Meta's to judge");
        assert!(to(None, "US1349").is_empty(), "not a BSUID: the neutral phone rule reports it");
        let message = own(&Message { recipient_type: user_id, ..Message::text(FROM, "6591234567", "hi") });
        assert!(message[0].message.contains("recipientType individual"), "{}", message[0]);
    }

    #[test]
    fn template_variables_are_named_or_numbered_one_to_n() {
        let params = |params: &[(&str, &str)]| found(&by_name(params));
        let at_params = |code| expect(&[(code, "template.params")]);
        assert!(params(&[("2", "b"), ("1", "a")]).is_empty());
        assert!(params(&[("first_name", "a"), ("_", "b")]).is_empty());
        assert!(params(&[(" ", "blank: neutral")]).is_empty());
        assert_eq!(params(&[("1", "a"), ("3", "c")]), at_params(codes::NOT_ALLOWED));
        assert_eq!(params(&[("1", "a"), ("1x", "b")]), at_params(codes::NOT_ALLOWED));
        assert_eq!(params(&[("1", "a"), ("name", "b")]), at_params(codes::NOT_ALLOWED));
        assert_eq!(params(&[("0", "a")]), at_params(codes::NOT_ALLOWED));
        assert_eq!(params(&[("First", "a"), ("x-y", "b")]), expect(&[(codes::NOT_ALLOWED, "template.params"); 2]));
        assert_eq!(params(&[("a".repeat(21).as_str(), "v")]), at_params(codes::TOO_LONG));
        assert!(params(&[("a".repeat(20).as_str(), "v")]).is_empty());
    }

    #[test]
    fn variable_values_are_shorter_in_a_template_with_buttons() {
        let long = "x".repeat(1_025);
        let mut message = by_name(&[("note", &long)]);
        assert!(found(&message).is_empty());
        message.template.as_mut().unwrap().payload = vec!["STOP".into()];
        assert_eq!(found(&message), expect(&[(codes::TOO_LONG, "template.params")]));
        let too_long = "x".repeat(32_769);
        assert_eq!(found(&by_name(&[("note", &too_long)])), expect(&[(codes::TOO_LONG, "template.params")]));
    }

    #[test]
    fn custom_content_and_reactions() {
        let custom = crate::model::Custom { kind: "carousel".into(), content: JsonObject::default() };
        let message = Message::with_content(FROM, TO, Content::Custom(custom));
        assert_eq!(found(&message), expect(&[(codes::CHANNEL_UNSUPPORTED, "content.messageType")]));
        let reaction = |emoji: &str| {
            let reaction = Reaction { message_id: "wamid.x".into(), emoji: emoji.into() };
            found(&Message::with_content(FROM, TO, Content::Reaction(reaction)))
        };
        assert!(reaction("👍🏽").is_empty());
        assert!(reaction("").is_empty(), "blank: the neutral rules report it");
        assert_eq!(reaction("👍👍"), expect(&[(codes::NOT_ALLOWED, "content.emoji")]));
        assert_eq!(reaction("ok"), expect(&[(codes::NOT_ALLOWED, "content.emoji")]));
    }

    #[test]
    fn stricter_interactive_limits_are_reported_once() {
        let list = |body: usize| {
            let action = crate::model::ListAction {
                button: "Go".into(),
                sections: vec![crate::model::ListSection {
                    title: None,
                    rows: vec![crate::model::ListRow { id: "a".into(), title: "A".into(), description: None }],
                }],
            };
            found(&interactive(Interactive::List { header: None, body: text(&"b".repeat(body)), footer: None, action }))
        };
        assert!(list(1_024).is_empty());
        assert_eq!(list(1_025), expect(&[(codes::TOO_LONG, "content.body.text")]));
        assert!(list(4_097).is_empty(), "over the neutral limit: reported by the neutral rules only");

        let flow = |cta: &str, data: Option<JsonObject>| {
            let parameters = FlowParameters {
                flow_message_version: "3".into(),
                flow_id: Some("1".into()),
                flow_name: None,
                flow_cta: cta.into(),
                flow_action: None,
                flow_token: None,
                flow_action_payload: Some(FlowPayload { screen: "S".into(), data }),
            };
            let action = FlowButton { parameters };
            found(&interactive(Interactive::Flow { header: None, body: text("b"), footer: None, action }))
        };
        let cta = "content.action.parameters.flow_cta";
        assert!(flow(&"c".repeat(20), None).is_empty());
        assert_eq!(flow(&"c".repeat(21), None), expect(&[(codes::TOO_LONG, cta)]));
        assert!(flow(&"c".repeat(31), None).is_empty(), "over the neutral limit: reported by the neutral rules only");
        assert_eq!(flow("Go 🚀", None), expect(&[(codes::NOT_ALLOWED, cta)]));
        let empty = Some(JsonObject::default());
        let data = "content.action.parameters.flow_action_payload.data";
        assert_eq!(flow("Go", empty), expect(&[(codes::REQUIRED, data)]));
    }

    #[test]
    fn reply_buttons_have_unique_titles_and_trimmed_ids_and_media_headers_no_file_name() {
        let button = |id: &str, title: &str| ReplyButton { reply: Reply { id: id.into(), title: title.into() } };
        let action = ButtonAction { buttons: vec![button(" a", "Same"), button("b", "Same"), button("c ", "Other")] };
        let link = Some("https://x.example/a.png".into());
        let image = MediaLink { link, filename: Some("a.png".into()), id: None };
        let header = Some(Header::Image { image });
        let message = interactive(Interactive::Button { header, body: text("b"), footer: None, action });
        let expected = [
            (codes::NOT_ALLOWED, "content.header.image.filename"),
            (codes::NOT_ALLOWED, "content.action.buttons[0].reply.id"),
            (codes::NOT_ALLOWED, "content.action.buttons[2].reply.id"),
            (codes::DUPLICATE, "content.action.buttons[1].reply.title"),
        ];
        assert_eq!(found(&message), expect(&expected));
    }

    fn products(thumbnail: Option<&str>, titles: &[Option<&str>]) -> ProductAction {
        let section = |title: &Option<&str>| ProductActionSection {
            title: title.map(str::to_owned),
            product_retailer_ids: vec!["sku".into()],
        };
        ProductAction {
            thumbnail_product_retailer_id: thumbnail.map(str::to_owned),
            sections: titles.iter().map(section).collect(),
        }
    }

    fn product_list(sections: Vec<crate::model::ProductSection>) -> Message {
        let action = ProductListAction { catalog_id: "cat".into(), sections };
        let header = Header::Text { text: "h".into() };
        interactive(Interactive::ProductList { header, body: text("b"), footer: None, action })
    }

    #[test]
    fn product_actions_go_to_templates_and_product_lists_without_sections() {
        let with = |message: Message, action: ProductAction| Message { product_action: Some(action), ..message };
        let template = by_name(&[]);
        assert!(found(&with(template.clone(), products(Some("sku"), &[Some("A"), Some("B")]))).is_empty());
        let untitled = [
            (codes::REQUIRED, "productAction.sections[1].title"),
            (codes::REQUIRED, "productAction.thumbnailProductRetailerId"),
        ];
        assert_eq!(found(&with(template.clone(), products(None, &[Some("A"), None]))), expect(&untitled));
        assert!(found(&with(template, products(None, &[]))).is_empty(), "a catalog button's thumbnail is optional");

        assert!(found(&with(product_list(vec![]), products(None, &[None]))).is_empty());
        let thumbnail_and_none = [
            (codes::NOT_ALLOWED, "productAction.thumbnailProductRetailerId"),
            (codes::TOO_FEW, "productAction.sections"),
        ];
        assert_eq!(found(&with(product_list(vec![]), products(Some("sku"), &[]))), expect(&thumbnail_and_none));
        let own = crate::model::ProductSection { title: "t".into(), product_items: vec![] };
        let both = found(&with(product_list(vec![own]), products(None, &[None])));
        assert_eq!(both, expect(&[(codes::EXCLUSIVE, "productAction")]));
        let text = found(&with(Message::text(FROM, TO, "hi"), products(None, &[None])));
        assert_eq!(text, expect(&[(codes::NOT_ALLOWED, "productAction")]));
    }

    #[test]
    fn flow_actions_go_to_templates_without_a_product_button() {
        let flow = Some(FlowAction { flow_token: Some("t".into()), flow_action_data: None });
        assert!(found(&Message { flow_action: flow.clone(), ..by_name(&[]) }).is_empty());
        let text = Message { flow_action: flow.clone(), ..Message::text(FROM, TO, "hi") };
        assert_eq!(found(&text), expect(&[(codes::NOT_ALLOWED, "flowAction")]));
        let both = Message { flow_action: flow, product_action: Some(products(None, &[])), ..by_name(&[]) };
        assert_eq!(found(&both), expect(&[(codes::EXCLUSIVE, "flowAction")]));
    }
}
