"""Share the page's glyphs between tables and running text; build the table records.

Every glyph goes to exactly one place: the cell of the table whose outline holds its centre, or
the running text when no table does. So no character is lost or printed twice, and table text
never reappears as paragraphs. A cell's text is its glyphs in text-layer order, lines joined by
a space, whitespace collapsed. Header rows are the leading rows whose text is all bold (while
some later row is not), grown to cover header cells that span further down.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field

from docparse.render.textlayer.glyphs import Box, Glyph, RawBlock, RawLine, Run, union
from docparse.render.textlayer.grids import Grid
from schemas.geometry import BBox
from schemas.textlayer import TableCell, TableRegion

#: A glyph whose centre is this close (points) outside a table outline still belongs to it.
SLACK = 1.0


@dataclass(slots=True)
class _CellText:
    chars: list[str] = field(default_factory=list)
    line: int = -1
    inked: int = 0
    bold: int = 0
    boxes: list[Box] = field(default_factory=list)

    def add(self, glyph: Glyph, line: int, bold: bool) -> None:
        if self.chars and line != self.line:
            self.chars.append(" ")
        self.line = line
        self.chars.append(glyph.char)
        if glyph.inked:
            self.inked += 1
            self.bold += bold
            self.boxes.append(glyph.box)

    @property
    def text(self) -> str:
        return " ".join("".join(self.chars).split())


class _Locator:
    """Finds the table and cell holding a point in O(log n) per table."""

    def __init__(self, grids: Sequence[Grid]) -> None:
        self.grids = grids
        self.owners = [
            {
                (r, c): index
                for index, cell in enumerate(g.cells)
                for r in range(cell.row, cell.row + cell.row_span)
                for c in range(cell.col, cell.col + cell.col_span)
            }
            for g in grids
        ]

    def find(self, x: float, y: float) -> tuple[int, int] | None:
        for index, grid in enumerate(self.grids):
            x0, y0, x1, y1 = grid.box
            if x0 - SLACK <= x <= x1 + SLACK and y0 - SLACK <= y <= y1 + SLACK:
                col = min(max(bisect_right(grid.xs, x) - 1, 0), grid.n_cols - 1)
                row = min(max(bisect_right(grid.ys, y) - 1, 0), grid.n_rows - 1)
                return index, self.owners[index][(row, col)]
        return None


def split_tables(
    blocks: Sequence[RawBlock], grids: Sequence[Grid]
) -> tuple[list[RawBlock], list[TableRegion]]:
    """``(running text, tables)``: the blocks without table glyphs, and one record per grid."""
    if not grids:
        return list(blocks), []
    locator = _Locator(grids)
    texts: dict[tuple[int, int], _CellText] = {}
    kept_blocks: list[RawBlock] = []
    line_number = 0
    for block in blocks:
        kept_lines: list[RawLine] = []
        for line in block.lines:
            line_number += 1
            kept_runs: list[Run] = []
            for run in line.runs:
                kept: list[Glyph] = []
                for glyph in run.glyphs:
                    where = locator.find(*glyph.center)
                    if where is None:
                        kept.append(glyph)
                    else:
                        texts.setdefault(where, _CellText()).add(glyph, line_number, run.bold)
                if kept:
                    kept_runs.append(Run(kept, run.size, run.bold, run.italic, run.font))
            if any(g.inked for run in kept_runs for g in run.glyphs):
                kept_lines.append(RawLine(runs=kept_runs))
        if kept_lines:
            kept_blocks.append(RawBlock(lines=kept_lines))
    tables = [
        _region(grid, {c: t for (g, c), t in texts.items() if g == i})
        for i, grid in enumerate(grids)
    ]
    return kept_blocks, tables


def _region(grid: Grid, texts: dict[int, _CellText]) -> TableRegion:
    header_rows = _header_rows(grid, texts)
    cells = [
        TableCell(
            row=cell.row,
            col=cell.col,
            row_span=cell.row_span,
            col_span=cell.col_span,
            text=texts[i].text if i in texts else "",
            bbox=BBox.from_corners(*cell.box),
            header=cell.row < header_rows,
        )
        for i, cell in enumerate(grid.cells)
    ]
    ink = union([grid.ink, *(box for t in texts.values() for box in t.boxes)]) or grid.ink
    return TableRegion(
        bbox=BBox.from_corners(*ink),
        n_rows=grid.n_rows,
        n_cols=grid.n_cols,
        cells=cells,
        header_rows=header_rows,
    )


def _header_rows(grid: Grid, texts: dict[int, _CellText]) -> int:
    bold_rows = [True] * grid.n_rows
    has_text = [False] * grid.n_rows
    for index, cell in enumerate(grid.cells):
        text = texts.get(index)
        if text is None or not text.inked:
            continue
        has_text[cell.row] = True
        bold_rows[cell.row] = bold_rows[cell.row] and text.bold == text.inked
    count = 0
    while count < grid.n_rows and has_text[count] and bold_rows[count]:
        count += 1
    if count == 0 or not any(
        has and not bold for has, bold in zip(has_text[count:], bold_rows[count:], strict=True)
    ):
        return 0
    grown = 0
    while grown != count:  # header cells spanning down pull their rows into the header
        grown = count
        count = max(cell.row + cell.row_span for cell in grid.cells if cell.row < grown)
    return count if count < grid.n_rows else 0
