"""Top-level fields read from tables, and the provenance of a table cell.

:func:`column_candidates`: a column whose header is an alias of a field and whose body holds
exactly one value gives that field a candidate (``Consumption (kWh)`` -> 412), confidence 0.75.
Only single-valued columns: a column of many values (line totals) names no single value.

:func:`cell_source`: a cell's page, block and box; the box is estimated, the table part's box
split equally into its rows and columns (:func:`row_bands` places every row of a table at once).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from postprocess.extract.candidates import Candidate, Candidates, Source
from postprocess.extract.document import DocView
from postprocess.extract.labels import AliasIndex
from postprocess.extract.schema_spec import FieldSpec
from postprocess.extract.values import convert
from schemas.extraction import ExtractOptions, FieldRule
from schemas.geometry import BBox
from schemas.tables import Table, TableSource

Box = BBox | tuple[float, float, float, float]

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


RowBand = tuple[int | None, str | None, Box | None]
"""Where a table row is printed: the page and block of the part holding it, and the row's band
of that part's box (the part's box split equally into its rows; the part's own box, or None,
where it cannot be split)."""


def cell_source(table: Table, r: int, c: int, text: str) -> Source:
    """Page, block and estimated box of grid position ``(r, c)`` of ``table``."""
    return band_cell(row_bands(table)[r], c, table.n_cols, text)


def band_cell(band: RowBand, c: int, n_cols: int, text: str) -> Source:
    """The source of the cell in column ``c`` (of ``n_cols``) of the row printed in ``band``,
    printing ``text``: the band split equally into columns."""
    page, block_id, box = band
    if type(box) is not tuple:  # the part's box, not split into rows: not into columns either
        return Source(page, block_id, box, text)
    x1, top, x2, bottom = box
    w = (x2 - x1) / n_cols
    return Source(page, block_id, (x1 + c * w, top, x1 + (c + 1) * w, bottom), text)


def row_bands(table: Table) -> list[RowBand]:
    """The :data:`RowBand` of every grid row of ``table``: the first part holding a row places
    it, the first part a row no part holds. Computed once per table, not per row or cell: each
    part's fields are read once (a pydantic model's attribute read costs several times a plain
    object's, its class defines ``__getattr__``)."""
    n_rows, n_cols = table.n_rows, table.n_cols
    sources = table.sources
    if not sources:
        return [(None, None, None)] * n_rows
    if len(sources) == 1:  # one part holds every row (most tables)
        return _part_bands(sources[0], range(n_rows), n_cols)
    bands: list[RowBand | None] = [None] * n_rows
    for part in sources:
        start = part.row_start
        rows = [r for r in range(start, min(start + part.row_count, n_rows)) if bands[r] is None]
        for r, band in zip(rows, _part_bands(part, rows, n_cols), strict=True):
            bands[r] = band  # the first part that holds a row places it
    rest = [r for r in range(n_rows) if bands[r] is None]  # held by no part: the first one's
    for r, band in zip(rest, _part_bands(sources[0], rest, n_cols), strict=True):
        bands[r] = band
    return bands  # type: ignore[return-value]  # every row placed


def _part_bands(part: TableSource, rows: Sequence[int], n_cols: int) -> list[RowBand]:
    """The band of each of ``rows`` placed in ``part`` (see :func:`row_bands`)."""
    page, block_id, box, count = part.page, part.block_id, part.bbox, part.row_count
    if box is None or not count or not n_cols:
        return [(page, block_id, box)] * len(rows)
    x1, y1, x2 = box.x1, box.y1, box.x2
    h, start = (box.y2 - y1) / count, part.row_start
    return [
        (page, block_id, (x1, top, x2, top + h)) for top in [y1 + (r - start) * h for r in rows]
    ]
