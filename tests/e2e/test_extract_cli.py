"""``docparse extract`` end to end through the CLI (typer's CliRunner), on born-digital PDFs read
by the ``textlayer`` engine (``--runner local``, no model server).

Inputs: copies of fixture-corpus PDFs (invoices, the parking-permit form, the three-page
inventory) and two small PDFs written here with PyMuPDF for the user schemas, a utility bill
(for ``tests/extract/data/utility_bill.schema.json``) and a purchase order (for the pydantic
model ``tests.extract.user_models:PurchaseOrder``), carrying the same text as the HTML pages of
tests/extract/data, a ruled table included.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pymupdf
import pytest

from tests.e2e.support import CORPUS, ROOT, cli, copy_documents, file_states, free_port

BILL_SCHEMA = ROOT / "tests" / "extract" / "data" / "utility_bill.schema.json"
PO_MODEL = "tests.extract.user_models:PurchaseOrder"
TEXTLAYER = ("--engine", "textlayer", "--runner", "local")
Line = tuple[float, float, str, float]  # x, baseline y, text, font size


def write_pdf(
    path: Path,
    lines: list[Line],
    table: list[list[str]],
    table_top: float,
    widths: list[float],
) -> None:
    """A one-page A4 PDF: text lines (Helvetica) and a fully ruled table (a frame per cell)."""
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    for x, y, text, size in lines:
        page.insert_text((x, y), text, fontname="helv", fontsize=size)
    y = table_top
    for row in table:
        x = 56.0
        for width, text in zip(widths, row, strict=True):
            page.draw_rect(pymupdf.Rect(x, y, x + width, y + 18), color=(0, 0, 0), width=0.7)
            page.insert_text((x + 4, y + 12.5), text, fontname="helv", fontsize=9)
            x += width
        y += 18
    doc.save(path)
    doc.close()


def utility_bill(path: Path) -> None:
    write_pdf(
        path,
        [
            (56, 70, "Northshore Power & Light", 18),
            (56, 90, "Electricity statement, 12 Quay Road, Dublin D02 X285, Ireland", 9),
            (56, 130, "Account holder: Mira Okonkwo", 10),
            (56, 148, "Account number: NPL-0048-7712", 10),
            (56, 166, "Statement date: 2 February 2025", 10),
            (56, 184, "Payment due: 23 February 2025", 10),
            (330, 300, "Amount due EUR 137.52", 10),
            (56, 340, "Paperless billing: [x] Yes [ ] No", 10),
        ],
        [
            ["Period", "Consumption (kWh)", "Rate", "Charge"],
            ["January 2025", "412", "EUR 0.31", "EUR 127.72"],
            ["Standing charge", "", "", "EUR 9.80"],
        ],
        210,
        [130, 130, 100, 120],
    )


def purchase_order(path: Path) -> None:
    write_pdf(
        path,
        [
            (56, 70, "PURCHASE ORDER", 18),
            (56, 100, "Supplier: Fjord Fasteners AS", 10),
            (340, 100, "PO number: PO-77231", 10),
            (340, 118, "Order date: 04.02.2025", 10),
            (330, 260, "Order total: NOK 350,00", 10),
        ],
        [
            ["SKU", "Item", "Qty", "Unit price", "Line total"],
            ["FF-100", "Hex bolt M10 x 60", "500", "0,42", "210,00"],
            ["FF-220", "Washer DIN 125 M10", "1.000", "0,05", "50,00"],
            ["FF-310", "Lock nut M10", "500", "0,18", "90,00"],
        ],
        150,
        [60, 180, 60, 90, 90],
    )


def extraction(out: Path, name: str) -> dict[str, Any]:
    """``extraction.json`` of one document of the output, parsed."""
    data: dict[str, Any] = json.loads((out / name / "extraction.json").read_text("utf-8"))
    return data


def summary_line(output: str, name: str) -> str:
    """The one line the command printed for document ``name`` (``SOURCE: ...``)."""
    lines = [line for line in output.splitlines() if re.search(rf"{re.escape(name)}: \d", line)]
    assert len(lines) == 1, output
    return lines[0]


def test_invoice_schema_writes_data_provenance_and_checks(tmp_path: Path) -> None:
    documents = {"gbp.pdf": "invoices/invoice_en_gbp.pdf", "fr.pdf": "invoices/facture_fr_eur.pdf"}
    copy_documents(tmp_path / "in", documents)
    out = tmp_path / "out"
    result = cli("extract", tmp_path / "in", "-o", out, "--schema", "invoice", *TEXTLAYER)
    assert result.exit_code == 0, result.output
    truth = json.loads((CORPUS / "invoices/invoice_en_gbp.gt/invoice.json").read_text("utf-8"))
    payload = extraction(out, "gbp.pdf")
    assert payload["schema_name"] == "invoice" and payload["valid"] is True
    data = payload["data"]
    # JSON types: ISO date strings, numbers (not strings), integer quantities
    assert (data["issue_date"], data["due_date"]) == ("2025-03-15", "2025-04-14")
    assert isinstance(data["total"], float) and data["total"] == truth["total"] == 3573.8
    assert [item["quantity"] for item in data["line_items"]] == [1, 250, 100, 2]
    assert data["seller"] == truth["seller"] and data["buyer"] == truth["buyer"]
    # provenance: every field found has its page, box and source text
    assert len(payload["fields"]) >= 20
    for path, field in payload["fields"].items():
        assert 0 < field["confidence"] <= 1, path
        source = field["sources"][0]
        assert source["page"] == 1 and source["text"], path
        assert set(source["bbox"]) == {"x1", "y1", "x2", "y2"}, path
    assert payload["fields"]["total"]["raw"] == "£3,573.80"
    names = {check["name"] for check in payload["checks"]}
    assert "total = subtotal + tax_amount" in names
    assert all(check["passed"] for check in payload["checks"])
    line = summary_line(result.output, "gbp.pdf")
    assert line.endswith(
        "gbp.pdf: 16/16 fields (3/3 required), 4 line items, checks 7 passed / 0 failed"
    )
    fr = extraction(out, "fr.pdf")["data"]
    assert (fr["invoice_number"], fr["seller"]["name"]) == ("F-2025-0087", "Atelier Lumière SARL")
    assert "fr.pdf: 16/16 fields" in summary_line(result.output, "fr.pdf")


def test_a_json_schema_file_with_aliases(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    utility_bill(tmp_path / "in" / "bill.pdf")
    out = tmp_path / "out"
    result = cli("extract", tmp_path / "in", "-o", out, "--schema", BILL_SCHEMA, *TEXTLAYER)
    assert result.exit_code == 0, result.output
    payload = extraction(out, "bill.pdf")
    assert payload["schema_name"] == "UtilityBill" and payload["valid"] is True
    assert payload["data"] == {
        "account_number": "NPL-0048-7712", "customer_name": "Mira Okonkwo",
        "bill_date": "2025-02-02", "due_date": "2025-02-23", "consumption_kwh": 412,
        "amount_due": 137.52, "paperless": True,
    }  # fmt: skip
    assert payload["fields"]["consumption_kwh"]["rule"] == "table"  # a single-valued column
    assert payload["fields"]["paperless"]["label"] == "Paperless billing"  # the check-box group
    assert "bill.pdf: 7/7 fields (3/3 required)" in summary_line(result.output, "bill.pdf")


def test_a_pydantic_model_named_module_colon_class(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    purchase_order(tmp_path / "in" / "po.pdf")
    out = tmp_path / "out"
    result = cli("extract", tmp_path / "in", "-o", out, "--schema", PO_MODEL, *TEXTLAYER)
    assert result.exit_code == 0, result.output
    payload = extraction(out, "po.pdf")
    assert payload["schema_name"] == "PurchaseOrder" and payload["valid"] is True
    data = payload["data"]
    assert (data["po_number"], data["order_date"], data["total"]) == (
        "PO-77231",
        "2025-02-04",
        350.0,
    )
    assert data["supplier"] == "Fjord Fasteners AS"
    assert data["items"][1] == {
        "sku": "FF-220", "description": "Washer DIN 125 M10", "quantity": 1000,
        "unit_price": 0.05, "amount": 50.0,
    }  # fmt: skip
    assert [c["passed"] for c in payload["checks"]] == [True] * 4
    assert "3 line items, checks 4 passed / 0 failed" in summary_line(result.output, "po.pdf")


def test_form_schema_gives_pairs_and_check_boxes(tmp_path: Path) -> None:
    copy_documents(tmp_path / "in", {"permit.pdf": "forms/parking_permit_application.pdf"})
    out = tmp_path / "out"
    result = cli("extract", tmp_path / "in", "-o", out, "--schema", "form", *TEXTLAYER)
    assert result.exit_code == 0, result.output
    payload = extraction(out, "permit.pdf")
    assert payload["schema_name"] == "form" and payload["valid"] is True
    pairs = {pair["key"]: pair["value"] for pair in payload["data"]["pairs"]}
    truth = json.loads(
        (CORPUS / "forms/parking_permit_application.gt/form.json").read_text("utf-8")
    )
    assert {f["key"]: f["value"] for f in truth["fields"]}.items() <= pairs.items()
    assert "Permit type" not in pairs  # a line of check boxes is not a key-value pair
    boxes = [(c["group"], c["label"], c["checked"]) for c in payload["data"]["checkboxes"]]
    assert boxes == [(c["group"], c["label"], c["checked"]) for c in truth["checkboxes"]]
    assert summary_line(result.output, "permit.pdf").endswith(
        f"permit.pdf: {len(pairs)} pairs, 9 check boxes"
    )


def test_tables_schema_joins_a_table_over_pages(tmp_path: Path) -> None:
    copy_documents(tmp_path / "in", {"inventory.pdf": "tables/inventory_multipage.pdf"})
    out = tmp_path / "out"
    result = cli("extract", tmp_path / "in", "-o", out, "--schema", "tables", *TEXTLAYER)
    assert result.exit_code == 0, result.output
    payload = extraction(out, "inventory.pdf")
    assert payload["schema_name"] == "tables" and payload["valid"] is True
    (table,) = payload["data"]["tables"]
    assert table["columns"] == ["Item no.", "Description", "Location", "Qty", "Unit cost", "Value"]
    assert len(table["records"]) == 84 and table["records"][0]["Item no."] == "SP-10001"
    assert table["csv"].splitlines()[0] == ",".join(table["columns"])
    assert summary_line(result.output, "inventory.pdf").endswith("inventory.pdf: 1 tables")


def test_from_output_extracts_without_running_a_model(tmp_path: Path) -> None:
    copy_documents(tmp_path / "in", {"ch.pdf": "invoices/invoice_ch_chf.pdf"})
    out = tmp_path / "out"
    converted = cli("convert", tmp_path / "in", "-o", out, *TEXTLAYER)
    assert converted.exit_code == 0, converted.output
    before = file_states(out)
    nothing_listens = f"http://127.0.0.1:{free_port()}"  # a model run would fail to connect
    result = cli(
        "extract", "-o", out, "--from-output", out, "--schema", "invoice",
        "--engine", "openai", "--endpoint", nothing_listens,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    after = file_states(out)
    assert set(after) - set(before) == {"ch.pdf/extraction.json"}  # beside document.json
    assert all(after[name] == state for name, state in before.items())  # nothing re-converted
    payload = extraction(out, "ch.pdf")
    assert payload["valid"] is True and payload["data"]["invoice_number"] == "2025-117"
    assert payload["data"]["seller"]["name"] == "Alpenblick Engineering AG"
    assert "ch.pdf: 16/16 fields (3/3 required)" in summary_line(result.output, "ch.pdf")


@pytest.mark.parametrize("schema", ["no_such_module_for_docparse:Model", "missing.json", "receipt"])
def test_a_bad_schema_exits_2_naming_the_option(tmp_path: Path, schema: str) -> None:
    copy_documents(tmp_path / "in", {"gbp.pdf": "invoices/invoice_en_gbp.pdf"})
    out = tmp_path / "out"
    result = cli("extract", tmp_path / "in", "-o", out, "--schema", schema, *TEXTLAYER)
    assert result.exit_code == 2, result.output
    assert "--schema" in result.output and schema in result.output
    assert not out.exists()  # stopped before any document was converted
