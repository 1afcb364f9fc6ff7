"""Box helpers for extraction: sub-boxes estimated from character offsets, and neighbourhoods.

A block's text has no per-character boxes, so the box of a piece of it is ESTIMATED: the block's
text lines (``\\n``) share its height equally, and along a line each character gets an equal
share of the block's width (``estimate_sub_box``). Good for one-line ``Label: value`` blocks set
in one font; rough for proportional fonts and tab stops.
"""

from __future__ import annotations

from collections.abc import Sequence

from schemas.blocks import Block, BlockKind
from schemas.geometry import BBox


def estimate_sub_box(box: BBox | None, text: str, start: int, end: int) -> BBox | None:
    """Estimated box of ``text[start:end]`` inside ``box`` (see the module docstring)."""
    if box is None or end <= start:
        return None
    if "\n" not in text:  # one line (most blocks): the loop below run once, without the split
        lo, hi = max(start, 0), min(end, len(text))
        if lo >= hi:
            return None
        height, x_share = box.height, box.width / len(text)
        y1 = box.y1 + 0 * height  # the loop's arithmetic (index 0): the same floats, -0.0 too
        return BBox(x1=box.x1 + lo * x_share, y1=y1, x2=box.x1 + hi * x_share, y2=y1 + height)
    lines = text.split("\n")
    height = box.height / len(lines)
    parts: list[BBox] = []
    offset = 0
    for index, line in enumerate(lines):
        lo, hi = max(start, offset), min(end, offset + len(line))
        if lo < hi and line:
            x_share = box.width / len(line)
            y1 = box.y1 + index * height
            parts.append(
                BBox(
                    x1=box.x1 + (lo - offset) * x_share,
                    y1=y1,
                    x2=box.x1 + (hi - offset) * x_share,
                    y2=y1 + height,
                )
            )
        offset += len(line) + 1
    return union(parts)


def union(boxes: Sequence[BBox | None]) -> BBox | None:
    """The smallest box holding all given boxes (``None`` when there are none)."""
    real = [b for b in boxes if b is not None]
    if len(real) <= 1:
        return real[0] if real else None
    return BBox(
        x1=min(b.x1 for b in real),
        y1=min(b.y1 for b in real),
        x2=max(b.x2 for b in real),
        y2=max(b.y2 for b in real),
    )


def vertical_overlap(a: BBox, b: BBox) -> float:
    """Overlap of the two boxes' y ranges as a share of the lower of the two heights."""
    overlap = min(a.y2, b.y2) - max(a.y1, b.y1)
    return overlap / max(min(a.height, b.height), 1e-9)


def horizontal_overlap(a: BBox, b: BBox) -> float:
    """Overlap of the two boxes' x ranges as a share of the narrower width."""
    overlap = min(a.x2, b.x2) - max(a.x1, b.x1)
    return overlap / max(min(a.width, b.width), 1e-9)


def line_height(blocks: Sequence[Block]) -> float:
    """Typical height of a one-line text block: the lower quartile of short paragraphs' heights.

    The lower quartile rather than the median: on a scan turned by a degree or two, the boxes of
    wide one-line blocks grow by their width times the angle's sine.
    """
    short: list[float] = []  # short paragraphs' heights
    every: list[float] = []  # every box's height, when there is no short paragraph
    for b in blocks:
        box = b.bbox_page
        if box is not None:
            height = box.y2 - box.y1  # BBox.height, without the property call
            every.append(height)
            if b.kind is BlockKind.PARAGRAPH and 0 < len(b.text) <= 60:
                short.append(height)
    heights = sorted(short or every)
    return float(heights[len(heights) // 4]) if heights else 1.0
