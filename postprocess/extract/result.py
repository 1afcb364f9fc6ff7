"""The :class:`ExtractionResult` of chosen values: data, provenance, checks, errors, counts."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from postprocess.extract.assemble import JSON_AS_IS, jsonable, missing_errors, nest, validate
from postprocess.extract.candidates import Candidate
from postprocess.extract.checks import run_checks
from postprocess.extract.schema_spec import SchemaSpec
from schemas.errors import ErrorCode, ErrorRecord
from schemas.extraction import (
    ExtractedField,
    ExtractionResult,
    ExtractionSummary,
    ExtractOptions,
    FieldSource,
    field_sources_from_dicts,
    fields_from_dicts,
)
from schemas.invoice import decimal_to_number


def build_result(
    spec: SchemaSpec,
    chosen: dict[str, Candidate],
    items: dict[str, list[dict[str, Candidate]]],
    errors: list[ErrorRecord],
    options: ExtractOptions,
) -> ExtractionResult:
    values = {path: cand.value for path, cand in chosen.items()}
    item_values = {
        path: [{k: c.value for k, c in row.items()} for row in rows] for path, rows in items.items()
    }
    rows = item_values.get(spec.tables[0].path, []) if spec.tables else []
    checks = run_checks(values, rows, spec, options)
    errors += [
        ErrorRecord(
            code=ErrorCode.CHECK_FAILED,
            message=f"{c.name}: {c.message}",
            path=f"$.{c.paths[0]}" if c.paths else None,
        )
        for c in checks
        if c.passed is False
    ]
    leaves = spec.leaf_paths()
    missing = [(p, r) for p, r in leaves if not (p in chosen or item_values.get(p))]
    errors += missing_errors(missing)
    reported = {path for path, _ in missing}
    fields = _fields(chosen, items)
    data, valid, problems = validate(spec.model, nest(spec, values, item_values), reported)
    errors += problems
    found = [(p, r) for p, r in leaves if p in chosen or item_values.get(p)]
    summary = ExtractionSummary(
        fields_found=len(found),
        fields_total=len(leaves),
        required_found=sum(1 for _, r in found if r),
        required_total=sum(1 for _, r in leaves if r),
        line_items=sum(len(rows) for rows in items.values()),
        checks_passed=sum(c.passed is True for c in checks),
        checks_failed=sum(c.passed is False for c in checks),
        checks_skipped=sum(c.passed is None for c in checks),
    )
    return ExtractionResult(
        schema_name=spec.name,
        valid=valid,
        data=data,
        fields=fields,
        checks=checks,
        errors=errors,
        summary=summary,
    )


def _fields(
    chosen: dict[str, Candidate], items: dict[str, list[dict[str, Candidate]]]
) -> dict[str, ExtractedField]:
    """The ``ExtractedField`` of every chosen value and item cell, validated in one call."""
    cells = list(chosen.items())
    for path, rows in items.items():
        for i, row in enumerate(rows):
            prefix = f"{path}[{i}]."
            cells += [(prefix + name, cand) for name, cand in row.items()]
    single = _source_lists([cand for _, cand in cells])
    # round() is slow and there are few distinct confidences (one per column): round each once
    rounded: dict[float, float] = {}
    raw: dict[str, dict[str, Any]] = {}
    for path, cand in cells:
        of = cand.sources
        value = cand.value
        kind = type(value)
        if kind is Decimal:  # most values: amounts
            value = decimal_to_number(value)
        elif value is not None and kind not in JSON_AS_IS:
            value = jsonable(value)
        confidence = cand.confidence
        if confidence not in rounded:
            rounded[confidence] = round(confidence, 3)
        raw[path] = {
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
    return fields_from_dicts(raw)


def _source_lists(cands: list[Candidate]) -> dict[int, list[FieldSource]]:
    """``[model]``: the field-source model of each source of ``cands`` in a list of one, by the
    source's ``id``, validated in one call: one model per source object (an item's cells share
    their row's). By ``id``, not by value: an ``id`` hashes faster than the tuple (two equal
    sources get equal models)."""
    distinct = {id(source): source for cand in cands for source in cand.sources}
    models = field_sources_from_dicts([source.as_dict() for source in distinct.values()])
    return {key: [model] for key, model in zip(distinct, models, strict=True)}
