#!/usr/bin/env python3
"""Rewrites the generated regions of a hand-written declaration file from the core's option
table (`cargo run -p chatlane-core --example options`):

    python3 scripts/codegen/options.py OPTIONS.json python bindings-python/python/chatlane/_chatlane.pyi
    python3 scripts/codegen/options.py OPTIONS.json typescript bindings-node/index.d.ts

prints the file with every region between a `generated <set> options` line and its
`end of generated <set> options` line (`<set>`: `client` or `send`) written anew: the
options' names and types (Python: keyword parameters; TypeScript: interface properties
with their documentation). `scripts/codegen.sh` runs it. Standard library only.
"""

from __future__ import annotations

import json
import re
import sys
import textwrap
from typing import Any

LINE_LENGTH = 100
PYTHON_TYPES = {
    "text": "str | None = None",
    "duration": "float | None = None",
    "rate": "float | None = None",
    "count": "int | None = None",
    "flag": "bool = False",
}
TYPESCRIPT_TYPES = {"text": "string", "duration": "number", "rate": "number", "count": "number", "flag": "boolean"}
REGION = re.compile(
    r"^(?P<indent>[ \t]*)(?P<comment>#|//) generated (?P<set>client|send) options[^\n]*\n"
    r".*?"
    r"^[ \t]*(?P=comment) end of generated (?P=set) options\n",
    re.MULTILINE | re.DOTALL,
)


def python(options: list[dict[str, Any]], indent: str) -> list[str]:
    return [f"{indent}{option['name']}: {PYTHON_TYPES[option['kind']]}," for option in options]


def typescript(options: list[dict[str, Any]], indent: str) -> list[str]:
    lines = []
    for option in options:
        doc = option["doc"].replace("*/", "*\\/")
        if len(indent) + len(doc) + 7 <= LINE_LENGTH:
            lines.append(f"{indent}/** {doc} */")
        else:
            wrapped = textwrap.wrap(doc, LINE_LENGTH - len(indent) - 3, break_on_hyphens=False)
            lines += [f"{indent}/**", *(f"{indent} * {line}" for line in wrapped), f"{indent} */"]
        lines.append(f"{indent}{option['name']}?: {TYPESCRIPT_TYPES[option['kind']]} | null")
    return lines


def main() -> None:
    table_path, language, target = sys.argv[1:4]
    table = json.loads(open(table_path, encoding="utf-8").read())
    dialect, render = {"python": ("python", python), "typescript": ("javascript", typescript)}[language]
    source = open(target, encoding="utf-8").read()

    def rewrite(region: re.Match[str]) -> str:
        indent, comment, options = region["indent"], region["comment"], table[dialect][region["set"]]
        head = f"{indent}{comment} generated {region['set']} options, from the core's option table (scripts/codegen.sh)"
        tail = f"{indent}{comment} end of generated {region['set']} options"
        return "\n".join([head, *render(options, indent), tail]) + "\n"

    rewritten, regions = REGION.subn(rewrite, source)
    if regions == 0:
        sys.exit(f"{target}: no generated option regions")
    sys.stdout.write(rewritten)


if __name__ == "__main__":
    main()
