#!/usr/bin/env bash
# The packages users install: builds them (scripts/dist), then installs each like a user on a
# PATH with no cargo and no rustc, and sends through it to the sandbox:
# - Python: a fresh venv, `pip install` the wheel; the demo (a send and an asyncio send) runs,
#   and `mypy --strict` passes on it; `auditwheel show` finds the wheel manylinux;
# - Node: a fresh npm project, `npm install` the two tarballs; the demo runs by `require`, and a
#   TypeScript module passes `tsc --strict` and runs as ESM (`import`);
# - Kotlin: a fresh Maven project depending on the installed jar compiles and sends;
# - the sdist builds a wheel where none fits (this one with cargo, as a user's would).
# Every MessageId printed must be in the sandbox's ledger. Each step is a check; the first
# that fails stops the script.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO"

build_cli
bash scripts/dist
VERSION=$(python3 scripts/codegen/version.py --workspace)
DIST=$REPO/dist
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0

# The sdist: pip builds it with maturin and cargo (the only step here that may use them). The
# debug profile in the test suites' target directory, where its dependencies are built already,
# proves the same: the sdist holds all it needs. Its own crates are cleaned from that directory
# first: cargo keys them by their path in the workspace, the same in every sdist, and the
# sdist's files carry maturin's fixed date, older than any build, so an earlier sdist's (or the
# tests') chatlane-core would pass for this one's and hide a file it lacks.
echo "== sdist: pip wheel (builds from source)"
cargo clean --quiet --target-dir "$REPO/target" -p chatlane-core -p chatlane-python
CARGO_TARGET_DIR=$REPO/target MATURIN_PEP517_ARGS="--profile dev" "$REPO/.venv/bin/pip" wheel --quiet --disable-pip-version-check --no-deps \
  --wheel-dir "$work/from-sdist" "$DIST/python/chatlane-$VERSION.tar.gz"
ls "$work"/from-sdist/chatlane-"$VERSION"-*.whl >/dev/null
passed=$((passed + 1))

echo "== no package carries the test hooks (the panic probes)"
mkdir "$work/native"
zip_member "$DIST"/python/chatlane-*.whl chatlane/_chatlane.abi3.so >"$work/native/python.so"
tar -xOzf "$DIST/node/chatlane-linux-x64-gnu-$VERSION.tgz" package/chatlane.linux-x64-gnu.node >"$work/native/node.node"
zip_member "$DIST/jvm/chatlane-$VERSION.jar" linux-x86-64/libchatlane_uniffi.so >"$work/native/jvm.so"
for library in "$work"/native/*; do
  [ -s "$library" ] || { echo "$library is empty" >&2; exit 1; }
  if grep -qiE 'panic_?probe' "$library"; then echo "$library carries the test hooks" >&2; exit 1; fi
done
passed=$((passed + 1))

echo "== wheel: auditwheel show"
"$REPO/.venv/bin/auditwheel" show "$DIST"/python/chatlane-*.whl | tee "$work/auditwheel.txt"
grep -q '"manylinux_2_17_x86_64"' "$work/auditwheel.txt" ||
  { echo "the wheel is not manylinux_2_17" >&2; exit 1; }
passed=$((passed + 1))

start_sandbox
trap 'kill "$SANDBOX_PID" 2>/dev/null || true; rm -rf "$work"' EXIT
export CHATLANE_ENDPOINT=$SANDBOX_ENDPOINT
export ALIBABA_CLOUD_ACCESS_KEY_ID=sandbox-access-key-id
export ALIBABA_CLOUD_ACCESS_KEY_SECRET=sandbox-access-key-secret

# From here on, a user's machine: no Rust toolchain on PATH.
user_path=""
IFS=: read -ra dirs <<<"$PATH"
for dir in "${dirs[@]}"; do
  [ -e "$dir/cargo" ] || [ -e "$dir/rustc" ] || user_path="$user_path${user_path:+:}$dir"
done
export PATH=$user_path
unset CARGO_HOME RUSTUP_HOME CARGO_TARGET_DIR
! command -v cargo >/dev/null && ! command -v rustc >/dev/null ||
  { echo "cargo or rustc is still on PATH" >&2; exit 1; }
for tool in python3 node npm mvn java; do
  command -v "$tool" >/dev/null || { echo "$tool lives beside cargo: cannot take cargo off PATH" >&2; exit 1; }
done
sent="$work/sent.txt"

echo "== Python: pip install the wheel into a fresh venv"
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check "$DIST"/python/chatlane-*.whl mypy
cp bindings/python/examples/demo.py "$work/demo.py"
(cd "$work" && venv/bin/python demo.py) | tee -a "$sent"
(cd "$work" && venv/bin/mypy --strict demo.py)
passed=$((passed + 2))

echo "== Node: npm install the tarballs into a fresh project"
mkdir "$work/node"
cp bindings/node/examples/demo.js tests/packages/user.mts "$work/node/"
(cd "$work/node" && npm init --yes >/dev/null &&
  npm install --no-audit --no-fund --loglevel=error \
    "$DIST/node/chatlane-linux-x64-gnu-$VERSION.tgz" "$DIST/node/chatlane-$VERSION.tgz" typescript@6.0.3 '@types/node@^20' &&
  [ ! -e node_modules/chatlane/chatlane.linux-x64-gnu.node ] &&
  node demo.js | tee -a "$sent" &&
  npx tsc --strict --module nodenext --target es2022 --types node user.mts &&
  node user.mjs | tee -a "$sent")
passed=$((passed + 3))

echo "== Kotlin: a fresh Maven project on the installed jar"
cp -r tests/packages/kotlin "$work/kotlin"
mvn_quiet -f "$work/kotlin/pom.xml" -Dchatlane.version="$VERSION" compile
java -cp "$work/kotlin/target/classes:$(cat "$work/kotlin/target/classpath.txt")" UserKt | tee -a "$sent"
passed=$((passed + 1))

echo "== every MessageId printed is in the sandbox's ledger"
python3 - "$SANDBOX_ENDPOINT/_sandbox/ledger" "$sent" <<'PY'
import json, re, sys, urllib.request
ledger = {entry["messageId"] for entry in json.load(urllib.request.urlopen(sys.argv[1]))}
printed = re.findall(r"MessageId=(\S+)", open(sys.argv[2]).read())
missing = [m for m in printed if m not in ledger]
# Python's demo sends 3, Node's 3, the TypeScript module 1, the Kotlin program 2.
if len(printed) != 9 or missing:
    sys.exit(f"printed {len(printed)} MessageIds (expected 9), not in the ledger: {missing}")
print(f"all {len(printed)} MessageIds are in the ledger")
PY
passed=$((passed + 1))
echo "packages: $passed passed, 0 failed"
