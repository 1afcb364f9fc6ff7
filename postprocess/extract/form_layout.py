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
from collections.abc import Sequence
from typing import Any

from postprocess.extract.boxes import BoxFields, line_height
from postprocess.extract.form_text import TEXT_KINDS, TextBlock
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


def table_pairs(
    tables: list[Table], page: int, grids: Sequence[list[list[str]] | None] | None = None
) -> list[KeyValue]:
    """Label/value rows of two-column tables without a header; ``grids``: the tables' expanded
    grids (``postprocess.tables.expand_grid``) where the caller has them, else None."""
    pairs: list[dict[str, Any]] = []  # field dicts, validated together (cheaper per model)
    for i, table in enumerate(tables):
        if not holds_pairs(table):
            continue
        grid = grids[i] if grids is not None else None
        # the table's fields read once, not per row (a model's attribute read is dear)
        columns, n_rows, block_id = table.columns, table.n_rows, table.sources[0].block_id
        records = (
            table_records(table, skip_empty=False)
            if grid is None  # else table_records of the grid in hand (not expanded again)
            else [dict(zip(columns, row, strict=True)) for row in grid[table.header_rows :]]
        )
        box = table.bbox
        for r, record in enumerate(records):
            key, value = record[columns[0]], record[columns[1]]
            if not key or is_numeric(key):
                continue
            pairs.append(
                {
                    "key": key,
                    "value": value,
                    "norm_key": norm_key(key.rstrip(":")),
                    "page": page,
                    "rule": PairRule.TABLE,
                    "key_bbox": _cell_box(box, n_rows, r, 0),
                    "value_bbox": _cell_box(box, n_rows, r, 1),
                    "estimated_boxes": True,
                    "key_block_id": block_id,
                    "value_block_id": block_id,
                }
            )
    return pairs_from_dicts(pairs)


def box_pairs(
    blocks: list[Block], page: int, used: set[str], line: float | None = None
) -> list[KeyValue]:
    """Label-above-box blocks (see the module docstring); ``line``: the page's typical line
    height, when the caller has it."""
    line = line_height(blocks) if line is None else line
    return page_box_pairs(layout_blocks(blocks), page, used, line)


def layout_blocks(blocks: list[Block]) -> list[TextBlock]:
    """The page's text blocks as the layout rules read them (no pieces: they read none)."""
    return [(b, b.id, b.text, b.bbox_page, []) for b in blocks if b.kind in TEXT_KINDS]


def page_box_pairs(
    records: list[TextBlock], page: int, used: set[str], line: float
) -> list[KeyValue]:
    """:func:`box_pairs` of the page's text blocks (``form_text.text_blocks``; headings, whose
    ``pieces`` are None, skipped)."""
    pairs: list[dict[str, Any]] = []  # field dicts, validated together (cheaper per model)
    tall = BOX_LINES * line
    for _, block_id, text, box, block_cut in records:
        if (
            block_cut is None  # a heading
            or block_id in used
            or ":" in text  # tested before the height: a box's attribute read is dear
            or box is None
            or box.y2 - box.y1 < tall  # its height, without the property call
        ):
            continue
        # split at most 8 times: more than 8 words are no label and value
        words = text.split(None, 8)
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
                "key_block_id": block_id,
                "value_block_id": block_id,
            }
        )
        used.add(block_id)
    return pairs_from_dicts(pairs)


#: A block free for the spatial rule, with what the rule asks of it, read once (every label
#: looks at every other free block): ``(block, box, id, x1, y1, x2, y2, colon, text)``, its
#: corners, whether its text ends with a colon (a label, never a value) and its text, stripped.
#: Its id and corners too: a pydantic model's attribute read costs several times a tuple's (the
#: model class defines ``__getattr__``); a plain tuple: one is built per block, and a
#: NamedTuple's ``__new__`` is a Python call.
_Spot = tuple[Block, BBox, str, float, float, float, float, bool, str]


def _value_text(text: str) -> bool:
    """``text`` holds a digit or an e-mail's @, or is a code of up to 3 capitals."""
    return _DIGIT_OR_AT.search(text) is not None or _CODE.match(text) is not None


def spatial_pairs(
    blocks: list[Block], page: int, used: set[str], line: float | None = None
) -> list[KeyValue]:
    """Label blocks paired with the nearest value block right of them or below them."""
    line = line_height(blocks) if line is None else line
    return page_spatial_pairs(layout_blocks(blocks), page, used, line)


def page_spatial_pairs(
    records: list[TextBlock], page: int, used: set[str], line: float
) -> list[KeyValue]:
    """:func:`spatial_pairs` of the page's text blocks (as :func:`page_box_pairs`)."""
    # the free blocks' stripped texts first: a page without a label block needs no more
    texts = [
        (block, block_id, box, text.strip())
        for block, block_id, text, box, block_cut in records
        if block_cut is not None and block_id not in used and box is not None
    ]
    labels = [_is_label(text) for _, _, _, text in texts]  # (no star: it builds a list)
    if not any(labels):
        return []
    free: list[_Spot] = [
        (block, box, block_id, box.x1, box.y1, box.x2, box.y2, text.endswith(":"), text)
        for block, block_id, box, text in texts
    ]
    pairs: list[dict[str, Any]] = []  # field dicts, validated together (cheaper per model)
    for spot, is_label in zip(free, labels, strict=True):
        if not is_label:
            continue
        _, label_box, label_id, _, _, _, _, _, label_text = spot
        if label_id in used:
            continue
        found = _nearest(spot, free, used, line)
        if found is None:
            continue
        value, value_box, value_id = found[:3]
        key = label_text.rstrip(":").strip()
        pairs.append(
            {
                "key": key,
                "value": value.text,
                "norm_key": norm_key(key),
                "page": page,
                "rule": PairRule.SPATIAL,
                "key_bbox": label_box,
                "value_bbox": value_box,
                "key_block_id": label_id,
                "value_block_id": value_id,
            }
        )
        used.update((label_id, value_id))
    return pairs_from_dicts(pairs)


def _is_label(text: str) -> bool:
    """``text`` (stripped) is a label: at most five words, a letter, not a number."""
    # split at most 5 times: a long paragraph is not cut into all its words to count past 5;
    # any(map(...)): the letter test without a Python frame per character
    return (
        0 < len(text.split(None, 5)) <= 5 and any(map(str.isalpha, text)) and not is_numeric(text)
    )


def _nearest(label: _Spot, free: list[_Spot], used: set[str], line: float) -> _Spot | None:
    """The value for ``label`` among the ``free`` blocks not ``used`` yet (see the module
    docstring)."""
    block, _, _, lx1, ly1, lx2, ly2, label_colon, _ = label
    taller = (ly2 - ly1) * 1.2  # a value block taller than this looks like a value
    right_gap, below_gap = RIGHT_GAP * line, BELOW_GAP * line
    right: list[tuple[float, _Spot]] = []
    below: list[tuple[float, _Spot]] = []
    for cand in free:
        cand_block, _, cand_id, x1, y1, x2, y2, colon, text = cand
        if colon or cand_block is block or cand_id in used:
            continue
        # where it lies first (a few float tests), its text last (a regex scan): most blocks
        # lie neither right of the label nor below it. The overlaps are boxes.vertical_overlap
        # and boxes.horizontal_overlap, computed from the corners read once.
        if (
            0 <= x1 - lx2 + 1 <= right_gap
            and (min(ly2, y2) - max(ly1, y1)) / max(min(ly2 - ly1, y2 - y1), 1e-9) >= 0.5
        ):
            options = right
            distance = x1 - lx2
        elif 0 <= y1 - ly2 + 1 <= below_gap and (
            abs(x1 - lx1) <= line
            or (min(lx2, x2) - max(lx1, x1)) / max(min(lx2 - lx1, x2 - x1), 1e-9) >= 0.5
        ):
            options = below
            distance = y1 - ly2
        else:
            continue
        if label_colon or y2 - y1 > taller or _value_text(text):  # else it looks like no value
            options.append((distance, cand))
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
