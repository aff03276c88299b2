#!/usr/bin/env python3
"""Writes the one version of chatlane into a package manifest that cannot read it itself:

    python3 scripts/codegen/version.py FILE
    python3 scripts/codegen/version.py --workspace [FIELD]   # prints the version (or FIELD)

prints FILE with its version set to `[workspace.package] version` of the root `Cargo.toml`,
the single source (the Python wheel takes it from there through maturin):
- `package.json` (the npm package and its platform packages under `bindings/node/npm/`): the
  package's `version`, and every `optionalDependencies` entry on a platform package, which
  must be the same build;
- `pom.xml`: the project's own `<version>` (the one after its `<artifactId>`).

`scripts/codegen.sh` runs it over every manifest, and `--check` fails when one differs.
Standard library only.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def workspace_field(field: str = "version") -> str:
    """A string field of `[workspace.package]`: by default the version every package carries."""
    # A regular expression, not tomllib: the scripts run on Python 3.10 too.
    cargo = (ROOT / "Cargo.toml").read_text(encoding="utf-8")
    found = re.search(rf'^\[workspace\.package\]$[^\[]*?^{re.escape(field)} = "([^"]+)"$', cargo, re.M)
    if found is None:
        raise SystemExit(f"Cargo.toml: no {field} in [workspace.package]")
    return found.group(1)


def package_json(text: str, version: str) -> str:
    """A package.json with `version` and its platform packages' versions set."""
    manifest = json.loads(text)
    manifest["version"] = version
    name = manifest["name"]
    if "napi" in manifest:
        # The main package: one optional dependency per declared platform package.
        platforms = sorted(p.name for p in (ROOT / "bindings/node/npm").iterdir() if p.is_dir())
        manifest["optionalDependencies"] = {f"{name}-{p}": version for p in platforms}
    return json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"


def pom_xml(text: str, version: str) -> str:
    """A pom.xml with the project's own version set (not its dependencies' or plugins')."""
    pattern = re.compile(r"(</artifactId>\s*<version>)[^<]*(</version>)")
    first = pattern.search(text)
    if first is None:
        raise SystemExit("pom.xml: no <version> after the project's <artifactId>")
    return text[: first.start()] + first.group(1) + version + first.group(2) + text[first.end() :]


def main() -> None:
    if sys.argv[1] == "--workspace":
        print(workspace_field(*sys.argv[2:3]))
        return
    version = workspace_field()
    path = Path(sys.argv[1])
    text = path.read_text(encoding="utf-8")
    if path.name == "package.json":
        sys.stdout.write(package_json(text, version))
    elif path.name == "pom.xml":
        sys.stdout.write(pom_xml(text, version))
    else:
        raise SystemExit(f"{path}: not a manifest this script knows (package.json, pom.xml)")


if __name__ == "__main__":
    main()
