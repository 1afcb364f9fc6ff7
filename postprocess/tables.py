"""QwenVL HTML tables -> :class:`~schemas.tables.Table` grids, records and CSV.

Accepts a ``<table>`` with or without ``thead``/``tbody``/``th``, ``rowspan``/``colspan``, a
``<style>`` sibling (ignored) and a chart's data table inside ``div.chart``. Broken tables give
the best grid plus warnings (see :mod:`postprocess.extract.table_grid`); nothing raises.

- :func:`parse_table` reads one table (and the tables nested in its cells) from HTML;
  :func:`tables_from_blocks` reads every table and chart block of a page, with provenance (page,
  block id, page-frame box);
- :func:`expand_grid` fills every grid position, a spanned cell's text repeated;
- :func:`table_records` gives one dict per body row keyed by the unique column names;
- :func:`table_to_csv` writes the column names then the expanded body rows (stdlib ``csv``);
- :func:`join_tables` joins a table continued on the next page (same header);
- ``drafts_from_blocks``, ``parse_drafts`` and ``element_drafts`` give the same tables as
  :class:`~postprocess.extract.table_model.TableDraft` (cells not validated yet), for a caller
  that joins them first (``postprocess.extract.document.build_view``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import cast

from lxml.html import HtmlElement

from postprocess.extract.table_grid import build_grid
from postprocess.extract.table_headers import column_names, find_header
from postprocess.extract.table_join import join_tables
from postprocess.extract.table_model import TableDraft, outermost_tables
from postprocess.parse import parse_document
from postprocess.text import inline_text
from schemas.blocks import Block, BlockKind
from schemas.errors import ErrorCode, ErrorRecord, Severity
from schemas.geometry import BBox
from schemas.tables import Table, TableKind, TableSource

#: Block kinds holding a table. A set built once: reading an enum member (``BlockKind.TABLE``)
#: goes through the enum class's attribute look-up, dear for a test run on every block.
_TABLE_KINDS = frozenset({BlockKind.TABLE, BlockKind.CHART})

__all__ = [
    "expand_grid",
    "join_tables",
    "parse_table",
    "table_records",
    "table_to_csv",
    "tables_from_blocks",
    "tables_from_element",
]


def parse_table(
    html: str,
    *,
    table_id: str = "table",
    page: int | None = None,
    block_id: str | None = None,
    bbox: BBox | None = None,
    kind: TableKind = TableKind.TABLE,
) -> list[Table]:
    """The first outermost ``<table>`` in ``html`` as a grid, followed by the tables nested in
    its cells (each with ``parent`` set); empty when ``html`` holds no table."""
    return [
        d.table()
        for d in parse_drafts(
            html, table_id=table_id, page=page, block_id=block_id, bbox=bbox, kind=kind
        )
    ]


def parse_drafts(
    html: str,
    *,
    table_id: str = "table",
    page: int | None = None,
    block_id: str | None = None,
    bbox: BBox | None = None,
    kind: TableKind = TableKind.TABLE,
) -> list[TableDraft]:
    """:func:`parse_table`'s tables as drafts (cells not validated yet)."""
    root, _ = parse_document(html)
    tables = outermost_tables(root) if root is not None else []
    if not tables:
        return []
    return element_drafts(
        tables[0], table_id=table_id, page=page, block_id=block_id, bbox=bbox, kind=kind
    )


def tables_from_element(
    table: HtmlElement,
    *,
    table_id: str = "table",
    page: int | None = None,
    block_id: str | None = None,
    bbox: BBox | None = None,
    kind: TableKind = TableKind.TABLE,
    parent: str | None = None,
) -> list[Table]:
    """One parsed ``<table>`` element as a grid, then its nested tables (depth first)."""
    drafts = element_drafts(
        table, table_id=table_id, page=page, block_id=block_id, bbox=bbox, kind=kind, parent=parent
    )
    return [d.table() for d in drafts]


def element_drafts(
    table: HtmlElement,
    *,
    table_id: str = "table",
    page: int | None = None,
    block_id: str | None = None,
    bbox: BBox | None = None,
    kind: TableKind = TableKind.TABLE,
    parent: str | None = None,
) -> list[TableDraft]:
    """:func:`tables_from_element`'s tables as drafts (cells not validated yet)."""
    grid = build_grid(table)
    header_rows, rule = find_header(grid)
    errors = [e.model_copy(update={"page": page}) for e in grid.issues]
    if not grid.cells:
        errors.append(
            ErrorRecord(
                code=ErrorCode.TABLE_EMPTY,
                severity=Severity.WARNING,
                message="table without cells",
                page=page,
            )
        )
    for cell in grid.cells:  # in row order: the header rows' cells come first
        if cell["row"] >= header_rows:
            break
        cell["header"] = True
    outer = TableDraft(
        id=table_id,
        kind=kind,
        parent=parent,
        n_rows=grid.n_rows,
        n_cols=grid.n_cols,
        header_rows=header_rows,
        header_rule=rule,
        columns=column_names(grid, header_rows),
        cells=grid.cells,
        caption=inline_text(grid.caption) if grid.caption is not None else None,
        sources=[TableSource(page=page, block_id=block_id, bbox=bbox, row_count=grid.n_rows)],
        errors=errors,
        texts=grid.texts,
    )
    out = [outer]
    for i, inner in enumerate(grid.nested):
        out += element_drafts(
            inner, table_id=f"{table_id}/t{i + 1}", page=page, block_id=block_id, parent=table_id
        )
    return out


def tables_from_blocks(blocks: Sequence[Block], *, page_number: int | None = None) -> list[Table]:
    """Every table of the page's table and chart blocks, in reading order (nested tables right
    after the table holding them)."""
    return [d.table() for d in drafts_from_blocks(blocks, page_number=page_number)]


def drafts_from_blocks(
    blocks: Sequence[Block], *, page_number: int | None = None
) -> list[TableDraft]:
    """:func:`tables_from_blocks`'s tables as drafts (cells not validated yet)."""
    drafts: list[TableDraft] = []
    for block in blocks:
        if block.kind not in _TABLE_KINDS or not block.html:
            continue
        kind = TableKind.CHART if block.kind is BlockKind.CHART else TableKind.TABLE
        drafts += parse_drafts(
            block.html,
            table_id=block.id,
            page=page_number,
            block_id=block.id,
            bbox=block.bbox_page,
            kind=kind,
        )
    return drafts


def expand_grid(table: Table) -> list[list[str]]:
    """``n_rows`` x ``n_cols`` texts; a spanned cell's text in every position it covers (where
    spans overlap, the cell that comes first in the markup keeps the position)."""
    n_rows, n_cols = table.n_rows, table.n_cols
    grid: list[list[str | None]] = [[None] * n_cols for _ in range(n_rows)]
    for cell in table.cells:
        if cell.row_span == 1 and cell.col_span == 1:  # the usual cell: one position
            r, c = cell.row, cell.col
            if r < n_rows and c < n_cols and grid[r][c] is None:
                grid[r][c] = cell.text
            continue
        for r in range(cell.row, min(cell.row + cell.row_span, table.n_rows)):
            row = grid[r]
            for c in range(cell.col, min(cell.col + cell.col_span, table.n_cols)):
                if row[c] is None:
                    row[c] = cell.text
    # a row with every position filled (the usual row) is kept as it is
    return [
        cast("list[str]", row) if None not in row else ["" if t is None else t for t in row]
        for row in grid
    ]


def table_records(table: Table, *, skip_empty: bool = True) -> list[dict[str, str]]:
    """One dict per body row, keyed by :attr:`Table.columns` (spans expanded)."""
    grid = expand_grid(table)
    records = [dict(zip(table.columns, row, strict=True)) for row in grid[table.header_rows :]]
    return [r for r in records if any(r.values())] if skip_empty else records


def table_to_csv(table: Table, *, header: bool = True) -> str:
    """CSV text: the column names (when ``header``), then the expanded body rows."""
    out = io.StringIO()
    writer = csv.writer(out)
    if header:
        writer.writerow(table.columns)
    writer.writerows(expand_grid(table)[table.header_rows :])
    return out.getvalue()
