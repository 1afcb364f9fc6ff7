"""The :class:`ExtractionResult` of chosen values: data, provenance, checks, errors, counts."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from functools import lru_cache
from typing import Any

from postprocess.extract.assemble import JSON_AS_IS, jsonable, missing_records, nest, validate
from postprocess.extract.candidates import Candidate
from postprocess.extract.checks import check_dicts
from postprocess.extract.schema_spec import SchemaSpec, TableSpec
from schemas.errors import ErrorCode, ErrorRecord
from schemas.extraction import (
    ExtractionResult,
    ExtractOptions,
    FieldSource,
    field_sources_from_dicts,
)
from schemas.invoice import decimal_to_number


def build_result(
    spec: SchemaSpec,
    chosen: dict[str, Candidate],
    items: dict[str, list[dict[str, Candidate]]],
    errors: list[ErrorRecord],
    options: ExtractOptions,
) -> ExtractionResult:
    """The result of the ``chosen`` values and the item rows of every table (``items``, by
    table path); its errors are ``errors`` (found so far, left as they are), then the failed
    checks', the missing fields' and validation's.

    The whole result is validated in one call, from plain data (fields, checks, errors,
    summary): no model is made twice (once alone, once more checked inside the result).
    """
    fields, data, ready, tables = _gather(spec, chosen, items)
    checks = check_dicts(chosen, tables[0] if tables else [], spec, options)
    records: list[ErrorRecord | dict[str, Any]] = list(errors)
    code = ErrorCode.CHECK_FAILED
    records += [
        {
            "code": code,
            "message": f"{c['name']}: {c['message']}",
            "path": f"$.{c['paths'][0]}" if c["paths"] else None,
        }
        for c in checks
        if c["passed"] is False
    ]
    leaves, required_total = _leaves(spec)
    reported: set[str] = set()  # the paths with a FIELD_MISSING record
    required_found = 0
    for path, required, record in leaves:
        if path in chosen or items.get(path):
            required_found += required
        else:
            records.append(record)
            reported.add(path)
    found = len(leaves) - len(reported)  # (validation adds the paths it reports to reported)
    valid_data, valid, problems = validate(spec.model, data, reported, ready)
    records += problems
    outcomes = [c["passed"] for c in checks]
    return ExtractionResult.model_validate(
        {
            "schema_name": spec.name,
            "valid": valid,
            "data": valid_data,
            "fields": fields,
            "checks": checks,
            "errors": records,
            "summary": {
                "fields_found": found,
                "fields_total": len(leaves),
                "required_found": required_found,
                "required_total": required_total,
                "line_items": sum(len(rows) for rows in items.values()),
                "checks_passed": outcomes.count(True),
                "checks_failed": outcomes.count(False),
                "checks_skipped": outcomes.count(None),
            },
        }
    )


#: Candidates placed together: (path prefix, candidates by name, where their values go, where
#: their JSON-ready values go, the key there by name).
_Group = tuple[str, dict[str, Candidate], dict[str, Any], dict[str, Any], Mapping[str, str]]


@lru_cache(maxsize=64)
def _leaves(spec: SchemaSpec) -> tuple[tuple[tuple[str, bool, ErrorRecord], ...], int]:
    """``(leaves, required)``: each leaf of :meth:`SchemaSpec.leaf_paths` with whether it is
    required and its FIELD_MISSING record, and how many are required (made once per schema:
    the records are frozen models, shared by every document's result, not validated again for
    each)."""
    leaves = spec.leaf_paths()
    records = missing_records(leaves)
    return (
        tuple((path, required, rec) for (path, required), rec in zip(leaves, records, strict=True)),
        sum(required for _, required in leaves),
    )


def _gather(
    spec: SchemaSpec, chosen: dict[str, Candidate], items: dict[str, list[dict[str, Candidate]]]
) -> tuple[dict[str, dict[str, Any]], dict[str, Any], dict[str, Any], list[list[dict[str, Any]]]]:
    """``(fields, data, JSON-ready data, item rows per table)`` in one walk over the chosen
    values and the item cells (``items``: rows of candidates by column name, by the path of
    one of ``spec.tables``): the plain ``ExtractedField`` data of each (validated with the
    result), the schema's nested data (:func:`~.assemble.nest`; the rows, keyed by column path,
    are those placed in it) and its JSON-ready twin, of the values converted for the fields."""
    top: dict[str, Any] = {}
    top_ready: dict[str, Any] = {}
    # the top level, by path as it is, then each item row
    groups: list[_Group] = [("", chosen, top, top_ready, _SAME)]
    tables: list[tuple[list[dict[str, Any]], list[dict[str, Any]]]] = []
    for table in spec.tables:
        blank, path_of = _row_shape(table)
        rows: list[dict[str, Any]] = []
        ready_rows: list[dict[str, Any]] = []
        for i, row in enumerate(items.get(table.path, ())):
            # every column, None where not found, in the schema's order
            data_row, ready_row = blank.copy(), blank.copy()
            rows.append(data_row)
            ready_rows.append(ready_row)
            groups.append((f"{table.path}[{i}].", row, data_row, ready_row, path_of))
        tables.append((rows, ready_rows))
    single = _source_lists(groups)
    # round() is slow and there are few distinct confidences (one per column): round each once
    rounded: dict[float, float] = {}
    fields: dict[str, dict[str, Any]] = {}
    for prefix, cands, values, readies, key_of in groups:
        for name, cand in cands.items():
            of = cand.sources
            raw_value = value = cand.value
            kind = type(value)
            if kind is Decimal:  # most values: amounts
                value = decimal_to_number(value)
            elif value is not None and kind not in JSON_AS_IS:
                value = jsonable(value)
            key = key_of[name]
            values[key] = raw_value
            readies[key] = value
            confidence = cand.confidence
            if confidence not in rounded:
                rounded[confidence] = round(confidence, 3)
            path = prefix + name
            fields[path] = {
                "path": path,
                "value": value,
                "raw": cand.raw,
                "rule": cand.rule,
                "confidence": rounded[confidence],
                "label": cand.label,
                # most values have one source: its one-model list, shared (validation copies it)
                "sources": single[id(of[0])] if len(of) == 1 else [single[id(s)][0] for s in of],
                "estimated_box": cand.estimated,
            }
    data, ready = nest(spec, top, top_ready, tables)
    return fields, data, ready, [rows for rows, _ in tables]


class _Same(dict[str, str]):
    """Each key as itself: top-level values are placed by their path as it is."""

    def __missing__(self, key: str) -> str:
        return key


_SAME = _Same()


@lru_cache(maxsize=64)
def _row_shape(table: TableSpec) -> tuple[dict[str, None], dict[str, str]]:
    """An item row with every column None, by column path, and each column's path by its name
    (made once per table spec)."""
    return dict.fromkeys(c.path for c in table.columns), {c.name: c.path for c in table.columns}


def _source_lists(groups: list[_Group]) -> dict[int, list[FieldSource]]:
    """``[model]``: the field-source model of each source of the candidates of ``groups`` (as
    in :func:`_gather`) in a list of one, by the source's ``id``, validated in one call: one
    model per source object (an item's cells share their row's). By ``id``, not by value: an
    ``id`` hashes faster than the tuple (two equal sources get equal models)."""
    distinct = {
        id(source): source
        for _, cands, _, _, _ in groups
        for cand in cands.values()
        for source in cand.sources
    }
    # Source.as_dict inlined, the named tuples unpacked: one per table row, no call each
    models = field_sources_from_dicts(
        [
            {
                "page": page,
                "block_id": block_id,
                "bbox": {"x1": box[0], "y1": box[1], "x2": box[2], "y2": box[3]}
                if isinstance(box, tuple)
                else box,
                "text": text,
            }
            for page, block_id, box, text in distinct.values()
        ]
    )
    return {key: [model] for key, model in zip(distinct, models, strict=True)}
