"""A document prepared once for extraction: pages, tables (joined), form pairs, text pieces.

Input is either pages of blocks (page ``n`` is the ``n``-th list) or a ``DocumentResult`` (its
pages' own numbers). Boxes are the blocks' page-frame boxes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from postprocess.extract.boxes import SHORT_CHARS, line_height
from postprocess.extract.form_layout import holds_pairs
from postprocess.extract.form_text import (
    HEADING_KINDS,
    TEXT_KINDS,
    TextBlock,
    block_pieces,
    text_blocks,
)
from postprocess.extract.labels import AliasHit, AliasIndex
from postprocess.extract.segments import Piece, new_tuple
from postprocess.extract.table_join import join_drafts
from postprocess.extract.table_model import TableDraft
from postprocess.forms import page_form
from postprocess.tables import drafts_from_blocks, expand_grid
from schemas.blocks import Block, BlockKind
from schemas.forms import Checkbox, KeyValue
from schemas.results import DocumentResult
from schemas.tables import Table

Pages = Sequence[Sequence[Block]] | DocumentResult
#: Blocks whose text may hold labelled values (headings too: "Rechnung Nr. 2025-001").
LABEL_KINDS = TEXT_KINDS | HEADING_KINDS
PARAGRAPH = BlockKind.PARAGRAPH  # (an enum member's look-up is dear)


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
    # DocView.prefix's hits: by index id, then by text; the index looked up last and its texts
    _prefixes: dict[int, dict[str, AliasHit | None]] = field(default_factory=dict, repr=False)
    _prefix_index: AliasIndex | None = field(default=None, repr=False)
    _prefix_texts: dict[str, AliasHit | None] = field(default_factory=dict, repr=False)
    _text_blocks: list[tuple[int, Block]] | None = field(default=None, repr=False)

    def prefix(self, index: AliasIndex, text: str) -> AliasHit | None:
        """``index.prefix(text)``, looked up once per text of this document (the party rules
        and the label rules read the same blocks)."""
        if index is not self._prefix_index:  # (the rules use one index: this runs once)
            self._prefix_index = index
            self._prefix_texts = self._prefixes.setdefault(id(index), {})
        texts = self._prefix_texts
        # a test before the read rather than a KeyError caught: half the texts are new
        if text in texts:
            return texts[text]
        hit = texts[text] = index.prefix(text)
        return hit

    def grid(self, table: Table) -> list[list[str]]:
        """The table's expanded grid, computed once per table."""
        cached = self._grids.get(id(table))
        if cached is None or cached[0] is not table:
            cached = self._grids[id(table)] = (table, expand_grid(table))
        return cached[1]

    def text_blocks(self) -> list[tuple[int, Block]]:
        """Text blocks of every page in reading order (listed once: several rules read them;
        :func:`build_view` lists them as it reads the blocks)."""
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
    text_list = view._text_blocks = []  # DocView.text_blocks, listed along
    drafts: list[TableDraft] = []
    built: dict[TableDraft, Table] = {}  # the tables the page's form rules read
    for number, blocks in view.pages:
        page_drafts = drafts_from_blocks(blocks, page_number=number)
        drafts.extend(page_drafts)
        page_built = {d: d.table() for d in page_drafts if holds_pairs(d)}
        built.update(page_built)
        # one walk over the page's blocks: the id table, the text pieces, the view's pieces, its
        # text blocks and the blocks the form rules read
        cut: dict[str, list[Piece]] = {}
        records: list[TextBlock] = []
        short: list[float] = []  # the short paragraphs' heights
        view_blocks, view_pieces = view.blocks, view.pieces
        known_ids, first_piece = len(view_blocks), len(view_pieces)
        for block in blocks:  # (model fields read once into locals: an attribute read is dear)
            block_id = block.id
            view_blocks[block_id] = (number, block)
            kind = block.kind
            if kind not in LABEL_KINDS:
                continue
            text = block.text
            block_cut = block_pieces(text, known_key) if text else []
            if kind in HEADING_KINDS:
                records.append((block, block_id, text, None, None))
            else:
                box = block.bbox_page
                records.append((block, block_id, text, box, block_cut))
                if text:
                    text_list.append((number, block))
                    # boxes.short_heights, read along (the form rules' line height)
                    if kind is PARAGRAPH and len(text) <= SHORT_CHARS and box is not None:
                        short.append(box.y2 - box.y1)
            if not text:
                continue
            cut[block_id] = block_cut
            _add_pieces(view_pieces, number, block, text, block_cut)
        if len(view_blocks) - known_ids != len(blocks):  # an id seen before (hand-made input)
            records = text_blocks(blocks, known_key, cut)
            del view_pieces[first_piece:]
            _pieces_by_id(view_pieces, number, blocks, cut)
        view.cut.update(cut)
        pairs, checkboxes = page_form(
            blocks,
            number,
            list(page_built.values()),
            [d.sources[0].block_id for d in page_drafts],
            records,
            line_height(blocks, short),
            [d.texts for d in page_built],  # the grids read along with the cells (or None)
        )
        view.pairs += pairs
        view.checkboxes += checkboxes
    # Tables are joined as drafts: a table continued on the next page is validated once, joined.
    joined = join_drafts(drafts) if join else drafts
    for draft in joined:
        table = built[draft] if draft in built else draft.table()
        view.tables.append(table)
        if draft.texts is not None:  # the expanded grid, read along with the cells
            view._grids[id(table)] = (table, draft.texts)
    return view


def _pieces_by_id(
    out: list[TextPiece], number: int, blocks: list[Block], cut: dict[str, list[Piece]]
) -> None:
    """The page's text pieces, every block reading the pieces of its id in ``cut`` (the last
    block of an id that several blocks share): what the walk in :func:`build_view` gives
    when the page's ids are unique."""
    for block in blocks:
        block_cut = cut.get(block.id)
        if not block_cut:
            continue
        _add_pieces(out, number, block, block.text, block_cut)


def _add_pieces(
    out: list[TextPiece], number: int, block: Block, text: str, block_cut: list[Piece]
) -> None:
    """Append the block's text pieces (its ``text`` cut at ``block_cut``), blanks stripped,
    empty ones left out."""
    for key_start, _, value_start, value_end in block_cut:
        # the piece's offsets without its outer white space (str.strip's), in line: a call per
        # piece saved, and its stripped text is text[lo:hi]
        start = value_start if key_start is None else key_start
        part = text[start:value_end]
        left = part.lstrip()
        if left:  # (else blank: hi == lo)
            lo = start + len(part) - len(left)
            piece_text = left.rstrip()
            fields = (number, block, lo, lo + len(piece_text), key_start is not None, piece_text)
            out.append(new_tuple(TextPiece, fields))
