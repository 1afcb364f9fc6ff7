"""Seller and buyer from the block splits real engines produce, not only from one block each.

The ground-truth pages hold each party in one ``<p>``. Engines do otherwise: the ``textlayer``
engine reads a letterhead's large company name as a heading over a paragraph with the address;
a model may give every printed line its own block. These pages are built by hand in those
shapes (page-frame boxes in points, lines 10 pt apart).
"""

from __future__ import annotations

from postprocess.extract import extract
from postprocess.extract.party_units import build_units
from schemas.blocks import Block, BlockKind
from schemas.extraction import ExtractionResult, FieldRule
from tests.extract.support import block

HEADING = BlockKind.HEADING
TABLE_HTML = (
    "<table><thead><tr><th>Description</th><th>Qty</th><th>Unit price</th><th>Amount</th></tr>"
    "</thead><tbody><tr><td>Consulting</td><td>2</td><td>100.00</td><td>200.00</td></tr>"
    "</tbody></table>"
)


def page(*rows: tuple[str, tuple[float, float, float, float], BlockKind]) -> list[Block]:
    blocks = [block(i, text, box, kind) for i, (text, box, kind) in enumerate(rows)]
    table = block(len(blocks), "", (56, 300, 539, 340), BlockKind.TABLE, html=TABLE_HTML)
    table = table.model_copy(update={"tag": "table"})
    return [*blocks, table]


def lines(
    x1: float, y1: float, texts: list[str], kind: BlockKind = BlockKind.PARAGRAPH
) -> list[tuple[str, tuple[float, float, float, float], BlockKind]]:
    """One block per printed line, 10 pt apart, 8 pt high, left-aligned at ``x1``."""
    return [
        (t, (x1, y1 + 10 * i, x1 + 6 * len(t), y1 + 10 * i + 8), kind) for i, t in enumerate(texts)
    ]


def run(blocks: list[Block]) -> ExtractionResult:
    return extract([blocks])


def test_a_heading_over_an_address_paragraph_is_one_letterhead() -> None:
    blocks = page(
        ("Harbour Lane Print Studio Ltd", (56, 60, 241, 72), HEADING),
        ("14 Harbour Lane Bristol BS1 4QA United Kingdom VAT No. GB123456789", (56, 78, 156, 125),
         BlockKind.PARAGRAPH),
        ("Bill to Northwind Analytics plc 221 Deansgate Manchester M3 4EN United Kingdom",
         (56, 153, 170, 200), BlockKind.PARAGRAPH),
        ("Invoice number: INV-7", (340, 153, 539, 161), BlockKind.PARAGRAPH),
    )  # fmt: skip
    result = run(blocks)
    assert result.data["seller"] == {
        "name": "Harbour Lane Print Studio Ltd",
        "address": "14 Harbour Lane, Bristol BS1 4QA, United Kingdom",
        "tax_id": "GB123456789",
    }
    assert result.data["buyer"]["name"] == "Northwind Analytics plc"
    name, address = result.fields["seller.name"], result.fields["seller.address"]
    assert name.rule is FieldRule.POSITION
    assert [s.block_id for s in name.sources] == [blocks[0].id]  # the heading prints the name
    assert [s.block_id for s in address.sources] == [blocks[1].id]
    assert address.sources[0].bbox == blocks[1].bbox_page


def test_one_block_per_line_and_a_label_alone_on_its_line() -> None:
    seller = lines(56, 60, ["Alpenblick Engineering AG", "Bahnhofstrasse 42", "8001 Zürich",
                            "Switzerland", "VAT: CHE-123.456.789 MWST"])  # fmt: skip
    buyer = lines(56, 160, ["Bill to:", "Lakeside Robotics SA", "Rue du Rhône 65",
                            "1204 Genève", "Switzerland"])  # fmt: skip
    info = lines(340, 160, ["Invoice number: 2025-117", "Invoice date: 2025-03-15"])
    result = run(page(*seller, *buyer, *info))
    assert result.data["seller"]["name"] == "Alpenblick Engineering AG"
    assert result.data["seller"]["address"] == "Bahnhofstrasse 42, 8001 Zürich, Switzerland"
    # "VAT:" is also a tax-line label, but a line printing a VAT id belongs to the party
    assert result.data["seller"]["tax_id"] == "CHE-123.456.789 MWST"
    assert result.fields["seller.tax_id"].rule is FieldRule.POSITION
    assert result.data["buyer"]["name"] == "Lakeside Robotics SA"
    assert result.data["buyer"]["address"] == "Rue du Rhône 65, 1204 Genève, Switzerland"
    assert result.fields["buyer.name"].rule is FieldRule.PARTY_LABEL
    assert result.data["invoice_number"] == "2025-117"
    # the address is printed over three blocks: each is a source
    assert len(result.fields["buyer.address"].sources) == 3


def test_a_right_aligned_letterhead_and_a_window_split_into_lines() -> None:
    blocks = page(
        ("Müller & Söhne Werkzeugbau GmbH", (295, 51, 539, 65), HEADING),
        ("Industriestraße 17 · 70565 Stuttgart", (350, 71, 539, 79), BlockKind.PARAGRAPH),
        ("Müller & Söhne Werkzeugbau GmbH · Industriestraße 17 · 70565 Stuttgart",
         (56, 132, 287, 140), BlockKind.PARAGRAPH),
        *lines(56, 152, ["Bäckerei Groß KG", "Hauptstraße 5", "80331 München", "Deutschland"]),
    )  # fmt: skip
    result = run(blocks)
    assert result.fields["buyer.name"].rule is FieldRule.SENDER_LINE
    assert result.data["buyer"] == {
        "name": "Bäckerei Groß KG",
        "address": "Hauptstraße 5, 80331 München, Deutschland",
        "tax_id": None,
    }
    assert result.data["seller"]["name"] == "Müller & Söhne Werkzeugbau GmbH"
    assert result.data["seller"]["address"] == "Industriestraße 17, 70565 Stuttgart"


def test_field_lines_stay_out_of_a_party() -> None:
    blocks = page(
        *lines(56, 60, ["Atelier Lumière SARL", "8 rue de la Paix", "75002 Paris"]),
        ("Facture n° F-2025-0087", (56, 90, 200, 98), BlockKind.PARAGRAPH),  # right under it
        ("Date : 15/03/2025", (56, 100, 200, 108), BlockKind.PARAGRAPH),
    )  # fmt: skip
    result = run(blocks)
    assert result.data["seller"]["address"] == "8 rue de la Paix, 75002 Paris"
    assert result.data["invoice_number"] == "F-2025-0087"
    assert result.data["issue_date"] == "2025-03-15"


def test_units_join_stacked_aligned_blocks_only() -> None:
    blocks = [
        block(0, "Acme GmbH", (56, 60, 150, 72), HEADING),
        block(1, "Weg 1", (56, 76, 120, 84)),  # under the heading, same left edge: joined
        block(2, "INVOICE", (400, 60, 539, 79), BlockKind.TITLE),  # other column
        block(3, "Notes", (56, 120, 100, 128)),  # 36 pt below: a paragraph of its own
        block(4, "Total: 5", (420, 84, 539, 92)),  # under the title, right edges aligned
        block(5, "Tiny", (300, 130, 330, 138)),  # centre far from everything above
    ]
    units = build_units(1, blocks, 8.0, alone=lambda b: b.text.startswith("Total"),
                        opens=lambda b: False)  # fmt: skip
    assert [[b.index for b in u.blocks] for u in units] == [[0, 1], [2], [4], [3], [5]]
