//! Prints the JSON Schema of the message model, from which the Python and TypeScript types
//! are generated (`scripts/codegen.sh`):
//!
//! `cargo run -q -p chatlane-core --features schema --example schema > schema/chatlane.schema.json`

use chatlane_core::{MassMessage, Message};
use schemars::generate::SchemaSettings;

fn main() {
    let mut generator = SchemaSettings::draft2020_12().into_generator();
    let message = generator.subschema_for::<Message>();
    let mass = generator.subschema_for::<MassMessage>();
    let schema = serde_json::json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "chatlane message model",
        "description": "Generated from chatlane-core's model (core/src/model): do not edit.",
        "oneOf": [message, mass],
        "$defs": generator.take_definitions(true),
    });
    println!("{}", serde_json::to_string_pretty(&schema).expect("a schema serialises"));
}
