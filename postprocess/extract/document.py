"""A document prepared once for extraction: pages, tables (joined), form pairs, text pieces.

Input is either pages of blocks (page ``n`` is the ``n``-th list) or a ``DocumentResult`` (its
pages' own numbers). Boxes are the blocks' page-frame boxes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from postprocess.extract.form_layout import holds_pairs
from postprocess.extract.form_text import HEADING_KINDS, TEXT_KINDS, block_pieces
from postprocess.extract.labels import AliasHit, AliasIndex
from postprocess.extract.segments import Piece
from postprocess.extract.table_join import join_drafts
from postprocess.extract.table_model import TableDraft
from postprocess.forms import extract_form
from postprocess.tables import drafts_from_blocks, expand_grid
from schemas.blocks import Block
from schemas.forms import Checkbox, KeyValue
from schemas.results import DocumentResult
from schemas.tables import Table

Pages = Sequence[Sequence[Block]] | DocumentResult
#: Blocks whose text may hold labelled values (headings too: "Rechnung Nr. 2025-001").
LABEL_KINDS = TEXT_KINDS | HEADING_KINDS


class TextPiece(NamedTuple):
    """A piece of a block's text (a segment, or a ``Key: value`` piece of one)."""

    page: int
    block: Block
    start: int
    end: int
    keyed: bool
    text: str  # ``block.text[start:end]``, cut once (the rules read it for every piece)


@dataclass
class DocView:
    """One document read for extraction: its pages, joined tables, form pairs and text pieces."""

    pages: list[tuple[int, list[Block]]]
    tables: list[Table] = field(default_factory=list)
    pairs: list[KeyValue] = field(default_factory=list)
    checkboxes: list[Checkbox] = field(default_factory=list)
    pieces: list[TextPiece] = field(default_factory=list)
    blocks: dict[str, tuple[int, Block]] = field(default_factory=dict)
    cut: dict[str, list[Piece]] = field(default_factory=dict)  # block id -> its text pieces
    _grids: dict[int, tuple[Table, list[list[str]]]] = field(default_factory=dict, repr=False)
    _prefixes: dict[tuple[int, str], AliasHit | None] = field(default_factory=dict, repr=False)
    _text_blocks: list[tuple[int, Block]] | None = field(default=None, repr=False)

    def prefix(self, index: AliasIndex, text: str) -> AliasHit | None:
        """``index.prefix(text)``, looked up once per text of this document (the party rules
        and the label rules read the same blocks)."""
        key = (id(index), text)
        try:  # one dict look-up for a text seen before
            return self._prefixes[key]
        except KeyError:
            hit = self._prefixes[key] = index.prefix(text)
            return hit

    def grid(self, table: Table) -> list[list[str]]:
        """The table's expanded grid, computed once per table."""
        cached = self._grids.get(id(table))
        if cached is None or cached[0] is not table:
            cached = self._grids[id(table)] = (table, expand_grid(table))
        return cached[1]

    def text_blocks(self) -> list[tuple[int, Block]]:
        """Text blocks of every page in reading order (listed once: several rules read them)."""
        if self._text_blocks is None:
            self._text_blocks = [
                (n, b)
                for n, blocks in self.pages
                for b in blocks
                if b.kind in TEXT_KINDS and b.text
            ]
        return self._text_blocks


def page_list(document: Pages) -> list[tuple[int, list[Block]]]:
    """``(page number, blocks)`` for either input shape."""
    if isinstance(document, DocumentResult):
        return [(p.page_number, list(p.blocks)) for p in document.pages]
    return [(n, list(blocks)) for n, blocks in enumerate(document, start=1)]


def build_view(
    document: Pages, *, join: bool = True, known_key: Callable[[str], bool] | None = None
) -> DocView:
    """Read every page's tables, form pairs and text pieces once."""
    view = DocView(pages=page_list(document))
    drafts: list[TableDraft] = []
    built: dict[TableDraft, Table] = {}  # the tables the page's form rules read
    for number, blocks in view.pages:
        page_drafts = drafts_from_blocks(blocks, page_number=number)
        drafts.extend(page_drafts)
        page_built = {d: d.table() for d in page_drafts if holds_pairs(d)}
        built.update(page_built)
        cut = {
            b.id: block_pieces(text, known_key)
            for b in blocks
            if b.kind in LABEL_KINDS and (text := b.text)
        }
        view.cut.update(cut)
        form = extract_form(
            blocks,
            page_number=number,
            tables=list(page_built.values()),
            known_key=known_key,
            cut=cut,
            table_blocks=[d.sources[0].block_id for d in page_drafts],
        )
        view.pairs.extend(form.pairs)
        view.checkboxes.extend(form.checkboxes)
        # (model fields read once into locals: a pydantic attribute read is dear)
        for block in blocks:
            block_id = block.id
            view.blocks[block_id] = (number, block)
            block_cut = cut.get(block_id)
            if not block_cut:
                continue
            text = block.text
            for key_start, _, value_start, value_end in block_cut:
                lo, hi = _strip(text, value_start if key_start is None else key_start, value_end)
                if hi > lo:
                    piece = TextPiece(number, block, lo, hi, key_start is not None, text[lo:hi])
                    view.pieces.append(piece)
    # Tables are joined as drafts: a table continued on the next page is validated once, joined.
    joined = join_drafts(drafts) if join else drafts
    for draft in joined:
        table = built[draft] if draft in built else draft.table()
        view.tables.append(table)
        if draft.texts is not None:  # the expanded grid, read along with the cells
            view._grids[id(table)] = (table, draft.texts)
    return view


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
