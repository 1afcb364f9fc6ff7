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

from postprocess.extract.boxes import sub_box_fields, union
from postprocess.extract.form_marks import find_marks, has_marks
from postprocess.extract.labels import norm_key
from postprocess.extract.segments import Piece, pieces, segments
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
    if ":" not in text:  # no key anywhere (most blocks): each segment one piece without a key
        return [Piece(None, None, start, end) for start, end in segments(text)]
    return [p for start, end in segments(text) for p in pieces(text, start, end, known)]


def text_pairs(
    blocks: list[Block],
    page: int,
    known: Callable[[str], bool] | None = None,
    cut: dict[str, list[Piece]] | None = None,
) -> TextPairs:
    """Colon pairs and check-box groups of every text block of one page.

    ``cut`` may hold each block's :func:`block_pieces` (by block id), computed by the caller.
    """
    # pairs and check boxes as field dicts, validated together at the end (cheaper per model)
    pairs: list[dict[str, Any]] = []
    empty: list[dict[str, Any]] = []
    checkboxes: list[dict[str, Any]] = []
    used: set[str] = set()
    heading: str | None = None
    for block in blocks:
        kind, text = block.kind, block.text  # read once: a pydantic attribute read is dear
        if kind in HEADING_KINDS:
            heading = _NUMBERING.sub("", text).strip() or None
            continue
        if kind not in TEXT_KINDS or not text:
            continue
        block_id = block.id
        cut_block = cut.get(block_id) if cut is not None else None
        for piece in cut_block if cut_block is not None else block_pieces(text, known):
            if has_marks(text[piece.value_start : piece.value_end]):
                checkboxes += _checkboxes(block, page, piece, heading)
                used.add(block_id)
            elif piece.key_start is not None and piece.value(text):
                pairs.append(_colon_pair(block, page, piece))
                used.add(block_id)
            elif piece.key_start is not None:  # "Name:" alone: its value may be a block nearby
                empty.append(_colon_pair(block, page, piece))
    return TextPairs(
        pairs_from_dicts(pairs), checkboxes_from_dicts(checkboxes), used, pairs_from_dicts(empty)
    )


def _colon_pair(block: Block, page: int, piece: Piece) -> dict[str, Any]:
    """A :class:`KeyValue`'s fields (its boxes as field dicts)."""
    text, box, block_id = block.text, block.bbox_page, block.id
    key = piece.key(text)
    return {
        "key": key,
        "value": piece.value(text),
        "norm_key": norm_key(key),
        "page": page,
        "rule": PairRule.COLON,
        "key_bbox": sub_box_fields(box, text, piece.key_start or 0, piece.key_end or 0),
        "value_bbox": sub_box_fields(
            box, text, *_stripped(text, piece.value_start, piece.value_end)
        ),
        "estimated_boxes": True,
        "key_block_id": block_id,
        "value_block_id": block_id,
    }


def _checkboxes(block: Block, page: int, piece: Piece, heading: str | None) -> list[dict[str, Any]]:
    """The :class:`Checkbox` fields of the piece's marks."""
    text, box = block.text, block.bbox_page
    group = piece.key(text) or heading
    marks = find_marks(text, piece.value_start, piece.value_end)
    if piece.key_start is None:
        before = text[piece.value_start : marks[0].start].strip() if marks else ""
        group = before.rstrip(":").strip() or group
    return [
        {
            "group": group,
            "label": mark.label,
            "checked": mark.checked,
            "page": page,
            "bbox": sub_box_fields(box, text, mark.start, mark.end),
            "block_id": block.id,
        }
        for mark in marks
    ]


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


def _stripped(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
