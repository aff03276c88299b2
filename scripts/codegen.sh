#!/usr/bin/env bash
# Regenerates (or checks) everything derived from the core message model:
#   schema/chatlane.schema.json                  JSON Schema (core/examples/schema.rs)
#   bindings-python/python/chatlane/_model.py    Python dataclasses (scripts/codegen/python.py)
#   bindings-node/model.d.ts                     TypeScript types (scripts/codegen/typescript.py)
# and, from what the core says crosses the binding edge (core/examples/edge.rs: options, error
# categories and codes), the regions between `generated …` markers in
# bindings-python/python/chatlane/_chatlane.pyi and bindings-node/index.d.ts (scripts/codegen/edge.py).
# Kotlin and Swift get the model from UniFFI itself (scripts/check-swift.sh, the Kotlin build).
#
#   scripts/codegen.sh           regenerate in place
#   scripts/codegen.sh --check   non-zero with a diff when a committed file is stale
set -euo pipefail
cd "$(dirname "$0")/.."

check=false
case "${1:-}" in
  "") ;;
  --check) check=true ;;
  *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
cargo run --quiet --locked -p chatlane-core --features schema --example schema > "$out/schema.json"

declare -A generated=([schema/chatlane.schema.json]="$out/schema.json")
if [[ -f scripts/codegen/python.py ]]; then
  python3 scripts/codegen/python.py "$out/schema.json" > "$out/_model.py"
  generated[bindings-python/python/chatlane/_model.py]="$out/_model.py"
fi
if [[ -f scripts/codegen/typescript.py ]]; then
  python3 scripts/codegen/typescript.py "$out/schema.json" > "$out/model.d.ts"
  generated[bindings-node/model.d.ts]="$out/model.d.ts"
fi
cargo run --quiet --locked -p chatlane-core --example edge > "$out/edge.json"
python3 scripts/codegen/edge.py "$out/edge.json" python bindings-python/python/chatlane/_chatlane.pyi > "$out/_chatlane.pyi"
generated[bindings-python/python/chatlane/_chatlane.pyi]="$out/_chatlane.pyi"
python3 scripts/codegen/edge.py "$out/edge.json" typescript bindings-node/index.d.ts > "$out/index.d.ts"
generated[bindings-node/index.d.ts]="$out/index.d.ts"

stale=0
for target in "${!generated[@]}"; do
  if $check; then
    if ! diff -u --label "$target (committed)" --label "$target (generated)" "$target" "${generated[$target]}"; then
      stale=1
    fi
  else
    cp "${generated[$target]}" "$target"
    echo "wrote $target"
  fi
done
if (( stale )); then
  echo "FAIL: generated files are stale; run scripts/codegen.sh" >&2
  exit 1
fi
$check && echo "ok: ${#generated[@]} generated files are up to date"
exit 0
