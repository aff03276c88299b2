#!/usr/bin/env bash
# Kotlin: builds the UniFFI library, uniffi-bindgen and the CLI (for its sandbox), then runs
# the Kotlin package's JUnit tests (bindings/uniffi/kotlin) against the sandbox (and, for
# FleetTest, a real redis-server, installed when missing).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_redis_server

(cd "$REPO" && cargo build --quiet --locked -p chatlane-uniffi --features test-hooks && cargo build --quiet --locked -p uniffi-bindgen)
build_cli
mvn_quiet -f "$REPO/bindings/uniffi/kotlin/pom.xml" -Dchatlane.skipCargo=true test
