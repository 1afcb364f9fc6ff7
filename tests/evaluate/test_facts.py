"""olmOCR-Bench-style fact tests: loader, thresholds, order ties, table neighbours with spans."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import TypeAdapter, ValidationError

from docparse.evaluate import (
    AbsentFact,
    Fact,
    OrderFact,
    PresentFact,
    TableFact,
    check_fact,
    load_facts,
    run_facts,
    summarize_facts,
)
from schemas.blocks import BlockKind

FACT = TypeAdapter(Fact)
PAGE = (
    "<html><body><h1>Report</h1><p>The quick brown fox jumps over the lazy dog.</p></body></html>"
)

REVENUE = (
    "<table>"
    '<thead><tr><th></th><th colspan="2">Revenue</th></tr>'
    "<tr><th>Region</th><th>2023</th><th>2024</th></tr></thead>"
    "<tbody><tr><td>North</td><td>10</td><td>12</td></tr>"
    "<tr><td>South</td><td>7</td><td>9</td></tr></tbody>"
    "</table>"
)


def fact(**data) -> Fact:
    return FACT.validate_python({"page": 1, **data})


def passed(data: dict, page=PAGE) -> bool:
    return check_fact(fact(**data), page).passed


# --- present / absent -------------------------------------------------------------------------


def test_present_exact_and_absent() -> None:
    assert passed({"type": "present", "text": "brown fox"})
    assert not passed({"type": "present", "text": "brown cat"})
    assert passed({"type": "absent", "text": "brown cat"})
    assert not passed({"type": "absent", "text": "lazy dog"})


def test_fuzzy_threshold_just_above_and_below() -> None:
    # "quick brXw" vs the window "quick brow": 1 substitution = 2 indel edits over 20
    # characters -> partial_ratio 90.0
    needle = {"type": "present", "text": "quick brXw"}
    assert passed({**needle, "threshold": 0.89})
    assert passed({**needle, "threshold": 0.90})  # inclusive
    assert not passed({**needle, "threshold": 0.91})
    assert not passed(needle)  # default 1.0: exact
    # absent mirrors present
    assert not passed({**needle, "type": "absent", "threshold": 0.90})
    assert passed({**needle, "type": "absent", "threshold": 0.91})


def test_case_and_punctuation_normalisation() -> None:
    page = "<p>He said \u201cHello\u201d \u2014 twice.</p>"
    assert passed({"type": "present", "text": 'said "Hello" - twice'}, page)
    assert not passed({"type": "present", "text": "HE SAID"}, page)
    assert passed({"type": "present", "text": "HE SAID", "case_sensitive": False}, page)


def test_a_short_page_is_not_found_inside_a_long_needle() -> None:
    # partial_ratio alone would score 100: "fox" is inside the needle
    assert not passed({"type": "present", "text": "brown fox jumps"}, "<p>fox</p>")


def test_first_n_and_last_n_windows() -> None:
    page = "<p>Page 3</p><p>Body text of the page.</p><p>Footer line</p>"
    assert passed({"type": "present", "text": "Page 3", "first_n": 10}, page)
    assert not passed({"type": "present", "text": "Footer", "first_n": 10}, page)
    assert passed({"type": "absent", "text": "Page 3", "last_n": 15}, page)
    assert passed({"type": "present", "text": "Footer line", "last_n": 15}, page)


# --- order ------------------------------------------------------------------------------------


def test_order() -> None:
    assert passed({"type": "order", "before": "quick", "after": "lazy"})
    assert not passed({"type": "order", "before": "lazy", "after": "quick"})


def test_order_tie_fails_and_repeated_text_passes() -> None:
    # one occurrence of "fox": before and after start at the same offset -> not strictly before
    result = check_fact(fact(type="order", before="fox", after="fox"), PAGE)
    assert not result.passed and "does not start before" in result.reason
    # two occurrences: the first starts before the second
    assert passed({"type": "order", "before": "fox", "after": "fox"}, "<p>fox and fox</p>")


def test_order_with_missing_text() -> None:
    result = check_fact(fact(type="order", before="quick", after="zebra"), PAGE)
    assert not result.passed and result.reason == "after text not found"


def test_order_fuzzy_threshold() -> None:
    data = {"type": "order", "before": "quick brXw", "after": "lazy dog"}
    assert passed({**data, "threshold": 0.9})
    assert not passed({**data, "threshold": 0.91})


# --- tables -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("relations", "expected"),
    [
        ({"up": "2024"}, True),
        ({"up": "2023"}, False),
        ({"left": "10"}, True),
        ({"right": "anything"}, False),  # no cell to the right: the edge fails
        ({"down": "9"}, True),
        ({"down": "7"}, False),
        ({"top_heading": "Revenue"}, True),  # colspan=2 header covers column 2
        ({"top_heading": "2024"}, True),  # second header row
        ({"top_heading": "Region"}, False),
        ({"left_heading": "North"}, True),
        ({"left_heading": "South"}, False),
        ({"up": "2024", "left": "10", "top_heading": "Revenue"}, True),
        ({"up": "2024", "left": "7"}, False),  # every relation must hold
    ],
)
def test_table_neighbours_of_cell_12(relations: dict, expected: bool) -> None:
    assert passed({"type": "table", "cell": "12", **relations}, REVENUE) is expected


def test_colspan_cell_has_both_cells_below_and_above() -> None:
    assert passed({"type": "table", "cell": "Revenue", "down": "2023"}, REVENUE)
    assert passed({"type": "table", "cell": "Revenue", "down": "2024"}, REVENUE)
    assert not passed({"type": "table", "cell": "Revenue", "down": "10"}, REVENUE)
    assert passed({"type": "table", "cell": "2023", "up": "Revenue"}, REVENUE)
    assert passed({"type": "table", "cell": "2024", "heading": "Revenue"}, REVENUE)  # alias


def test_rowspan_cell_is_left_of_both_rows() -> None:
    table = (
        '<table><tr><td rowspan="2">Total</td><td>1</td></tr>'
        "<tr><td>2</td></tr><tr><td>x</td><td>3</td></tr></table>"
    )
    assert passed({"type": "table", "cell": "2", "left": "Total"}, table)
    assert passed({"type": "table", "cell": "3", "up": "2"}, table)
    # no header declared: the first row serves as the heading row
    assert passed({"type": "table", "cell": "3", "top_heading": "1"}, table)


def test_table_cell_threshold() -> None:
    # ratio("Revenu", "Revenue") = 2 * 6 / 13 = 92.3
    assert passed({"type": "table", "cell": "Revenu", "threshold": 0.92}, REVENUE)
    assert not passed({"type": "table", "cell": "Revenu", "threshold": 0.93}, REVENUE)


def test_table_facts_on_blocks_and_without_tables(block) -> None:
    blocks = [block(0, "Intro"), block(1, "", kind=BlockKind.TABLE, html=REVENUE)]
    assert check_fact(fact(type="table", cell="9", up="12"), blocks).passed
    result = check_fact(fact(type="table", cell="9"), [block(0, "no tables")])
    assert not result.passed and "no table cell" in result.reason


def test_text_facts_on_blocks(block) -> None:
    blocks = [block(0, "Title"), block(1, "Body follows the title.")]
    assert check_fact(fact(type="order", before="Title", after="Body"), blocks).passed
    assert check_fact(fact(type="present", text="title Body", case_sensitive=False), blocks).passed


# --- models, loader, runner, summary ----------------------------------------------------------


def test_fact_models_are_a_discriminated_union() -> None:
    assert isinstance(fact(type="present", text="x"), PresentFact)
    assert isinstance(fact(type="absent", text="x"), AbsentFact)
    assert isinstance(fact(type="order", before="a", after="b"), OrderFact)
    table = fact(type="table", cell="a", heading="h")
    assert isinstance(table, TableFact) and table.top_heading == "h"
    for bad in (
        {"type": "unknown", "text": "x"},
        {"type": "present"},
        {"type": "present", "text": "x", "threshold": 1.5},
        {"type": "present", "text": "x", "typo": 1},
        {"type": "present", "text": "x", "first_n": 5, "last_n": 5},
        {"type": "table", "cell": "x", "page": 0},
    ):
        with pytest.raises(ValidationError):
            fact(**bad)


def test_load_facts(tmp_path: Path) -> None:
    path = tmp_path / "facts.jsonl"
    lines = [
        {"type": "present", "page": 1, "text": "brown fox", "id": "f1"},
        {"type": "absent", "page": 1, "text": "Page 1"},
        {"type": "order", "page": 2, "before": "a", "after": "b", "threshold": 0.9},
        {"type": "table", "page": 2, "cell": "12", "up": "2024"},
    ]
    path.write_text(
        "\n".join(json.dumps(x) for x in lines[:2])
        + "\n\n"
        + "\n".join(json.dumps(x) for x in lines[2:])
    )
    facts = load_facts(path)
    assert [type(f) for f in facts] == [PresentFact, AbsentFact, OrderFact, TableFact]
    assert facts[0].id == "f1" and facts[2].threshold == 0.9

    path.write_text(json.dumps(lines[0]) + "\n" + '{"type": "present", "page": 1}\n')
    with pytest.raises(ValueError, match=r"facts.jsonl:2"):
        load_facts(path)
    path.write_text("not json\n")
    with pytest.raises(ValueError, match=r"facts.jsonl:1"):
        load_facts(path)


def test_run_and_summarize() -> None:
    facts = [
        fact(type="present", text="brown fox"),  # pass
        fact(type="present", text="zebra"),  # fail
        fact(type="absent", text="zebra"),  # pass
        fact(type="table", cell="12", up="2024", page=2),  # pass
        fact(type="order", before="a", after="b", page=3),  # page missing: fail
    ]
    results = run_facts(facts, {1: PAGE, 2: REVENUE})
    assert [r.passed for r in results] == [True, False, True, True, False]
    assert results[4].reason == "no such page"
    summary = summarize_facts(results)
    assert summary.per_type["present"].rate == 0.5
    assert summary.per_type["absent"].rate == 1.0
    assert summary.per_type["table"].rate == 1.0
    assert summary.per_type["order"].rate == 0.0
    assert (summary.overall.passed, summary.overall.total) == (3, 5)
    assert summary.overall.rate == pytest.approx(0.6)
