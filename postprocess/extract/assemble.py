"""Chosen values -> the schema's object, validated by the schema's own pydantic model.

Values are placed by path into nested dicts (``seller.name``), items into the table's list.
Validation errors become :class:`~schemas.errors.ErrorRecord` s with the field's JSON path
(``$.issue_date``): ``FIELD_MISSING`` for a required value that is absent, ``FIELD_INVALID`` for
anything else; an invalid value is dropped and the rest validated again, so ``data`` keeps every
good value. ``data`` is JSON-ready either way (ISO dates, amounts as numbers).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, time
from decimal import Decimal
from enum import Enum
from functools import lru_cache
from typing import Any

from postprocess.extract.schema_spec import SchemaSpec
from schemas.errors import ErrorCode, ErrorRecord, Severity
from schemas.invoice import decimal_to_number
from schemas.user_schemas import ModelClass, validate_model


def nest(
    spec: SchemaSpec,
    values: Mapping[str, Any],
    ready: Mapping[str, Any],
    tables: Sequence[tuple[list[dict[str, Any]], list[dict[str, Any]]]],
) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(data, its JSON-ready twin)``, built in one pass with the same shape: ``values`` by
    dotted path (absent: None) placed into nested dicts, the twin getting each one's JSON-ready
    value from ``ready`` (by the same path); a party object None when none of its values is
    found; ``tables``: ``(rows, JSON-ready rows)`` of each of ``spec.tables``, placed as they are.

    The twin is what :func:`validate` returns when validation fails: ``jsonable(data)`` without
    a second walk over every value (one JSON-ready value per candidate is made anyway, for its
    :class:`~schemas.extraction.ExtractedField`)."""
    data: dict[str, Any] = {}
    twin: dict[str, Any] = {}
    fields, objects, table_places = _places(spec)
    for path, parents, leaf in fields:
        if parents:
            _put(data, parents, leaf, values.get(path))
            _put(twin, parents, leaf, ready.get(path))
        else:  # a top-level field (most): placed as _put would place it, without the call
            data[leaf] = values.get(path)
            twin[leaf] = ready.get(path)
    for parents, leaf, keys in objects:
        sub = {key: values.get(path) for key, path in keys}
        found = any(v is not None for v in sub.values())
        _put(data, parents, leaf, sub if found else None)
        ready_sub = {key: ready.get(path) for key, path in keys}
        _put(twin, parents, leaf, ready_sub if found else None)
    for (parents, leaf), (rows, ready_rows) in zip(table_places, tables, strict=True):
        _put(data, parents, leaf, rows)
        _put(twin, parents, leaf, ready_rows)
    return data, twin


#: Where a value goes in the nested data: the keys of the dicts above it, and its own key.
_Place = tuple[tuple[str, ...], str]


@lru_cache(maxsize=64)
def _places(
    spec: SchemaSpec,
) -> tuple[
    tuple[tuple[str, tuple[str, ...], str], ...],
    tuple[tuple[tuple[str, ...], str, tuple[tuple[str, str], ...]], ...],
    tuple[_Place, ...],
]:
    """What :func:`nest` places, its paths split once per schema, not once per document:
    ``(fields as (path, parents, leaf), party objects as (parents, leaf, (key, field path)
    of each field), tables as (parents, leaf))``."""
    fields = tuple((f.path, *_split(f.path)) for f in spec.fields)
    objects = tuple(
        (*_split(o.path), tuple((f.path.split(".")[-1], f.path) for f in o.fields))
        for o in spec.objects
    )
    return fields, objects, tuple(_split(t.path) for t in spec.tables)


def _split(path: str) -> _Place:
    *parents, leaf = path.split(".")
    return tuple(parents), leaf


def validate(
    model: ModelClass, data: dict[str, Any], reported: set[str], ready: dict[str, Any]
) -> tuple[dict[str, Any], bool, list[dict[str, Any]]]:
    """``(JSON-ready data, valid, errors)``, the errors as plain :class:`ErrorRecord` data;
    ``reported`` paths already have a FIELD_MISSING. ``ready`` is ``data``'s JSON-ready twin
    (:func:`nest`): what is returned, the dropped values dropped there too, when ``data`` does
    not validate."""
    errors: list[dict[str, Any]] = []
    for _ in range(3):
        dumped, problems = validate_model(model, data)
        if dumped is not None:
            return jsonable(dumped), True, errors
        dropped = False
        for problem in problems:
            path = _path(problem.loc)
            missing = problem.kind == "missing"
            if path not in reported:  # a dropped value's field is reported once
                errors.append(
                    {
                        "code": ErrorCode.FIELD_MISSING if missing else ErrorCode.FIELD_INVALID,
                        "message": f"{path}: {problem.message}",
                        "path": f"$.{path}",
                    }
                )
                reported.add(path)
            if not missing and _drop(data, problem.loc):
                _drop(ready, problem.loc)  # the same place: the twin has data's shape
                dropped = True
        if not dropped:
            break
    return ready, False, errors


def jsonable(value: Any) -> Any:
    """Decimals -> numbers (whatever the schema's own serialiser), dates -> ISO strings, enums ->
    their values, recursively: ``data`` is JSON-ready for every schema."""
    kind = type(value)
    if kind in _AS_IS or value is None:
        return value
    if kind is dict:  # the common containers: plain leaves and decimals in place, no call
        return {
            k: v
            if (t := type(v)) in _AS_IS or v is None
            else (decimal_to_number(v) if t is Decimal else jsonable(v))
            for k, v in value.items()
        }
    if kind is list:
        return [
            v
            if (t := type(v)) in _AS_IS or v is None
            else (decimal_to_number(v) if t is Decimal else jsonable(v))
            for v in value
        ]
    if kind is Decimal:
        return decimal_to_number(value)
    if isinstance(value, (str, int, float)):
        return value
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return decimal_to_number(value)
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, Enum):
        return jsonable(value.value)
    return value


#: Exact types that are JSON-ready as they are (subclasses take the general path).
_AS_IS = frozenset({str, int, float, bool})
JSON_AS_IS = _AS_IS


def missing_records(missing: list[tuple[str, bool]]) -> list[ErrorRecord]:
    """A FIELD_MISSING record per ``(path, required)``: an error for a required field, a note
    for an optional one."""
    return [
        ErrorRecord(
            code=ErrorCode.FIELD_MISSING,
            severity=Severity.ERROR if required else Severity.INFO,
            message=f"{path}: {'required field' if required else 'field'} not found in the "
            "document",
            path=f"$.{path}",
        )
        for path, required in missing
    ]


def _put(data: dict[str, Any], parents: tuple[str, ...], leaf: str, value: Any) -> None:
    node = data
    for part in parents:
        child = node.get(part)
        if not isinstance(child, dict):
            child = node[part] = {}
        node = child
    node[leaf] = value


def _drop(data: Any, loc: tuple[int | str, ...]) -> bool:
    """Set the value at ``loc`` to None (the field's error is reported); True when changed."""
    node = data
    for part in loc[:-1]:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return False
    last = loc[-1] if loc else None
    if isinstance(node, dict) and last in node and node[last] is not None:
        node[last] = None
        return True
    return False


def _path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out
