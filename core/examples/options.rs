//! Prints every client and send option as each binding names and documents it, from which
//! the declarations in `_chatlane.pyi` and `index.d.ts` are generated (`scripts/codegen.sh`).

use chatlane_core::Dialect;
use serde_json::json;

fn main() {
    let options = json!({
        "python": { "client": Dialect::Python.client_option_docs(), "send": Dialect::Python.send_option_docs() },
        "javascript": {
            "client": Dialect::JavaScript.client_option_docs(),
            "send": Dialect::JavaScript.send_option_docs(),
        },
    });
    println!("{}", serde_json::to_string_pretty(&options).expect("the options serialise"));
}
