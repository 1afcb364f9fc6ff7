"""Reading order of a page's blocks: recursive XY-cut on their boxes.

A region's blocks are projected on both axes; the widest white gap, horizontal or vertical,
splits them (a tie goes to the horizontal cut: top before bottom), and each part is ordered the
same way, top part before bottom part, left part before right part. So full-width blocks (a
title, an abstract, a page number) keep their place from top to bottom, while a two-column body,
whose gutter is wider than any white band crossing both columns, is read left column first.
Blocks that overlap in both projections are read top to bottom, then left to right.
"""

from __future__ import annotations

from collections.abc import Sequence

from schemas.geometry import BBox


def reading_order(boxes: Sequence[BBox]) -> list[int]:
    """Indices of ``boxes`` in reading order."""
    return _order(list(range(len(boxes))), boxes)


def _order(items: list[int], boxes: Sequence[BBox]) -> list[int]:
    if len(items) <= 1:
        return items
    across = _widest_gap([(boxes[i].y1, boxes[i].y2) for i in items])
    down = _widest_gap([(boxes[i].x1, boxes[i].x2) for i in items])
    if across is None and down is None:
        return sorted(items, key=lambda i: (boxes[i].y1, boxes[i].x1))
    if down is not None and (across is None or down[0] > across[0]):
        cut = down[1]
        first = [i for i in items if boxes[i].x2 <= cut]
    else:
        assert across is not None
        cut = across[1]
        first = [i for i in items if boxes[i].y2 <= cut]
    taken = set(first)
    rest = [i for i in items if i not in taken]
    return _order(first, boxes) + _order(rest, boxes)


def _widest_gap(spans: list[tuple[float, float]]) -> tuple[float, float] | None:
    """``(width, position)`` of the widest gap between the merged ``spans``; None if none.

    ``position`` is where the gap starts: every span ending at or before it lies before the gap.
    """
    best: tuple[float, float] | None = None
    ordered = sorted(spans)
    reach = ordered[0][1]
    for start, end in ordered[1:]:
        if start > reach and (best is None or start - reach > best[0]):
            best = (start - reach, reach)
        reach = max(reach, end)
    return best
