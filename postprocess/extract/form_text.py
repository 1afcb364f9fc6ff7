"""Rule ``colon`` and check boxes: pairs and check boxes written inside one block's text.

A segment (see :mod:`.segments`) holding check-box marks is a group: its key (or, without one,
the nearest heading above, numbering stripped: ``"4. Declaration"`` -> ``Declaration``) names
the group and each mark and its label is a :class:`Checkbox`. A group is not a key-value pair:
``Permit type: ☒ Resident ☐ Visitor`` is a question with options, reported as check boxes only
(:func:`checkbox_groups` reads them back as groups, for schema fields named like a group). Any
other ``Key: value`` piece is a ``colon`` pair; a ``Key:`` with nothing after it is held back
(``empty``) so that the spatial rule may find its value in another block. Boxes are estimated
from character offsets (:func:`.boxes.estimate_sub_box`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from postprocess.extract.boxes import sub_boxes_fields, union
from postprocess.extract.form_marks import find_marks, has_marks, may_have_marks
from postprocess.extract.labels import norm_key
from postprocess.extract.segments import (
    Piece,
    cut_segments,
    has_separator,
    new_tuple,
    pieces,
)
from schemas.blocks import Block, BlockKind
from schemas.forms import Checkbox, KeyValue, PairRule, checkboxes_from_dicts, pairs_from_dicts
from schemas.geometry import BBox

_NUMBERING = re.compile(r"^\s*(?:\d+(?:\.\d+)*\.?|[A-Z]\.|[IVX]+\.)\s+")
TEXT_KINDS = frozenset(
    {BlockKind.PARAGRAPH, BlockKind.OTHER, BlockKind.ADDRESS, BlockKind.LIST, BlockKind.CAPTION}
)
#: Sets built once: reading an enum member (``BlockKind.TITLE``) goes through the enum class's
#: attribute look-up, dear for a test run on every block.
HEADING_KINDS = frozenset({BlockKind.TITLE, BlockKind.HEADING})


@dataclass
class TextPairs:
    """What the text rules found on a page and which blocks they used up."""

    pairs: list[KeyValue] = field(default_factory=list)
    checkboxes: list[Checkbox] = field(default_factory=list)
    used: set[str] = field(default_factory=set)
    empty: list[KeyValue] = field(default_factory=list)  # "Key:" with nothing after it


def block_pieces(text: str, known: Callable[[str], bool] | None = None) -> list[Piece]:
    """The ``Key: value`` pieces of every segment of a block's text, in order."""
    if "\n" not in text and not has_separator(text):  # one segment (most blocks)
        return (
            [new_tuple(Piece, (None, None, 0, len(text)))]
            if ":" not in text
            else pieces(text, 0, len(text), known)
        )
    # (cut_segments: segments' own test for one segment just made)
    if ":" not in text:  # no key anywhere: each segment one piece without a key
        return [new_tuple(Piece, (None, None, start, end)) for start, end in cut_segments(text)]
    return [p for start, end in cut_segments(text) for p in pieces(text, start, end, known)]


#: A heading or text block as the form rules read it, its fields read once (a pydantic
#: attribute read is dear, and the text, box and spatial rules all read the page's blocks):
#: ``(block, id, text, box, pieces)``. ``box`` is None for a heading (no rule reads a heading's
#: box); ``pieces`` are its text's pieces (empty without text), None for a heading. A plain
#: tuple rather than a NamedTuple: one is built per block, and a NamedTuple's ``__new__`` is a
#: Python call.
TextBlock = tuple[Block, str, str, BBox | None, list[Piece] | None]


def text_blocks(
    blocks: Iterable[Block],
    known: Callable[[str], bool] | None = None,
    cut: dict[str, list[Piece]] | None = None,
) -> list[TextBlock]:
    """The page's heading and text blocks in order, with their pieces: those in ``cut`` (by
    block id, see :func:`text_pairs`), else :func:`block_pieces`."""
    out: list[TextBlock] = []
    for block in blocks:
        kind = block.kind
        if kind in HEADING_KINDS:
            out.append((block, block.id, block.text, None, None))
        elif kind in TEXT_KINDS:
            block_id, text = block.id, block.text
            found = cut.get(block_id) if cut is not None and text else None
            if found is None:
                found = block_pieces(text, known) if text else []
            out.append((block, block_id, text, block.bbox_page, found))
    return out


def text_pairs(
    blocks: list[Block],
    page: int,
    known: Callable[[str], bool] | None = None,
    cut: dict[str, list[Piece]] | None = None,
) -> TextPairs:
    """Colon pairs and check-box groups of every text block of one page.

    ``cut`` may hold each block's :func:`block_pieces` (by block id), computed by the caller.
    """
    return page_text_pairs(text_blocks(blocks, known, cut), page)


def page_text_pairs(records: list[TextBlock], page: int) -> TextPairs:
    """:func:`text_pairs` of the page's :func:`text_blocks`."""
    # pairs and check boxes as field dicts, validated together at the end (cheaper per model)
    pairs: list[dict[str, Any]] = []
    empty: list[dict[str, Any]] = []
    checkboxes: list[dict[str, Any]] = []
    used: set[str] = set()
    heading: str | None = None  # the last heading's text: it names the check-box groups below it
    for _, block_id, text, box, block_cut in records:
        if block_cut is None:  # a heading (its name is read only for a group that needs it)
            heading = text
            continue
        if not text:
            continue
        marked = may_have_marks(text)  # else no piece of it holds a mark: none is searched
        for piece in block_cut:
            key_start, key_end, value_start, value_end = piece
            if marked and has_marks(text[value_start:value_end]):
                checkboxes += _checkboxes(text, box, block_id, page, piece, heading)
                used.add(block_id)
            elif key_start is not None and key_end is not None:
                pair = _colon_pair(
                    text, box, block_id, page, key_start, key_end, value_start, value_end
                )
                if pair["value"]:
                    pairs.append(pair)
                    used.add(block_id)
                else:  # "Name:" alone: its value may be a block nearby
                    empty.append(pair)
    return TextPairs(
        pairs_from_dicts(pairs), checkboxes_from_dicts(checkboxes), used, pairs_from_dicts(empty)
    )


def _colon_pair(
    text: str,
    box: BBox | None,
    block_id: str,
    page: int,
    key_start: int,
    key_end: int,
    value_start: int,
    value_end: int,
) -> dict[str, Any]:
    """A :class:`KeyValue`'s fields (its boxes as field dicts), the value stripped."""
    key = text[key_start:key_end].strip()
    # the value's offsets without its outer white space (str.strip's)
    part = text[value_start:value_end]
    left = part.lstrip()
    value_start += len(part) - len(left)
    value = left.rstrip()
    value_end = value_start + len(value)
    key_box, value_box = sub_boxes_fields(
        box, text, ((key_start, key_end), (value_start, value_end))
    )
    return {
        "key": key,
        "value": value,
        "norm_key": norm_key(key),
        "page": page,
        "rule": PairRule.COLON,
        "key_bbox": key_box,
        "value_bbox": value_box,
        "estimated_boxes": True,
        "key_block_id": block_id,
        "value_block_id": block_id,
    }


def _checkboxes(
    text: str, box: BBox | None, block_id: str, page: int, piece: Piece, heading: str | None
) -> list[dict[str, Any]]:
    """The :class:`Checkbox` fields of the piece's marks (``heading``: the text of the nearest
    heading above, if any)."""
    group = piece.key(text) or (_heading_name(heading) if heading is not None else None)
    marks = find_marks(text, piece.value_start, piece.value_end)
    if piece.key_start is None:
        before = text[piece.value_start : marks[0].start].strip() if marks else ""
        group = before.rstrip(":").strip() or group
    boxes = sub_boxes_fields(box, text, [(mark.start, mark.end) for mark in marks])
    return [
        {
            "group": group,
            "label": mark.label,
            "checked": mark.checked,
            "page": page,
            "bbox": mark_box,
            "block_id": block_id,
        }
        for mark, mark_box in zip(marks, boxes, strict=True)
    ]


def _heading_name(heading: str) -> str | None:
    """A heading's text as a group name: numbering stripped (``"4. Declaration"``)."""
    return _NUMBERING.sub("", heading).strip() or None


@dataclass(frozen=True)
class CheckGroup:
    """The check boxes of one question (one group in one block), in order."""

    name: str
    page: int
    block_id: str | None
    boxes: tuple[Checkbox, ...]

    @property
    def value(self) -> str:
        """The checked labels, comma-separated (empty when none is checked)."""
        return ", ".join(c.label for c in self.boxes if c.checked)

    @property
    def bbox(self) -> BBox | None:
        return union([c.bbox for c in self.boxes])


def checkbox_groups(checkboxes: Iterable[Checkbox]) -> list[CheckGroup]:
    """Consecutive check boxes of the same named group in the same block, as groups."""
    groups: list[CheckGroup] = []
    for box in checkboxes:
        if not box.group:
            continue
        last = groups[-1] if groups else None
        if last is not None and (last.name, last.page, last.block_id) == (
            box.group,
            box.page,
            box.block_id,
        ):
            groups[-1] = CheckGroup(last.name, last.page, last.block_id, (*last.boxes, box))
        else:
            groups.append(CheckGroup(box.group, box.page, box.block_id, (box,)))
    return groups
