"""Layout detection quality: per-kind precision, recall and F1 at IoU thresholds, and mean IoU.

Definitions (the usual object-detection counting, without confidence ranking since QwenVL
blocks carry no score):

* Boxes are the blocks' ``bbox_page`` (the page frame). When the two sides' page frames differ
  (say truth in pixels of a 150 dpi scan, prediction in PDF points), pass both frames and the
  predicted boxes are rescaled into the truth's frame first.
* ``kind_map`` merges kinds on both sides before matching (e.g. title -> heading).
* At each IoU threshold ``t`` (default 0.5 and 0.75), truth and predicted blocks *of the same
  kind* are paired one-to-one by the Hungarian algorithm (scipy) maximising the number of pairs
  with ``IoU >= t`` (inclusive: IoU exactly 0.5 counts at 0.5), then their total IoU. Pairs are
  true positives; other predictions false positives; other truths false negatives. A block
  without a page box can never match.
* Mean IoU: the mean IoU of the true positives at the lowest threshold (how tightly the blocks
  that count as found are boxed); ``None`` when there are none.
* Overall scores pool the counts of every kind (micro average).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from docparse.evaluate.matching import max_score_pairs
from docparse.evaluate.report_models import Counts, LayoutReport, LayoutScores
from schemas.blocks import Block, BlockKind
from schemas.geometry import BBox, Frame

__all__ = ["DEFAULT_IOU_THRESHOLDS", "layout_page", "summarize_layout"]

DEFAULT_IOU_THRESHOLDS: tuple[float, ...] = (0.5, 0.75)


def _iou_matrix(trues: Sequence[BBox | None], preds: Sequence[BBox | None]) -> np.ndarray:
    matrix = np.zeros((len(trues), len(preds)))
    for i, t in enumerate(trues):
        for j, p in enumerate(preds):
            if t is not None and p is not None:
                matrix[i, j] = t.iou(p)
    return matrix


def _kind_scores(
    trues: Sequence[BBox | None], preds: Sequence[BBox | None], thresholds: Sequence[float]
) -> LayoutScores:
    iou = _iou_matrix(trues, preds)
    at = {}
    iou_sum, matched = 0.0, 0
    for i, threshold in enumerate(sorted(thresholds)):
        pairs = max_score_pairs(iou, min_score=threshold)
        tp = len(pairs)
        at[threshold] = Counts(tp=tp, fp=len(preds) - tp, fn=len(trues) - tp)
        if i == 0:
            iou_sum, matched = float(sum(iou[t, p] for t, p in pairs)), len(pairs)
    return LayoutScores(
        n_true=len(trues), n_pred=len(preds), at=at, iou_sum=iou_sum, matched=matched
    )


def _boxes(
    blocks: Sequence[Block], kind_map: Mapping[BlockKind, BlockKind], sx: float, sy: float
) -> dict[BlockKind, list[BBox | None]]:
    by_kind: dict[BlockKind, list[BBox | None]] = {}
    for block in blocks:
        kind = kind_map.get(block.kind, block.kind)
        box = block.bbox_page
        if box is not None and (sx, sy) != (1.0, 1.0):
            box = box.scale(sx, sy)
        by_kind.setdefault(kind, []).append(box)
    return by_kind


def layout_page(
    pred: Sequence[Block],
    true: Sequence[Block],
    *,
    thresholds: Sequence[float] = DEFAULT_IOU_THRESHOLDS,
    kind_map: Mapping[BlockKind, BlockKind] | None = None,
    pred_frame: Frame | None = None,
    true_frame: Frame | None = None,
) -> LayoutReport:
    """Per-kind and overall layout scores of one page (see module docstring)."""
    if not thresholds or not all(0.0 < t <= 1.0 for t in thresholds):
        raise ValueError(f"IoU thresholds must lie in (0, 1], got {tuple(thresholds)}")
    if (pred_frame is None) != (true_frame is None):
        raise ValueError("give both pred_frame and true_frame, or neither")
    sx = sy = 1.0
    if pred_frame is not None and true_frame is not None:
        sx, sy = true_frame.width / pred_frame.width, true_frame.height / pred_frame.height
    mapping = dict(kind_map or {})
    true_boxes = _boxes(true, mapping, 1.0, 1.0)
    pred_boxes = _boxes(pred, mapping, sx, sy)
    report = LayoutReport(overall=LayoutScores(at={t: Counts() for t in thresholds}))
    for kind in sorted(set(true_boxes) | set(pred_boxes), key=lambda k: k.value):
        scores = _kind_scores(true_boxes.get(kind, []), pred_boxes.get(kind, []), thresholds)
        report.per_kind[kind.value] = scores
        report.overall = report.overall + scores
    return report


def summarize_layout(reports: Sequence[LayoutReport]) -> LayoutReport:
    """Add up pages: counts and IoU sums per kind and overall."""
    total = LayoutReport()
    for report in reports:
        for kind, scores in report.per_kind.items():
            total.per_kind[kind] = total.per_kind.get(kind, LayoutScores()) + scores
        total.overall = total.overall + report.overall
    return total
