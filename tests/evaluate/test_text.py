"""Block-matched text edit distance and reading order, hand-computed."""

from __future__ import annotations

import pytest

from docparse.evaluate import is_page_furniture, reading_order_score, summarize_text, text_page
from schemas.blocks import BlockKind

TEN = "abcdefghij"  # 10 characters


def test_identical_pages_score_one(paragraphs) -> None:
    page = paragraphs("Introduction", "Some body text.", "Conclusion")
    report = text_page(page, page)
    assert report.score == 1.0 and report.edit_distance == 0.0
    assert report.reading_order == 1.0
    assert report.unmatched_true == [] and report.unmatched_pred == []


def test_whitespace_and_nfkc_are_normalised(paragraphs) -> None:
    report = text_page(paragraphs("  ﬁne\n  print "), paragraphs("fine print"))
    assert report.score == 1.0


def test_character_edits_in_a_matched_pair(paragraphs) -> None:
    report = text_page(paragraphs("abcdefghiX"), paragraphs(TEN))
    # 1 substitution over the longer length 10
    assert report.edits == 1 and report.length == 10
    assert report.score == pytest.approx(0.9)


def test_deleted_truth_block_is_penalised_by_its_length(paragraphs) -> None:
    report = text_page(paragraphs(TEN), paragraphs(TEN, "klmno"))
    # matched pair: 0 edits over 10; missed 'klmno': 5 edits over 5 -> 5 / 15
    assert report.unmatched_true == [1]
    assert report.edit_distance == pytest.approx(5 / 15)
    assert report.score == pytest.approx(2 / 3)


def test_extra_predicted_block_is_penalised_by_its_length(paragraphs) -> None:
    report = text_page(paragraphs(TEN, "xyz"), paragraphs(TEN))
    # extra 'xyz': 3 edits over 3 -> 3 / 13
    assert report.unmatched_pred == [1]
    assert report.score == pytest.approx(10 / 13)


def test_distance_of_exactly_0_7_is_accepted(paragraphs) -> None:
    report = text_page(paragraphs("XXXXXXXhij"), paragraphs(TEN))
    # 7 substitutions / 10 = 0.7: kept as a pair, 7 edits over 10
    assert len(report.matches) == 1 and report.matches[0].distance == pytest.approx(0.7)
    assert report.score == pytest.approx(0.3)


def test_distance_above_0_7_is_rejected(paragraphs) -> None:
    report = text_page(paragraphs("XXXXXXXXij"), paragraphs(TEN))
    # 0.8 > 0.7: both blocks unmatched, 10 + 10 edits over 10 + 10
    assert report.matches == []
    assert report.unmatched_true == [0] and report.unmatched_pred == [0]
    assert report.score == 0.0
    assert report.reading_order is None


def test_max_distance_is_a_parameter(paragraphs) -> None:
    report = text_page(paragraphs("XXXXXXXXij"), paragraphs(TEN), max_distance=0.8)
    assert report.score == pytest.approx(0.2)


def test_empty_sides(paragraphs) -> None:
    assert text_page([], []).score == 1.0
    assert text_page(paragraphs("extra"), []).score == 0.0
    assert text_page([], paragraphs("missed")).score == 0.0


def test_non_text_kinds_are_left_out(block, paragraphs) -> None:
    true = [*paragraphs(TEN), block(1, "a | b", kind=BlockKind.TABLE)]
    assert text_page(paragraphs(TEN), true).score == 1.0
    report = text_page(paragraphs(TEN), true, kinds={BlockKind.PARAGRAPH, BlockKind.TABLE})
    assert report.unmatched_true == [1]


def test_reading_order_adjacent_swap(paragraphs) -> None:
    true = paragraphs("alpha one", "beta two", "gamma three", "delta four")
    pred = paragraphs("beta two", "alpha one", "gamma three", "delta four")
    report = text_page(pred, true)
    assert report.score == 1.0  # same text, only the order differs
    # truth order [0, 1, 2, 3], predicted [1, 0, 2, 3]: 2 substitutions / 4
    assert report.reading_order == pytest.approx(0.5)


def test_reading_order_reversal_and_helper() -> None:
    # pairs (true position, pred position): predicted order reads the truth as [2, 1, 0]
    # vs [0, 1, 2]: first and last substituted = 2 edits / 3
    assert reading_order_score([(0, 2), (1, 1), (2, 0)]) == pytest.approx(1 - 2 / 3)
    assert reading_order_score([(0, 5)]) == 1.0
    assert reading_order_score([]) is None


def test_page_furniture_rules(block) -> None:
    assert is_page_furniture(block(0, "12"))
    assert is_page_furniture(block(0, "- 12 -"))
    assert is_page_furniture(block(0, "Page 3 of 10"))
    assert is_page_furniture(block(0, "Annual report", classes=["header"]))
    header = block(0, "Annual report 2024", box=(50, 10, 300, 30))  # centre y 20 <= 5% of 800
    assert is_page_furniture(header, page_height=800)
    assert not is_page_furniture(header)  # no page height: the positional rule is off
    body = block(0, "Annual report 2024", box=(50, 50, 300, 70))  # centre 60 > 40
    assert not is_page_furniture(body, page_height=800)
    footer = block(0, "Confidential", box=(50, 770, 300, 790))  # centre 780 >= 760
    assert is_page_furniture(footer, page_height=800)


def test_ignoring_furniture_on_both_sides(block) -> None:
    true = [
        block(0, "Annual report 2024", box=(50, 10, 300, 30)),
        block(1, "The body of the page.", box=(50, 100, 500, 400)),
        block(2, "7", box=(290, 770, 310, 790)),
    ]
    pred = [block(0, "The body of the page.", box=(50, 100, 500, 400))]
    # without the flag: 18 + 1 missed characters over 21 + 18 + 1
    assert text_page(pred, true).score == pytest.approx(1 - 19 / 40)
    assert text_page(pred, true, ignore_furniture=True, page_height=800).score == 1.0


def test_summary_macro_and_micro(paragraphs) -> None:
    perfect = text_page(paragraphs(TEN), paragraphs(TEN))  # 0 edits / 10
    half = text_page(paragraphs("abcde"), paragraphs("abcde", "fghij"))  # 5 / 10
    summary = summarize_text([perfect, half])
    assert summary.pages == 2
    assert summary.score == pytest.approx(0.75)  # (1 + 0.5) / 2
    assert summary.micro_score == pytest.approx(1 - 5 / 20)
    assert summary.reading_order == 1.0
    assert summarize_text([]).score is None
