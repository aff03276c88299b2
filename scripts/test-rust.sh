#!/usr/bin/env bash
# Rust: formatting, clippy on every crate (bindings included), and the core, sandbox and
# CLI tests (unit tests, the official signing vectors, client ↔ sandbox round trips).
set -euo pipefail
cd "$(dirname "$0")/.."

cargo fmt --all --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo test --locked
