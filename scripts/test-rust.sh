#!/usr/bin/env bash
# Rust: formatting, clippy on every crate (bindings included), the core's docs (every public
# item, every link), and the core, sandbox and CLI tests (unit tests, the official signing vectors, the shared
# conformance cases, client ↔ sandbox round trips, the fleet's pacing through a real Redis), and
# the core as the Android library builds it (`bundled-roots`: lints and its TLS test).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
ensure_redis_server

cargo fmt --all --check
cargo clippy --workspace --all-targets --locked -- -D warnings
RUSTDOCFLAGS="-D warnings" cargo doc --locked --no-deps -p chatlane-core
cargo test --locked
# Mozilla's roots compiled in instead of the platform's (scripts/dist-android.sh).
cargo clippy --locked -p chatlane-core --features bundled-roots --all-targets -- -D warnings
cargo test --locked -p chatlane-core --features bundled-roots --lib transport::direct::connect
