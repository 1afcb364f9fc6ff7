"""User schemas: a JSON Schema file with x-aliases and a pydantic model named 'module:Class'."""

from __future__ import annotations

import json
from typing import Any

import pytest

from postprocess.extract import extract, extract_document, resolve_schema
from schemas.errors import ErrorCode, OptionsError, Severity
from schemas.extraction import FieldRule
from schemas.invoice import Invoice
from schemas.user_schemas import model_from_json_schema
from tests.extract.support import DATA, blocks_from_html, page_blocks

PO_MODEL = "tests.extract.user_models:PurchaseOrder"


def bill_schema() -> dict[str, Any]:
    return json.loads((DATA / "utility_bill.schema.json").read_text(encoding="utf-8"))


def page(name: str, change: str = "", to: str = "") -> list:
    html = (DATA / name).read_text(encoding="utf-8")
    return blocks_from_html(html.replace(change, to) if change else html, 595, 842)


def test_json_schema_file_with_aliases() -> None:
    result = extract([page("utility_bill.html")], bill_schema())
    assert result.valid and result.schema_name == "UtilityBill"
    assert result.data == {
        "account_number": "NPL-0048-7712", "customer_name": "Mira Okonkwo",
        "bill_date": "2025-02-02", "due_date": "2025-02-23", "consumption_kwh": 412,
        "amount_due": 137.52, "paperless": True,
    }  # fmt: skip
    assert not result.errors and result.summary.fields_found == result.summary.fields_total == 7
    assert result.fields["consumption_kwh"].rule is FieldRule.TABLE  # single-valued column
    assert result.fields["paperless"].rule is FieldRule.PAIR  # check-box group "☒ Yes ☐ No"
    assert result.fields["amount_due"].label == "amount due"


def test_json_schema_required_field_missing_and_invalid_value() -> None:
    blocks = page("utility_bill.html", "Account number: NPL-0048-7712", "Reference: none")
    result = extract([blocks], bill_schema())
    assert not result.valid and result.data["account_number"] is None
    missing = [e for e in result.errors if e.code is ErrorCode.FIELD_MISSING]
    assert [(e.path, e.severity) for e in missing] == [("$.account_number", Severity.ERROR)]
    negative = extract([page("utility_bill.html", "€137.52", "-€137.52")], bill_schema())
    invalid = [e for e in negative.errors if e.code is ErrorCode.FIELD_INVALID]
    assert [e.path for e in invalid] == ["$.amount_due"]  # minimum: 0
    assert negative.data["amount_due"] is None and negative.data["bill_date"] == "2025-02-02"


def test_pydantic_model_by_module_and_class_name() -> None:
    result = extract([page("purchase_order.html")], PO_MODEL)
    assert result.valid and result.schema_name == "PurchaseOrder"
    assert result.data["po_number"] == "PO-77231" and result.data["order_date"] == "2025-02-04"
    assert result.data["supplier"] == "Fjord Fasteners AS" and result.data["total"] == 350.0
    assert [item["quantity"] for item in result.data["items"]] == [500, 1000, 500]
    assert result.data["items"][1] == {
        "sku": "FF-220",
        "description": "Washer DIN 125 M10",
        "quantity": 1000,
        "unit_price": 0.05,
        "amount": 50.0,
    }
    assert [c.passed for c in result.checks] == [True, True, True, True]
    assert result.checks[-1].name == "total = Σ items.amount"


def test_pydantic_model_check_fails_on_a_wrong_total() -> None:
    result = extract([page("purchase_order.html", "NOK 350,00", "NOK 305,00")], PO_MODEL)
    assert [c.name for c in result.checks if c.passed is False] == ["total = Σ items.amount"]
    assert any(e.code is ErrorCode.CHECK_FAILED for e in result.errors)


def test_invoice_json_schema_round_trip_matches_the_builtin() -> None:
    blocks = page_blocks("invoices/invoice_ch_chf")
    from_json = extract([blocks], Invoice.model_json_schema())
    assert from_json.valid and from_json.data == extract([blocks]).data


def test_extract_document_reads_tables_forms_and_fields_once() -> None:
    bundle = extract_document([page("utility_bill.html")], bill_schema())
    assert [t.columns for t in bundle.tables] == [["Period", "Consumption (kWh)", "Rate", "Charge"]]
    assert {p.key for p in bundle.form.pairs} >= {"Account number", "Statement date"}
    assert [(c.group, c.label, c.checked) for c in bundle.form.checkboxes] == [
        ("Paperless billing", "Yes", True),
        ("Paperless billing", "No", False),
    ]
    assert bundle.extraction is not None and bundle.extraction.data["amount_due"] == 137.52
    assert extract_document([page("utility_bill.html")], None).extraction is None


@pytest.mark.parametrize("schema", [
    {"type": "object", "properties": {"a": {"type": "array", "items": {"type": "string"}}}},
    {"type": "object", "properties": {"a": {"$ref": "https://example.com/x.json"}}},
    {"type": "array", "items": {"type": "string"}},
    {"type": "object", "properties": {"a": {"type": "string", "x-patterns": ["("]}}},
    "no_such_module_for_docparse:Model",
    "tests.extract.user_models:OrderLineMissing",
    "json:dumps",
    "receipt",
])  # fmt: skip
def test_unusable_schemas_raise_schema_invalid(schema: Any) -> None:
    with pytest.raises(OptionsError) as info:
        resolve_schema(schema)
    assert info.value.code is ErrorCode.SCHEMA_INVALID


def test_json_schema_features_become_pydantic_fields() -> None:
    model = model_from_json_schema({
        "title": "Thing", "type": "object", "required": ["due-date"],
        "$defs": {"Money": {"type": "number", "minimum": 0}},
        "properties": {
            "due-date": {"type": "string", "format": "date", "x-aliases": ["Due"]},
            "price": {"$ref": "#/$defs/Money"},
            "kind": {"enum": ["a", "b"]},
            "note": {"anyOf": [{"type": "string"}, {"type": "null"}], "default": None},
        },
    })  # fmt: skip
    thing = model.model_validate({"due-date": "2025-01-02", "price": 3, "kind": "a"})
    assert thing.model_dump(mode="json", by_alias=True) == {
        "due-date": "2025-01-02", "price": 3, "kind": "a", "note": None,
    }  # fmt: skip
    spec = resolve_schema(model)
    first = spec.fields[0]
    assert (first.path, first.type, first.required, first.aliases) == (
        "due-date",
        "date",
        True,
        ("Due",),
    )
    with pytest.raises(ValueError):
        model.model_validate({"due-date": "2025-01-02", "price": -1})
