#!/usr/bin/env python3
"""Generates chatlane's Python model (messages and received events) from the core's JSON Schema.

    python3 scripts/codegen/python.py schema/chatlane.schema.json > bindings/python/python/chatlane/_model.py

(`scripts/codegen.sh` runs it.) Every object type becomes a frozen class with `__slots__` and
a keyword-only `__init__` (written out rather than made by `dataclasses`, which costs
milliseconds per class at import) whose `to_dict` writes the core's exact JSON shape and whose `from_dict` reads it back,
strictly, naming the path of a wrong field; string enums become `Literal` aliases; tagged
unions become `Union` aliases of classes that know their own tags; a string enum with a
variant carrying a value (`DeliveryStatus`: `"sent"` or `{"other": "queued"}`) becomes the
`Union` of a `Literal` and one class per such variant. The types the core hands over already
checked (`TRUSTED_ROOTS` and what they contain) are described in `_SHAPES`, from which the
native layer builds them without checking them again, and the received events carry a hidden
slot for the core value they were built from. Standard library only; the output depends on
nothing but the schema.
"""

from __future__ import annotations

import json
import keyword
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
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
    ref_name,
    tags,
    unsupported,
    variant_name,
    without_null,
)

LINE_LENGTH = 120

# The types whose JSON the core writes and the binding builds natively (the received events
# and the operations' answers): they and every type they contain get a shape in `_SHAPES`.
TRUSTED_ROOTS = (
    "Event",
    "HistoryPage",
    "TemplatePage",
    "TemplateDetail",
    "PhoneNumber",
    "SavedTemplate",
    "UploadedMedia",
    "MediaInfo",
)

# The unions whose members go back to the core (`Receiver.commit`, `dedup_key`): they derive
# from `_Received`, whose hidden slot holds the core value the native layer built them from.
RECEIVED_ROOTS = ("Event",)

# How the anonymous members of each union are named ({Tag}: the tag value in PascalCase).
MEMBER_NAMES = {
    "Content": "{Tag}",
    "Interactive": "Interactive{Tag}",
    "Header": "{Tag}Header",
    "Event": "{Tag}Event",
    "InboundContent": "Inbound{Tag}",
}


@dataclass(frozen=True)
class PyType:
    """How one JSON value is typed, read and written in Python."""

    annotation: str
    reader: str  # an expression: a `(value, path) -> annotation` function
    plain: bool  # written as is (strings, numbers, enum values); else through `_dump`
    collection: str | None = None  # "list" or "dict": empty when absent
    shape: str = "None"  # how the native layer builds it from valid JSON (see SHAPES_HEADER)


@dataclass(frozen=True)
class Field:
    """One property of an object type."""

    key: str
    type: PyType
    doc: str
    presence: str  # "required", "optional" (None when absent), "default", "empty" or "flag" (False when absent)
    default: Any = None  # the schema's default, for presence "default"; False for "flag"
    aliases: tuple[str, ...] = ()  # other keys accepted on input (serde `alias`, `x-aliases`)

    @property
    def name(self) -> str:
        """The Python attribute: the key in snake_case, `_`-suffixed if it is a keyword."""
        name = snake(self.key)
        return f"{name}_" if keyword.iskeyword(name) else name


@dataclass(frozen=True)
class Model:
    """An object type: a frozen class."""

    name: str
    doc: str
    tags: tuple[tuple[str, str], ...]  # constant (key, value) pairs, written first
    tags_required: bool  # false for serde struct tags, which input may leave out
    fields: tuple[Field, ...]


@dataclass(frozen=True)
class Enum:
    """A string enum: a `Literal` alias."""

    name: str
    doc: str
    values: tuple[tuple[str, str], ...]  # (value, doc)


@dataclass(frozen=True)
class OpenEnum:
    """A string enum with variants carrying a value: a `Union` of a `Literal` and one class
    per such variant (an object of one key)."""

    name: str
    doc: str
    values: tuple[tuple[str, str], ...]  # (value, doc)
    keyed: tuple[tuple[str, Model], ...]  # (key, class)


@dataclass(frozen=True)
class TaggedUnion:
    """A union tagged by `tag`: a `Union` alias of its members, keyed by tag value."""

    name: str
    doc: str
    tag: str
    members: tuple[tuple[str, Model | TaggedUnion], ...]


EMPTY = {"list": "[]", "dict": "{}"}
SCALARS = {
    "string": PyType("str", "_str", plain=True),
    "integer": PyType("int", "_int", plain=True),
    "number": PyType("float", "_float", plain=True, shape="float"),
    "boolean": PyType("bool", "_bool", plain=True),
}
FLAG = SCALARS["boolean"]
Item = Model | Enum | OpenEnum | TaggedUnion


def snake(name: str) -> str:
    """`camelCase` to `snake_case`."""
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


class SchemaReader:
    """Turns the schema's `$defs` into models, enums and unions, in definition order."""

    def __init__(self, schema: dict[str, Any]) -> None:
        self.defs: dict[str, Any] = schema["$defs"]

    def items(self) -> list[Item]:
        """Every named type; maps are left out (their type is written inline), and so are the
        types only tagged union members refer to (each member has their fields)."""
        found: list[Item] = []
        inlined = absorbed(self.defs)
        for name, schema in self.defs.items():
            if name in inlined:
                continue
            if is_enum(schema):
                found.append(Enum(name, schema.get("description", ""), tuple(enum_values(schema))))
            elif is_open_enum(schema):
                keyed = tuple((key, self.model(cls, variant, ())) for cls, key, variant in keyed_variants(name, schema))
                found.append(OpenEnum(name, schema.get("description", ""), tuple(enum_values(schema)), keyed))
            elif "oneOf" in schema:
                found.append(self.union(name, schema, ()))
            elif "properties" in schema:
                found.append(self.model(name, schema, ()))
        return found

    def union(self, name: str, schema: dict[str, Any], outer: tuple[tuple[str, str], ...]) -> TaggedUnion:
        """A `oneOf` of tagged objects; a member that is itself a `oneOf` (serde's newtype
        variant holding a tagged enum) is a nested union whose members carry both tags."""
        if name not in MEMBER_NAMES:
            raise SystemExit(f"python.py: add a naming rule for the members of {name} to MEMBER_NAMES")
        members: list[tuple[str, Model | TaggedUnion]] = []
        keys = set()
        for item in schema["oneOf"]:
            (key, value), *others = tags(item)
            if others:
                raise unsupported("union member with several tags", item)
            keys.add(key)
            member = variant_name(MEMBER_NAMES[name], value)
            if "oneOf" in item:
                members.append((value, self.union(member, item, (*outer, (key, value)))))
            else:
                members.append((value, self.model(member, member_schema(self.defs, schema, item, member), outer)))
        if len(keys) != 1:
            raise unsupported("union tagged by several keys", schema)
        return TaggedUnion(name, schema.get("description", ""), keys.pop(), tuple(members))

    def model(self, name: str, schema: dict[str, Any], outer: tuple[tuple[str, str], ...]) -> Model:
        """An object type, with the `outer` tags of the unions it is nested in."""
        required = set(schema.get("required", ()))
        own = tags(schema)
        tagged_required = {key in required for key, _ in own}
        if len(tagged_required) > 1:
            raise unsupported("object with required and optional tags", schema)
        fields = tuple(
            self.field(key, prop, key in required) for key, prop in schema["properties"].items() if "const" not in prop
        )
        return Model(name, schema.get("description", ""), (*outer, *own), tagged_required != {False}, fields)

    def field(self, key: str, schema: dict[str, Any], required: bool) -> Field:
        py_type, nullable = self.resolve(schema)
        doc, aliases = schema.get("description", ""), tuple(schema.get("x-aliases", ()))
        if required:
            return Field(key, py_type, doc, "required", aliases=aliases)
        if nullable:
            return Field(key, py_type, doc, "optional", aliases=aliases)
        if "default" in schema and isinstance(schema["default"], (str, list, dict)):  # JSON that is Python too
            return Field(key, py_type, doc, "default", schema["default"], aliases)
        if py_type.collection:
            return Field(key, py_type, doc, "empty", aliases=aliases)
        if py_type == FLAG:
            return Field(key, py_type, doc, "flag", False, aliases)
        raise unsupported(f"optional field {key} that is neither nullable nor defaulted", schema)

    def resolve(self, schema: dict[str, Any]) -> tuple[PyType, bool]:
        """The Python type of a property's schema, and whether it may be null."""
        schema, nullable = without_null(schema)
        if nullable:
            return self.resolve(schema)[0], True
        if "$ref" in schema:
            return self.named(schema["$ref"].removeprefix("#/$defs/")), False
        kind = schema.get("type")
        if kind == "array":
            item = self.resolve(schema["items"])[0]
            shape = container_shape("list", item)
            return PyType(f"list[{item.annotation}]", f"_list({item.reader})", False, "list", shape), False
        if kind == "object" and "properties" not in schema:
            values = schema.get("additionalProperties")
            if values is True:
                return PyType("dict[str, Any]", "_json_object", False, "dict"), False
            value = self.resolve(values)[0]
            shape = container_shape("map", value)
            return PyType(f"dict[str, {value.annotation}]", f"_map({value.reader})", False, "dict", shape), False
        if kind in SCALARS:
            return SCALARS[kind], False
        raise unsupported("property type", schema)

    def named(self, name: str) -> PyType:
        """The type of a `$ref`: the class, the alias, or (for maps) the map type inline."""
        schema = self.defs[name]
        if is_enum(schema):
            return PyType(name, f"_read_{snake(name)}", plain=True)
        if "oneOf" in schema:  # a tagged union or an open enum
            return PyType(name, f"_read_{snake(name)}", plain=False, shape=union_shape(name))
        if "properties" in schema:
            return PyType(name, f"{name}._parse", plain=False, shape=name)
        return self.resolve(schema)[0]


def container_shape(kind: str, item: PyType) -> str:
    """The shape of a list or map of `item`: the JSON as is when its items are."""
    return "None" if item.shape == "None" else f"({json.dumps(kind)}, {item.shape})"


def union_shape(name: str) -> str:
    """The constant holding the shape of the union or open enum `name`."""
    return f"_{snake(name).upper()}_SHAPE"


# Rendering.


def docstring(text: str, indent: str) -> str:
    """`text` (Markdown from the Rust docs) as a docstring at `indent`."""
    text = re.sub(r"`([^`]+)`", r"``\1``", text).replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    if text.endswith('"'):
        text = text[:-1] + '\\"'
    lines = text.split("\n")
    body = "\n".join([lines[0], *(f"{indent}{line}" if line else "" for line in lines[1:])])
    return f'{indent}"""{body}"""'


def bracketed(head: str, items: list[str], tail: str, indent: str = "") -> str:
    """`head` + items joined by commas + `tail` on one line, or one item per line if too long."""
    line = f"{indent}{head}{', '.join(items)}{tail}"
    if len(line) <= LINE_LENGTH:
        return line
    inner = "".join(f"{indent}    {item},\n" for item in items)
    return f"{indent}{head}\n{inner}{indent}{tail}"


def render_enum(enum: Enum) -> str:
    values = [json.dumps(value) for value, _ in enum.values]
    listing = "".join(f"* `{json.dumps(value)}`: {doc}\n" for value, doc in enum.values)
    return bracketed(f"{enum.name} = Literal[", values, "]") + "\n" + docstring(f"{enum.doc}\n\n{listing}", "")


def render_open_enum(enum: OpenEnum) -> str:
    values = [json.dumps(value) for value, _ in enum.values]
    listing = "".join(f"* `{json.dumps(value)}`: {doc}\n" for value, doc in enum.values)
    listing += "".join(f"* `{model.name}`: {model.doc}\n" for _, model in enum.keyed)
    members = [bracketed("Literal[", values, "]"), *(model.name for _, model in enum.keyed)]
    return bracketed(f"{enum.name} = Union[", members, "]") + "\n" + docstring(f"{enum.doc}\n\n{listing}", "")


def render_union(union: TaggedUnion) -> str:
    members = [member.name for _, member in union.members]
    return bracketed(f"{union.name} = Union[", members, "]") + "\n" + docstring(union.doc, "")


def render_model(model: Model, received: bool) -> str:
    slots = [json.dumps(field.name) for field in model.fields]
    lines = [
        f"class {model.name}({'_Received' if received else '_Model'}):",
        docstring(model.doc, "    "),
        "",
        bracketed("__slots__ = (", slots, ",)" if len(slots) == 1 else ")", "    "),
    ]
    for key, value in model.tags:
        lines.append(f"    {snake(key)}: ClassVar[Literal[{json.dumps(value)}]] = {json.dumps(value)}")
        lines.append(docstring(f"Always `{json.dumps(value)}` (the JSON `{key}`).", "    "))
    for field in model.fields:
        lines.append(f"    {field.name}: {annotation(field)}")
        also = "".join(f" `from_dict` also reads `{alias}`." for alias in field.aliases)
        lines.append(docstring(field.doc + also, "    "))
    parts = [lines, render_init(model), render_to_dict(model), render_parse(model)]
    return "\n\n".join("\n".join(part) for part in parts)


def annotation(field: Field) -> str:
    return f"{field.type.annotation} | None" if field.presence == "optional" else field.type.annotation


def render_init(model: Model) -> list[str]:
    """A keyword-only `__init__` setting every slot (past the frozen `__setattr__`); an
    omitted list or map is a new empty one."""
    parameters = ["self", "*", *(f"{field.name}: {parameter(field)}" for field in model.fields)]
    lines = [bracketed("def __init__(", parameters, ") -> None:", "    ")]
    for field in model.fields:
        value = field.name
        if field.type.collection and field.presence in ("default", "empty"):
            value = f"{EMPTY[field.type.collection]} if {field.name} is None else {field.name}"
        lines.append(f"        _init(self, {json.dumps(field.name)}, {value})")
    return lines


def parameter(field: Field) -> str:
    if field.presence == "optional" or (field.type.collection and field.presence in ("default", "empty")):
        return f"{field.type.annotation} | None = None"
    if field.presence in ("default", "flag"):
        return f"{field.type.annotation} = {python_literal(field.default)}"
    return field.type.annotation


def python_literal(value: Any) -> str:
    """A JSON default as Python source (`false` is `False`)."""
    return repr(value) if isinstance(value, bool) else json.dumps(value)


def render_to_dict(model: Model) -> list[str]:
    """`to_dict`: the tags and unconditional fields in one literal while they lead, then
    every other field in schema order, left out when unset as serde leaves it out."""
    entries = [f"{json.dumps(key)}: {json.dumps(value)}" for key, value in model.tags]
    fields = list(model.fields)
    while fields and fields[0].presence in ("required", "default"):
        entries.append(f"{json.dumps(fields[0].key)}: {written(fields.pop(0))}")
    if not fields:
        return ["    def to_dict(self) -> dict[str, Any]:", bracketed("return {", entries, "}", " " * 8)]
    lines = ["    def to_dict(self) -> dict[str, Any]:", bracketed("data: dict[str, Any] = {", entries, "}", " " * 8)]
    for field in fields:
        assignment = f"data[{json.dumps(field.key)}] = {written(field)}"
        if field.presence == "optional":
            lines += [f"        if self.{field.name} is not None:", f"            {assignment}"]
        elif field.presence in ("empty", "flag"):
            lines += [f"        if self.{field.name}:", f"            {assignment}"]
        else:
            lines.append(f"        {assignment}")
    return [*lines, "        return data"]


def written(field: Field) -> str:
    value = f"self.{field.name}"
    return value if field.type.plain else f"_dump({value})"


def render_parse(model: Model) -> list[str]:
    keys = [json.dumps(field.key) for field in model.fields]
    keys_tuple = f"({keys[0]},)" if len(keys) == 1 else f"({', '.join(keys)})"
    tags = "{" + ", ".join(f"{json.dumps(key)}: {json.dumps(value)}" for key, value in model.tags) + "}"
    aliases = ", ".join(f"{json.dumps(alias)}: {json.dumps(f.key)}" for f in model.fields for alias in f.aliases)
    check = ["value", "path", keys_tuple, tags]
    check += [] if model.tags_required else ["tags_required=False"]
    check += [f"aliases={{{aliases}}}"] if aliases else []
    check_line = bracketed("data = _object(", check, ")", " " * 8)
    if "\n" in check_line:  # one argument per line, and the keys too if they are many
        check[2] = bracketed("(", keys, ")", " " * 12).lstrip()
        check_line = bracketed("data = _object(", check, ")", " " * 8)
    arguments = [f"{field.name}={read_call(field)}" for field in model.fields]
    return [
        "    @classmethod",
        f"    def _parse(cls, value: object, path: _Path) -> {model.name}:",
        check_line,
        bracketed("return cls(", arguments, ")", " " * 8),
    ]


def read_call(field: Field) -> str:
    key, reader = json.dumps(field.key), field.type.reader
    if field.presence == "required":
        return f"_required(data, {key}, path, {reader})"
    if field.presence == "optional":
        return f"_optional(data, {key}, path, {reader})"
    # An absent list or map is None here, which `__init__` turns into a new empty one.
    default = "None" if field.type.collection else python_literal(field.default)
    return f"_or_default(data, {key}, path, {reader}, {default})"


def referred(defs: dict[str, Any], roots: tuple[str, ...]) -> set[str]:
    """The definitions `roots` name and those they refer to, directly or not."""
    found: set[str] = set()
    pending = list(roots)
    while pending:
        name = pending.pop()
        if name not in found:
            found.add(name)
            pending += refs(defs[name])
    return found


def refs(node: Any) -> Iterator[str]:
    """The definitions a schema node refers to (`$ref`), at any depth."""
    if isinstance(node, dict):
        if "$ref" in node:
            yield ref_name(node["$ref"])
        for value in node.values():
            yield from refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from refs(value)


def flatten(items: list[Item]) -> list[Item]:
    """Every item in output order: a union after its members."""
    out: list[Item] = []
    for item in items:
        if isinstance(item, TaggedUnion):
            out += flatten([member for _, member in item.members])
        if isinstance(item, OpenEnum):
            out += [model for _, model in item.keyed]
        out.append(item)
    return out


def render_readers(items: list[Item]) -> str:
    """The readers of enums and unions, then the unions' member tables."""
    functions, tables = [], []
    for item in items:
        reader = f"def _read_{snake(item.name)}(value: object, path: _Path) -> {item.name}:"
        if isinstance(item, Enum):
            functions.append(f"{reader}\n    return cast({item.name}, _choice(value, path, get_args({item.name})))")
        elif isinstance(item, OpenEnum):
            table = f"_{snake(item.name).upper()}_KEYED"
            names = bracketed("(", [json.dumps(value) for value, _ in item.values], ")", "    ").strip()
            functions.append(f"{reader}\n    return cast({item.name}, _open_choice(value, path, {names}, {table}))")
            entries = [f"{json.dumps(key)}: {model.name}._parse" for key, model in item.keyed]
            head = f"{table}: Mapping[str, Callable[[object, _Path], {item.name}]] = {{"
            tables.append(bracketed(head, entries, "}"))
        elif isinstance(item, TaggedUnion):
            table = f"_{snake(item.name).upper()}_MEMBERS"
            functions.append(f"{reader}\n    return _variant(value, path, {json.dumps(item.tag)}, {table})")
            entries = [
                f"{json.dumps(value)}: {member.name}._parse"
                if isinstance(member, Model)
                else f"{json.dumps(value)}: _read_{snake(member.name)}"
                for value, member in item.members
            ]
            head = f"{table}: Mapping[str, Callable[[object, _Path], {item.name}]] = {{"
            tables.append(bracketed(head, entries, "}"))
    return "\n\n\n".join(functions) + "\n\n\n" + "\n\n".join(tables)


def render_shapes(items: list[Item], trusted: set[str]) -> str:
    """The shapes of the trusted unions and open enums (members first, as `items` has them),
    then `_SHAPES`: the fields of every trusted class."""
    constants = []
    for item in items:
        if item.name not in trusted:
            continue
        if isinstance(item, OpenEnum):
            entries = [f"{json.dumps(key)}: {model.name}" for key, model in item.keyed]
            constants.append(bracketed(f'{union_shape(item.name)}: Any = ("open", {{', entries, "})"))
        elif isinstance(item, TaggedUnion):
            entries = [
                f"{json.dumps(value)}: {member.name if isinstance(member, Model) else union_shape(member.name)}"
                for value, member in item.members
            ]
            head = f'{union_shape(item.name)}: Any = ("union", {json.dumps(item.tag)}, {{'
            constants.append(bracketed(head, entries, "})"))
    classes = []
    for item in items:
        if isinstance(item, Model) and item.name in trusted:
            parts = [[json.dumps(f.key), json.dumps(f.name), f.type.shape, absent(f)] for f in item.fields]
            fields = [bracketed("(", part, ")", " " * 8).lstrip() for part in parts]
            classes.append(bracketed(f"{item.name}: (", fields, ",)" if len(fields) == 1 else ")", "    "))
    table = "_SHAPES: dict[type[_Model], tuple[tuple[str, str, Any, Any], ...]] = {\n" + ",\n".join(classes) + ",\n}"
    return SHAPES_HEADER + "\n\n".join([*constants, table])


def absent(field: Field) -> str:
    """The value of `field` when its key is absent, as `_SHAPES` gives it: a collection's empty
    value (a new one each time), the default, or `None`."""
    if field.presence == "empty" and field.type.collection:
        return EMPTY[field.type.collection]
    if field.presence in ("default", "flag"):
        return python_literal(field.default)
    return "None"


def render_item(item: Item, received: set[str]) -> str:
    if isinstance(item, Enum):
        return render_enum(item)
    if isinstance(item, OpenEnum):
        return render_open_enum(item)
    if isinstance(item, TaggedUnion):
        return render_union(item)
    return render_model(item, item.name in received)


def render(schema: dict[str, Any]) -> str:
    named = SchemaReader(schema).items()
    items = flatten(named)
    check_unique([item.name for item in items])
    reachable = referred(schema["$defs"], TRUSTED_ROOTS)
    trusted = {item.name for item in flatten([item for item in named if item.name in reachable])}
    roots = [item for item in items if item.name in RECEIVED_ROOTS and isinstance(item, TaggedUnion)]
    received = {member.name for root in roots for _, member in root.members}
    names = sorted(item.name for item in items)
    exports = bracketed("__all__ = [", [json.dumps(name) for name in names], "]")
    blocks = [render_item(item, received) for item in items]
    return (
        HEADER.format(source=SOURCE, exports=exports)
        + "\n\n\n".join(blocks)
        + "\n\n\n"
        + HELPERS
        + "\n\n"
        + render_readers(items)
        + "\n\n\n"
        + render_shapes(items, trusted)
        + "\n"
    )


HEADER = '''\
# Generated by scripts/codegen/python.py from {source}: do not edit.
"""The model: the messages ``Client.send`` and ``Client.send_mass`` take, and the events
``parse_cams_push`` and ``parse_meta_webhook`` return.

One frozen class with keyword-only arguments per type of chatlane's core model, with the field names
of its JSON shape in snake_case (``from`` is ``from_``). ``to_dict()`` gives that JSON
shape exactly as the core reads and writes it, and ``Type.from_dict(data)`` builds the typed
value back, strictly: a wrong, missing or unknown field raises ``TypeError`` or
``ValueError`` naming its path. Tagged unions (``Content``, ``Interactive``, ``Header``,
``Event``, ``InboundContent``) are ``Union`` aliases whose members know their own tag; string
enums are ``Literal`` aliases (``DeliveryStatus`` also admits ``OtherDeliveryStatus``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar, Literal, TypeVar, Union, cast, get_args

{exports}

_T = TypeVar("_T")
_M = TypeVar("_M", bound="_Model")
_Path = Union[tuple[()], tuple["_Path", Union[str, int]]]
"""Where a value is read from: ``()`` for the top, else its parent's path and its key or
index. Made text (``content.contacts[0].name``) only for an error."""


_init = object.__setattr__


class _Model:
    """Base of the model classes: frozen values compared, hashed and shown field by field
    (as frozen dataclasses are), and conversion from and to the JSON shape."""

    __slots__ = ()

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{{type(self).__name__}} is frozen: cannot set {{name!r}}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{{type(self).__name__}} is frozen: cannot delete {{name!r}}")

    def _names(self) -> tuple[str, ...]:
        names: tuple[str, ...] = self.__slots__
        return names

    def _values(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in self._names())

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash((type(self), self._values()))

    def __repr__(self) -> str:
        fields = ", ".join(f"{{name}}={{getattr(self, name)!r}}" for name in self._names())
        return f"{{type(self).__name__}}({{fields}})"

    def __getstate__(self) -> dict[str, object]:
        return {{name: getattr(self, name) for name in self._names()}}

    def __setstate__(self, state: dict[str, object]) -> None:
        for name, value in state.items():
            _init(self, name, value)

    def to_dict(self) -> dict[str, Any]:
        """This value's JSON shape, as chatlane's core writes it: tags included, unset
        optional fields and empty lists left out."""
        raise NotImplementedError

    @classmethod
    def from_dict(cls: type[_M], data: Mapping[str, Any]) -> _M:
        """The value of a JSON shape (as ``to_dict`` gives it). Raises ``TypeError`` or
        ``ValueError`` naming the path of the first wrong, missing or unknown field."""
        return cls._parse(data, ())

    @classmethod
    def _parse(cls: type[_M], value: object, path: _Path) -> _M:
        raise NotImplementedError


class _Received(_Model):
    """Base of the received events: a hidden slot (not a field) for what chatlane's native
    layer built the event from, so that committing it unchanged reads nothing back."""

    __slots__ = ("_native",)


'''

SHAPES_HEADER = """\
# How chatlane's native layer builds what the core hands over (the received events and the
# operations' answers) without checking it again: each trusted class's fields as (JSON key,
# attribute, shape, value when absent), an absent list or dict being a new empty one. A shape
# is None (the JSON value as is), float (a number as a float), a class, ("list", shape),
# ("map", shape), ("union", tag, {tag value: shape}) or ("open", {key: class}) (a string, or
# an object of one key).


"""

HELPERS = '''\
# Reading and writing the JSON shape.


# Free-form JSON is copied this many levels deep, twice what a message may nest (the core's
# MAX_JSON_DEPTH, 32): deeper data, or a container holding itself, is passed on uncopied
# for the native layer to refuse as `too_deep`, never followed until the stack runs out.
_COPY_DEPTH = 64


def _dump(value: object, depth: int = 0) -> Any:
    """``value`` as JSON data: model values through ``to_dict``, containers copied."""
    if isinstance(value, _Model):
        return value.to_dict()
    if depth >= _COPY_DEPTH:
        return value
    if isinstance(value, Mapping):
        return {key: _dump(item, depth + 1) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_dump(item, depth + 1) for item in value]
    return value


def _text(path: _Path) -> str:
    """``path`` as text: fields joined by dots, indexes in brackets; ``""`` for the top."""
    if not path:
        return ""
    parent, key = path
    head = _text(parent)
    if isinstance(key, int):
        return f"{head}[{key}]"
    return f"{head}.{key}" if head else key


def _wrong_type(path: _Path, expected: str, value: object) -> TypeError:
    where, found = _text(path), f"expected {expected}, found {type(value).__name__}"
    return TypeError(f"{where}: {found}" if where else found)


def _object(
    value: object,
    path: _Path,
    keys: tuple[str, ...],
    tags: Mapping[str, str],
    *,
    tags_required: bool = True,
    aliases: Mapping[str, str] | None = None,
) -> Mapping[str, object]:
    """``value`` as a JSON object of one type: only its ``keys`` (or their ``aliases``,
    renamed to the keys) and ``tags``, the tags with their values (and present, unless
    ``tags_required`` is false)."""
    if not isinstance(value, Mapping):
        raise _wrong_type(path, "an object", value)
    for alias, key in (aliases or {}).items():
        if alias in value:
            if key in value:
                raise ValueError(f"{_text((path, alias))}: duplicate of {key!r}")
            value = {key if name == alias else name: item for name, item in value.items()}
    for key in value:
        if key not in keys and key not in tags:
            raise ValueError(f"{_text((path, str(key)))}: unknown field")
    for key, tag in tags.items():
        if (key in value or tags_required) and value.get(key) != tag:
            raise ValueError(f"{_text((path, key))}: expected {tag!r}, found {value.get(key)!r}")
    return value


def _variant(value: object, path: _Path, tag: str, members: Mapping[str, Callable[[object, _Path], _T]]) -> _T:
    """``value`` read by the member of a union its ``tag`` names."""
    if not isinstance(value, Mapping):
        raise _wrong_type(path, "an object", value)
    kind = value.get(tag)
    if not isinstance(kind, str) or kind not in members:
        expected = ", ".join(map(repr, members))
        raise ValueError(f"{_text((path, tag))}: expected one of {expected}, found {kind!r}")
    return members[kind](value, path)


def _required(data: Mapping[str, object], key: str, path: _Path, read: Callable[[object, _Path], _T]) -> _T:
    """The field ``key``, which must be present."""
    if key not in data:
        raise ValueError(f"{_text((path, key))}: missing")
    return read(data[key], (path, key))


def _optional(data: Mapping[str, object], key: str, path: _Path, read: Callable[[object, _Path], _T]) -> _T | None:
    """The field ``key``; ``None`` when absent or null."""
    value = data.get(key)
    return None if value is None else read(value, (path, key))


def _or_default(
    data: Mapping[str, object], key: str, path: _Path, read: Callable[[object, _Path], _T], default: _T
) -> _T:
    """The field ``key``; ``default`` when absent."""
    return read(data[key], (path, key)) if key in data else default


def _str(value: object, path: _Path) -> str:
    if isinstance(value, str):
        return value
    raise _wrong_type(path, "a string", value)


def _int(value: object, path: _Path) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise _wrong_type(path, "an integer", value)


def _float(value: object, path: _Path) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    raise _wrong_type(path, "a number", value)


def _bool(value: object, path: _Path) -> bool:
    if isinstance(value, bool):
        return value
    raise _wrong_type(path, "a boolean", value)


def _choice(value: object, path: _Path, choices: tuple[str, ...]) -> str:
    if isinstance(value, str) and value in choices:
        return value
    raise ValueError(f"{_text(path)}: expected one of {', '.join(map(repr, choices))}, found {value!r}")


def _open_choice(
    value: object, path: _Path, names: tuple[str, ...], keyed: Mapping[str, Callable[[object, _Path], _T]]
) -> str | _T:
    """``value`` as one of the strings ``names``, or as an object of one key, read by the
    reader ``keyed`` has for that key."""
    if isinstance(value, str) and value in names:
        return value
    if isinstance(value, Mapping) and len(value) == 1:
        (key,) = value
        if key in keyed:
            return keyed[key](value, path)
    expected = ", ".join([*map(repr, names), *(f"{{{key!r}: ...}}" for key in keyed)])
    raise ValueError(f"{_text(path)}: expected one of {expected}, found {value!r}")


def _list(read: Callable[[object, _Path], _T]) -> Callable[[object, _Path], list[_T]]:
    """A reader of arrays whose items ``read`` reads."""

    def read_list(value: object, path: _Path) -> list[_T]:
        if not isinstance(value, (list, tuple)):
            raise _wrong_type(path, "an array", value)
        return [read(item, (path, index)) for index, item in enumerate(value)]

    return read_list


def _map(read: Callable[[object, _Path], _T]) -> Callable[[object, _Path], dict[str, _T]]:
    """A reader of objects with any keys, whose values ``read`` reads."""

    def read_map(value: object, path: _Path) -> dict[str, _T]:
        return {key: read(item, (path, key)) for key, item in _json_object(value, path).items()}

    return read_map


def _json_object(value: object, path: _Path) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise _wrong_type(path, "an object", value)
    for key in value:
        if not isinstance(key, str):
            raise _wrong_type(path, "string keys", key)
    return dict(value)

'''


if __name__ == "__main__":
    sys.stdout.write(render(load()))
