"""Running text (what no table took) -> :class:`schemas.textlayer.TextBlock` records.

MuPDF groups text into blocks; one block can hold phrases far apart on the same row (a running
header's left and right parts). A block is split where its lines leave a horizontal gap wider
than :data:`SPLIT_GAP_EM` font sizes. The limit is generous on purpose: a label and its
right-aligned value ("Subtotal ... £3,024.00", about 14 em apart) must stay one block, or
the reading order would list all labels before all values. Boxes are clamped into the page.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from docparse.render.textlayer.glyphs import Box, RawBlock, RawLine, ink_box, union
from schemas.geometry import BBox, Frame
from schemas.textlayer import TextBlock, TextLine, TextSpan

#: Lines of one block this many font sizes apart sideways are separate blocks.
SPLIT_GAP_EM = 20.0
#: Below this many characters of running text, the body size is judged on all the page's text.
MIN_BODY_CHARS = 200


def text_blocks(blocks: Sequence[RawBlock], frame: Frame) -> list[TextBlock]:
    """One record per block (after splitting wide gaps); lines and spans in MuPDF's order."""
    built: list[TextBlock] = []
    for block in blocks:
        for part in _split(block):
            lines = [line for line in (_line(raw, frame) for raw in part) if line is not None]
            if lines:
                box = union(line.bbox.as_tuple() for line in lines)
                assert box is not None  # lines is not empty
                built.append(TextBlock(lines=lines, bbox=BBox.from_corners(*box)))
    return built


def body_font_size(running: Sequence[RawBlock], everything: Sequence[RawBlock]) -> float:
    """The font size (to 0.5 pt) that most printing characters of the running text use.

    On a page that is mostly table (fewer than :data:`MIN_BODY_CHARS` characters outside
    tables), all of the page's text counts. Ties go to the smaller size; 0.0 for no text.
    """
    counts = _size_counts(running)
    if sum(counts.values()) < MIN_BODY_CHARS:
        counts = _size_counts(everything)
    if not counts:
        return 0.0
    best = max(counts.values())
    return min(size for size, count in counts.items() if count == best)


def _size_counts(blocks: Sequence[RawBlock]) -> Counter[float]:
    counts: Counter[float] = Counter()
    for block in blocks:
        for line in block.lines:
            for run in line.runs:
                counts[round(run.size * 2) / 2] += sum(1 for g in run.glyphs if g.inked)
    counts.pop(0.0, None)
    return counts


def _split(block: RawBlock) -> list[list[RawLine]]:
    """The block's lines in groups that sit side by side with a wide gap between them."""
    boxes = [ink_box(g for run in line.runs for g in run.glyphs) for line in block.lines]
    sizes = [max((run.size for run in line.runs), default=0.0) for line in block.lines]
    lefts = [box[0] if box else 0.0 for box in boxes]
    order = sorted(range(len(block.lines)), key=lefts.__getitem__)
    groups: list[list[int]] = []
    right = float("-inf")
    for i in order:
        box = boxes[i]
        if box is None:
            continue
        gap_limit = SPLIT_GAP_EM * max(sizes[i], 1.0)
        if not groups or box[0] - right > gap_limit:
            groups.append([])
            right = box[2]
        groups[-1].append(i)
        right = max(right, box[2])
    return [[block.lines[i] for i in sorted(group)] for group in groups]


def _line(raw: RawLine, frame: Frame) -> TextLine | None:
    spans: list[TextSpan] = []
    for run in raw.runs:
        box = ink_box(run.glyphs)
        text = "".join(g.char for g in run.glyphs)
        if box is None or not text:
            continue
        spans.append(
            TextSpan(
                text=text,
                bbox=_clamped(box, frame),
                size=run.size,
                bold=run.bold,
                italic=run.italic,
                font=run.font,
            )
        )
    if not any(span.text.strip() for span in spans):
        return None
    inked = [s.bbox.as_tuple() for s in spans if s.text.strip()]
    box = union(inked)
    assert box is not None  # some span prints
    return TextLine(spans=spans, bbox=BBox.from_corners(*box))


def _clamped(box: Box, frame: Frame) -> BBox:
    return frame.clamp(BBox.from_corners(*box))
