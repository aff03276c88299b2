//! The message envelope: sender and recipient, template or content, and the options, with
//! the channel each option belongs to.

use super::content;
use super::path::Path;
use super::rules::{Report, codes};
use crate::model::{Channel, Fallback, FlowAction, MassMessage, Message, ProductAction, RecipientType, Template};

/// Most recipients one mass send takes (spec §8).
pub(super) const MAX_RECIPIENTS: usize = 1_000;
/// `FallBackDuration` bounds in seconds (spec §6).
const FALLBACK_DURATION: (u32, u32) = (60, 43_200);
/// `Ttl` bounds in seconds (spec §6).
const TTL: (u32, u32) = (30, 1_209_600);
/// Longest `TrackingData` (Viber's own limit).
const MAX_TRACKING_DATA: usize = 4_000;
/// `ProductAction`: at most 10 sections and 30 products in all (spec §6.2).
const MAX_PRODUCT_SECTIONS: usize = 10;
const MAX_PRODUCTS: usize = 30;
/// Longest section title of a product list.
const MAX_SECTION_TITLE: usize = 24;

/// Channels whose recipients are phone numbers.
fn numbered(channel: Channel) -> bool {
    matches!(channel, Channel::Whatsapp | Channel::Viber)
}

pub(super) fn message(report: &mut Report, message: &Message) {
    let root = Path::Root;
    let channel = message.channel;
    sender(report, channel, &message.from);
    recipient(report, channel, root.field("to"), &message.to, message.recipient_type);
    match (&message.template, &message.content) {
        (Some(template), None) => self::template(report, channel, root.field("template"), template),
        (None, Some(content)) => content::content(report, message, root.field("content"), content),
        (None, None) => report.add(codes::ONE_OF_REQUIRED, root.field("template"), "give a template or content"),
        (Some(_), Some(_)) => {
            report.add(codes::EXCLUSIVE, root.field("content"), "give a template or content, not both");
        }
    }
    report.opt_text(root.field("taskId"), message.task_id.as_deref(), usize::MAX);
    report.opt_text(root.field("custSpaceId"), message.cust_space_id.as_deref(), usize::MAX);
    report.opt_text(root.field("contextMessageId"), message.context_message_id.as_deref(), usize::MAX);
    let whatsapp = channel == Channel::Whatsapp;
    only_on(report, root.field("recipientType"), message.recipient_type.is_some(), whatsapp, "WhatsApp");
    if let Some(category) = &message.category
        && only_on(report, root.field("category"), true, whatsapp, "WhatsApp")
    {
        report.required(root.field("category"), category);
    }
    if let Some(action) = &message.product_action
        && only_on(report, root.field("productAction"), true, whatsapp, "WhatsApp")
    {
        product_action(report, root.field("productAction"), action);
    }
    flow_action(report, root.field("flowAction"), message.flow_action.as_ref(), whatsapp);
    fallback(report, channel, root.field("fallback"), message.fallback.as_ref());
    viber_options(report, channel, message.ttl, message.label.is_some(), message.tag.as_deref());
    if let Some(data) = &message.tracking_data
        && only_on(report, root.field("trackingData"), true, channel == Channel::Viber, "Viber")
    {
        report.text(root.field("trackingData"), data, MAX_TRACKING_DATA);
    }
}

pub(super) fn mass_message(report: &mut Report, message: &MassMessage) {
    let root = Path::Root;
    let channel = message.channel;
    if matches!(channel, Channel::Telegram | Channel::Line) {
        report.add(
            codes::CHANNEL_UNSUPPORTED,
            root.field("channel"),
            format!("mass sends are not available on {}", channel.as_str()),
        );
    }
    sender(report, channel, &message.from);
    template(report, channel, root.field("template"), &message.template);
    let recipients = root.field("recipients");
    report.count(recipients, message.recipients.len(), 1, MAX_RECIPIENTS);
    for (i, each) in message.recipients.iter().enumerate() {
        let at = recipients.index(i);
        recipient(report, channel, at.field("to"), &each.to, each.recipient_type);
        let whatsapp = channel == Channel::Whatsapp;
        only_on(report, at.field("recipientType"), each.recipient_type.is_some(), whatsapp, "WhatsApp");
        payload(report, channel, at.field("payload"), &each.payload);
        if let Some(action) = &each.product_action
            && only_on(report, at.field("productAction"), true, whatsapp, "WhatsApp")
        {
            product_action(report, at.field("productAction"), action);
        }
        flow_action(report, at.field("flowAction"), each.flow_action.as_ref(), whatsapp);
        params(report, at.field("params"), each.params.iter().map(|(name, _)| name));
    }
    report.opt_text(root.field("taskId"), message.task_id.as_deref(), usize::MAX);
    report.opt_text(root.field("custSpaceId"), message.cust_space_id.as_deref(), usize::MAX);
    fallback(report, channel, root.field("fallback"), message.fallback.as_ref());
    viber_options(report, channel, message.ttl, message.label.is_some(), message.tag.as_deref());
}

/// `From`: the business number on WhatsApp; a page, account, service, bot or channel ID
/// elsewhere.
fn sender(report: &mut Report, channel: Channel, from: &str) {
    let path = Path::Root.field("from");
    if channel == Channel::Whatsapp {
        report.phone(path, from);
    } else {
        report.required(path, from);
    }
}

/// `To`: a phone number on WhatsApp and Viber, unless it names a group or a BSUID.
fn recipient(report: &mut Report, channel: Channel, path: Path<'_>, to: &str, kind: Option<RecipientType>) {
    let by_number = matches!(kind, None | Some(RecipientType::Individual));
    if numbered(channel) && by_number {
        report.phone(path, to);
    } else {
        report.required(path, to);
    }
}

fn template(report: &mut Report, channel: Channel, path: Path<'_>, template: &Template) {
    let (code, name) = (("code", template.code.as_deref()), ("name", template.name.as_deref()));
    report.either(path, code, name, "the template's code or name");
    report.required(path.field("language"), &template.language);
    params(report, path.field("params"), template.params.iter().map(|(name, _)| name));
    payload(report, channel, path.field("payload"), &template.payload);
}

/// Quick-reply payloads: WhatsApp only, none blank.
fn payload(report: &mut Report, channel: Channel, path: Path<'_>, payload: &[String]) {
    if only_on(report, path, !payload.is_empty(), channel == Channel::Whatsapp, "WhatsApp") {
        for (i, each) in payload.iter().enumerate() {
            report.required(path.index(i), each);
        }
    }
}

/// Template variable names must not be blank.
fn params<'s>(report: &mut Report, path: Path<'_>, names: impl Iterator<Item = &'s str>) {
    if names.into_iter().any(|name| name.trim().is_empty()) {
        report.add(codes::REQUIRED, path, "variable names must not be empty");
    }
}

fn product_action(report: &mut Report, path: Path<'_>, action: &ProductAction) {
    report.opt_text(
        path.field("thumbnailProductRetailerId"),
        action.thumbnail_product_retailer_id.as_deref(),
        usize::MAX,
    );
    let sections = path.field("sections");
    report.count(sections, action.sections.len(), 0, MAX_PRODUCT_SECTIONS);
    let total: usize = action.sections.iter().map(|s| s.product_retailer_ids.len()).sum();
    if total > MAX_PRODUCTS {
        report.add(codes::TOO_MANY, sections, format!("must hold at most {MAX_PRODUCTS} products in all, not {total}"));
    }
    for (i, section) in action.sections.iter().enumerate() {
        let at = sections.index(i);
        report.opt_text(at.field("title"), section.title.as_deref(), MAX_SECTION_TITLE);
        let ids = at.field("productRetailerIds");
        // At most `MAX_PRODUCTS` in all, checked above.
        report.count(ids, section.product_retailer_ids.len(), 1, usize::MAX);
        for (j, id) in section.product_retailer_ids.iter().enumerate() {
            report.required(ids.index(j), id);
        }
    }
}

fn fallback(report: &mut Report, channel: Channel, path: Path<'_>, fallback: Option<&Fallback>) {
    let Some(fallback) = fallback else { return };
    if !only_on(report, path, true, numbered(channel), "WhatsApp and Viber") {
        return;
    }
    report.required(path.field("id"), &fallback.id);
    report.opt_text(path.field("content"), fallback.content.as_deref(), usize::MAX);
    if let Some(duration) = fallback.duration {
        report.range(path.field("duration"), duration, FALLBACK_DURATION.0, FALLBACK_DURATION.1);
    }
}

fn viber_options(report: &mut Report, channel: Channel, ttl: Option<u32>, label: bool, tag: Option<&str>) {
    let root = Path::Root;
    let viber = channel == Channel::Viber;
    only_on(report, root.field("label"), label, viber, "Viber");
    if let Some(ttl) = ttl
        && only_on(report, root.field("ttl"), true, viber, "Viber")
    {
        report.range(root.field("ttl"), ttl, TTL.0, TTL.1);
    }
    if let Some(tag) = tag
        && only_on(report, root.field("tag"), true, viber, "Viber")
    {
        report.required(root.field("tag"), tag);
    }
}

/// A value given on a channel that lacks it is a `channel_unsupported` violation; returns
/// whether the value is given and allowed, so its own rules apply.
pub(super) fn only_on(report: &mut Report, path: Path<'_>, given: bool, allowed: bool, channels: &str) -> bool {
    if given && !allowed {
        report.add(codes::CHANNEL_UNSUPPORTED, path, format!("only available on {channels}"));
    }
    given && allowed
}

/// A template's flow action: WhatsApp only, its data free-form JSON of bounded depth.
fn flow_action(report: &mut Report, at: Path<'_>, action: Option<&FlowAction>, whatsapp: bool) {
    if only_on(report, at, action.is_some(), whatsapp, "WhatsApp")
        && let Some(data) = action.and_then(|a| a.flow_action_data.as_ref())
    {
        report.free_form(at.field("flowActionData"), data);
    }
}
