"""Field-level accuracy of extracted JSON (invoices, forms) against ground truth.

Definitions:

* Both documents are flattened to leaf paths: nested objects join keys with dots
  (``seller.name``), list items are addressed by index (``line_items[0].amount``). Empty objects
  and lists contribute no path. ``None`` and blank strings are null.
* Each path is compared after type-aware normalisation (``values.py``). The kind is taken from
  ``field_types`` when given (keys are exact paths, or paths with indices written ``[]``:
  ``line_items[].amount``), else inferred from the truth value (from the prediction when the
  truth is null): booleans; numbers -> amount; strings that parse as a date -> date; strings
  written like an amount (decimals, grouping or a currency) -> amount; anything else -> string.
  A value that does not parse as its kind is compared as a normalised string.
* Micro counts over paths: a non-null prediction counts toward precision, a non-null truth toward
  recall, and a true positive is a path where both are non-null and equal. A wrong value is
  therefore both a false positive and a false negative.
* A document is exact when every path agrees, null included (an invented value breaks it).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel

from docparse.evaluate.report_models import Counts, FieldComparison, FieldsDocReport, FieldsSummary
from docparse.evaluate.values import (
    canonical_amount,
    canonical_bool,
    canonical_date,
    canonical_string,
    looks_like_amount,
    parse_date,
)

__all__ = ["FieldKind", "compare_fields", "flatten_fields", "generic_path", "summarize_fields"]

FieldKind = Literal["string", "date", "amount", "bool"]
_INDEX = re.compile(r"\[\d+\]")


def flatten_fields(value: Any, prefix: str = "") -> dict[str, Any]:
    """Leaf values by path: ``{"seller": {"name": "A"}}`` -> ``{"seller.name": "A"}``."""
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="python")
    if isinstance(value, Mapping):
        flat: dict[str, Any] = {}
        for key, item in value.items():
            flat.update(flatten_fields(item, f"{prefix}.{key}" if prefix else str(key)))
        return flat
    if isinstance(value, (list, tuple)):
        flat = {}
        for i, item in enumerate(value):
            flat.update(flatten_fields(item, f"{prefix}[{i}]"))
        return flat
    return {prefix: value} if prefix else {}


def generic_path(path: str) -> str:
    """``line_items[3].amount`` -> ``line_items[].amount``."""
    return _INDEX.sub("[]", path)


def _is_null(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _infer_kind(value: Any, dayfirst: bool) -> FieldKind:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float, Decimal)):
        return "amount"
    if isinstance(value, str):
        if parse_date(value, dayfirst=dayfirst) is not None:
            return "date"
        if looks_like_amount(value):
            return "amount"
    return "string"


def _canonical(value: Any, kind: FieldKind, dayfirst: bool) -> str | None:
    if _is_null(value):
        return None
    if kind == "date":
        parsed = canonical_date(value, dayfirst=dayfirst)
    elif kind == "amount":
        parsed = canonical_amount(value)
    elif kind == "bool":
        parsed = canonical_bool(value)
    else:
        parsed = None
    return parsed if parsed is not None else canonical_string(value)


def compare_fields(
    pred: Mapping[str, Any] | BaseModel,
    true: Mapping[str, Any] | BaseModel,
    *,
    field_types: Mapping[str, FieldKind] | None = None,
    dayfirst: bool = True,
    doc_id: str = "",
) -> FieldsDocReport:
    """Compare one document's extracted fields with the truth, path by path."""
    pred_flat, true_flat = flatten_fields(pred), flatten_fields(true)
    types = field_types or {}
    fields = []
    for path in sorted(set(pred_flat) | set(true_flat)):
        t, p = true_flat.get(path), pred_flat.get(path)
        kind = types.get(path) or types.get(generic_path(path))
        if kind is None:
            kind = _infer_kind(p if _is_null(t) else t, dayfirst)
        fields.append(
            FieldComparison(
                path=path,
                kind=kind,
                true=_canonical(t, kind, dayfirst),
                pred=_canonical(p, kind, dayfirst),
            )
        )
    return FieldsDocReport(doc_id=doc_id, fields=fields)


def summarize_fields(reports: Sequence[FieldsDocReport]) -> FieldsSummary:
    """Micro precision/recall/F1 over all fields, per-field counts, share of exact documents."""
    per_field: dict[str, Counts] = {}
    for report in reports:
        for f in report.fields:
            tp = int(f.true is not None and f.true == f.pred)
            counts = Counts(tp=tp, fp=int(f.pred is not None) - tp, fn=int(f.true is not None) - tp)
            key = generic_path(f.path)
            per_field[key] = per_field.get(key, Counts()) + counts
    total = Counts()
    for report in reports:
        total = total + report.counts
    return FieldsSummary(
        documents=len(reports),
        exact_documents=sum(1 for r in reports if r.all_correct),
        counts=total,
        per_field=dict(sorted(per_field.items())),
    )
