"""Repetition loops are found at the tail, inside a reply and as repeated blocks; tables whose
cells repeat a short value, blank form rows and the five real replies are not loops."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from postprocess import Degeneracy, LoopKind, detect_degeneracy, parse_reply
from postprocess.degenerate import (
    BLOCK_MIN_REPEATS,
    INTERNAL_MIN_REPEATS,
    TAIL_MIN_CHARS_STRUCTURAL,
    TAIL_MIN_REPEATS,
    internal_loop,
    repeated_blocks,
    tail_loop,
)
from schemas.geometry import PageTransform

HEAD = '```html\n<html><body>\n<h2 data-bbox="40 30 600 70">Quarterly figures</h2>\n'
CELL = "<td>0.00</td>"  # the unit the stand-in server's REPEAT fault loops on


def _blocks(text: str, transform: PageTransform) -> Degeneracy:
    """Detect on the raw text and the blocks parse_reply makes of it."""
    return detect_degeneracy(text, parse_reply(text, transform).blocks)


def test_a_reply_cut_while_looping_is_a_tail_loop() -> None:
    text = HEAD + '<table data-bbox="40 80 900 900"><tr>' + CELL * 200
    found = detect_degeneracy(text)
    assert (found.is_degenerate, found.kind, found.period, found.repeats) == (
        True, LoopKind.TAIL, len(CELL), 200,
    )
    # the loop may start a character or two early: '<tr>' ends in '>' like the unit does
    assert 200 * len(CELL) <= found.span < 201 * len(CELL) and text.endswith(found.unit)
    assert "13-character unit repeated 200 times" in found.reason and "<td>0.00</td>" in found.reason


def test_the_last_copy_may_be_cut_and_the_period_is_the_shortest() -> None:
    unit = '<p data-bbox="40 100 500 120">Total carried forward</p>\n'
    text = HEAD + unit * 30 + unit[:17]
    found = tail_loop(text)
    assert found.kind is LoopKind.TAIL and found.period == len(unit)
    assert found.repeats == 30  # 30 whole copies and a cut one


def test_a_whitespace_loop_at_the_tail_is_degenerate() -> None:
    found = detect_degeneracy(HEAD + "<p data-bbox='1 2 3 4'>x</p>" + "\n" * 5000)
    assert (found.kind, found.period, found.repeats) == (LoopKind.TAIL, 1, 5000)


def test_tail_thresholds_are_inclusive() -> None:
    unit = "<td>Net amount due this period 0.00</td>"  # 40 characters: span over the minimum
    below = HEAD + unit * (TAIL_MIN_REPEATS - 1)
    at = HEAD + unit * TAIL_MIN_REPEATS
    assert not tail_loop(below).is_degenerate
    assert tail_loop(at).repeats == TAIL_MIN_REPEATS


def test_a_loop_the_model_left_before_stopping_is_an_internal_loop(square: PageTransform) -> None:
    text = HEAD + '<table data-bbox="40 80 900 900"><tr>' + CELL * 150 + "</tr></table>\n</body></html>\n```"
    found = _blocks(text, square)
    assert (found.kind, found.period) == (LoopKind.INTERNAL, len(CELL))
    assert found.repeats == 150
    assert "inside the reply" in found.reason and "<td>0.00</td>" in found.reason


def test_internal_threshold_counts_copies(square: PageTransform) -> None:
    unit = "<tr><td>Sub-total brought forward</td><td>0.00</td></tr>\n"  # 56 characters
    def reply(copies: int) -> str:
        return HEAD + '<table data-bbox="40 80 900 900">' + unit * copies + "</table>\n</body></html>"
    assert not internal_loop(reply(INTERNAL_MIN_REPEATS - 1)).is_degenerate
    assert internal_loop(reply(INTERNAL_MIN_REPEATS)).repeats == INTERNAL_MIN_REPEATS


def test_the_same_block_over_and_over_is_degenerate(square: PageTransform) -> None:
    para = '<p data-bbox="40 100 500 140">See the notes to the accounts.</p>\n'
    text = HEAD + para * BLOCK_MIN_REPEATS + "</body></html>\n```"
    found = _blocks(text, square)
    assert (found.kind, found.period, found.repeats, found.start) == (
        LoopKind.BLOCKS, 1, BLOCK_MIN_REPEATS, 1,
    )
    assert "repeated 4 times in a row" in found.reason
    once_less = HEAD + para * (BLOCK_MIN_REPEATS - 1) + "</body></html>\n```"
    assert not _blocks(once_less, square).is_degenerate


def test_same_text_in_different_boxes_is_layout_not_a_loop(square: PageTransform) -> None:
    labels = "".join(
        f'<p data-bbox="40 {100 + 60 * i} 400 {140 + 60 * i}">ACME Ltd, 1 High Street</p>\n'
        for i in range(8)
    )
    text = HEAD + labels + "</body></html>"
    parsed = parse_reply(text, square)
    assert len(parsed.blocks) == 9
    assert not repeated_blocks(parsed.blocks).is_degenerate
    assert not detect_degeneracy(text, parsed.blocks).is_degenerate


def _dash_table(rows: int) -> str:
    body = "".join(
        f"<tr><td>Line {i + 1}: item {chr(65 + i % 26)}</td><td>—</td><td>—</td><td>—</td></tr>\n"
        for i in range(rows)
    )
    return '<table data-bbox="40 80 960 980"><tr><th>Item</th><th>Q1</th><th>Q2</th><th>Q3</th></tr>\n' + body


def test_forty_rows_of_identical_dash_cells_with_different_labels_are_not_a_loop(
    square: PageTransform,
) -> None:
    complete = HEAD + _dash_table(40) + "</table>\n</body></html>\n```"
    assert not _blocks(complete, square).is_degenerate
    cut = HEAD + _dash_table(40)  # cut at the token cap, mid-table: still not a loop
    assert not detect_degeneracy(cut).is_degenerate


def test_a_realistic_invoice_table_is_not_a_loop(square: PageTransform) -> None:
    items = [
        ("Consulting, March", "1", "h", "120.00", "0.00", "120.00"),
        ("Consulting, April", "1", "h", "120.00", "0.00", "120.00"),
        ("Travel", "1", "pcs", "0.00", "0.00", "0.00"),
        ("Licence renewal", "1", "pcs", "450.00", "0.00", "450.00"),
        ("Support (1 year)", "1", "pcs", "0.00", "0.00", "0.00"),
    ] + [(f"Spare part #{n}", "1", "pcs", "0.00", "0.00", "0.00") for n in range(30)]
    rows = "".join(
        "<tr>" + "".join(f"<td>{cell}</td>" for cell in item) + "</tr>\n" for item in items
    )
    text = (
        HEAD
        + '<table data-bbox="40 80 960 900"><thead><tr><th>Description</th><th>Qty</th>'
        "<th>Unit</th><th>Price</th><th>Discount</th><th>Amount</th></tr></thead><tbody>\n"
        + rows
        + '</tbody></table>\n<p data-bbox="600 910 960 940">Total due: 690.00</p>\n</body></html>\n```'
    )
    parsed = parse_reply(text, square)
    assert parsed.report.usable and len(parsed.blocks) == 3
    assert not detect_degeneracy(text, parsed.blocks).is_degenerate


def test_blank_form_rows_and_empty_cells_are_not_a_loop(square: PageTransform) -> None:
    blank_rows = "<tr><td></td><td></td><td></td></tr>\n" * 60  # a log sheet: 60 empty rows
    table = '<table data-bbox="40 80 960 980"><tr><th>Date</th><th>Entry</th><th>Amount</th></tr>\n'
    assert not _blocks(HEAD + table + blank_rows + "</table>\n</body></html>", square).is_degenerate
    cut = HEAD + table + blank_rows  # under TAIL_MIN_CHARS_STRUCTURAL at the tail
    assert len(blank_rows) < TAIL_MIN_CHARS_STRUCTURAL
    assert not detect_degeneracy(cut).is_degenerate
    looping = HEAD + table + "<td></td>" * 400  # empty cells until the cap: a loop after all
    assert detect_degeneracy(looping).kind is LoopKind.TAIL


def test_dotted_leaders_in_a_table_of_contents_are_not_a_loop(square: PageTransform) -> None:
    toc = "".join(
        f'<p data-bbox="40 {100 + 30 * i} 900 {125 + 30 * i}">{i + 1}. Section {i + 1} '
        + "." * 90
        + f" {3 + 4 * i}</p>\n"
        for i in range(25)
    )
    assert not _blocks(HEAD + toc + "</body></html>", square).is_degenerate


@pytest.mark.parametrize("letter", ["a", "b", "c", "d", "e"])
def test_the_real_replies_are_not_degenerate(
    letter: str,
    example: Callable[[str], str],
    example_transform: Callable[[str], PageTransform],
) -> None:
    text = example(letter)
    assert not detect_degeneracy(text, parse_reply(text, example_transform(letter)).blocks).is_degenerate


def test_empty_and_tiny_replies() -> None:
    for text in ("", "x", "```html\n```", "<html><body></body></html>"):
        assert detect_degeneracy(text) == Degeneracy(is_degenerate=False)
        assert detect_degeneracy(text).reason == ""
