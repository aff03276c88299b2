//! Free-form content: which channel offers which type, media links, captions, lengths,
//! locations, contact cards, reactions, Viber's rich types and custom types.

use super::envelope::only_on;
use super::interactive;
use super::path::Path;
use super::rules::{Report, codes};
use crate::model::{Channel, Contact, Content, Document, Message, Video};

/// Longest caption of an image, video or document (spec §7.1).
const MAX_CAPTION: usize = 1_024;
/// Longest Viber text and button label [INFER: Viber's own limits].
const MAX_VIBER_TEXT: usize = 1_000;
const MAX_VIBER_BUTTON: usize = 30;
/// Longest Viber video, in seconds (spec §7.3).
const MAX_VIBER_VIDEO_SECONDS: u32 = 600;

/// Longest text per channel [INFER: each platform's own limit; CAMS' page is truncated].
fn max_text(channel: Channel) -> usize {
    match channel {
        Channel::Whatsapp => 4_096,
        Channel::Messenger => 2_000,
        Channel::Instagram | Channel::Viber => 1_000,
        Channel::Telegram => 4_096,
        Channel::Line => 5_000,
    }
}

/// Whether `channel` has a typed content for `message_type` (spec §7). Telegram and LINE
/// type only text: their other types, like any type without a typed content, go as custom
/// content.
fn offered(channel: Channel, message_type: &str) -> bool {
    use Channel::*;
    match message_type {
        "text" => true,
        "image" | "video" => matches!(channel, Whatsapp | Messenger | Instagram | Viber),
        "audio" => matches!(channel, Whatsapp | Messenger | Instagram),
        "document" => matches!(channel, Whatsapp | Messenger | Viber),
        "sticker" | "location" | "contacts" | "reaction" | "interactive" => channel == Whatsapp,
        "text_image" | "text_button" | "text_image_button" | "text_video" | "text_video_button" => channel == Viber,
        _ => false,
    }
}

pub(super) fn content(report: &mut Report, message: &Message, path: Path<'_>, content: &Content) {
    let channel = message.channel;
    if !matches!(content, Content::Custom(_)) && !offered(channel, content.message_type()) {
        let message = format!("{} messages are not available on {}", content.message_type(), channel.as_str());
        report.add(codes::CHANNEL_UNSUPPORTED, path.field("messageType"), message);
        return;
    }
    let viber = channel == Channel::Viber;
    match content {
        Content::Text(c) => report.text(path.field("text"), &c.text, max_text(channel)),
        Content::Image(c) => {
            report.media(path, c.link.as_deref(), c.id.as_deref());
            report.opt_text(path.field("caption"), c.caption.as_deref(), MAX_CAPTION);
        }
        Content::Video(c) => video(report, path, c, viber),
        Content::Audio(c) => report.media(path, c.link.as_deref(), c.id.as_deref()),
        Content::Document(c) => document(report, path, c, channel),
        Content::Sticker(c) => report.media(path, c.link.as_deref(), c.id.as_deref()),
        Content::Location(c) => {
            report.range(path.field("longitude"), c.longitude, -180.0, 180.0);
            report.range(path.field("latitude"), c.latitude, -90.0, 90.0);
            report.opt_text(path.field("name"), c.name.as_deref(), usize::MAX);
            report.opt_text(path.field("address"), c.address.as_deref(), usize::MAX);
        }
        Content::Contacts(c) => {
            let contacts = path.field("contacts");
            report.count(contacts, c.contacts.len(), 1, usize::MAX);
            for (i, each) in c.contacts.iter().enumerate() {
                contact(report, contacts.index(i), each);
            }
        }
        Content::Reaction(c) => {
            report.required(path.field("messageId"), &c.message_id);
            report.required(path.field("emoji"), &c.emoji);
        }
        Content::Interactive(c) => interactive::interactive(report, path, c, message.product_action.is_some()),
        Content::TextImage(c) => {
            report.text(path.field("text"), &c.text, MAX_VIBER_TEXT);
            report.url(path.field("link"), &c.link);
        }
        Content::TextButton(c) => {
            report.text(path.field("text"), &c.text, MAX_VIBER_TEXT);
            viber_button(report, path, &c.caption, &c.action);
        }
        Content::TextImageButton(c) => {
            report.text(path.field("text"), &c.text, MAX_VIBER_TEXT);
            report.url(path.field("link"), &c.link);
            viber_button(report, path, &c.caption, &c.action);
        }
        Content::TextVideo(c) => {
            report.text(path.field("text"), &c.text, MAX_VIBER_TEXT);
            viber_video(report, path, &c.link, &c.thumbnail, c.file_size, c.duration);
        }
        Content::TextVideoButton(c) => {
            report.text(path.field("text"), &c.text, MAX_VIBER_TEXT);
            viber_video(report, path, &c.link, &c.thumbnail, c.file_size, c.duration);
            viber_button(report, path, &c.caption, &c.action);
        }
        Content::Custom(c) => {
            if report.required(path.field("type"), &c.kind) && offered(channel, &c.kind) {
                let message =
                    format!("{:?} has a typed content on {}: use it instead of a custom one", c.kind, channel.as_str());
                report.add(codes::USE_TYPED_CONTENT, path.field("type"), message);
            }
            if c.content.is_empty() {
                report.add(codes::REQUIRED, path.field("content"), "must not be empty");
            }
            report.free_form(path.field("content"), &c.content);
        }
    }
}

/// Videos: a caption on WhatsApp, Messenger and Instagram; thumbnail, size and length on
/// Viber (and only there).
fn video(report: &mut Report, path: Path<'_>, video: &Video, viber: bool) {
    report.media(path, video.link.as_deref(), video.id.as_deref());
    if !viber {
        report.opt_text(path.field("caption"), video.caption.as_deref(), MAX_CAPTION);
        only_on(report, path.field("thumbnail"), video.thumbnail.is_some(), false, "Viber");
        only_on(report, path.field("fileSize"), video.file_size.is_some(), false, "Viber");
        only_on(report, path.field("duration"), video.duration.is_some(), false, "Viber");
        return;
    }
    only_on(report, path.field("caption"), video.caption.is_some(), false, "WhatsApp, Messenger and Instagram");
    match &video.thumbnail {
        Some(thumbnail) => report.url(path.field("thumbnail"), thumbnail),
        None => report.add(codes::REQUIRED, path.field("thumbnail"), "Viber videos need a thumbnail"),
    }
    match video.file_size {
        Some(size) => report.range(path.field("fileSize"), size, 1, u64::MAX),
        None => report.add(codes::REQUIRED, path.field("fileSize"), "Viber videos need their size"),
    }
    match video.duration {
        Some(duration) => report.range(path.field("duration"), duration, 0, MAX_VIBER_VIDEO_SECONDS),
        None => report.add(codes::REQUIRED, path.field("duration"), "Viber videos need their length"),
    }
}

/// Documents need a file name on WhatsApp and Viber, and a file type on Viber (only).
fn document(report: &mut Report, path: Path<'_>, document: &Document, channel: Channel) {
    report.media(path, document.link.as_deref(), document.id.as_deref());
    let needs_name = matches!(channel, Channel::Whatsapp | Channel::Viber);
    match &document.file_name {
        Some(name) => _ = report.required(path.field("fileName"), name),
        None if needs_name => report.add(codes::REQUIRED, path.field("fileName"), "must not be empty"),
        None => {}
    }
    if channel == Channel::Viber {
        only_on(report, path.field("caption"), document.caption.is_some(), false, "WhatsApp and Messenger");
        match &document.file_type {
            Some(kind) => _ = report.required(path.field("fileType"), kind),
            None => report.add(codes::REQUIRED, path.field("fileType"), "must not be empty"),
        }
    } else {
        report.opt_text(path.field("caption"), document.caption.as_deref(), MAX_CAPTION);
        only_on(report, path.field("fileType"), document.file_type.is_some(), false, "Viber");
    }
}

fn viber_video(report: &mut Report, path: Path<'_>, link: &str, thumbnail: &str, size: u64, duration: u32) {
    report.url(path.field("link"), link);
    report.url(path.field("thumbnail"), thumbnail);
    report.range(path.field("fileSize"), size, 1, u64::MAX);
    report.range(path.field("duration"), duration, 0, MAX_VIBER_VIDEO_SECONDS);
}

fn viber_button(report: &mut Report, path: Path<'_>, caption: &str, action: &str) {
    report.text(path.field("caption"), caption, MAX_VIBER_BUTTON);
    report.url(path.field("action"), action);
}

fn contact(report: &mut Report, path: Path<'_>, contact: &Contact) {
    let name = path.field("name");
    report.required(name.field("formatted_name"), &contact.name.formatted_name);
    let n = &contact.name;
    let parts = [&n.first_name, &n.last_name, &n.middle_name, &n.suffix, &n.prefix];
    if !parts.iter().any(|part| part.as_deref().is_some_and(|p| !p.trim().is_empty())) {
        let message = "give at least one of first_name, last_name, middle_name, suffix or prefix";
        report.add(codes::ONE_OF_REQUIRED, name, message);
    }
    if let Some(birthday) = &contact.birthday
        && !is_date(birthday)
    {
        report.add(codes::INVALID_DATE, path.field("birthday"), "must be a date as YYYY-MM-DD");
    }
    let emails = path.field("emails");
    for (i, email) in contact.emails.iter().enumerate() {
        report.required(emails.index(i).field("email"), &email.email);
    }
    let phones = path.field("phones");
    for (i, phone) in contact.phones.iter().enumerate() {
        report.required(phones.index(i).field("phone"), &phone.phone);
        if let Some(wa_id) = &phone.wa_id {
            report.phone(phones.index(i).field("wa_id"), wa_id);
        }
    }
    let urls = path.field("urls");
    for (i, url) in contact.urls.iter().enumerate() {
        report.url(urls.index(i).field("url"), &url.url);
    }
}

/// `YYYY-MM-DD` naming a real day.
fn is_date(value: &str) -> bool {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    value.len() == 10 && time::Date::parse(value, &format).is_ok()
}
