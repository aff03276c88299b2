"""What the Python and TypeScript generators share: reading chatlane's model schema.

The schema is `schema/chatlane.schema.json`, which schemars writes from the core model and
its received events (`core/examples/schema.rs`). These helpers name its anonymous union
variants, find their tags, read string enums (with or without a variant that carries a
value), inline the named types a tagged union's variants refer to, and unwrap the
`T or null` forms schemars uses for optional fields.
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


def is_constant(option: dict[str, Any]) -> bool:
    """Whether `option` is one string constant (a unit variant)."""
    return option.get("type") == "string" and "const" in option


def is_keyed(option: dict[str, Any]) -> bool:
    """Whether `option` is an object of exactly one required key (serde's externally tagged
    newtype variant, e.g. `{"other": "queued"}`)."""
    properties = option.get("properties", {})
    return option.get("type") == "object" and len(properties) == 1 and option.get("required") == list(properties)


def is_enum(schema: dict[str, Any]) -> bool:
    """Whether `schema` is a string enum: a `oneOf` of string constants."""
    return "oneOf" in schema and all(is_constant(option) for option in schema["oneOf"])


def is_open_enum(schema: dict[str, Any]) -> bool:
    """Whether `schema` is a string enum with variants carrying a value: a `oneOf` of string
    constants and one-key objects (`"sent" | {"other": "queued"}`)."""
    options = schema.get("oneOf", [])
    return (
        any(map(is_constant, options))
        and any(map(is_keyed, options))
        and all(is_constant(o) or is_keyed(o) for o in options)
    )


def enum_values(schema: dict[str, Any]) -> list[tuple[str, str]]:
    """The (value, description) of each string constant of an enum (open or not)."""
    return [(option["const"], option.get("description", "")) for option in schema["oneOf"] if is_constant(option)]


def keyed_variants(name: str, schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """The (type name, key, object schema) of each variant of an open enum that carries a
    value, named `{Key}{Enum}` (`OtherDeliveryStatus`); the object and its one property both
    take the variant's description."""
    found = []
    for option in schema["oneOf"]:
        if is_keyed(option):
            [(key, value)] = option["properties"].items()
            doc = option.get("description", "")
            properties = {key: {**value, "description": value.get("description", doc)}}
            found.append((pascal(key) + name, key, {**option, "properties": properties, "description": doc}))
    return found


def ref_name(ref: str) -> str:
    """The definition a `$ref` names."""
    return ref.removeprefix("#/$defs/")


def member_schema(defs: dict[str, Any], union: dict[str, Any], member: dict[str, Any], name: str) -> dict[str, Any]:
    """A variant (named `name`) of a tagged `union` as one object schema. A variant that refers
    to a named object type (`$ref`: serde's newtype variant of an internally tagged enum) gets
    that type's properties after its tag, and a description: the type's own when the variant
    is named after the type, else the variant's, followed by the type's when other variants
    share the type (an image and a video are both media)."""
    if "$ref" not in member:
        return member
    target_name = ref_name(member["$ref"])
    target = defs[target_name]
    if "properties" not in target:
        raise unsupported("union variant referring to a type without properties", member)
    own, shared = member.get("description", ""), target.get("description", "")
    if target_name == name or not own:
        description = shared
    elif sum(option.get("$ref") == member["$ref"] for option in union["oneOf"]) > 1 and shared:
        description = f"{own}\n\n{shared}"
    else:
        description = own
    merged = {key: value for key, value in target.items() if key != "description"}
    merged["properties"] = {**member.get("properties", {}), **target["properties"]}
    merged["required"] = [*member.get("required", ()), *target.get("required", ())]
    return {**merged, "description": description} if description else merged


def absorbed(defs: dict[str, Any]) -> set[str]:
    """The definitions referred to only as tagged union variants (`$ref` beside the tag):
    each variant inlines its type (see `member_schema`), so the type is not declared apart."""
    as_variant: set[str] = set()
    elsewhere: set[str] = set()

    def walk(node: Any, variant: bool = False) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            if "$ref" in node:
                (as_variant if variant else elsewhere).add(ref_name(node["$ref"]))
            for key, value in node.items():
                if key == "oneOf":
                    for option in value:
                        walk(option, variant=bool(tags(option)))
                else:
                    walk(value)

    walk(defs)
    return as_variant - elsewhere


def check_unique(names: list[str]) -> None:
    """Stops when two generated types would share a name."""
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise SystemExit(f"{Path(sys.argv[0]).name}: two types are named {name}: add a naming rule")
        seen.add(name)


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
