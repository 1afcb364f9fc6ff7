"""Form key-value pairs: colon, table, box, spatial and check-box rules, with their boxes."""

from __future__ import annotations

import itertools

import pytest

from postprocess.extract.boxes import line_height, short_heights
from postprocess.extract.form_text import checkbox_groups
from postprocess.extract.labels import norm_key
from postprocess.forms import extract_form, extract_form_pages
from schemas.blocks import BlockKind
from schemas.forms import FormResult, KeyValue, PairRule
from schemas.geometry import BBox
from tests.extract.support import block, document_pages, ground_truth, page_blocks

FORMS = ["forms/parking_permit_application", "scans/parking_permit_application_scan"]
#: form.json names the rule "box" for a label above a drawn box; pairs outside form.json.
EXTRA_KEYS = {"Return to"}  # footer "Return to: Parking Services, ...": a real pair, not in GT


def pairs_by_key(form: FormResult) -> dict[str, KeyValue]:
    return {p.key: p for p in form.pairs}


def inside(inner: BBox | None, outer: BBox | None, slack: float = 0.01) -> bool:
    assert inner is not None and outer is not None
    return (
        inner.x1 >= outer.x1 - slack
        and inner.y1 >= outer.y1 - slack
        and inner.x2 <= outer.x2 + slack
        and inner.y2 <= outer.y2 + slack
    )


@pytest.mark.parametrize("doc_id", FORMS)
def test_every_ground_truth_pair_is_found_with_its_rule(doc_id: str) -> None:
    form = extract_form(page_blocks(doc_id), page_number=1)
    found = pairs_by_key(form)
    truth = ground_truth(doc_id, "form")
    for field in truth["fields"]:
        pair = found.get(field["key"])
        assert pair is not None, field["key"]
        assert (pair.value, pair.rule.value, pair.page) == (field["value"], field["rule"], 1)
    extra = set(found) - {f["key"] for f in truth["fields"]}
    assert extra == EXTRA_KEYS  # precision 15/16 against form.json, recall 15/15


@pytest.mark.parametrize("doc_id", FORMS)
def test_check_boxes_match_the_ground_truth(doc_id: str) -> None:
    form = extract_form(page_blocks(doc_id), page_number=1)
    got = [(c.group, c.label, c.checked) for c in form.checkboxes]
    truth = ground_truth(doc_id, "form")["checkboxes"]
    assert got == [(c["group"], c["label"], c["checked"]) for c in truth]
    # a line of check boxes is a question with options, not a key-value pair
    groups = {c["group"] for c in truth}
    assert not groups & {p.key for p in form.pairs}
    chosen = {g.name: g.value for g in checkbox_groups(form.checkboxes)}
    assert chosen["Permit type"] == "Resident" and chosen["Disabled parking badge"] == "No"


def test_colon_pair_boxes_are_proportional_to_character_offsets() -> None:
    blocks = page_blocks("forms/parking_permit_application")
    pair = pairs_by_key(extract_form(blocks))["Full name"]
    source = next(b for b in blocks if b.id == pair.key_block_id)
    assert source.bbox_page is not None and source.bbox_page.as_tuple() == (54, 177, 558, 189)
    assert pair.estimated_boxes and pair.value_block_id == pair.key_block_id
    # "Full name: Renée Kowalski-Brandt": 32 characters over 504 pt
    assert pair.key_bbox is not None and pair.value_bbox is not None
    assert pair.key_bbox.as_tuple() == pytest.approx((54, 177, 54 + 504 * 9 / 32, 189))
    assert pair.value_bbox.as_tuple() == pytest.approx((54 + 504 * 11 / 32, 177, 558, 189))
    assert pair.norm_key == "full name"


def test_table_pairs_have_row_boxes_in_the_table() -> None:
    form = extract_form(page_blocks("forms/parking_permit_application"))
    rows = [p for p in form.pairs if p.rule is PairRule.TABLE]
    assert [p.key for p in rows] == ["Make", "Model", "Year", "License plate", "Color"]
    table_box = BBox(x1=53, y1=329, x2=455, y2=426)
    for upper, lower in itertools.pairwise(rows):
        assert upper.key_bbox is not None and lower.key_bbox is not None
        assert upper.key_bbox.y2 == pytest.approx(lower.key_bbox.y1)
    for pair in rows:
        assert inside(pair.key_bbox, table_box) and inside(pair.value_bbox, table_box)
        assert pair.key_bbox is not None and pair.value_bbox is not None
        assert pair.key_bbox.x2 <= pair.value_bbox.x1 + 0.01


def test_box_pairs_put_the_label_above_the_value() -> None:
    blocks = page_blocks("forms/parking_permit_application")
    pair = pairs_by_key(extract_form(blocks))["Start date"]
    source = next(b for b in blocks if b.id == pair.key_block_id)
    assert pair.rule is PairRule.BOX and pair.value == "04/01/2025"
    assert inside(pair.key_bbox, source.bbox_page) and inside(pair.value_bbox, source.bbox_page)
    assert pair.key_bbox is not None and pair.value_bbox is not None
    assert pair.key_bbox.y2 == pytest.approx(pair.value_bbox.y1)


def test_spatial_rule_pairs_right_then_below_with_block_boxes() -> None:
    blocks = [
        block(0, "Name:", (50, 100, 90, 110)),
        block(1, "Jane Doe", (130, 100, 200, 110)),
        block(2, "Policy number", (300, 100, 380, 110)),
        block(3, "PN-4471", (300, 114, 360, 126)),
        block(4, "Signature", (50, 400, 110, 410)),  # nothing near it
        block(5, "Notes", (50, 200, 90, 210)),  # a lone word next to text without a digit
        block(6, "see attached", (100, 200, 180, 210)),
    ]
    form = extract_form(blocks)
    got = {p.key: (p.value, p.rule, p.key_bbox, p.value_bbox) for p in form.pairs}
    assert got["Name"] == ("Jane Doe", PairRule.SPATIAL, blocks[0].bbox_page, blocks[1].bbox_page)
    assert got["Policy number"][:2] == ("PN-4471", PairRule.SPATIAL)
    assert got["Policy number"][3] == blocks[3].bbox_page
    assert "Signature" not in got and "Notes" not in got
    assert all(not p.estimated_boxes for p in form.pairs)


def test_check_box_syntaxes_and_groups_from_headings() -> None:
    blocks = [
        block(0, "Contact", (50, 40, 120, 50), BlockKind.HEADING),
        block(1, "[x] Email [ ] Phone ✓ Post", (50, 60, 300, 70)),
        block(2, "Newsletter: ☑ yes ☐ no", (50, 80, 300, 90)),
        block(3, "✔ I accept the terms", (50, 100, 300, 110)),
    ]
    form = extract_form(blocks)
    assert [(c.group, c.label, c.checked) for c in form.checkboxes] == [
        ("Contact", "Email", True),
        ("Contact", "Phone", False),
        ("Contact", "Post", True),
        ("Newsletter", "yes", True),
        ("Newsletter", "no", False),
        ("Contact", "I accept the terms", True),
    ]
    assert all(
        c.bbox is not None and inside(c.bbox, blocks[int(c.block_id[-1]) - 1].bbox_page)
        for c in form.checkboxes
        if c.block_id
    )


def test_several_pairs_on_one_line_and_prose_colons() -> None:
    text = "Payment Terms: 30 days net Bank: UBS AG IBAN: CH93 0076 2011 6238 5295 7"
    blocks = [
        block(0, text, (10, 10, 500, 20)),
        block(1, "We list the following items for you:", (10, 30, 500, 40)),
    ]
    form = extract_form(blocks)
    assert [(p.key, p.value) for p in form.pairs] == [
        ("Payment Terms", "30 days net"),
        ("Bank", "UBS AG"),
        ("IBAN", "CH93 0076 2011 6238 5295 7"),
    ]


def test_pages_are_numbered_in_order() -> None:
    pages = document_pages("forms/parking_permit_application") * 2
    form = extract_form_pages(pages)
    assert {p.page for p in form.pairs} == {1, 2}
    assert len(form.pairs) == 2 * len(extract_form(pages[0]).pairs)


@pytest.mark.parametrize(
    ("label", "key"),
    [
        ("Date of birth:", "date of birth"),
        ("  Full   Name : ", "full name"),
        ("N° TVA", "n tva"),
        ("USt-IdNr.", "ust idnr"),
        ("Échéance", "echeance"),
        ("Straße", "strasse"),
    ],
)
def test_normalised_keys(label: str, key: str) -> None:
    assert norm_key(label) == key


def test_line_height_from_short_paragraphs_else_every_box() -> None:
    blocks = [
        block(0, "Title", (0, 0, 100, 40), BlockKind.TITLE),
        block(1, "Name: Ann", (0, 50, 100, 62)),
        block(2, "Date: 1 May", (0, 70, 100, 80)),
        block(3, "x" * 61, (0, 90, 100, 150)),  # long: not a one-line paragraph
    ]
    assert short_heights(blocks) == [12, 10]
    assert line_height(blocks) == line_height(blocks, short_heights(blocks)) == 10
    assert line_height(blocks, [12, 10]) == line_height(blocks, [10, 12]) == 10  # any order
    # no short paragraph: the lower quartile of every box's height
    assert line_height([blocks[0], blocks[3]]) == line_height([blocks[0], blocks[3]], []) == 40
    assert line_height([]) == 1.0
