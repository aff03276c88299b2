#!/usr/bin/env python3
"""Generates chatlane's TypeScript model (messages and received events) from the core's JSON Schema.

    python3 scripts/codegen/typescript.py schema/chatlane.schema.json > bindings/node/model.d.ts

(`scripts/codegen.sh` runs it.) The types describe the plain objects `Client.send` and
`Client.sendMass` take and the webhook parsers return, which are the core's serde JSON shape:

- object types become interfaces; a property the core may leave out is optional (`key?: T`,
  never `| null`: null means the same as absent, so the types offer one way to say it);
- string enums become unions of string literals;
- string enums with variants carrying a value (`DeliveryStatus`: `'sent'` or
  `{other: 'queued'}`) become unions of the literals and one interface per such variant;
- tagged unions (`Content` on `messageType`, `Interactive` and `Header` on `type`, `Event` on
  `event`, `InboundContent` on `type`) become discriminated unions of one interface per
  variant, named after its tag, since schemars leaves the variants anonymous; a variant that
  refers to a named type has that type's properties (the type is not declared apart when
  only variants refer to it); a variant that is itself a tagged union (`Content`'s
  `interactive`) is its tag intersected with that union;
- free-form objects become `Record<string, unknown>`, string maps `Record<string, string>`,
  integers and floats `number`.

Every type and property carries its description from the Rust docs as TSDoc. Standard
library only; the output depends on nothing but the schema.
"""

from __future__ import annotations

import json
import re
import sys
from typing import Any

from model_schema import (
    SOURCE,
    absorbed,
    check_unique,
    enum_values,
    is_enum,
    is_open_enum,
    keyed_variants,
    load,
    member_schema,
    pascal,
    ref_name,
    tags,
    unsupported,
    variant_name,
    without_null,
)

LINE_LENGTH = 100

# How the anonymous variants of each union are named ({Tag}: the tag value in PascalCase).
VARIANT_NAMES = {
    "Content": "{Tag}Content",
    "Interactive": "Interactive{Tag}",
    "Header": "{Tag}Header",
    "Event": "{Tag}Event",
    "InboundContent": "Inbound{Tag}",
}

SCALARS = {"string": "string", "integer": "number", "number": "number", "boolean": "boolean"}
IDENTIFIER = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")


def literal(value: Any) -> str:
    """A JSON value as a TypeScript literal (strings in single quotes)."""
    if isinstance(value, str):
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
    return json.dumps(value, ensure_ascii=False)


def tag_of(variant: dict[str, Any]) -> tuple[str, str]:
    """The one constant property (key, value) that tags a union variant."""
    found = tags(variant)
    if len(found) != 1:
        raise unsupported("union variant without exactly one tag", variant)
    return found[0]


def doc_comment(text: str, indent: str = "", default: Any = None) -> list[str]:
    """`text` (Markdown from the Rust docs) as TSDoc lines at `indent`."""
    lines = text.replace("*/", "*\\/").split("\n") if text else []
    if default is not None and default != []:
        lines += ["", f"@defaultValue {literal(default)}"] if lines else [f"@defaultValue {literal(default)}"]
    if not lines:
        return []
    if len(lines) == 1 and len(indent) + len(lines[0]) + 7 <= LINE_LENGTH:
        return [f"{indent}/** {lines[0]} */"]
    return [f"{indent}/**", *(f"{indent} * {line}".rstrip() for line in lines), f"{indent} */"]


def union_type(name: str, members: list[str]) -> str:
    """`export type name = A | B | …` on one line, or one member per line if too long."""
    line = f"export type {name} = {' | '.join(members)}"
    if len(line) <= LINE_LENGTH:
        return line
    return f"export type {name} =\n" + "\n".join(f"  | {member}" for member in members)


class Generator:
    """Renders the schema's `$defs` as TypeScript declarations, in definition order."""

    def __init__(self, schema: dict[str, Any]) -> None:
        self.defs: dict[str, Any] = schema["$defs"]

    def render(self) -> str:
        inlined = absorbed(self.defs)
        blocks = [
            block
            for name, schema in self.defs.items()
            if name not in inlined
            for block in self.definition(name, schema)
        ]
        check_unique(re.findall(r"^export (?:interface|type) (\w+)", "\n".join(blocks), re.MULTILINE))
        return HEADER.format(source=SOURCE) + "\n\n".join(blocks) + "\n"

    def definition(self, name: str, schema: dict[str, Any]) -> list[str]:
        """The declarations of one named schema: one block, or a union after its variants."""
        description = schema.get("description", "")
        if is_enum(schema):
            return [self.enum(name, schema)]
        if is_open_enum(schema):
            return self.open_enum(name, schema)
        if "oneOf" in schema:
            return self.union(name, schema, description)
        if "properties" in schema:
            return [self.interface(name, schema, description)]
        if schema.get("type") == "object":
            return ["\n".join([*doc_comment(description), f"export type {name} = {self.type_of(schema)[0]}"])]
        raise unsupported(f"definition {name}", schema)

    def enum(self, name: str, schema: dict[str, Any]) -> str:
        """A string enum: a union of its literals, each value explained in the type's doc."""
        values = enum_values(schema)
        listing = [f"- `{literal(value)}`: " + doc.replace("\n", "\n  ") for value, doc in values]
        doc = doc_comment("\n".join([schema.get("description", ""), "", *listing]).strip("\n"))
        return "\n".join([*doc, union_type(name, [literal(value) for value, _ in values])])

    def open_enum(self, name: str, schema: dict[str, Any]) -> list[str]:
        """A string enum with variants carrying a value: an interface per such variant, then
        the union of the literals and those interfaces."""
        keyed = keyed_variants(name, schema)
        blocks = [self.interface(cls, variant, variant["description"]) for cls, _, variant in keyed]
        values = enum_values(schema)
        listing = [f"- `{literal(value)}`: " + doc.replace("\n", "\n  ") for value, doc in values]
        listing += [f"- {{@link {cls}}}: " + variant["description"].replace("\n", "\n  ") for cls, _, variant in keyed]
        doc = doc_comment("\n".join([schema.get("description", ""), "", *listing]).strip("\n"))
        members = [literal(value) for value, _ in values] + [cls for cls, _, _ in keyed]
        return [*blocks, "\n".join([*doc, union_type(name, members)])]

    def union(self, name: str, schema: dict[str, Any], description: str) -> list[str]:
        """A tagged union: one declaration per variant, then the union of them."""
        if name not in VARIANT_NAMES:
            raise SystemExit(f"typescript.py: add a naming rule for the variants of {name} to VARIANT_NAMES")
        blocks: list[str] = []
        members: list[str] = []
        keys = set()
        for variant in schema["oneOf"]:
            key, value = tag_of(variant)
            keys.add(key)
            member = variant_name(VARIANT_NAMES[name], value)
            variant = member_schema(self.defs, schema, variant, member)
            variant_doc = variant.get("description", "")
            if "oneOf" in variant:
                inner = pascal(value)
                blocks += self.union(inner, variant, f"The variants of a `{name}` with `{key}: {literal(value)}`.")
                tag = f"{{ {self.property(key, variant['properties'][key], key in variant.get('required', ()))} }}"
                blocks.append("\n".join([*doc_comment(variant_doc), f"export type {member} = {tag} & {inner}"]))
            else:
                blocks.append(self.interface(member, variant, variant_doc))
            members.append(member)
        if len(keys) != 1:
            raise unsupported(f"union {name} tagged by several keys", schema)
        discriminant = f"Discriminated by `{keys.pop()}`."
        doc = doc_comment(f"{description}\n\n{discriminant}" if description else discriminant)
        blocks.append("\n".join([*doc, union_type(name, members)]))
        return blocks

    def interface(self, name: str, schema: dict[str, Any], description: str) -> str:
        """An object type: an interface with one documented property per JSON key."""
        required = set(schema.get("required", ()))
        lines = [*doc_comment(description), f"export interface {name} {{"]
        for key, prop in schema["properties"].items():
            lines += doc_comment(self.property_doc(prop, key in required), "  ", prop.get("default"))
            lines.append(f"  {self.property(key, prop, key in required)}")
        return "\n".join([*lines, "}"])

    @staticmethod
    def property_doc(schema: dict[str, Any], required: bool) -> str:
        """A property's description: its own, or for a tag what it always holds."""
        if "const" in schema:
            value = literal(schema["const"])
            return f"The tag: always `{value}`." if required else f"The tag, always `{value}`; may be left out."
        aliases = "".join(f"\n\nAlso read as `{alias}`." for alias in schema.get("x-aliases", ()))
        return schema.get("description", "") + aliases

    def property(self, key: str, schema: dict[str, Any], required: bool) -> str:
        """`key: T`, or `key?: T` for a property the core may leave out."""
        name = key if IDENTIFIER.fullmatch(key) else literal(key)
        ts_type, nullable = self.type_of(schema)
        if required:
            return f"{name}: {ts_type} | null" if nullable else f"{name}: {ts_type}"
        return f"{name}?: {ts_type}"

    def type_of(self, schema: dict[str, Any]) -> tuple[str, bool]:
        """The TypeScript type of a property's schema, and whether it may be null."""
        schema, nullable = without_null(schema)
        if nullable:
            return self.type_of(schema)[0], True
        if "$ref" in schema:
            return ref_name(schema["$ref"]), False
        if "const" in schema:
            return literal(schema["const"]), False
        kind = schema.get("type")
        if kind == "array":
            item = self.type_of(schema["items"])[0]
            return (f"Array<{item}>" if " " in item else f"{item}[]"), False
        if kind == "object" and "properties" not in schema:
            values = schema.get("additionalProperties", True)
            return f"Record<string, {'unknown' if values is True else self.type_of(values)[0]}>", False
        if kind in SCALARS:
            return SCALARS[kind], False
        raise unsupported("property type", schema)


HEADER = """\
// generated by scripts/codegen/typescript.py from {source}: do not edit

/**
 * The model: the plain objects `Client.send` and `Client.sendMass` take and the events
 * `parseCamsPush` and `parseMetaWebhook` return, in the JSON shape of chatlane's core (the
 * same in every language).
 *
 * @packageDocumentation
 */

"""


if __name__ == "__main__":
    sys.stdout.write(Generator(load()).render())
