#!/usr/bin/env python3
"""Rewrites the generated regions of a hand-written declaration file from what the core says
crosses the binding edge (`cargo run -p chatlane-core --example edge`):

    python3 scripts/codegen/edge.py EDGE.json python bindings/python/python/chatlane/_chatlane.pyi
    python3 scripts/codegen/edge.py EDGE.json typescript bindings/node/index.d.ts

prints the file with every region between a `generated <what>` line and its
`end of generated <what>` line written anew, where `<what>` is
- `client options` / `send options`: the options' names and types (Python: keyword
  parameters; TypeScript: interface properties with their documentation);
- `error classes`: one exception class per error category, with its documentation;
- `error codes` / `error categories` (TypeScript): the string unions.
`scripts/codegen.sh` runs it. Standard library only.
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
    "token": "AccessToken | str | None = None",
    "duration": "float | None = None",
    "rate": "float | None = None",
    "count": "int | None = None",
    "flag": "bool = False",
}
TYPESCRIPT_TYPES = {"text": "string", "token": "AccessToken | string", "duration": "number", "rate": "number", "count": "number", "flag": "boolean"}
REGION = re.compile(
    r"^(?P<indent>[ \t]*)(?P<comment>#|//) generated (?P<what>client options|send options|error classes|error codes"
    r"|error categories)[^\n]*\n"
    r".*?"
    r"^[ \t]*(?P=comment) end of generated (?P=what)\n",
    re.MULTILINE | re.DOTALL,
)


def python(options: list[dict[str, Any]], indent: str) -> list[str]:
    return [f"{indent}{option['name']}: {PYTHON_TYPES[option['kind']]}," for option in options]


def typescript(options: list[dict[str, Any]], indent: str) -> list[str]:
    lines = []
    for option in options:
        lines += doc_comment(option["doc"], indent)
        lines.append(f"{indent}{option['name']}?: {TYPESCRIPT_TYPES[option['kind']]} | null")
    return lines


def python_doc(text: str) -> str:
    """Markdown `code` as reST ``code``, as the stubs write it."""
    return re.sub(r"`([^`]+)`", r"``\1``", text)


def python_classes(categories: list[dict[str, Any]], indent: str) -> list[str]:
    lines: list[str] = []
    for category in categories:
        doc = textwrap.wrap(python_doc(category["doc"]), LINE_LENGTH - len(indent) - 10, break_on_hyphens=False)
        body = f'{indent}    """{doc[0]}' + ("" if len(doc) > 1 else '"""')
        lines += [f"{indent}class {category['class']}(ChatlaneError):", body]
        lines += [f"{indent}    {line}" for line in doc[1:-1]]
        if len(doc) > 1:
            lines.append(f'{indent}    {doc[-1]}"""')
        lines.append("")
    return lines[:-1]


def doc_comment(text: str, indent: str) -> list[str]:
    doc = text.replace("*/", "*\\/")
    if len(indent) + len(doc) + 7 <= LINE_LENGTH:
        return [f"{indent}/** {doc} */"]
    wrapped = textwrap.wrap(doc, LINE_LENGTH - len(indent) - 3, break_on_hyphens=False)
    return [f"{indent}/**", *(f"{indent} * {line}" for line in wrapped), f"{indent} */"]


def typescript_classes(categories: list[dict[str, Any]], indent: str) -> list[str]:
    lines: list[str] = []
    for category in categories:
        lines += doc_comment(category["doc"], indent)
        lines += [
            f"{indent}export declare class {category['class']} extends ChatlaneError {{",
            f"{indent}  static readonly category: '{category['name']}'",
            f"{indent}  readonly category: '{category['name']}'",
            f"{indent}}}",
        ]
    return lines


def union(values: list[str], indent: str) -> list[str]:
    return [f"{indent}| '{value}'" for value in values]


def main() -> None:
    table_path, language, target = sys.argv[1:4]
    edge = json.loads(open(table_path, encoding="utf-8").read())
    source = open(target, encoding="utf-8").read()
    dialect = {"python": "python", "typescript": "javascript"}[language]
    render_options = {"python": python, "typescript": typescript}[language]
    renderers = {
        "client options": lambda indent: render_options(edge[dialect]["client"], indent),
        "send options": lambda indent: render_options(edge[dialect]["send"], indent),
        "error classes": lambda indent: {"python": python_classes, "typescript": typescript_classes}[language](
            edge["categories"], indent
        ),
        "error codes": lambda indent: union(edge["codes"], indent),
        "error categories": lambda indent: union([c["name"] for c in edge["categories"]], indent),
    }

    def rewrite(region: re.Match[str]) -> str:
        indent, comment, what = region["indent"], region["comment"], region["what"]
        head = f"{indent}{comment} generated {what}, from the core (scripts/codegen.sh)"
        tail = f"{indent}{comment} end of generated {what}"
        return "\n".join([head, *renderers[what](indent), tail]) + "\n"

    rewritten, regions = REGION.subn(rewrite, source)
    if regions == 0:
        sys.exit(f"{target}: no generated regions")
    sys.stdout.write(rewritten)


if __name__ == "__main__":
    main()
