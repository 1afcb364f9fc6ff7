"""Rules ``table``, ``box`` and ``spatial``: pairs read from the layout rather than a colon.

- ``table``: each row of a two-column table without a header row whose first cell is text
  (not a number) is ``label -> value``. Cell boxes are estimated: rows share the table's height
  equally, the two columns its width.
- ``box``: a label printed above a drawn box, both read as one block: a block at least
  ``BOX_LINES`` typical line heights tall, at most 8 words, no colon, whose trailing words look
  like a value (a digit, an e-mail, a code of up to 3 capitals) after a leading label. The label's
  box is estimated as the top third of the block, the value's as the rest.
- ``spatial``: a short label block (at most 5 words, not a number) and an unused value block
  nearest to its right on the same line (vertical overlap at least half the lower height, gap
  under ``RIGHT_GAP`` line heights), else nearest below in the same column (left edges within
  one line height or half the narrower width shared, gap under ``BELOW_GAP`` line heights). A
  label without a colon pairs only with a value block that looks like a value (a digit, an
  e-mail, or the whole text a code of up to 3 capitals: a zone ``B``) or is taller than it.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from postprocess.extract.boxes import BoxFields, horizontal_overlap, line_height, vertical_overlap
from postprocess.extract.form_text import TEXT_KINDS
from postprocess.extract.labels import norm_key
from postprocess.extract.table_headers import is_numeric
from postprocess.extract.table_model import TableDraft
from postprocess.tables import table_records
from schemas.blocks import Block
from schemas.forms import KeyValue, PairRule, pairs_from_dicts
from schemas.geometry import BBox
from schemas.tables import Table

BOX_LINES = 2.0
RIGHT_GAP = 12.0
BELOW_GAP = 2.5
#: A value's text holds a digit or an e-mail's ``@``, or is a code of up to 3 capitals.
_DIGIT_OR_AT = re.compile(r"[\d@]")
_CODE = re.compile(r"[A-Z]{1,3}$")
_VALUE_TOKEN = re.compile(r"\d|@|^[A-Z]{1,3}$")


def holds_pairs(table: Table | TableDraft) -> bool:
    """The table may hold label/value rows: two columns, rows, no header."""
    return table.n_cols == 2 and not table.header_rows and table.n_rows != 0


def table_pairs(tables: list[Table], page: int) -> list[KeyValue]:
    """Label/value rows of two-column tables without a header."""
    pairs: list[dict[str, Any]] = []  # field dicts, validated together (cheaper per model)
    for table in tables:
        if not holds_pairs(table):
            continue
        box = table.bbox
        for r, record in enumerate(table_records(table, skip_empty=False)):
            key, value = record[table.columns[0]], record[table.columns[1]]
            if not key or is_numeric(key):
                continue
            pairs.append(
                {
                    "key": key,
                    "value": value,
                    "norm_key": norm_key(key.rstrip(":")),
                    "page": page,
                    "rule": PairRule.TABLE,
                    "key_bbox": _cell_box(box, table.n_rows, r, 0),
                    "value_bbox": _cell_box(box, table.n_rows, r, 1),
                    "estimated_boxes": True,
                    "key_block_id": table.sources[0].block_id,
                    "value_block_id": table.sources[0].block_id,
                }
            )
    return pairs_from_dicts(pairs)


def box_pairs(
    blocks: list[Block], page: int, used: set[str], line: float | None = None
) -> list[KeyValue]:
    """Label-above-box blocks (see the module docstring); ``line``: the page's typical line
    height, when the caller has it."""
    pairs: list[dict[str, Any]] = []  # field dicts, validated together (cheaper per model)
    line = line_height(blocks) if line is None else line
    for block in blocks:
        box = block.bbox_page
        if (
            block.id in used
            or block.kind not in TEXT_KINDS
            or box is None
            or box.y2 - box.y1 < BOX_LINES * line  # its height, without the property call
            or ":" in block.text
        ):
            continue
        words = block.text.split()
        if not 2 <= len(words) <= 8:
            continue
        split = len(words)
        while split > 1 and _VALUE_TOKEN.search(words[split - 1]):
            split -= 1
        if split == len(words) or not any(ch.isalpha() for ch in " ".join(words[:split])):
            continue
        key, value = " ".join(words[:split]), " ".join(words[split:])
        cut = box.y1 + box.height / 3
        pairs.append(
            {
                "key": key,
                "value": value,
                "norm_key": norm_key(key),
                "page": page,
                "rule": PairRule.BOX,
                "key_bbox": {"x1": box.x1, "y1": box.y1, "x2": box.x2, "y2": cut},
                "value_bbox": {"x1": box.x1, "y1": cut, "x2": box.x2, "y2": box.y2},
                "estimated_boxes": True,
                "key_block_id": block.id,
                "value_block_id": block.id,
            }
        )
        used.add(block.id)
    return pairs_from_dicts(pairs)


class _Spot(NamedTuple):
    """A block free for the spatial rule, with what the rule asks of it, read once (every label
    looks at every other free block). Its id and corners too: a pydantic model's attribute read
    costs several times a tuple's (the model class defines ``__getattr__``)."""

    block: Block
    box: BBox
    id: str
    x1: float
    y1: float
    x2: float
    y2: float
    colon: bool  # its text ends with a colon: a label, never a value
    value_text: bool  # its text holds a digit or an e-mail's @, or is a code of up to 3 capitals


def _spot(block: Block, box: BBox) -> _Spot:
    text = block.text.strip()
    value_text = _DIGIT_OR_AT.search(text) is not None or _CODE.match(text) is not None
    return _Spot(
        block, box, block.id, box.x1, box.y1, box.x2, box.y2, text.endswith(":"), value_text
    )


def spatial_pairs(
    blocks: list[Block], page: int, used: set[str], line: float | None = None
) -> list[KeyValue]:
    """Label blocks paired with the nearest value block right of them or below them."""
    line = line_height(blocks) if line is None else line
    free = [
        _spot(b, box)
        for b in blocks
        if b.id not in used and b.kind in TEXT_KINDS and (box := b.bbox_page)
    ]
    pairs: list[dict[str, Any]] = []  # field dicts, validated together (cheaper per model)
    for spot in free:
        label = spot.block
        if spot.id in used or not _is_label(label.text):
            continue
        found = _nearest(spot, free, used, line)
        if found is None:
            continue
        value = found.block
        key = label.text.strip().rstrip(":").strip()
        pairs.append(
            {
                "key": key,
                "value": value.text,
                "norm_key": norm_key(key),
                "page": page,
                "rule": PairRule.SPATIAL,
                "key_bbox": label.bbox_page,
                "value_bbox": value.bbox_page,
                "key_block_id": spot.id,
                "value_block_id": found.id,
            }
        )
        used.update((spot.id, found.id))
    return pairs_from_dicts(pairs)


def _is_label(text: str) -> bool:
    text = text.strip()
    # any(map(...)): the letter test without a Python frame per character
    return 0 < len(text.split()) <= 5 and any(map(str.isalpha, text)) and not is_numeric(text)


def _nearest(label: _Spot, free: list[_Spot], used: set[str], line: float) -> _Spot | None:
    """The value for ``label`` among the ``free`` blocks not ``used`` yet (see the module
    docstring)."""
    block, lb, label_colon = label.block, label.box, label.colon
    lx1, lx2, ly2 = label.x1, label.x2, label.y2
    taller = (ly2 - label.y1) * 1.2  # a value block taller than this looks like a value
    right_gap, below_gap = RIGHT_GAP * line, BELOW_GAP * line
    right, below = [], []
    for cand in free:
        cand_block, cb, cand_id, x1, y1, _, y2, colon, value_text = cand
        if colon or not (label_colon or value_text or y2 - y1 > taller):
            continue
        if cand_block is block or cand_id in used:
            continue
        # the gap first: most blocks lie not right of the label, and the overlap costs more
        if 0 <= x1 - lx2 + 1 <= right_gap and vertical_overlap(lb, cb) >= 0.5:
            right.append((x1 - lx2, cand))
        elif 0 <= y1 - ly2 + 1 <= below_gap and (
            abs(x1 - lx1) <= line or horizontal_overlap(lb, cb) >= 0.5
        ):
            below.append((y1 - ly2, cand))
    for options in (right, below):
        if options:
            return min(options, key=lambda item: item[0])[1]
    return None


def _cell_box(box: BBox | None, n_rows: int, row: int, col: int) -> BoxFields | None:
    if box is None:
        return None
    h, w = box.height / n_rows, box.width / 2
    return {
        "x1": box.x1 + col * w,
        "y1": box.y1 + row * h,
        "x2": box.x1 + (col + 1) * w,
        "y2": box.y1 + (row + 1) * h,
    }
