"""The extraction contract: public names, the Invoice JSON shape and its aliases, schema names."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import postprocess.extract
import postprocess.forms
import postprocess.tables
from schemas import SCHEMAS
from schemas.extraction import DocumentExtraction, ExtractionResult
from schemas.forms import FormResult
from schemas.invoice import Invoice, LineItem, Party
from schemas.tables import Table

EXTRACT_API = {
    "BUILTIN_SCHEMAS", "FieldSpec", "ObjectSpec", "SchemaRef", "SchemaSpec", "TableSpec",
    "build_view", "compact_iban", "currency_of", "extract", "extract_document", "extract_view",
    "iban_valid", "import_model", "norm_key", "parse_amount", "parse_date", "parse_percent",
    "resolve_schema", "spec_from_model",
}  # fmt: skip


def test_public_names() -> None:
    assert set(postprocess.extract.__all__) == EXTRACT_API
    for name in EXTRACT_API - {"SchemaRef", "BUILTIN_SCHEMAS"}:  # a type alias and a dict
        assert getattr(postprocess.extract, name).__module__.startswith("postprocess."), name
    assert {"invoice": Invoice} == postprocess.extract.BUILTIN_SCHEMAS
    assert postprocess.extract.SchemaRef is not None
    assert set(postprocess.tables.__all__) == {
        "expand_grid", "join_tables", "parse_table", "table_records", "table_to_csv",
        "tables_from_blocks", "tables_from_element",
    }  # fmt: skip
    assert set(postprocess.forms.__all__) == {"extract_form", "extract_form_pages"}


def test_schema_names_for_the_cli() -> None:
    assert SCHEMAS["invoice"] is Invoice and SCHEMAS["table"] is Table
    assert SCHEMAS["form"] is FormResult and SCHEMAS["extraction"] is ExtractionResult
    assert DocumentExtraction.model_json_schema()["type"] == "object"


def test_invoice_json_field_names_and_types() -> None:
    assert list(Invoice.model_fields) == [
        "invoice_number", "issue_date", "due_date", "seller", "buyer", "currency", "line_items",
        "subtotal", "tax_amount", "total", "payment_terms", "iban",
    ]  # fmt: skip
    assert list(Party.model_fields) == ["name", "address", "tax_id"]
    assert list(LineItem.model_fields) == [
        "description",
        "quantity",
        "unit_price",
        "amount",
        "tax_rate",
    ]
    invoice = Invoice(
        invoice_number="A-1",
        issue_date=date(2025, 3, 15),
        total=Decimal("1616.82"),
        line_items=[LineItem(quantity=Decimal("2"), amount=Decimal("640.00"))],
    )
    dumped = invoice.model_dump(mode="json")
    assert dumped["issue_date"] == "2025-03-15" and dumped["total"] == 1616.82
    assert dumped["line_items"][0]["quantity"] == 2 and dumped["line_items"][0]["amount"] == 640.0
    assert Invoice.model_json_schema()["properties"]["total"]["type"] == "number"


def test_every_invoice_field_has_multilingual_aliases() -> None:
    props = Invoice.model_json_schema()["properties"]
    aliases = {name: props[name].get("x-aliases", []) for name in props}
    assert {
        "Invoice No",
        "Invoice #",
        "Invoice Number",
        "Rechnungsnummer",
        "Rechnung Nr.",
        "Facture n°",
        "N° de facture",
    } <= set(aliases["invoice_number"])
    for name, words in {
        "issue_date": ("Invoice date", "Rechnungsdatum", "Date de facture"),
        "due_date": ("Due date", "Fällig am", "Échéance"),
        "seller": ("Seller", "Verkäufer", "Vendeur"),
        "buyer": ("Bill to", "Kunde", "Facturé à"),
        "subtotal": ("Subtotal", "Zwischensumme", "Total HT"),
        "tax_amount": ("Total VAT", "MwSt.-Betrag", "Total TVA"),
        "total": ("Total", "Gesamtbetrag", "Total TTC"),
        "payment_terms": ("Payment terms", "Zahlungsbedingungen", "Conditions de paiement"),
        "currency": ("Currency", "Währung", "Devise"),
    }.items():
        assert set(words) <= set(aliases[name]), name
    assert "IBAN" in aliases["iban"]
