"""What the Python and TypeScript generators share: reading chatlane's model schema.

The schema is `schema/chatlane.schema.json`, which schemars writes from the core model
(`core/examples/schema.rs`). These helpers name its anonymous union variants, find their
tags, and unwrap the `T or null` forms schemars uses for optional fields.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

SOURCE = "schema/chatlane.schema.json"

# schemars inlines the variants of a tagged enum without their Rust names, so each generator
# names them from a pattern per union ({Tag}: the tag value in PascalCase), shortened here
# where the tag value is wordy.
RENAMED = {"InteractiveCatalogMessage": "InteractiveCatalog"}


def load() -> dict[str, Any]:
    """The schema named on the command line (`generator SCHEMA.json > output`)."""
    if len(sys.argv) != 2:
        raise SystemExit(f"usage: {sys.argv[0]} SCHEMA.json > OUTPUT")
    with open(sys.argv[1], encoding="utf-8") as source:
        return json.load(source)


def unsupported(what: str, schema: Any) -> SystemExit:
    """The error for a schema construct the generators do not handle."""
    return SystemExit(f"{Path(sys.argv[0]).name}: unsupported {what}: {json.dumps(schema)[:200]}")


def pascal(value: str) -> str:
    """`text_image` to `TextImage`."""
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^A-Za-z0-9]+", value))


def variant_name(pattern: str, tag_value: str) -> str:
    """The name of the union variant tagged `tag_value`, from the union's naming `pattern`."""
    name = pattern.format(Tag=pascal(tag_value))
    return RENAMED.get(name, name)


def is_enum(schema: dict[str, Any]) -> bool:
    """Whether `schema` is a string enum: a `oneOf` of string constants."""
    return "oneOf" in schema and all(option.get("type") == "string" and "const" in option for option in schema["oneOf"])


def tags(schema: dict[str, Any]) -> list[tuple[str, str]]:
    """The object's constant properties (its tags), in order."""
    return [(key, prop["const"]) for key, prop in schema.get("properties", {}).items() if "const" in prop]


def without_null(schema: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """The schema of the value itself, and whether it may also be null (`anyOf [T, null]`
    or `"type": [T, "null"]`)."""
    if "anyOf" in schema:
        options = [option for option in schema["anyOf"] if option != {"type": "null"}]
        if len(options) != 1 or len(schema["anyOf"]) != 2:
            raise unsupported("anyOf other than `T or null`", schema)
        return options[0], True
    kind = schema.get("type")
    if isinstance(kind, list):
        kinds = [k for k in kind if k != "null"]
        if len(kinds) != 1:
            raise unsupported("type list other than `T or null`", schema)
        return {**schema, "type": kinds[0]}, "null" in kind
    return schema, False
