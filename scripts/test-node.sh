#!/usr/bin/env bash
# Node: installs the `chatlane` npm package (its `prepare` script builds the release addon
# with the napi CLI), builds the CLI for the sandbox, and runs node's built-in test runner.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

cd "$REPO/bindings-node"
# `npm install` installs the versions pinned in package-lock.json, like `npm ci`; `npm ci`
# itself refuses this lockfile because the registry mirror here lacks other platforms'
# optional packages of @napi-rs/cli's dependencies, so npm cannot record them.
npm install --no-audit --no-fund
build_cli
node --test test/*.test.js test/*.test.mjs
