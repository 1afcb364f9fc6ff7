"""Top-level fields read from tables, and the provenance of a table cell.

:func:`column_candidates`: a column whose header is an alias of a field and whose body holds
exactly one value gives that field a candidate (``Consumption (kWh)`` -> 412), confidence 0.75.
Only single-valued columns: a column of many values (line totals) names no single value.

:func:`cell_source`: a cell's page, block and box; the box is estimated, the table part's box
split equally into its rows and columns (:func:`row_place` places a row once for all its cells).
"""

from __future__ import annotations

from collections import defaultdict
from typing import NamedTuple

from postprocess.extract.candidates import Candidate, Candidates, Source
from postprocess.extract.document import DocView
from postprocess.extract.labels import AliasIndex
from postprocess.extract.schema_spec import FieldSpec
from postprocess.extract.values import convert
from schemas.extraction import ExtractOptions, FieldRule
from schemas.geometry import BBox
from schemas.tables import Table

COLUMN_CONFIDENCE = 0.75


def column_candidates(
    view: DocView, fields: tuple[FieldSpec, ...], index: AliasIndex, options: ExtractOptions
) -> Candidates:
    """Top-level values from single-valued table columns headed by a field alias."""
    by_path = {f.path: f for f in fields}
    found: Candidates = defaultdict(list)
    for table in view.tables:
        grid = None
        for c, name in enumerate(table.columns):
            hit = index.lookup(name) if table.header_rows else None
            fspec = by_path.get(hit.target) if hit is not None else None
            if fspec is None:
                continue
            grid = grid or view.grid(table)
            filled = [(r, grid[r][c]) for r in range(table.header_rows, table.n_rows) if grid[r][c]]
            if len(filled) != 1:
                continue
            ((r, text),) = filled
            value = convert(fspec, text, dayfirst=options.dayfirst)
            if value is not None:
                source = cell_source(table, r, c, text)
                order = (source.page or 0, 0)
                candidate = Candidate(value, text, FieldRule.TABLE, COLUMN_CONFIDENCE, order,
                                      label=name, sources=[source])  # fmt: skip
                found[fspec.path].append(candidate)
    return found


def cell_source(table: Table, r: int, c: int, text: str) -> Source:
    """Page, block and estimated box of grid position ``(r, c)`` of ``table``."""
    return row_place(table, r).cell(c, text)


class RowPlace(NamedTuple):
    """Where grid row ``r`` of a table is printed: the part (page, block) holding it and the
    row's band of that part's box (the part's box split equally into its rows); a cell's box
    splits the band equally into columns."""

    page: int | None
    block_id: str | None
    box: BBox | None
    y1: float = 0.0
    height: float = 0.0
    width: float | None = None  # of one column; None when the box cannot be split

    def row_source(self, text: str) -> Source:
        """The source of the whole row printing ``text``: its band of the part's box."""
        box, w = self.box, self.width
        if box is None or w is None:
            return Source(self.page, self.block_id, box, text)
        return Source(
            self.page, self.block_id, (box.x1, self.y1, box.x2, self.y1 + self.height), text
        )

    def cell(self, c: int, text: str) -> Source:
        """The source of the row's cell in column ``c`` printing ``text``."""
        box, w = self.box, self.width
        if box is None or w is None:
            return Source(self.page, self.block_id, box, text)
        cell = (box.x1 + c * w, self.y1, box.x1 + (c + 1) * w, self.y1 + self.height)
        return Source(self.page, self.block_id, cell, text)


def row_place(table: Table, r: int) -> RowPlace:
    """The :class:`RowPlace` of grid row ``r`` (computed once per row, not once per cell)."""
    # Each model field is read once: a pydantic model's attribute read costs several times a
    # plain object's (its class defines __getattr__), and this runs for every table row.
    sources = table.sources
    if not sources:
        return RowPlace(None, None, None)
    part = sources[0]  # where no part holds the row (and the only part of most tables)
    if len(sources) > 1:
        for source in sources:  # a loop, not next() over a generator: called for every row
            start = source.row_start
            if start <= r < start + source.row_count:
                part = source
                break
    box, count, n_cols = part.bbox, part.row_count, table.n_cols
    if box is None or not count or not n_cols:
        return RowPlace(part.page, part.block_id, box)
    x1, y1 = box.x1, box.y1
    h, w = (box.y2 - y1) / count, (box.x2 - x1) / n_cols
    return RowPlace(part.page, part.block_id, box, y1 + (r - part.row_start) * h, h, w)
