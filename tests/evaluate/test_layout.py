"""Layout boxes: IoU threshold boundaries, kind matching, frames, counts."""

from __future__ import annotations

import pytest

from docparse.evaluate import Counts, layout_page, summarize_layout
from schemas.blocks import BlockKind
from schemas.geometry import BBox, Frame, Unit

P = BlockKind.PARAGRAPH


def test_iou_of_exactly_one_half_counts_at_0_5_only(block) -> None:
    true = [block(0, box=(0, 0, 2, 1))]
    pred = [block(0, box=(0, 0, 1, 1))]
    assert BBox(x1=0, y1=0, x2=2, y2=1).iou(BBox(x1=0, y1=0, x2=1, y2=1)) == 0.5  # 1 / 2
    report = layout_page(pred, true)
    assert report.overall.at[0.5] == Counts(tp=1, fp=0, fn=0)
    assert report.overall.at[0.75] == Counts(tp=0, fp=1, fn=1)
    assert report.overall.mean_iou == 0.5


def test_iou_of_0_74_misses_0_75(block) -> None:
    true = [block(0, box=(0, 0, 100, 1))]
    pred = [block(0, box=(0, 0, 74, 1))]  # 74 / 100
    report = layout_page(pred, true)
    assert report.per_kind["paragraph"].at[0.5].tp == 1
    assert report.per_kind["paragraph"].at[0.75].tp == 0


def test_kind_mismatch_does_not_match(block) -> None:
    true = [block(0, box=(0, 0, 10, 10), kind=BlockKind.PARAGRAPH)]
    pred = [block(0, box=(0, 0, 10, 10), kind=BlockKind.HEADING)]
    report = layout_page(pred, true)
    assert report.per_kind["paragraph"].at[0.5] == Counts(tp=0, fp=0, fn=1)
    assert report.per_kind["heading"].at[0.5] == Counts(tp=0, fp=1, fn=0)
    assert report.overall.at[0.5] == Counts(tp=0, fp=1, fn=1)
    assert report.overall.mean_iou is None
    merged = layout_page(pred, true, kind_map={BlockKind.HEADING: BlockKind.PARAGRAPH})
    assert merged.overall.at[0.5] == Counts(tp=1)


def test_one_to_one_and_precision_recall_f1(block) -> None:
    true = [block(0, box=(0, 0, 10, 10)), block(1, box=(0, 20, 10, 30))]
    pred = [
        block(0, box=(0, 0, 10, 10)),  # IoU 1 with truth 0
        block(1, box=(0, 0, 10, 9)),  # IoU 0.9 with truth 0 as well: a duplicate
        block(2, box=(50, 50, 60, 60), kind=BlockKind.HEADING),  # nothing there
    ]
    report = layout_page(pred, true)
    counts = report.overall.at[0.5]
    assert counts == Counts(tp=1, fp=2, fn=1)
    assert counts.precision == pytest.approx(1 / 3)
    assert counts.recall == pytest.approx(1 / 2)
    assert counts.f1 == pytest.approx(2 * (1 / 3) * (1 / 2) / (1 / 3 + 1 / 2))  # 0.4
    assert report.overall.n_true == 2 and report.overall.n_pred == 3


def test_hungarian_prefers_more_matches_over_one_best_overlap(block) -> None:
    # all boxes span y 0..10; x intervals: truth A=[1,11], B=[3,13]; pred X=[1,11], Y=[0,8]
    true = [block(0, box=(1, 0, 11, 10)), block(1, box=(3, 0, 13, 10))]
    pred = [block(0, box=(1, 0, 11, 10)), block(1, box=(0, 0, 8, 10))]
    # X-A = 1.0, X-B = 8/12 = 0.667, Y-A = 7/11 = 0.636, Y-B = 5/13 = 0.385.
    # Greedy best-first takes X-A and strands Y (Y-B < 0.5): 1 match.
    # The assignment pairs X-B and Y-A instead: 2 matches at 0.5.
    report = layout_page(pred, true)
    assert report.overall.at[0.5].tp == 2
    # at 0.75 only X-A qualifies
    assert report.overall.at[0.75].tp == 1
    # mean IoU is over the true positives at the lowest threshold (0.5): X-B and Y-A
    assert report.overall.mean_iou == pytest.approx((8 / 12 + 7 / 11) / 2)


def test_mean_iou_averages_matched_pairs(block) -> None:
    true = [block(0, box=(0, 0, 2, 1)), block(1, box=(10, 10, 20, 20))]
    pred = [block(0, box=(0, 0, 1, 1)), block(1, box=(10, 10, 20, 20))]
    assert layout_page(pred, true).overall.mean_iou == pytest.approx((0.5 + 1.0) / 2)


def test_frames_are_reconciled_before_matching(block) -> None:
    true = [block(0, box=(20, 20, 220, 120))]  # pixels of a 144 dpi scan: 1224 x 1584
    pred = [block(0, box=(10, 10, 110, 60))]  # PDF points: 612 x 792
    report = layout_page(
        pred,
        true,
        pred_frame=Frame(width=612, height=792, unit=Unit.PT),
        true_frame=Frame(width=1224, height=1584, unit=Unit.PX),
    )
    assert report.overall.at[0.75].tp == 1 and report.overall.mean_iou == 1.0
    with pytest.raises(ValueError):
        layout_page(pred, true, pred_frame=Frame(width=612, height=792, unit=Unit.PT))


@pytest.mark.parametrize("thresholds", [(), (0.0,), (0.5, 1.5)])
def test_thresholds_must_be_in_unit_interval(thresholds) -> None:
    with pytest.raises(ValueError, match="thresholds"):
        layout_page([], [], thresholds=thresholds)


def test_blocks_without_page_box_never_match(block) -> None:
    report = layout_page([block(0)], [block(0, box=(0, 0, 1, 1))])
    assert report.overall.at[0.5] == Counts(tp=0, fp=1, fn=1)


def test_empty_page_is_perfect_by_convention() -> None:
    counts = layout_page([], []).overall.at[0.5]
    assert (counts.precision, counts.recall, counts.f1) == (1.0, 1.0, 1.0)
    missed = Counts(fn=2)
    assert (missed.precision, missed.recall, missed.f1) == (0.0, 0.0, 0.0)
    invented = Counts(fp=1)
    assert (invented.precision, invented.recall) == (0.0, 0.0)


def test_summary_adds_pages(block) -> None:
    one = layout_page([block(0, box=(0, 0, 1, 1))], [block(0, box=(0, 0, 1, 1))])
    two = layout_page([], [block(0, box=(0, 0, 1, 1), kind=BlockKind.TABLE)])
    total = summarize_layout([one, two])
    assert total.overall.at[0.5] == Counts(tp=1, fp=0, fn=1)
    assert total.per_kind["table"].at[0.5] == Counts(tp=0, fp=0, fn=1)
    assert total.per_kind["paragraph"].mean_iou == 1.0
    dumped = total.model_dump(mode="json")
    assert dumped["overall"]["at"]["0.5"]["recall"] == 0.5
