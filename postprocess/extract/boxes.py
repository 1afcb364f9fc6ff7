"""Box helpers for extraction: sub-boxes estimated from character offsets, and neighbourhoods.

A block's text has no per-character boxes, so the box of a piece of it is ESTIMATED: the block's
text lines (``\\n``) share its height equally, and along a line each character gets an equal
share of the block's width (``estimate_sub_box``). Good for one-line ``Label: value`` blocks set
in one font; rough for proportional fonts and tab stops.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from schemas.blocks import Block, BlockKind
from schemas.geometry import BBox, bbox_from_fields

#: A box's fields (``x1``, ``y1``, ``x2``, ``y2``), for the model holding the box to validate:
#: a box validated inside its holder costs much less than one built alone (``BBox(...)``).
BoxFields = dict[str, float]
#: A paragraph of at most this many characters is short: most likely one line.
SHORT_CHARS = 60


def estimate_sub_box(box: BBox | None, text: str, start: int, end: int) -> BBox | None:
    """Estimated box of ``text[start:end]`` inside ``box`` (see the module docstring)."""
    fields = sub_box_fields(box, text, start, end)
    return None if fields is None else bbox_from_fields(fields)


def sub_box_fields(box: BBox | None, text: str, start: int, end: int) -> BoxFields | None:
    """:func:`estimate_sub_box`'s box as :data:`BoxFields`."""
    if box is None or end <= start:
        return None
    if "\n" not in text:  # one line (most blocks): the loop below run once, without the split
        lo = start if start > 0 else 0
        hi = end if end < len(text) else len(text)
        if lo >= hi:
            return None
        x1, y1 = box.x1, box.y1
        height, x_share = box.y2 - y1, (box.x2 - x1) / len(text)  # BBox.height and .width
        y1 += 0 * height  # the loop's arithmetic (index 0): the same floats, -0.0 too
        return {"x1": x1 + lo * x_share, "y1": y1, "x2": x1 + hi * x_share, "y2": y1 + height}
    lines = text.split("\n")
    height = box.height / len(lines)
    parts: list[tuple[float, float, float, float]] = []
    offset = 0
    for index, line in enumerate(lines):
        lo, hi = max(start, offset), min(end, offset + len(line))
        if lo < hi and line:
            x_share = box.width / len(line)
            y1 = box.y1 + index * height
            parts.append(
                (
                    box.x1 + (lo - offset) * x_share,
                    y1,
                    box.x1 + (hi - offset) * x_share,
                    y1 + height,
                )
            )
        offset += len(line) + 1
    if not parts:
        return None
    # the union of the lines' parts
    return {
        "x1": min(p[0] for p in parts),
        "y1": min(p[1] for p in parts),
        "x2": max(p[2] for p in parts),
        "y2": max(p[3] for p in parts),
    }


def sub_boxes_fields(
    box: BBox | None, text: str, spans: Sequence[tuple[int, int]]
) -> list[BoxFields | None]:
    """:func:`sub_box_fields` of each ``(start, end)`` span of one block's text (a colon pair's
    key and value, a line's check boxes): for a one-line text the box is read once (a model's
    attribute read is dear) and each span costs a dict."""
    if box is None or not text or "\n" in text:
        return [sub_box_fields(box, text, start, end) for start, end in spans]
    # sub_box_fields's one-line arithmetic; its ``end <= start`` test is ``lo >= hi`` here
    size = len(text)
    x1, y1 = box.x1, box.y1
    height, x_share = box.y2 - y1, (box.x2 - x1) / size
    y1 += 0 * height
    y2 = y1 + height
    out: list[BoxFields | None] = []
    for start, end in spans:
        lo = start if start > 0 else 0
        hi = end if end < size else size
        out.append(
            {"x1": x1 + lo * x_share, "y1": y1, "x2": x1 + hi * x_share, "y2": y2}
            if lo < hi
            else None
        )
    return out


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
    # the heights as BBox.height computes them, without its property calls (this runs often)
    return overlap / max(min(a.y2 - a.y1, b.y2 - b.y1), 1e-9)


def horizontal_overlap(a: BBox, b: BBox) -> float:
    """Overlap of the two boxes' x ranges as a share of the narrower width."""
    overlap = min(a.x2, b.x2) - max(a.x1, b.x1)
    return overlap / max(min(a.x2 - a.x1, b.x2 - b.x1), 1e-9)  # the widths, as above


def line_height(blocks: Sequence[Block], short: list[float] | None = None) -> float:
    """Typical height of a one-line text block: the lower quartile of short paragraphs' heights
    (``short``, in any order, when the caller has read them: :func:`short_heights`), or of
    every box's height when there is no short paragraph.

    The lower quartile rather than the median: on a scan turned by a degree or two, the boxes of
    wide one-line blocks grow by their width times the angle's sine.
    """
    if short is None:
        short = short_heights(blocks)
    if short:
        heights = sorted(short)
    else:  # (read only now: most pages have short paragraphs)
        heights = sorted(box.y2 - box.y1 for b in blocks if (box := b.bbox_page) is not None)
    return float(heights[len(heights) // 4]) if heights else 1.0


def short_heights(blocks: Iterable[Block]) -> list[float]:
    """The heights of the short paragraphs (at most 60 characters) among ``blocks``."""
    paragraph = BlockKind.PARAGRAPH  # read once: an enum member's look-up is dear
    # the kind read first: a block of another kind needs no other field
    return [
        box.y2 - box.y1  # BBox.height, without the property call
        for b in blocks
        if b.kind is paragraph
        and 0 < len(b.text) <= SHORT_CHARS
        and (box := b.bbox_page) is not None
    ]
