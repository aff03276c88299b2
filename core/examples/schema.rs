//! Prints the JSON Schema of the message model and of the received events, from which the
//! Python and TypeScript types are generated (`scripts/codegen.sh`):
//!
//! `cargo run -q -p chatlane-core --features schema --example schema > schema/chatlane.schema.json`
//!
//! The root validates a message or a mass send; `Event` (what the webhook parsers return), the
//! two enums the receiving functions take and give (`CamsPushKind`, `SignatureMatch`), and the
//! queries and answers of the operations beyond sending (`core/src/ops`) are more definitions
//! beside them, for the generators.

use chatlane_core::events::{CamsPushKind, Event, SignatureMatch};
use chatlane_core::ops::{
    HistoryPage, HistoryQuery, MediaInfo, MediaRef, NewTemplate, PhoneNumber, PhoneNumberQuery, SavedTemplate,
    TemplateDeletion, TemplateDetail, TemplateEdit, TemplatePage, TemplateQuery, TemplateRef, UploadedMedia,
};
use chatlane_core::{MassMessage, Message};
use schemars::generate::SchemaSettings;

fn main() {
    let mut generator = SchemaSettings::draft2020_12().into_generator();
    let message = generator.subschema_for::<Message>();
    let mass = generator.subschema_for::<MassMessage>();
    generator.subschema_for::<Event>();
    generator.subschema_for::<CamsPushKind>();
    generator.subschema_for::<SignatureMatch>();
    generator.subschema_for::<HistoryQuery>();
    generator.subschema_for::<HistoryPage>();
    generator.subschema_for::<TemplateQuery>();
    generator.subschema_for::<TemplatePage>();
    generator.subschema_for::<TemplateRef>();
    generator.subschema_for::<TemplateDetail>();
    generator.subschema_for::<NewTemplate>();
    generator.subschema_for::<TemplateEdit>();
    generator.subschema_for::<TemplateDeletion>();
    generator.subschema_for::<SavedTemplate>();
    generator.subschema_for::<PhoneNumberQuery>();
    generator.subschema_for::<PhoneNumber>();
    // `MediaUpload` and `DownloadedMedia` are left out: their bytes would be a JSON array of
    // numbers, where Python and Node take and give them natively (`bytes`, `Buffer`).
    generator.subschema_for::<UploadedMedia>();
    generator.subschema_for::<MediaRef>();
    generator.subschema_for::<MediaInfo>();
    let schema = serde_json::json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "chatlane message model",
        "description": "Generated from chatlane-core's model (core/src/model), events (core/src/events) and operations (core/src/ops): do not edit.",
        "oneOf": [message, mass],
        "$defs": generator.take_definitions(true),
    });
    println!("{}", serde_json::to_string_pretty(&schema).expect("a schema serialises"));
}
