#!/usr/bin/env bash
# Interop: Alibaba's official SDKs (Python alibabacloud-cams20200606 5.3.1, Node
# @alicloud/cams20200606 1.4.2, installed into target/interop/) send a template, a text and a
# mass message to the sandbox with signature V3 and V2 — all accepted — and a wrong secret is
# refused with SignatureDoesNotMatch; the Python SDK also lists and reads templates from the
# sandbox's registry (sandbox/interop/sandbox.json), pages through the message history
# (ListChatappMessage), lists the numbers, gets upload credentials and creates, modifies and
# deletes a template. This proves the sandbox speaks the real protocol.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

interop="$REPO/target/interop"
mkdir -p "$interop"
[ -x "$interop/venv/bin/python" ] || python3 -m venv "$interop/venv"
"$interop/venv/bin/python" -m pip install --quiet --disable-pip-version-check \
  'alibabacloud-cams20200606==5.3.1' 'alibabacloud-tea-openapi==0.4.6'
npm install --prefix "$interop/node" --no-audit --no-fund --loglevel=error \
  '@alicloud/cams20200606@1.4.2' '@alicloud/openapi-client@0.4.15' >/dev/null

build_cli
start_sandbox --config "$REPO/sandbox/interop/sandbox.json"
"$interop/venv/bin/python" "$REPO/sandbox/interop/official_python.py" \
  "$SANDBOX_ENDPOINT" sandbox-access-key-id sandbox-access-key-secret
NODE_PATH="$interop/node/node_modules" node "$REPO/sandbox/interop/official_node.js" \
  "$SANDBOX_ENDPOINT" sandbox-access-key-id sandbox-access-key-secret

accepted=$("$interop/venv/bin/python" -c 'import json, sys, urllib.request
print(len(json.load(urllib.request.urlopen(sys.argv[1] + "/_sandbox/ledger"))))' "$SANDBOX_ENDPOINT")
echo "sandbox ledger: $accepted accepted (expected 12: 2 SDKs x 2 signature versions x 3 messages)"
[ "$accepted" -eq 12 ]
echo "interop: 2 passed, 0 failed"
