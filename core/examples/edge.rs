//! Prints what crosses the binding edge as each language declares it — every client and send
//! option (name, kind, documentation), every error category (name, class, documentation) and
//! every error code — from which the generated regions of `_chatlane.pyi` and `index.d.ts`
//! are written (`scripts/codegen.sh`).

use chatlane_core::{Dialect, ErrorCategory, ErrorCode};
use serde_json::json;

fn main() {
    let categories: Vec<_> = ErrorCategory::ALL
        .iter()
        .map(|c| json!({ "name": c.as_str(), "class": c.class_name(), "doc": c.doc() }))
        .collect();
    let codes: Vec<_> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
    let edge = json!({
        "python": { "client": Dialect::Python.client_option_docs(), "send": Dialect::Python.send_option_docs() },
        "javascript": {
            "client": Dialect::JavaScript.client_option_docs(),
            "send": Dialect::JavaScript.send_option_docs(),
        },
        "categories": categories,
        "codes": codes,
    });
    println!("{}", serde_json::to_string_pretty(&edge).expect("the edge serialises"));
}
