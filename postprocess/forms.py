"""Form key-value pairs and check boxes from a page's blocks.

Rules, applied in this order, each block used by at most one of them:

1. ``colon`` and check boxes (:mod:`postprocess.extract.form_text`): ``Label: value`` pieces
   of a block's text, several per line allowed; check-box marks ``☐ ☑ ☒ [x] [ ] ✓ ✔``, whose
   line is a question with options (check boxes), not a pair;
2. ``table`` (:mod:`postprocess.extract.form_layout`): rows of two-column label/value tables;
3. ``box``: a label above a drawn box read as one tall block;
4. ``spatial``: a label block and the nearest value block to its right or below it; a
   ``Label:`` block that finds none stays a ``colon`` pair with an empty value.

Keys are also given normalised (:func:`postprocess.extract.labels.norm_key`). Boxes are in the
page frame; where key and value share a block they are estimates (``estimated_boxes``): by
character offsets along the block for ``colon`` and check boxes, by table rows and halves for
``table``, top third / rest for ``box``. ``spatial`` boxes are the blocks' own boxes.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence

from postprocess.extract.boxes import line_height
from postprocess.extract.form_layout import page_box_pairs, page_spatial_pairs, table_pairs
from postprocess.extract.form_text import TextBlock, page_text_pairs, text_blocks
from postprocess.extract.segments import Piece
from postprocess.tables import tables_from_blocks
from schemas.blocks import Block
from schemas.forms import Checkbox, FormResult, KeyValue
from schemas.tables import Table

__all__ = ["extract_form", "extract_form_pages"]


def extract_form(
    blocks: Sequence[Block],
    *,
    page_number: int = 1,
    tables: list[Table] | None = None,
    known_key: Callable[[str], bool] | None = None,
    cut: dict[str, list[Piece]] | None = None,
    table_blocks: Collection[str | None] | None = None,
) -> FormResult:
    """Pairs and check boxes of one page, in the order of the rules above.

    ``tables`` spares re-reading the page's tables when the caller has them; ``known_key``
    tells which multi-word keys before a colon are known labels (see ``segments.pieces``);
    ``cut`` the blocks' text pieces when the caller has them (``form_text.block_pieces``).
    ``table_blocks``: the ids of the page's table blocks, for a caller whose ``tables`` are
    only those that may hold pairs (``form_layout.holds_pairs``); by default those of ``tables``.
    """
    page_blocks = list(blocks)
    page_tables = (
        tables if tables is not None else tables_from_blocks(page_blocks, page_number=page_number)
    )
    if table_blocks is None:
        table_blocks = [t.sources[0].block_id for t in page_tables if t.sources]
    records = text_blocks(page_blocks, known_key, cut)
    pairs, checkboxes = page_form(page_blocks, page_number, page_tables, table_blocks, records)
    return FormResult(pairs=pairs, checkboxes=checkboxes)


def page_form(
    blocks: list[Block],
    page: int,
    tables: list[Table],
    table_blocks: Collection[str | None],
    records: list[TextBlock],
    line: float | None = None,
    grids: Sequence[list[list[str]] | None] | None = None,
) -> tuple[list[KeyValue], list[Checkbox]]:
    """:func:`extract_form`'s pairs and check boxes, for a caller that has the page's tables,
    their block ids and its :func:`~postprocess.extract.form_text.text_blocks` (no result
    model built around them); ``line``: the page's :func:`~.boxes.line_height`, when the
    caller has it; ``grids``: the tables' expanded grids, where it has them (None where not)."""
    found = page_text_pairs(records, page)
    used = {*found.used, *(block_id for block_id in table_blocks if block_id is not None)}
    line = line_height(blocks) if line is None else line
    pairs = [
        *found.pairs,
        *table_pairs(tables, page, grids),
        *page_box_pairs(records, page, used, line),
        *page_spatial_pairs(records, page, used, line),
    ]
    pairs += [p for p in found.empty if p.key_block_id not in used]  # labels left without value
    return pairs, found.checkboxes


def extract_form_pages(pages: Sequence[Sequence[Block]]) -> FormResult:
    """:func:`extract_form` over pages numbered 1, 2, ... in order, results concatenated."""
    result = FormResult()
    for number, blocks in enumerate(pages, start=1):
        page = extract_form(blocks, page_number=number)
        result.pairs.extend(page.pairs)
        result.checkboxes.extend(page.checkboxes)
        result.errors.extend(page.errors)
    return result
