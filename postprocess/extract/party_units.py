"""Party units: the blocks that one printed party block was read as, stacked together again.

Engines split a printed party block in their own ways: a letterhead's company name set large
becomes a heading over a paragraph with the address (the ``textlayer`` engine, most models); a
model may give every line its own block. A unit is a block followed by the blocks stacked right
under it on the same page:

- the head is any text block, heading or title; the blocks under it are text blocks (a heading
  below a paragraph opens something else);
- a block is stacked under the unit's last block when its top lies at most ``JOIN_GAP`` typical
  line heights below that block's bottom and the two are aligned: left edges, right edges or
  centres within one line height (left-aligned address blocks, right-aligned letterheads,
  centred ones);
- a block for which ``alone(block)`` holds (a field line such as ``Invoice no.: 17``, a DIN 5008
  sender line) joins no unit and takes none under it; one for which ``opens(block)`` holds (the
  label of a party) only heads a unit;
- a unit holds at most ``MAX_UNIT_WORDS`` words.

Units are read top to bottom (then left to right); every block with a box is in exactly one.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from operator import itemgetter
from typing import NamedTuple

from postprocess.extract.form_text import TEXT_KINDS
from schemas.blocks import Block, BlockKind

JOIN_GAP = 1.2
MAX_UNIT_WORDS = 40
HEAD_KINDS = TEXT_KINDS | {BlockKind.TITLE, BlockKind.HEADING}

#: A box as plain floats ``(x1, y1, x2, y2)``: the party rules compare units' boxes many times,
#: and a field read on a box model is dear; the union of a unit's boxes needs no model either.
Box = tuple[float, float, float, float]
#: What the stacking reads of a block, read off the model once: ``(y1, x1, x2, y2, id, text,
#: is a text block, block)``.
Facts = tuple[float, float, float, float, str, str, bool, Block]
_TOP_LEFT = itemgetter(0, 1)


class Unit:
    """Blocks of one page read as one printed block, top first (text, box and ids computed
    once: the party rules read them many times)."""

    __slots__ = ("page", "blocks", "head", "text", "box", "ids")

    def __init__(
        self, page: int, blocks: tuple[Block, ...], text: str, box: Box, ids: tuple[str, ...]
    ) -> None:
        self.page = page
        self.blocks = blocks
        self.head = blocks[0]
        self.text = text
        self.box = box
        self.ids = ids


def count_words(text: str, limit: int) -> int:
    """The number of words of ``text``, counted up to ``limit + 1`` (a long paragraph is not
    split whole to learn that it is long)."""
    return len(text.split(maxsplit=limit))


def build_units(
    page: int,
    blocks: Sequence[Block],
    line: float,
    alone: Callable[[Block], bool],
    opens: Callable[[Block], bool],
) -> list[Unit]:
    """The page's units (see the module docstring); ``line`` is the typical line height."""
    return stack_units(page, page_facts(blocks).facts, line, alone, opens)


def stack_units(
    page: int,
    facts: list[Facts],
    line: float,
    alone: Callable[[Block], bool],
    opens: Callable[[Block], bool],
    until: float | None = None,
) -> list[Unit]:
    """The units of a page read by :func:`page_facts` (see the module docstring).

    With ``until``, only the units whose head's top lies at most that far down: heads are read
    top down and a unit takes only blocks below its head, so the units above do not depend on
    the rest (all units when a top is NaN: the blocks would not be in top order).

    ``alone`` and ``opens`` are asked only about blocks that have a block stacked right under
    them or are stacked right under one (most blocks have neither), once each."""
    tops = [f[0] for f in facts]
    if until is not None and (total := sum(tops)) != total:  # a NaN top (or inf - inf)
        until = None
    above, below_gap = 0.25 * line, JOIN_GAP * line
    singles: dict[str, bool] = {}
    heads: dict[str, bool] = {}

    def single(block: Block) -> bool:
        if block.id not in singles:
            singles[block.id] = alone(block)
        return singles[block.id]

    def head_only(block: Block) -> bool:
        if block.id not in heads:
            heads[block.id] = single(block) or opens(block)
        return heads[block.id]

    taken: set[str] = set()
    units: list[Unit] = []
    for head in facts:
        if until is not None and head[0] > until:
            break
        if head[4] in taken:
            continue
        stack = [head]
        taken.add(head[4])
        words = -1  # counted once a block is stacked under the head (most heads have none)
        upper = head
        while True:
            # the blocks whose top lies just under ``upper`` (most blocks have none)
            lo = bisect_left(tops, upper[3] - above)
            hi = bisect_right(tops, upper[3] + below_gap)
            below = _stacked_under(upper, facts[lo:hi], taken, head_only, line) if hi > lo else None
            if below is None or single(head[7]):
                break
            if words < 0:
                words = count_words(head[5], MAX_UNIT_WORDS)
            more = count_words(below[5], MAX_UNIT_WORDS)
            if words + more > MAX_UNIT_WORDS:
                break
            stack.append(below)
            taken.add(below[4])
            words += more
            upper = below
        units.append(_unit(page, stack))
    return units


class PageFacts(NamedTuple):
    """A page's blocks as the party rules read them: the facts of its text blocks, headings and
    titles with a box, top to bottom then left to right (a stable sort: blocks on one spot keep
    their order), and the top and bottom of its content (every block with a box; ``None``
    without one)."""

    facts: list[Facts]
    content_top: float | None
    content_bottom: float | None


def page_facts(blocks: Sequence[Block]) -> PageFacts:
    """The page's :class:`PageFacts`, its blocks read once."""
    facts: list[Facts] = []
    top = bottom = None
    for b in blocks:
        box = b.bbox_page
        if box is None:
            continue
        y1, y2 = box.y1, box.y2
        if top is None or bottom is None:
            top, bottom = y1, y2
        else:  # min() and max() of the boxes, as they compare
            if y1 < top:
                top = y1
            if y2 > bottom:
                bottom = y2
        text = b.text
        if text and (kind := b.kind) in HEAD_KINDS:
            facts.append((y1, box.x1, box.x2, y2, b.id, text, kind in TEXT_KINDS, b))
    facts.sort(key=_TOP_LEFT)
    return PageFacts(facts, top, bottom)


def _unit(page: int, stack: list[Facts]) -> Unit:
    if len(stack) == 1:  # most units: the block's own values, without the joins
        y1, x1, x2, y2, block_id, text, _, block = stack[0]
        return Unit(page, (block,), text, (x1, y1, x2, y2), (block_id,))
    box = (
        min(f[1] for f in stack),
        min(f[0] for f in stack),
        max(f[2] for f in stack),
        max(f[3] for f in stack),
    )
    return Unit(page, tuple(f[7] for f in stack), "\n".join(f[5] for f in stack), box,
                tuple(f[4] for f in stack))  # fmt: skip


def unit_below(unit: Unit, units: Sequence[Unit]) -> Unit | None:
    """The nearest unit under ``unit`` that shares at least half the narrower width with it."""
    x1, _, x2, y2 = unit.box
    bottom = y2 - 1
    width = x2 - x1
    best: Unit | None = None
    best_top = 0.0
    for other in units:
        ox1, oy1, ox2, _ = other.box
        if (
            other is not unit
            and oy1 >= bottom
            and (best is None or oy1 < best_top)  # the first of equally high ones
            # the share of the narrower width the two overlap (boxes.horizontal_overlap)
            and (min(x2, ox2) - max(x1, ox1)) / max(min(width, ox2 - ox1), 1e-9) >= 0.5
        ):
            best, best_top = other, oy1
    return best


def _stacked_under(
    upper: Facts,
    near: list[Facts],
    taken: set[str],
    head_only: Callable[[Block], bool],
    tolerance: float,
) -> Facts | None:
    """The highest free text block of ``near`` (the blocks whose top lies just under ``upper``,
    top to bottom) aligned with ``upper`` (left edges, right edges or centres: see the module
    docstring), not one that only heads a unit."""
    x1, x2 = upper[1], upper[2]
    for other in near:  # top to bottom: the first that fits is the highest
        ox1, ox2 = other[1], other[2]
        if (
            other[4] not in taken
            and other[6]
            and (
                abs(x1 - ox1) <= tolerance
                or abs(x2 - ox2) <= tolerance
                or abs((x1 + x2) - (ox1 + ox2)) <= 2 * tolerance
            )
            and not head_only(other[7])
        ):
            return other
    return None
