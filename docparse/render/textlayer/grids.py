"""Table grids: the common shape of a detected table, and ruled grids found by PyMuPDF.

A :class:`Grid` is a table's outline and its cells on a row/column grid; a spanned cell covers
several grid positions. Fully ruled tables (cell frames, row and column rules) come from
``page.find_tables()`` with its line strategy, which already returns boxes in the displayed
frame (it derotates a rotated page while it works and restores it). PyMuPDF's optional layout
model is switched off (``use_layout=False``) so that results do not depend on whether the
``pymupdf_layout`` extra happens to be installed, and so the cost stays at tens of milliseconds.
"""

from __future__ import annotations

import inspect
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass

import pymupdf
from pymupdf import table as mupdf_table

from docparse.render.textlayer.drawings import Drawings
from docparse.render.textlayer.glyphs import Box, Word

log = logging.getLogger("docparse.render")

# find_tables() prints a hint about the layout extra to stdout once; keep stdout clean.
os.environ.setdefault("PYMUPDF_SUGGEST_LAYOUT_ANALYZER", "0")

#: Cell edges closer than this (points) are the same grid line.
SNAP = 1.5
#: Rules of each direction a page needs before the (costly) grid finder runs.
MIN_RULES = 3
_NO_LAYOUT = (
    {"use_layout": False}
    if "use_layout" in inspect.signature(mupdf_table.find_tables).parameters
    else {}
)


@dataclass(slots=True)
class GridCell:
    row: int
    col: int
    row_span: int
    col_span: int
    box: Box


@dataclass(slots=True)
class Grid:
    """A detected table: outline, ink box (rules and shading included), grid lines and cells.

    Every grid position belongs to exactly one cell (holes are filled with empty 1x1 cells).
    """

    box: Box
    ink: Box
    xs: list[float]
    ys: list[float]
    cells: list[GridCell]

    @property
    def n_rows(self) -> int:
        return len(self.ys) - 1

    @property
    def n_cols(self) -> int:
        return len(self.xs) - 1


def make_grid(xs: list[float], ys: list[float], cells: list[GridCell]) -> Grid:
    """A grid over the lines ``xs`` and ``ys``: ``cells`` plus empty cells for uncovered spots."""
    covered = {
        (r, c)
        for cell in cells
        for r in range(cell.row, cell.row + cell.row_span)
        for c in range(cell.col, cell.col + cell.col_span)
    }
    holes = [
        GridCell(row=r, col=c, row_span=1, col_span=1, box=(xs[c], ys[r], xs[c + 1], ys[r + 1]))
        for r in range(len(ys) - 1)
        for c in range(len(xs) - 1)
        if (r, c) not in covered
    ]
    ordered = sorted([*cells, *holes], key=lambda cell: (cell.row, cell.col))
    box = (xs[0], ys[0], xs[-1], ys[-1])
    return Grid(box=box, ink=box, xs=xs, ys=ys, cells=ordered)


def grid_from_cells(rects: Sequence[Box]) -> Grid | None:
    """A grid from cell rectangles: grid lines are their snapped edges, spans follow.

    None when the rectangles do not tile a grid (overlaps) or make fewer than two cells.
    """
    if len(rects) < 2:
        return None
    xs = _snap([v for r in rects for v in (r[0], r[2])])
    ys = _snap([v for r in rects for v in (r[1], r[3])])
    cells: list[GridCell] = []
    taken: set[tuple[int, int]] = set()
    for rect in rects:
        c0, c1 = _index(xs, rect[0]), _index(xs, rect[2])
        r0, r1 = _index(ys, rect[1]), _index(ys, rect[3])
        if c1 <= c0 or r1 <= r0:
            continue  # a sliver narrower than the snap distance
        covered = {(r, c) for r in range(r0, r1) for c in range(c0, c1)}
        if covered & taken:
            return None
        taken |= covered
        cells.append(GridCell(row=r0, col=c0, row_span=r1 - r0, col_span=c1 - c0, box=rect))
    return make_grid(xs, ys, cells) if len(cells) >= 2 else None


def ruled_grids(page: pymupdf.Page, drawings: Drawings, words: Sequence[Word]) -> list[Grid]:
    """Fully ruled tables on ``page``.

    Skipped (free) unless the page has at least :data:`MIN_RULES` vertical and horizontal rules:
    a grid of two columns needs three vertical rules (a box around a table ruled only between
    rows is the rule finder's case).
    """
    if len(drawings.vertical) < MIN_RULES or len(drawings.horizontal) < MIN_RULES:
        return []
    # Only where rules are: the finder reads every character inside its clip.
    clip = pymupdf.Rect(
        min(r.start for r in drawings.horizontal) - SNAP,
        min(r.start for r in drawings.vertical) - SNAP,
        max(r.end for r in drawings.horizontal) + SNAP,
        max(r.end for r in drawings.vertical) + SNAP,
    )
    finder = page.find_tables(clip=clip, **_NO_LAYOUT)
    if finder is None:  # find_tables logs and swallows its own failures
        log.debug("find_tables gave up on page %d", page.number + 1)
        return []
    grids: list[Grid] = []
    for table in finder.tables:
        rects = [tuple(cell) for cell in table.cells if cell is not None]
        grid = grid_from_cells(rects)
        if grid is not None and _filled_cells(grid, words) >= 2:  # not an empty frame
            grid.ink = ink_around(grid.box, drawings.ink)
            grids.append(grid)
    return grids


def ink_around(box: Box, ink: Sequence[Box], slack: float = 2.0) -> Box:
    """``box`` grown to hold every path ink box lying within ``box`` give or take ``slack``."""
    x0, y0, x1, y1 = box
    for p in ink:
        if (
            p[0] >= box[0] - slack
            and p[1] >= box[1] - slack
            and p[2] <= box[2] + slack
            and p[3] <= box[3] + slack
        ):
            x0, y0, x1, y1 = min(x0, p[0]), min(y0, p[1]), max(x1, p[2]), max(y1, p[3])
    return (x0, y0, x1, y1)


def _filled_cells(grid: Grid, words: Sequence[Word], enough: int = 2) -> int:
    """How many cells hold a word's centre, counting up to ``enough``."""
    centres = [((w.box[0] + w.box[2]) / 2, (w.box[1] + w.box[3]) / 2) for w in words]
    filled = 0
    for cell in grid.cells:
        x0, y0, x1, y1 = cell.box
        if any(x0 <= x <= x1 and y0 <= y <= y1 for x, y in centres):
            filled += 1
            if filled >= enough:
                break
    return filled


def _snap(values: list[float]) -> list[float]:
    """Sorted distinct values, those within :data:`SNAP` of the previous kept one merged."""
    snapped: list[float] = []
    for value in sorted(values):
        if not snapped or value - snapped[-1] > SNAP:
            snapped.append(value)
    return snapped


def _index(lines: list[float], value: float) -> int:
    return min(range(len(lines)), key=lambda i: abs(lines[i] - value))
