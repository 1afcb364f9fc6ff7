"""Repetition loops in a model reply: the failure mode of dense tables and dotted leaders.

Three checks, cheapest first; the first that fires is reported:

- **tail loop**: the reply ends in one unit of ``p`` characters (``p`` up to
  :data:`MAX_PERIOD_CHARS`) repeated again and again, the last copy possibly cut: the model was
  still looping when the token budget ran out;
- **internal loop**: somewhere in the reply a unit holding text (a letter or digit outside the
  tags) repeats far more often than any real layout repeats it, e.g. a loop the model left by
  itself before closing the table and stopping;
- **repeated blocks**: the same block (same text, same box) several times in a row.

What is *not* a loop: a table whose cells hold the same short value (a column of ``0`` or
``—`` cells, runs of ``<td></td>``). Rows differ by their labels, so the repeated unit is one
row's worth of cells at most; and a unit of bare markup (no letter or digit outside tags: empty
cells, blank rows of a form) counts inside a reply only at the tail and only when it runs much
longer (:data:`TAIL_MIN_CHARS_STRUCTURAL`).

Algorithm. Whether the text span ``s[a:b]`` has period ``p`` is one slice comparison,
``s[a:b-p] == s[a+p:b]``, done in C; the longest periodic run through a point is found by
galloping (double the length, then bisect), so each period costs O(log n) Python steps and
O(run) C work. The tail check tries every period up to :data:`MAX_PERIOD_CHARS` from the end;
the internal check samples each period at a stride of half the shortest run that would count (a
qualifying run always contains a sample) and extends only from samples that match. Total work is
linear-ish in the reply (10-25 ms for 100 kB in CPython, 0.3 s for 1.3 MB). Rejected: a
pure-Python Z-function or KMP failure function over the reversed tail (same result, but
O(window) interpreted steps, several times slower), and a backreference regex such as
``(.{1,400}?)\\1{9,}$`` (it retries every start position and every unit length: O(n * p *
repeats) in the worst case).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum

from schemas.blocks import Block

#: Longest repeated unit looked for, in characters (a table row with its cells and boxes).
MAX_PERIOD_CHARS = 400
#: Tail loop: at least this many copies of the unit ...
TAIL_MIN_REPEATS = 10
#: ... covering at least this many characters (a unit holding text).
TAIL_MIN_CHARS = 300
#: ... or this many characters when the unit is bare markup/whitespace/punctuation.
TAIL_MIN_CHARS_STRUCTURAL = 3000
#: Internal loop: at least this many copies of a unit holding text ...
INTERNAL_MIN_REPEATS = 32
#: ... covering at least this many characters.
INTERNAL_MIN_CHARS = 1500
#: Repeated blocks: this many consecutive blocks with the same text and the same box.
BLOCK_MIN_REPEATS = 4

_TAG = re.compile(r"<[^<>]*>")
_LEADING_TAG_PART = re.compile(r"^[^<>]*>")
_TRAILING_TAG_PART = re.compile(r"<[^<>]*$")
_CONTENT = re.compile(r"[^\W_]")  # a letter or digit, any script


class LoopKind(str, Enum):
    TAIL = "tail"  # the reply ends in a loop
    INTERNAL = "internal"  # a loop inside the reply
    BLOCKS = "blocks"  # the same block over and over


@dataclass(frozen=True)
class Degeneracy:
    """The verdict. ``period`` is in characters (tail, internal) or blocks (blocks)."""

    is_degenerate: bool
    kind: LoopKind | None = None
    period: int = 0
    repeats: int = 0
    span: int = 0  # characters (or blocks) covered by the loop
    start: int = 0  # offset of the loop's first character (or index of its first block)
    unit: str = ""  # one copy of the repeated unit (a block's text for BLOCKS), for messages

    @property
    def reason(self) -> str:
        """One line for an error message ("" when not degenerate)."""
        if not self.is_degenerate or self.kind is None:
            return ""
        unit = _tag_first(self.unit) if self.kind is not LoopKind.BLOCKS else self.unit
        shown = unit if len(unit) <= 60 else unit[:57] + "..."
        if self.kind is LoopKind.BLOCKS:
            return f"the same block repeated {self.repeats} times in a row: {shown!r}"
        where = "at the end of" if self.kind is LoopKind.TAIL else "inside"
        return (
            f"repetition loop {where} the reply: a {self.period}-character unit repeated "
            f"{self.repeats} times: {shown!r}"
        )


NOT_DEGENERATE = Degeneracy(is_degenerate=False)


def detect_degeneracy(text: str, blocks: Sequence[Block] = ()) -> Degeneracy:
    """Check ``text`` (a raw reply) and its parsed ``blocks`` for repetition loops."""
    found = tail_loop(text)
    if not found.is_degenerate:
        found = internal_loop(text)
    if not found.is_degenerate:
        found = repeated_blocks(blocks)
    return found


def tail_loop(text: str) -> Degeneracy:
    """The shortest unit whose repetition makes up the end of ``text`` (see the module doc)."""
    n = len(text)
    for p in range(1, min(MAX_PERIOD_CHARS, n // TAIL_MIN_REPEATS) + 1):
        if text[n - 1] != text[n - 1 - p]:
            continue
        span = _matches_before(text, n, p) + p
        repeats = span // p
        if repeats < TAIL_MIN_REPEATS or span < TAIL_MIN_CHARS:
            continue
        start = n - span
        if span < TAIL_MIN_CHARS_STRUCTURAL and not _holds_content(text[start : start + 2 * p]):
            continue
        return Degeneracy(True, LoopKind.TAIL, p, repeats, span, start, text[n - p :])
    return NOT_DEGENERATE


def internal_loop(text: str) -> Degeneracy:
    """The first long run of a unit holding text, anywhere in ``text`` (see the module doc)."""
    n = len(text)
    for p in range(1, min(MAX_PERIOD_CHARS, n // INTERNAL_MIN_REPEATS) + 1):
        needed = max(INTERNAL_MIN_REPEATS * p, INTERNAL_MIN_CHARS) - p  # matching positions
        stride = max(1, needed // 2)  # a run of `needed` matches always holds a sample
        reached = 0  # runs found are maximal: samples before their end need no second look
        for j in range(stride, n - p, stride):
            if j < reached or text[j] != text[j + p]:
                continue
            start = j - _matches_before(text, j + p, p)
            reached = j + _matches_after(text, j, p)
            matches = reached - start
            if matches >= needed and _holds_content(text[start : start + 2 * p]):
                unit = text[start : start + p]
                return Degeneracy(
                    True, LoopKind.INTERNAL, p, (matches + p) // p, matches + p, start, unit
                )
    return NOT_DEGENERATE


def _matches_before(text: str, end: int, p: int) -> int:
    """Largest ``k`` with ``text[end-p-k : end-p] == text[end-k : end]``: how far back from
    ``end`` the text keeps period ``p``."""
    return _gallop(lambda k: text[end - p - k : end - p] == text[end - k : end], end - p)


def _matches_after(text: str, start: int, p: int) -> int:
    """Largest ``k`` with ``text[start : start+k] == text[start+p : start+p+k]``."""
    return _gallop(
        lambda k: text[start : start + k] == text[start + p : start + p + k], len(text) - p - start
    )


def repeated_blocks(blocks: Sequence[Block]) -> Degeneracy:
    """:data:`BLOCK_MIN_REPEATS` or more consecutive blocks with equal text and equal box."""
    keys = [_block_key(block) for block in blocks]
    run_start = 0
    for index in range(1, len(keys) + 1):
        if index < len(keys) and keys[index] is not None and keys[index] == keys[run_start]:
            continue
        length = index - run_start
        if length >= BLOCK_MIN_REPEATS:
            first = blocks[run_start]
            unit = first.text or first.html
            return Degeneracy(True, LoopKind.BLOCKS, 1, length, length, run_start, unit)
        run_start = index
    return NOT_DEGENERATE


def _block_key(block: Block) -> tuple[str, str, tuple[float, ...] | None] | None:
    """What makes two blocks the same; None for an empty unboxed block (it never counts)."""
    text = " ".join(block.text.split())
    box = block.bbox_model.as_tuple() if block.bbox_model is not None else None
    if not text and box is None:
        return None
    return (text, block.kind.value, box)


def _gallop(holds: Callable[[int], bool], limit: int) -> int:
    """Largest ``k`` in ``[0, limit]`` with ``holds(k)``, for a predicate true up to some k.

    ``holds(0)`` is taken as true. Doubles the step until the predicate fails or ``limit`` is
    reached, then bisects the last step.
    """
    good, step = 0, 1
    while good < limit:
        probe = min(good + step, limit)
        if not holds(probe):
            bad = probe
            while bad - good > 1:
                mid = (good + bad) // 2
                if holds(mid):
                    good = mid
                else:
                    bad = mid
            return good
        good, step = probe, step * 2
    return good


def _holds_content(piece: str) -> bool:
    """True when ``piece`` (two copies of a unit) has a letter or digit outside the tags."""
    inner = _TRAILING_TAG_PART.sub("", _LEADING_TAG_PART.sub("", piece))
    return _CONTENT.search(_TAG.sub("", inner)) is not None


def _tag_first(unit: str) -> str:
    """The unit rotated to start at its first ``<`` (``d>0</td><t`` -> ``<td>0</td>``)."""
    cut = unit.find("<")
    return unit[cut:] + unit[:cut] if cut > 0 else unit
