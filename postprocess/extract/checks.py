"""Arithmetic cross-checks of extracted amounts, each reported with its outcome.

Fields are found by role (``x-role``, else the field name): top level ``subtotal``,
``tax_amount``, ``total``; item columns ``quantity``, ``unit_price``, ``amount``, ``tax_rate``.

- per item: ``amount = round_half_up(quantity × unit_price, 2)`` within ``line_tolerance``;
- ``subtotal = Σ amount`` over the items, within ``total_tolerance``;
- ``tax_amount = Σ round_half_up(Σ amount at that rate × rate / 100, 2)`` over the rates;
- ``total = subtotal + tax_amount``; in a schema with neither, ``total = Σ amount``.

A check whose inputs are missing is reported skipped (``passed=None``); per-item checks only
for items that have an amount.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Any

from postprocess.extract.candidates import Candidate
from postprocess.extract.schema_spec import FieldSpec, SchemaSpec
from schemas.extraction import ExtractOptions

_CENT = Decimal("0.01")


def check_dicts(
    chosen: Mapping[str, Candidate],
    items: list[dict[str, Any]],
    spec: SchemaSpec,
    options: ExtractOptions,
) -> list[dict[str, Any]]:
    """The checks above as plain :class:`~schemas.extraction.CheckResult` data (validated with
    the result), on the ``chosen`` candidates (by path) and the first table's ``items`` (values
    by column path, as nested in the data)."""
    top, cols, keys = _roles(spec)
    table = spec.tables[0] if spec.tables else None
    prefix = table.path if table else ""
    checks: list[dict[str, Any]] = []  # validated together at the end (one call, not one a check)
    amounts: list[Decimal | None] = []
    for i, item in enumerate(items):
        amount = _dec(item.get(keys.get("amount", "")))
        amounts.append(amount)
        if amount is None:
            continue
        qty, price = (
            _dec(item.get(keys.get("quantity", ""))),
            _dec(item.get(keys.get("unit_price", ""))),
        )
        expected = _round(qty * price) if qty is not None and price is not None else None
        checks.append(
            _check(
                f"{prefix}[{i}].amount = quantity × unit_price",
                expected,
                amount,
                options.line_tolerance,
                [f"{prefix}[{i}].{cols.get(k, k)}" for k in ("amount", "quantity", "unit_price")],
            )
        )
    subtotal, tax, total = (
        _dec(cand.value) if (cand := chosen.get(top.get(k, ""))) is not None else None
        for k in ("subtotal", "tax_amount", "total")
    )
    present = [a for a in amounts if a is not None]
    lines_sum = sum(present, Decimal(0)) if present and len(present) == len(amounts) else None
    if "subtotal" in top and table is not None and items:
        checks.append(
            _check(
                f"subtotal = Σ {prefix}.amount",
                lines_sum,
                subtotal,
                options.total_tolerance,
                [top["subtotal"], f"{prefix}[].amount"],
            )
        )
    if "tax_amount" in top and table is not None and items and "tax_rate" in cols:
        checks.append(
            _check(
                "tax_amount = Σ per rate round(base × rate)",
                _tax(items, keys),
                tax,
                options.total_tolerance,
                [top["tax_amount"], f"{prefix}[].tax_rate"],
            )
        )
    if "total" in top and "subtotal" not in top and "tax_amount" not in top and table and items:
        checks.append(
            _check(
                f"total = Σ {prefix}.amount",
                lines_sum,
                total,
                options.total_tolerance,
                [top["total"], f"{prefix}[].amount"],
            )
        )
    if "total" in top and ("subtotal" in top or "tax_amount" in top):
        expected = subtotal + tax if subtotal is not None and tax is not None else None
        checks.append(
            _check(
                "total = subtotal + tax_amount",
                expected,
                total,
                options.total_tolerance,
                [top.get("total", ""), top.get("subtotal", ""), top.get("tax_amount", "")],
            )
        )
    return checks


@lru_cache(maxsize=64)
def _roles(spec: SchemaSpec) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """``(top-level path, first table's column name, its column path)`` by role, made once per
    schema."""
    top = {_role(f): f.path for f in spec.fields}
    columns = spec.tables[0].columns if spec.tables else ()
    return top, {_role(f): f.name for f in columns}, {_role(f): f.path for f in columns}


def _tax(items: list[dict[str, Any]], keys: dict[str, str]) -> Decimal | None:
    bases: dict[Decimal, Decimal] = defaultdict(Decimal)
    for item in items:
        rate, amount = _dec(item.get(keys["tax_rate"])), _dec(item.get(keys.get("amount", "")))
        if rate is None or amount is None:
            return None
        bases[rate] += amount
    return sum((_round(base * rate / 100) for rate, base in bases.items()), Decimal(0))


def _check(
    name: str, expected: Decimal | None, actual: Decimal | None, tolerance: float, paths: list[str]
) -> dict[str, Any]:
    """A :class:`~schemas.extraction.CheckResult` as plain data."""
    if expected is None or actual is None:
        return {
            "name": name,
            "passed": None,
            "tolerance": tolerance,
            "paths": paths,
            "expected": _float(expected),
            "actual": _float(actual),
            "message": "skipped: an input is missing",
        }
    passed = abs(expected - actual) <= _tolerance(tolerance)
    message = "ok" if passed else f"off by {actual - expected}"
    return {
        "name": name,
        "passed": passed,
        "expected": float(expected),
        "actual": float(actual),
        "tolerance": tolerance,
        "paths": paths,
        "message": message,
    }


@lru_cache(maxsize=64)
def _tolerance(tolerance: float) -> Decimal:
    """A tolerance as the decimal it is printed as (made once per option value)."""
    return Decimal(str(tolerance))


def _role(fspec: FieldSpec) -> str:
    return fspec.role or fspec.name


def _dec(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, (int, float)):
        return Decimal(str(value))
    return None


def _round(value: Decimal) -> Decimal:
    return value.quantize(_CENT, rounding=ROUND_HALF_UP)


def _float(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None
