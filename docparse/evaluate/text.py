"""Page text accuracy by block matching, and reading order, in the manner of OmniDocBench.

Definitions (OmniDocBench, Ouyang et al. 2024, text and reading-order metrics):

* Text blocks of both sides are normalised (NFKC, whitespace collapsed); empty ones are dropped.
* Truth and predicted blocks are paired one-to-one by the Hungarian algorithm (scipy) on their
  normalised Levenshtein distance (rapidfuzz: edits / longer length). A pair whose distance is
  above ``max_distance`` (0.7) is rejected: both blocks count as unmatched. 0.7 itself is kept.
* Page edit distance ``= (sum of matched pairs' edits + sum of unmatched blocks' lengths) /
  (sum of matched pairs' longer lengths + sum of unmatched blocks' lengths)``: each matched pair
  contributes its normalised distance weighted by its length; a missed truth block or an extra
  predicted block contributes distance 1 weighted by its length. Page score = 1 - distance.
  A page where both sides are empty scores 1.
* Reading order: the matched pairs listed in truth order get labels 0..k-1; the same labels
  listed in predicted order form a permutation. Its normalised Levenshtein distance to
  0..k-1 (edits / k) is the order's edit distance; the score is 1 minus it (``None`` when no
  block matched). Swapping two adjacent blocks of four costs 2 edits: score 1 - 2/4 = 0.5.

Page furniture (running headers, footers, page numbers) can be left out of both sides with
``ignore_furniture``; see :func:`is_page_furniture` for the rule.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from docparse.evaluate.matching import min_cost_pairs
from docparse.evaluate.normalize import normalize_text
from docparse.evaluate.report_models import TextMatch, TextPageReport, TextSummary, mean
from schemas.blocks import Block, BlockKind

__all__ = [
    "DEFAULT_MAX_DISTANCE",
    "TEXT_KINDS",
    "is_page_furniture",
    "reading_order_score",
    "summarize_text",
    "text_page",
]

DEFAULT_MAX_DISTANCE = 0.7
#: Kinds scored as text by default; tables, formulas, images and charts have their own metrics.
TEXT_KINDS: frozenset[BlockKind] = frozenset(BlockKind) - {
    BlockKind.TABLE,
    BlockKind.FORMULA,
    BlockKind.IMAGE,
    BlockKind.CHART,
}
#: Share of the page height at the top and at the bottom where running heads and folios sit.
FURNITURE_BAND = 0.05
#: Longest text (characters) that the positional furniture rule accepts as a header/footer.
FURNITURE_MAX_CHARS = 80
_FURNITURE_CLASSES = frozenset(
    {"header", "footer", "page-header", "page-footer", "page-number", "page_number"}
)
_PAGE_NUMBER = re.compile(
    r"^[\W_]*(?:page|p\.|seite)?\s*\d+(?:\s*(?:/|of|von)\s*\d+)?[\W_]*$", re.IGNORECASE
)


def is_page_furniture(block: Block, page_height: float | None = None) -> bool:
    """Whether a block is a running header, footer or page number.

    True when its classes name it so (``header``, ``footer``, ``page-number``, ...), when its text
    is only a page number (``12``, ``- 12 -``, ``Page 3 of 10``), or, given ``page_height``, when
    its text is short (at most 80 characters) and its box's vertical centre lies in the top or
    bottom 5% of the page (page frame, ``bbox_page``).
    """
    if _FURNITURE_CLASSES.intersection(c.lower() for c in block.classes):
        return True
    text = normalize_text(block.text)
    if text and _PAGE_NUMBER.match(text):
        return True
    box = block.bbox_page
    if page_height is None or box is None or len(text) > FURNITURE_MAX_CHARS:
        return False
    centre = (box.y1 + box.y2) / 2
    return centre <= FURNITURE_BAND * page_height or centre >= (1 - FURNITURE_BAND) * page_height


def _texts(
    blocks: Sequence[Block],
    kinds: Collection[BlockKind],
    ignore_furniture: bool,
    page_height: float | None,
) -> list[tuple[int, str]]:
    """(index in ``blocks``, normalised text) of the blocks that take part."""
    kept = []
    for i, block in enumerate(blocks):
        if block.kind not in kinds:
            continue
        if ignore_furniture and is_page_furniture(block, page_height):
            continue
        text = normalize_text(block.text)
        if text:
            kept.append((i, text))
    return kept


def reading_order_score(pairs: Sequence[tuple[int, int]]) -> float | None:
    """1 - normalised edit distance between truth order and predicted order of matched pairs.

    ``pairs`` are ``(true_position, pred_position)``; ``None`` when there are none.
    """
    if not pairs:
        return None
    by_truth = sorted(pairs)
    label = {pair: i for i, pair in enumerate(by_truth)}
    predicted = [label[pair] for pair in sorted(pairs, key=lambda p: p[1])]
    return 1.0 - Levenshtein.normalized_distance(list(range(len(pairs))), predicted)


def text_page(
    pred: Sequence[Block],
    true: Sequence[Block],
    *,
    kinds: Collection[BlockKind] = TEXT_KINDS,
    max_distance: float = DEFAULT_MAX_DISTANCE,
    ignore_furniture: bool = False,
    page_height: float | None = None,
) -> TextPageReport:
    """Block-matched text edit distance and reading order of one page (see module docstring).

    Indices in the report are positions in ``pred``/``true`` as given.
    """
    preds = _texts(pred, kinds, ignore_furniture, page_height)
    trues = _texts(true, kinds, ignore_furniture, page_height)
    pairs: list[tuple[int, int]] = []
    if preds and trues:
        cost = process.cdist(
            [t for _, t in trues],
            [t for _, t in preds],
            scorer=Levenshtein.normalized_distance,
            dtype=float,
        )
        pairs = min_cost_pairs(cost, max_cost=max_distance)
    matches = []
    for t, p in pairs:
        true_text, pred_text = trues[t][1], preds[p][1]
        matches.append(
            TextMatch(
                true_index=trues[t][0],
                pred_index=preds[p][0],
                distance=Levenshtein.normalized_distance(true_text, pred_text),
                edits=Levenshtein.distance(true_text, pred_text),
                length=max(len(true_text), len(pred_text)),
            )
        )
    matched_true = {t for t, _ in pairs}
    matched_pred = {p for _, p in pairs}
    missed = [trues[t] for t in range(len(trues)) if t not in matched_true]
    extra = [preds[p] for p in range(len(preds)) if p not in matched_pred]
    unmatched_length = sum(len(text) for _, text in missed + extra)
    return TextPageReport(
        matches=matches,
        unmatched_true=[i for i, _ in missed],
        unmatched_pred=[i for i, _ in extra],
        edits=sum(m.edits for m in matches) + unmatched_length,
        length=sum(m.length for m in matches) + unmatched_length,
        reading_order=reading_order_score(pairs),
    )


def summarize_text(reports: Sequence[TextPageReport]) -> TextSummary:
    """Mean page score, pooled (micro) score, and mean reading order over pages."""
    edits = sum(r.edits for r in reports)
    length = sum(r.length for r in reports)
    return TextSummary(
        pages=len(reports),
        score=mean([r.score for r in reports]),
        micro_score=(1.0 - edits / length if length else 1.0) if reports else None,
        reading_order=mean([r.reading_order for r in reports if r.reading_order is not None]),
    )
