#!/usr/bin/env bash
# Checks that the committed Swift package's generated files are what uniffi-bindgen-swift
# generates from the current Rust library, then parses the Swift (Package.swift included) with
# tree-sitter-swift (no Swift compiler here) as a syntax check.
#
# The library exports two UniFFI namespaces: `chatlane_uniffi` (Chatlane.swift, the client and
# errors) and the core's `chatlane_model` (ChatlaneModel.swift, the message records). Both
# Swift files form the one module `Chatlane` (Sources/Chatlane); both headers, the one C module
# `ChatlaneFFI`, whose headers and module map (include/ChatlaneFFI) scripts/dist-swift.sh puts
# into the XCFramework beside the static library.
#
#   scripts/check-swift.sh            check; non-zero with a diff when stale
#   scripts/check-swift.sh --update   regenerate the committed files in place
#
# Runnable from any directory. CHATLANE_SKIP_SWIFT_PARSE=1 skips the syntax check.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

update=false
case "${1:-}" in
  "") ;;
  --update) update=true ;;
  *) echo "usage: $0 [--update]" >&2; exit 2 ;;
esac

pkg=bindings/uniffi/swift
# generated file -> committed path
declare -A files=(
  [Chatlane.swift]="$pkg/Sources/Chatlane/Chatlane.swift"
  [ChatlaneModel.swift]="$pkg/Sources/Chatlane/ChatlaneModel.swift"
  [ChatlaneFFI.h]="$pkg/include/ChatlaneFFI/ChatlaneFFI.h"
  [ChatlaneModelFFI.h]="$pkg/include/ChatlaneFFI/ChatlaneModelFFI.h"
  [module.modulemap]="$pkg/include/ChatlaneFFI/module.modulemap"
)

echo "== cargo build -p chatlane-uniffi -p uniffi-bindgen (debug)"
cargo build --quiet --locked -p chatlane-uniffi -p uniffi-bindgen

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
lib=target/debug/libchatlane_uniffi.so
[[ "$(uname -s)" == Darwin ]] && lib=target/debug/libchatlane_uniffi.dylib
# A plain `module` (not --xcframework's `framework module`): the XCFramework holds a static
# library with headers, not framework bundles. Security and CoreFoundation are what the TLS
# platform verifier calls on Apple systems; a static library cannot name them itself.
target/debug/uniffi-bindgen-swift "$lib" "$out" \
  --swift-sources --headers --modulemap --module-name ChatlaneFFI --modulemap-filename module.modulemap \
  --link-frameworks Security --link-frameworks CoreFoundation >/dev/null

if grep -q panic_probe "$out"/*; then
  echo "the Swift package exports a test hook (panic_probe): it must be built without test-hooks" >&2
  exit 1
fi

generated="$(cd "$out" && printf '%s\n' * | sort | tr '\n' ' ')"
expected="$(printf '%s\n' "${!files[@]}" | sort | tr '\n' ' ')"
if [[ "$generated" != "$expected" ]]; then
  echo "uniffi-bindgen-swift generated [$generated], expected [$expected]: update this script" >&2
  exit 1
fi

if $update; then
  for name in "${!files[@]}"; do
    cp "$out/$name" "${files[$name]}"
    echo "updated ${files[$name]}"
  done
else
  stale=0
  for name in "${!files[@]}"; do
    if ! diff -u --label "${files[$name]} (committed)" --label "$name (generated)" "${files[$name]}" "$out/$name"; then
      stale=1
    fi
  done
  if (( stale )); then
    echo "FAIL: the committed Swift sources are stale; run scripts/check-swift.sh --update" >&2
    exit 1
  fi
  echo "ok: ${#files[@]} generated Swift files are up to date"
fi

if [[ "${CHATLANE_SKIP_SWIFT_PARSE:-}" == 1 ]]; then
  echo "skipped: Swift syntax check (CHATLANE_SKIP_SWIFT_PARSE=1)"
  exit 0
fi

echo "== Swift syntax check (tree-sitter-swift)"
tools=target/swift-syntax
if [[ ! -d "$tools/node_modules/tree-sitter-swift" ]]; then
  mkdir -p "$tools"
  # --ignore-scripts: the packages ship prebuilt parsers; their install scripts download.
  npm install --prefix "$tools" --ignore-scripts --no-audit --no-fund --silent \
    tree-sitter@0.22.4 tree-sitter-swift@0.7.1 >/dev/null
fi
cat > "$tools/parse.js" <<'JS'
// Parses Swift files; prints every syntax error and exits 1 if there is one.
const fs = require("fs");
const Parser = require("tree-sitter");
const parser = new Parser();
parser.setLanguage(require("tree-sitter-swift"));
let failed = false;
for (const file of process.argv.slice(2)) {
  // tree-sitter-swift cannot parse an attribute alone inside `#if`: blank UniFFI's
  // `#if swift(>=5.8) @_documentation(visibility: private) #endif` (keeping line numbers).
  // Nor does it know two forms of a foreign trait's vtable (a `SendObserver`): the
  // `nonisolated(unsafe)` modifier (Swift 5.10) and a closure returning `()`; blank them too.
  const blank = (text) => text.replace(/[^\n]/g, " ");
  const source = fs
    .readFileSync(file, "utf8")
    .replace(/#if swift\(>=5\.8\)\n[ \t]*@_documentation\(visibility: private\)\n#endif\n/g, blank)
    .replace(/\bnonisolated\(unsafe\)(?= static let)/g, blank)
    .replace(/(?<=let writeReturn = \{ )\(\)(?= \})/g, blank);
  const errors = [];
  (function walk(node) {
    if (node.type === "ERROR" || node.isMissing) errors.push(node);
    else if (node.hasError) node.children.forEach(walk);
  })(parser.parse(source, null, { bufferSize: 1 << 24 }).rootNode);
  for (const e of errors.slice(0, 10)) {
    const at = `${file}:${e.startPosition.row + 1}:${e.startPosition.column + 1}`;
    console.error(`${at}: syntax error near ${JSON.stringify(e.text.slice(0, 60))}`);
  }
  failed ||= errors.length > 0;
}
process.exit(failed ? 1 : 0);
JS
# The check must be able to fail: a broken copy has to be rejected first.
sed -E 's/^(public struct ClientOptions[^{]*\{)$/\1{/' "${files[Chatlane.swift]}" > "$out/Broken.swift"
if node "$tools/parse.js" "$out/Broken.swift" 2>/dev/null; then
  echo "FAIL: the Swift syntax check accepted a broken file" >&2
  exit 1
fi
node "$tools/parse.js" "${files[Chatlane.swift]}" "${files[ChatlaneModel.swift]}" "$pkg/Sources/Chatlane/Cancellation.swift" \
  "$pkg/Package.swift"
echo "ok: Chatlane.swift, ChatlaneModel.swift, Cancellation.swift and Package.swift parse"
