"""User extraction schemas as pydantic models: JSON Schema -> model, and the model helpers that
the extraction layer (which imports no pydantic itself) needs.

JSON Schema support: ``type`` string / number / integer / boolean / object / array (also as a list
with ``"null"``), ``anyOf``/``oneOf`` with ``{"type": "null"}`` (optional), ``format: date``,
``enum``, ``pattern``, ``minimum``/``maximum`` (and exclusive), ``minLength``/``maxLength``,
``required``, ``description``, ``default``, local ``$ref`` (``#/$defs/...``,
``#/definitions/...``), arrays of objects (tables) and every ``x-*`` extraction hint (kept in
``json_schema_extra``, see :mod:`schemas.invoice`). Property names that are not Python
identifiers are kept as aliases. Anything else raises ``SCHEMA_INVALID``
:class:`~schemas.errors.OptionsError`.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

from schemas.errors import ErrorCode, OptionsError
from schemas.invoice import Number

#: A pydantic model class (what a user schema is once loaded).
ModelClass = type[BaseModel]


@dataclass(frozen=True)
class FieldProblem:
    """One validation error: where (pydantic ``loc``), its kind (``missing``, ...) and message."""

    loc: tuple[int | str, ...]
    kind: str
    message: str


def is_model_class(obj: object) -> bool:
    """True for a pydantic model class."""
    return isinstance(obj, type) and issubclass(obj, BaseModel)


def field_hints(model: ModelClass, name: str) -> dict[str, Any]:
    """The ``json_schema_extra`` dict of one field (a callable one counts as none)."""
    extra = model.model_fields[name].json_schema_extra
    return extra if isinstance(extra, dict) else {}


def validate_model(
    model: ModelClass, data: Any
) -> tuple[dict[str, Any] | None, list[FieldProblem]]:
    """``(python-mode dump by alias, [])`` when ``data`` validates, else ``(None, problems)``."""
    # the model's own validator and serializer, called straight: what model_validate and
    # model_dump(by_alias=True) call, without their Python-level argument handling
    try:
        validated = model.__pydantic_validator__.validate_python(data)
        return model.__pydantic_serializer__.to_python(validated, by_alias=True), []
    except ValidationError as exc:
        errors = exc.errors(include_url=False, include_context=False, include_input=False)
        return None, [FieldProblem(tuple(e["loc"]), e["type"], e["msg"]) for e in errors]


_SCALARS: dict[str, Any] = {"string": str, "number": Number, "integer": int, "boolean": bool}
_CONSTRAINTS = {
    "pattern": "pattern",
    "minimum": "ge",
    "maximum": "le",
    "minLength": "min_length",
    "maxLength": "max_length",
    "exclusiveMinimum": "gt",
    "exclusiveMaximum": "lt",
}


def model_from_json_schema(schema: Mapping[str, Any], name: str | None = None) -> ModelClass:
    """Build a pydantic model from an object ``schema`` (see the module docstring)."""
    if _resolve(schema, schema).get("type") != "object":
        raise _invalid("the schema's top level must be an object")
    title = name or str(schema.get("title") or "UserSchema")
    return _object(schema, schema, _identifier(title, "UserSchema"))


def _object(node: Mapping[str, Any], root: Mapping[str, Any], name: str) -> ModelClass:
    node = _resolve(node, root)
    properties = node.get("properties")
    if not isinstance(properties, Mapping) or not properties:
        raise _invalid(f"object {name!r} has no properties")
    required = set(node.get("required") or ())
    fields: dict[str, Any] = {}
    for prop, sub in properties.items():
        if not isinstance(sub, Mapping):
            raise _invalid(f"property {prop!r} is not a schema")
        attr = _identifier(prop, "field")
        annotation, nullable = _annotation(sub, root, f"{name}_{attr}")
        sub = _resolve(sub, root)
        is_required = prop in required
        if not is_required or nullable:
            annotation = Optional[annotation]  # noqa: UP045 - built at run time from a variable
        kwargs: dict[str, Any] = {
            "description": sub.get("description"),
            "json_schema_extra": {k: v for k, v in sub.items() if k.startswith("x-")} or None,
        }
        if attr != prop:
            kwargs["alias"] = prop
        kwargs.update({arg: sub[key] for key, arg in _CONSTRAINTS.items() if key in sub})
        if not is_required and _is_array(sub):
            kwargs["default_factory"] = list
        elif not is_required:
            kwargs["default"] = sub.get("default")
        fields[attr] = (annotation, Field(**kwargs))
    config = ConfigDict(populate_by_name=True)
    return create_model(name, __config__=config, **fields)


def _annotation(node: Mapping[str, Any], root: Mapping[str, Any], name: str) -> tuple[Any, bool]:
    """The Python type of a property schema and whether it allows null."""
    node = _resolve(node, root)
    for key in ("anyOf", "oneOf"):
        if key in node:
            options = [_resolve(o, root) for o in node[key]]
            real = [o for o in options if o.get("type") != "null"]
            if len(real) != 1:
                raise _invalid(f"{name}: only one non-null {key} branch is supported")
            annotation, _ = _annotation(real[0], root, name)
            return annotation, len(real) < len(options)
    kind = node.get("type")
    nullable = False
    if isinstance(kind, list):
        nullable = "null" in kind
        kinds = [k for k in kind if k != "null"]
        if len(kinds) != 1:
            raise _invalid(f"{name}: type {kind!r} is not supported")
        kind = kinds[0]
    if "enum" in node:
        return Literal[tuple(node["enum"])], nullable
    if kind == "string" and node.get("format") == "date":
        return date, nullable
    if kind in _SCALARS:
        return _SCALARS[kind], nullable
    if kind == "object":
        return _object(node, root, name), nullable
    if kind == "array" and isinstance(node.get("items"), Mapping):
        item, _ = _annotation(node["items"], root, f"{name}_item")
        return list[item], nullable  # type: ignore[valid-type]
    raise _invalid(f"{name}: type {kind!r} is not supported")


def _resolve(node: Mapping[str, Any], root: Mapping[str, Any]) -> Mapping[str, Any]:
    seen = 0
    while "$ref" in node:
        ref = str(node["$ref"])
        match = re.fullmatch(r"#/(\$defs|definitions)/(.+)", ref)
        target = root.get(match.group(1), {}).get(match.group(2)) if match else None
        if not isinstance(target, Mapping) or seen > 32:
            raise _invalid(f"cannot resolve $ref {ref!r} (only local #/$defs/... refs)")
        node, seen = target, seen + 1
    return node


def _is_array(node: Mapping[str, Any]) -> bool:
    kind = node.get("type")
    return kind == "array" or (isinstance(kind, list) and "array" in kind)


def _identifier(text: str, fallback: str) -> str:
    ident = re.sub(r"\W", "_", text).strip("_") or fallback
    if ident[0].isdigit() or keyword.iskeyword(ident) or ident.startswith("model_"):
        ident = f"f_{ident}"
    return ident


def _invalid(message: str) -> OptionsError:
    return OptionsError(f"JSON Schema: {message}", code=ErrorCode.SCHEMA_INVALID)
