"""What to extract: a pydantic model read into field specs (paths, types, aliases, hints).

Any pydantic model works; a JSON Schema is first turned into one
(:func:`schemas.user_schemas.model_from_json_schema`), so validation is always pydantic's. Per
field, ``json_schema_extra`` may carry the hints described in :mod:`schemas.invoice`
(``x-aliases``, ``x-sum-aliases``, ``x-kind``, ``x-role``, ``x-patterns``, ``x-table``).

Types: ``str`` -> string; ``date`` -> date; ``Decimal``, ``float`` -> number; ``int`` ->
integer; ``bool`` -> boolean; ``Literal``/``Enum`` -> string; a nested model -> object
(``x-kind: party`` objects are read as seller/buyer blocks); a list of models -> table (line
items). Anything else is a ``SCHEMA_INVALID`` :class:`OptionsError`.
"""

from __future__ import annotations

import re
import types
import typing
from dataclasses import dataclass
from dataclasses import fields as dataclass_fields
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from functools import cached_property
from typing import Any, Literal

from schemas.errors import ErrorCode, OptionsError
from schemas.user_schemas import ModelClass, field_hints, is_model_class


def _hash_once(spec: Any) -> int:
    """The spec's hash, computed on first use and kept: specs are the keys of the caches of
    alias indexes and column tables, looked up for every document."""
    cached = spec.__dict__.get("_hash")
    if cached is None:
        cached = spec.__dict__["_hash"] = hash(
            tuple(getattr(spec, f.name) for f in dataclass_fields(spec))
        )
    return cached


def _state(spec: Any) -> dict[str, Any]:
    """What pickling keeps: the fields, not the caches (a string's hash differs per process)."""
    return {k: v for k, v in spec.__dict__.items() if k not in _CACHES}


_CACHES = frozenset({"_hash", "top_level"})


@dataclass(frozen=True)
class FieldSpec:
    """One scalar field: its JSON path, value type and extraction hints."""

    path: str
    name: str
    type: str  # string | date | number | integer | boolean
    kind: str | None = None
    role: str | None = None
    aliases: tuple[str, ...] = ()
    sum_aliases: tuple[str, ...] = ()
    patterns: tuple[re.Pattern[str], ...] = ()
    required: bool = False

    __hash__ = _hash_once
    __getstate__ = _state


@dataclass(frozen=True)
class ObjectSpec:
    """A nested object: its own fields (paths ``name.sub``); ``kind='party'`` for seller/buyer."""

    path: str
    kind: str | None
    role: str | None
    aliases: tuple[str, ...]
    required: bool
    fields: tuple[FieldSpec, ...]

    __hash__ = _hash_once
    __getstate__ = _state


@dataclass(frozen=True)
class TableSpec:
    """An array of objects filled from table rows; ``columns`` are the item's fields."""

    path: str
    columns: tuple[FieldSpec, ...]
    required: bool

    __hash__ = _hash_once
    __getstate__ = _state


@dataclass(frozen=True)
class SchemaSpec:
    name: str
    model: ModelClass
    fields: tuple[FieldSpec, ...]  # scalars, top level and inside plain (non-party) objects
    objects: tuple[ObjectSpec, ...]  # party objects
    tables: tuple[TableSpec, ...]

    __hash__ = _hash_once
    __getstate__ = _state

    @cached_property
    def top_level(self) -> SchemaSpec:
        """This schema without its parties and tables (made once per spec)."""
        return SchemaSpec(self.name, self.model, self.fields, (), ())

    def leaf_paths(self) -> list[tuple[str, bool]]:
        """Every leaf the schema asks for, with whether it is required (tables as one leaf)."""
        leaves = [(f.path, f.required) for f in self.fields]
        leaves += [(f.path, f.required and o.required) for o in self.objects for f in o.fields]
        return leaves + [(t.path, t.required) for t in self.tables]


def spec_from_model(model: ModelClass, name: str | None = None) -> SchemaSpec:
    """Read ``model`` into a :class:`SchemaSpec` (see the module docstring)."""
    fields: list[FieldSpec] = []
    objects: list[ObjectSpec] = []
    tables: list[TableSpec] = []
    _walk(model, "", True, fields, objects, tables)
    return SchemaSpec(name or model.__name__, model, tuple(fields), tuple(objects), tuple(tables))


def _walk(
    model: ModelClass,
    prefix: str,
    required: bool,
    fields: list[FieldSpec],
    objects: list[ObjectSpec],
    tables: list[TableSpec],
) -> None:
    for attr, info in model.model_fields.items():
        path = f"{prefix}{info.alias or attr}"
        extra = field_hints(model, attr)
        base, many = _unwrap(info.annotation)
        is_required = required and info.is_required()
        if is_model_class(base):
            if many:
                sub: list[FieldSpec] = []
                _walk(base, "", True, sub, [], [])
                tables.append(TableSpec(path, tuple(sub), info.is_required()))
            elif extra.get("x-kind") == "party":
                sub = []
                _walk(base, f"{path}.", True, sub, [], [])
                objects.append(
                    ObjectSpec(
                        path,
                        "party",
                        _str(extra.get("x-role")) or attr,
                        _strings(extra.get("x-aliases")),
                        info.is_required(),
                        tuple(sub),
                    )
                )
            else:
                _walk(base, f"{path}.", is_required, fields, objects, tables)
            continue
        if many:
            raise OptionsError(
                f"field {path!r}: lists of plain values are not supported",
                code=ErrorCode.SCHEMA_INVALID,
            )
        fields.append(_field(path, attr, base, extra, is_required))


def _field(path: str, attr: str, base: Any, extra: dict[str, Any], required: bool) -> FieldSpec:
    try:
        patterns = tuple(re.compile(p) for p in _strings(extra.get("x-patterns")))
    except re.error as exc:
        raise OptionsError(
            f"field {path!r}: bad x-patterns: {exc}", code=ErrorCode.SCHEMA_INVALID
        ) from None
    return FieldSpec(
        path=path,
        name=attr,
        type=_type_name(path, base),
        kind=_str(extra.get("x-kind")),
        role=_str(extra.get("x-role")),
        aliases=_strings(extra.get("x-aliases")),
        sum_aliases=_strings(extra.get("x-sum-aliases")),
        patterns=patterns,
        required=required,
    )


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """``Optional[X]``/``Annotated[X, ...]``/``list[X]`` -> ``(X, is_list)``."""
    many = False
    while True:
        origin = typing.get_origin(annotation)
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if origin is typing.Annotated or (
            origin in (typing.Union, types.UnionType) and len(args) == 1
        ):
            annotation = args[0]
        elif origin in (list, tuple, set) and args and not many:
            annotation, many = args[0], True
        else:
            return annotation, many


def _type_name(path: str, base: Any) -> str:
    if typing.get_origin(base) is Literal or (isinstance(base, type) and issubclass(base, Enum)):
        return "string"
    for types_, name in (
        ((bool,), "boolean"),
        ((date, datetime), "date"),
        ((int,), "integer"),
        ((Decimal, float), "number"),
        ((str,), "string"),
    ):
        if isinstance(base, type) and issubclass(base, types_):
            return name
    raise OptionsError(
        f"field {path!r}: type {base!r} is not supported", code=ErrorCode.SCHEMA_INVALID
    )


def _str(value: Any) -> str | None:
    return str(value) if value is not None else None


def _strings(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value)
