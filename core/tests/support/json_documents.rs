//! Reading the repository's shared JSON test data (`tests/<folder>/*.json`), for the Rust
//! suites of every crate (`#[path]`-included; `CARGO_MANIFEST_DIR` is the including crate's,
//! one level below the repository root).

use std::path::PathBuf;

use serde_json::Value;

/// Every `tests/<folder>/*.json` document with its file name, sorted by name. Panics naming
/// the file when one cannot be read or parsed, and when there is none.
pub fn json_documents(folder: &str) -> Vec<(String, Value)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests").join(folder);
    let mut documents: Vec<(String, Value)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .map(|path| {
            let file = path.file_name().unwrap().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{file}: {e}"));
            let document = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{file}: {e}"));
            (file, document)
        })
        .collect();
    documents.sort_by(|a, b| a.0.cmp(&b.0));
    assert!(!documents.is_empty(), "no JSON documents in {}", dir.display());
    documents
}
