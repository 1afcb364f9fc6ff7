"""The :class:`ExtractionResult` of chosen values: data, provenance, checks, errors, counts."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from postprocess.extract.assemble import jsonable, missing_error, nest, validate
from postprocess.extract.candidates import Candidate, Source
from postprocess.extract.checks import run_checks
from postprocess.extract.schema_spec import SchemaSpec
from schemas.errors import ErrorCode, ErrorRecord
from schemas.extraction import (
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
    reported: set[str] = set()
    leaves = spec.leaf_paths()
    for path, required in leaves:
        present = path in chosen or bool(item_values.get(path))
        if not present:
            errors.append(missing_error(path, required))
            reported.add(path)
    data, valid, problems = validate(spec.model, nest(spec, values, item_values), reported)
    errors += problems
    sources = _source_models(chosen, items)
    raw_fields = {path: _field(path, cand, sources) for path, cand in chosen.items()}
    for path, rows in items.items():
        for i, row in enumerate(rows):
            prefix = f"{path}[{i}]."
            for name, cand in row.items():
                raw_fields[prefix + name] = _field(prefix + name, cand, sources)
    fields = fields_from_dicts(raw_fields)
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


def _field(path: str, cand: Candidate, sources: dict[Source, FieldSource]) -> dict[str, Any]:
    """An ``ExtractedField`` as plain data (validated with the others in one call)."""
    value = cand.value
    if type(value) is Decimal:  # most values: amounts
        value = decimal_to_number(value)
    elif value is not None:
        value = jsonable(value)
    return {
        "path": path,
        "value": value,
        "raw": cand.raw,
        "rule": cand.rule,
        "confidence": round(cand.confidence, 3),
        "label": cand.label,
        "sources": [sources[s] for s in cand.sources],
        "estimated_box": cand.estimated,
    }


def _source_models(
    chosen: dict[str, Candidate], items: dict[str, list[dict[str, Candidate]]]
) -> dict[Source, FieldSource]:
    """One field-source model per distinct source (an item's cells share their row's),
    validated in one call."""
    distinct: dict[Source, None] = {}
    for cand in chosen.values():
        for source in cand.sources:
            distinct[source] = None
    for rows in items.values():
        for row in rows:
            for cand in row.values():
                for source in cand.sources:
                    distinct[source] = None
    models = field_sources_from_dicts([s.as_dict() for s in distinct])
    return dict(zip(distinct, models, strict=True))
