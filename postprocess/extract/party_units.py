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

from postprocess.extract.boxes import horizontal_overlap, union
from postprocess.extract.form_text import TEXT_KINDS
from schemas.blocks import Block, BlockKind
from schemas.geometry import BBox

JOIN_GAP = 1.2
MAX_UNIT_WORDS = 40
HEAD_KINDS = TEXT_KINDS | {BlockKind.TITLE, BlockKind.HEADING}


class Unit:
    """Blocks of one page read as one printed block, top first (text, box and ids computed
    once: the party rules read them many times)."""

    __slots__ = ("page", "blocks", "text", "box", "ids")

    def __init__(self, page: int, blocks: tuple[Block, ...]) -> None:
        self.page = page
        self.blocks = blocks
        if len(blocks) == 1:  # most units: the same values, without the joins
            self.text = blocks[0].text
            self.box: BBox | None = blocks[0].bbox_page
            self.ids = frozenset((blocks[0].id,))
        else:
            self.text = "\n".join(b.text for b in blocks)
            self.box = union([b.bbox_page for b in blocks])
            self.ids = frozenset(b.id for b in blocks)

    @property
    def head(self) -> Block:
        return self.blocks[0]


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
    """The page's units (see the module docstring); ``line`` is the typical line height.

    ``alone`` and ``opens`` are asked only about blocks that have a block stacked right under
    them or are stacked right under one (most blocks have neither), once each."""
    boxed = [b for b in blocks if b.kind in HEAD_KINDS and b.text and b.bbox_page is not None]
    boxed.sort(key=_top_left)
    tops = [b.bbox_page.y1 for b in boxed]  # type: ignore[union-attr]  # all have a box
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
    for head in boxed:
        if head.id in taken:
            continue
        stack = [head]
        taken.add(head.id)
        words = -1  # counted once a block is stacked under the head (most heads have none)
        while True:
            below = _stacked_under(stack[-1], boxed, tops, taken, head_only, line)
            if below is None or single(head):
                break
            if words < 0:
                words = count_words(head.text, MAX_UNIT_WORDS)
            more = count_words(below.text, MAX_UNIT_WORDS)
            if words + more > MAX_UNIT_WORDS:
                break
            stack.append(below)
            taken.add(below.id)
            words += more
        units.append(Unit(page, tuple(stack)))
    return units


def unit_below(unit: Unit, units: Sequence[Unit]) -> Unit | None:
    """The nearest unit under ``unit`` that shares at least half the narrower width with it."""
    box = unit.box
    if box is None:
        return None
    under: list[tuple[float, Unit]] = []
    for other in units:
        other_box = other.box
        if (
            other is not unit
            and other_box is not None
            and other_box.y1 >= box.y2 - 1
            and horizontal_overlap(box, other_box) >= 0.5
        ):
            under.append((other_box.y1, other))
    return min(under, key=lambda item: item[0])[1] if under else None


def _stacked_under(
    upper: Block,
    blocks: list[Block],
    tops: list[float],
    taken: set[str],
    head_only: Callable[[Block], bool],
    line: float,
) -> Block | None:
    """The highest free text block whose top lies just under ``upper`` and aligned with it,
    not one that only heads a unit (``blocks`` sorted by top, ``tops`` their tops)."""
    box = upper.bbox_page
    assert box is not None
    lo = bisect_left(tops, box.y2 - 0.25 * line)
    hi = bisect_right(tops, box.y2 + JOIN_GAP * line)
    for block in blocks[lo:hi]:  # top to bottom: the first that fits is the highest
        other = block.bbox_page
        assert other is not None
        if (
            block.id not in taken
            and block.kind in TEXT_KINDS
            and _aligned(box, other, line)
            and not head_only(block)
        ):
            return block
    return None


def _aligned(a: BBox, b: BBox, tolerance: float) -> bool:
    return (
        abs(a.x1 - b.x1) <= tolerance
        or abs(a.x2 - b.x2) <= tolerance
        or abs((a.x1 + a.x2) - (b.x1 + b.x2)) <= 2 * tolerance
    )


def _top_left(block: Block) -> tuple[float, float]:
    box = block.bbox_page
    return (box.y1, box.x1) if box is not None else (0.0, 0.0)
