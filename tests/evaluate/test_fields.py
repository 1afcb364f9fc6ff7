"""Field-level comparison of extracted JSON: normalisation, paths, micro P/R/F1, exact share."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pydantic import BaseModel

from docparse.evaluate import (
    compare_fields,
    flatten_fields,
    parse_amount,
    parse_date,
    summarize_fields,
)


def _by_path(report):
    return {f.path: f for f in report.fields}


def test_dates_compare_as_iso() -> None:
    report = compare_fields({"invoice_date": "15.03.2025"}, {"invoice_date": "2025-03-15"})
    field = _by_path(report)["invoice_date"]
    assert field.kind == "date" and field.pred == field.true == "2025-03-15"
    assert report.all_correct


def test_day_first_and_month_first() -> None:
    assert parse_date("03/04/2025").isoformat() == "2025-04-03"  # day first by default
    assert parse_date("03/04/2025", dayfirst=False).isoformat() == "2025-03-04"
    assert parse_date("15/03/2025", dayfirst=False).isoformat() == "2025-03-15"  # only reading
    assert parse_date("March 15, 2025").isoformat() == "2025-03-15"
    assert parse_date("31.02.2025") is None
    truth = {"due": "2025-03-04"}
    assert compare_fields({"due": "03/04/2025"}, truth, dayfirst=False).all_correct
    assert not compare_fields({"due": "03/04/2025"}, truth).all_correct


def test_amounts_compare_as_decimals_to_the_cent() -> None:
    assert compare_fields({"total": "1.234,56"}, {"total": 1234.56}).all_correct
    assert compare_fields({"total": "EUR 1.234,56"}, {"total": "1,234.56 €"}).all_correct
    assert compare_fields({"total": 1234.564}, {"total": 1234.56}).all_correct  # rounds to .56
    assert compare_fields({"total": 1234.565}, {"total": "1234.57"}).all_correct  # half up
    assert not compare_fields({"total": 1234.57}, {"total": 1234.56}).all_correct


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.234,56", Decimal("1234.56")),
        ("1,234.56", Decimal("1234.56")),
        ("1 234,56", Decimal("1234.56")),
        ("1'234.50 CHF", Decimal("1234.50")),
        ("(1.234,56)", Decimal("-1234.56")),
        ("12,500", Decimal("12500")),  # one mark + exactly 3 digits: thousands
        ("12,5", Decimal("12.5")),
        ("0.125", Decimal("0.125")),  # leading zero: a decimal mark
        ("$12", Decimal("12")),
        ("INV-001", None),
        ("n/a", None),
    ],
)
def test_parse_amount(text: str, expected: Decimal | None) -> None:
    assert parse_amount(text) == expected


def test_strings_fold_case_and_whitespace() -> None:
    assert compare_fields({"seller": " ACME\n  GmbH "}, {"seller": "acme gmbh"}).all_correct
    assert not compare_fields({"seller": "ACME AG"}, {"seller": "acme gmbh"}).all_correct


def test_identifier_strings_are_not_numbers_unless_told() -> None:
    assert not compare_fields({"number": "123"}, {"number": "00123"}).all_correct
    assert compare_fields(
        {"number": "123"}, {"number": "00123"}, field_types={"number": "amount"}
    ).all_correct


def test_flatten_nested_objects_and_line_items() -> None:
    doc = {
        "seller": {"name": "ACME", "address": {"city": "Lyon"}},
        "line_items": [{"amount": 1}, {"amount": 2, "tags": []}],
        "notes": None,
        "extra": {},
    }
    assert flatten_fields(doc) == {
        "seller.name": "ACME",
        "seller.address.city": "Lyon",
        "line_items[0].amount": 1,
        "line_items[1].amount": 2,
        "notes": None,
    }


def test_field_types_by_generic_path() -> None:
    truth = {"line_items": [{"code": "1.5"}, {"code": "2.50"}]}
    pred = {"line_items": [{"code": "1.50"}, {"code": "2.5"}]}
    assert compare_fields(pred, truth).all_correct  # inferred as amounts ("1.5" has decimals)
    as_strings = compare_fields(pred, truth, field_types={"line_items[].code": "string"})
    assert not as_strings.all_correct


def test_micro_precision_recall_f1() -> None:
    truth = {"a": "x", "b": "y", "c": None}
    pred = {"a": "x", "b": "z", "c": "w", "d": None}
    report = compare_fields(pred, truth)
    # paths a, b, c, d. tp: a. non-null predictions: a, b, c (3). non-null truths: a, b (2)
    counts = report.counts
    assert (counts.tp, counts.fp, counts.fn) == (1, 2, 1)
    assert counts.precision == pytest.approx(1 / 3)
    assert counts.recall == pytest.approx(1 / 2)
    assert counts.f1 == pytest.approx(0.4)  # 2 * 1/3 * 1/2 / (1/3 + 1/2)
    assert not report.all_correct


def test_blank_strings_are_null() -> None:
    report = compare_fields({"po": "  "}, {"po": None})
    assert report.all_correct and report.counts.tp == 0 and report.counts.precision == 1.0


def test_summary_micro_counts_per_field_and_exact_share() -> None:
    exact = compare_fields(
        {"total": "10,00", "line_items": [{"amount": "5"}]},
        {"total": 10, "line_items": [{"amount": 5}]},
        doc_id="a",
    )
    wrong = compare_fields(
        {"total": "11,00", "line_items": [{"amount": "5"}, {"amount": "1"}]},
        {"total": 10, "line_items": [{"amount": 5}]},
        doc_id="b",
    )
    summary = summarize_fields([exact, wrong])
    assert summary.documents == 2 and summary.exact_documents == 1
    assert summary.exact_share == 0.5
    # tp: a.total, a.li0, b.li0 = 3; predictions: 2 + 3 = 5; truths: 2 + 2 = 4
    assert (summary.counts.tp, summary.counts.fp, summary.counts.fn) == (3, 2, 1)
    assert summary.per_field["line_items[].amount"].tp == 2
    assert summary.per_field["line_items[].amount"].fp == 1
    assert summary.per_field["total"].recall == 0.5


def test_pydantic_models_are_accepted() -> None:
    class Party(BaseModel):
        name: str

    class Invoice(BaseModel):
        seller: Party
        total: float

    truth = {"seller": {"name": "ACME"}, "total": 99.9}
    report = compare_fields(Invoice(seller=Party(name="acme"), total=99.90), truth)
    assert report.all_correct and _by_path(report)["total"].kind == "amount"
