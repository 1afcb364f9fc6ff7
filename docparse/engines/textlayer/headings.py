"""Which text blocks are headings, and their levels, judged against the page's body text.

A heading is short (at most :data:`MAX_LINES` lines, :data:`MAX_CHARS` characters, some letter)
and larger than the body text: at least :data:`HEADING_RATIO` times the body size and bold, or at
least :data:`TITLE_RATIO` times it whatever the weight. Sizes are character-weighted means.
Levels come from size tiers (to 0.5 pt), largest first: the largest tier is ``h1`` when it is
title-sized (:data:`TITLE_RATIO`), else the tiers start at ``h2`` (a page without a title, such as
a continuation page, gets no ``h1``); each smaller tier goes one level down, to ``h6`` at most.
"""

from __future__ import annotations

from collections.abc import Sequence

from schemas.textlayer import TextBlock

#: Bold text this much larger than the body text is a heading.
HEADING_RATIO = 1.2
#: Text this much larger than the body text is a heading even when not bold, and title-sized.
TITLE_RATIO = 1.6
#: Share of a block's characters that must be bold for it to count as bold.
BOLD_SHARE = 0.9
MAX_LINES = 3
MAX_CHARS = 200


def block_style(block: TextBlock) -> tuple[float, float]:
    """``(size, bold share)``: character-weighted mean font size and share of bold characters."""
    chars = weighted = bold = 0.0
    for line in block.lines:
        for span in line.spans:
            n = sum(1 for ch in span.text if not ch.isspace())
            chars += n
            weighted += n * span.size
            bold += n if span.bold else 0
    return (weighted / chars, bold / chars) if chars else (0.0, 0.0)


def heading_levels(blocks: Sequence[TextBlock], body_size: float) -> list[int | None]:
    """The heading level (1-6) of each block, or None for running text."""
    if body_size <= 0:
        return [None] * len(blocks)
    sizes: list[float | None] = []
    for block in blocks:
        size, bold = block_style(block)
        sizes.append(round(size * 2) / 2 if _is_heading(block, size, bold, body_size) else None)
    tiers = sorted({s for s in sizes if s is not None}, reverse=True)
    first = 1 if tiers and tiers[0] >= TITLE_RATIO * body_size else 2
    level = {size: min(first + rank, 6) for rank, size in enumerate(tiers)}
    return [level[s] if s is not None else None for s in sizes]


def _is_heading(block: TextBlock, size: float, bold: float, body_size: float) -> bool:
    text = block.text
    if len(block.lines) > MAX_LINES or len(text) > MAX_CHARS or not any(c.isalpha() for c in text):
        return False
    if size >= TITLE_RATIO * body_size:
        return True
    return size >= HEADING_RATIO * body_size and bold >= BOLD_SHARE
