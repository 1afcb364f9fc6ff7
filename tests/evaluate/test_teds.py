"""TEDS / TEDS-S with hand-computed expectations.

Node counts follow PubTabNet: every element *below* <table> (the table itself is not counted).
The base table T has 3 rows of 2 cells: 3 tr + 6 td = 9 nodes.
"""

from __future__ import annotations

import pytest

from docparse.evaluate import match_tables, summarize_tables, tables_from_blocks, teds
from schemas.blocks import BlockKind

T = (
    "<table>"
    "<tr><td>Name</td><td>Qty</td></tr>"
    "<tr><td>Apple</td><td>3</td></tr>"
    "<tr><td>Pear</td><td>5</td></tr>"
    "</table>"
)
N = 9  # 3 tr + 6 td

CITIES = (
    "<table><tr><td>City</td><td>Country</td></tr><tr><td>Lyon</td><td>France</td></tr></table>"
)


def test_identical_tables_score_one() -> None:
    assert teds(T, T) == 1.0
    assert teds(T, T, structure_only=True) == 1.0


def test_deleted_row() -> None:
    pred = T.replace("<tr><td>Pear</td><td>5</td></tr>", "")
    # delete 1 tr + 2 td = 3 edits; max(6, 9) nodes
    assert teds(pred, T) == pytest.approx(1 - 3 / N)  # 2/3
    assert teds(pred, T, structure_only=True) == pytest.approx(1 - 3 / N)


def test_changed_span() -> None:
    pred = T.replace("<td>Name</td><td>Qty</td>", '<td colspan="2">Name</td>')
    # rename td(colspan=2) <- td(colspan=1) costs 1 (spans differ) + delete one td = 2 edits;
    # pred has 8 nodes, truth 9
    assert teds(pred, T) == pytest.approx(1 - 2 / N)  # 7/9
    assert teds(pred, T, structure_only=True) == pytest.approx(1 - 2 / N)


def test_changed_cell_content() -> None:
    pred = T.replace("Apple", "Apples")
    # Levenshtein("Apples", "Apple") = 1, normalised by the longer (6): 1/6 of one edit
    assert teds(pred, T) == pytest.approx(1 - (1 / 6) / N)  # 53/54
    pred = T.replace("Apple", "Orange")
    # Apple -> Orange: A>O, p>r, p>a, l>n, insert g, keep e = 5 edits, / 6 tokens
    assert teds(pred, T) == pytest.approx(1 - (5 / 6) / N)  # 49/54


def test_structure_only_ignores_content() -> None:
    pred = T.replace("Apple", "Orange").replace("Qty", "Quantity")
    assert teds(pred, T) < 1.0
    assert teds(pred, T, structure_only=True) == 1.0


def test_inline_tags_are_content_tokens_and_counted_nodes() -> None:
    pred = T.replace("<td>Name</td>", "<td><b>Name</b></td>")
    # tokens ['<b>', N, a, m, e, '</b>'] vs [N, a, m, e]: 2 edits / 6 = 1/3;
    # node count counts <b> too (PubTabNet's './/*'): max(10, 9) = 10
    assert teds(pred, T) == pytest.approx(1 - (1 / 3) / 10)  # 29/30


def test_empty_and_unparsable_inputs() -> None:
    assert teds("", T) == 0.0
    assert teds(T, "") == 0.0
    assert teds("<p>no table here</p>", T) == 0.0
    assert teds("   ", T) == 0.0
    # Decision: neither side has a table -> 1.0; two bare tables -> 1.0 (no division by zero)
    assert teds("", "") == 1.0
    assert teds("<table></table>", "<table></table>") == 1.0


def test_th_and_wrappers_count_without_normalize_and_vanish_with_it() -> None:
    pred = (
        "<table><thead><tr><th>Name</th><th>Qty</th></tr></thead>"
        "<tbody><tr><td>Apple</td><td>3</td></tr><tr><td>Pear</td><td>5</td></tr></tbody>"
        "</table>"
    )
    # pred nodes: thead + tbody + 3 tr + 2 th + 4 td = 11.
    # edits: delete thead, delete tbody (their rows move up), rename th->td twice = 4
    assert teds(pred, T) == pytest.approx(1 - 4 / 11)  # 7/11
    assert teds(pred, T, normalize=True) == 1.0


def test_normalize_folds_text_whitespace_and_attributes() -> None:
    pred = T.replace("<td>Apple</td>", '<td style="color:red" class="c">  \uff21pple\n </td>')
    # without normalisation the cell's tokens are ' ', ' ', U+FF21, p, p, l, e, '\n', ' ' (9):
    # 4 deletions + 1 substitution = 5 edits / 9
    assert teds(pred, T) == pytest.approx(1 - (5 / 9) / N)
    assert teds(pred, T, normalize=True) == 1.0


def test_first_table_of_a_page_is_scored() -> None:
    page = f"<html><body><p>intro</p>{T}{CITIES}</body></html>"
    assert teds(page, T) == 1.0


def test_match_tables_pairs_by_text_and_scores_unmatched_truth_zero() -> None:
    report = match_tables([CITIES], [T, CITIES])
    assert [(p.true_index, p.pred_index) for p in report.pairs] == [(0, None), (1, 0)]
    assert [p.teds for p in report.pairs] == [0.0, 1.0]
    assert report.teds == 0.5  # (0 + 1) / 2 truth tables
    assert report.teds_s == 0.5
    assert report.unmatched_pred == []


def test_match_tables_reports_extra_predictions_without_averaging_them() -> None:
    pred_row_deleted = T.replace("<tr><td>Pear</td><td>5</td></tr>", "")
    report = match_tables([CITIES, pred_row_deleted], [T])
    assert report.pairs[0].pred_index == 1
    assert report.teds == pytest.approx(2 / 3)
    assert report.unmatched_pred == [0]


def test_match_tables_without_truth_tables_has_no_score() -> None:
    report = match_tables([T], [])
    assert report.pairs == [] and report.teds is None and report.unmatched_pred == [0]


def test_summary_pools_tables_over_pages() -> None:
    one = match_tables([T], [T])  # 1.0
    two = match_tables([], [T, CITIES])  # 0.0, 0.0
    summary = summarize_tables([one, two])
    assert summary.tables == 3 and summary.pages == 2
    assert summary.teds == pytest.approx(1 / 3)


def test_tables_from_table_blocks(block) -> None:
    html = f"<style>table{{border:1px}}</style>{T.replace('<table>', '<table class=t1>')}"
    blocks = [
        block(0, "intro"),
        block(1, "", kind=BlockKind.TABLE, html=html),
    ]
    tables = tables_from_blocks(blocks)
    assert len(tables) == 1
    assert teds(tables[0], T) == 1.0
