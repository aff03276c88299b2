#!/usr/bin/env bash
# Node: installs the npm package (building the release addon), builds the CLI for the
# sandbox, and runs node's built-in test runner.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

setup_node
ensure_redis_server
build_cli
cd "$REPO/bindings/node"
node --test test/*.test.js test/*.test.mjs
