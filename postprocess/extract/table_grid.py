"""Place a ``<table>``'s cells on a grid (the HTML table model), tolerating broken tables.

Rows are the table's own rows (``table > tr`` and ``table > thead|tbody|tfoot > tr``); rows of a
table nested in a cell are not. Each cell goes to the first free column of its row; a
``rowspan`` reaches at most the end of its row group (``rowspan="0"``: to the end), as in HTML.

The grid's width is the larger of (a) the rightmost column where a cell starts and (b) the most
common row width: a span reaching beyond that is clipped (``TABLE_SPAN_OVERFLOW``), a row with
fewer positions is padded with empty cells (``TABLE_RAGGED``), and a table in a cell is kept as
flattened text in that cell (``TABLE_NESTED``). Nothing here raises on bad markup.
"""

from __future__ import annotations

from lxml.html import HtmlElement

from postprocess.extract.table_model import (
    Grid,
    RawCell,
    RawRow,
    issue,
    outermost_tables,
)
from postprocess.extract.table_shape import check_ragged, clip_columns, grid_width
from postprocess.text import inline_text
from schemas.errors import ErrorCode, ErrorRecord

_SECTIONS = ("thead", "tbody", "tfoot")
#: HTML's own limits on spans.
MAX_COLSPAN = 1000
MAX_ROWSPAN = 65534


def table_rows(table: HtmlElement) -> list[RawRow]:
    """The table's own rows in order, with the section each belongs to."""
    rows: list[RawRow] = []
    for child in table:
        tag = child.tag  # not a string for comments and the like: matches none of these
        if tag == "tr":
            rows.append(RawRow("", child))
        elif tag in _SECTIONS:
            rows.extend(RawRow(tag, tr) for tr in child if tr.tag == "tr")
    return rows


def build_grid(table: HtmlElement) -> Grid:
    """Place every cell of ``table`` (see the module docstring)."""
    rows = table_rows(table)
    issues: list[ErrorRecord] = []
    occupied: list[set[int]] = [set() for _ in rows]
    cells: list[RawCell] = []
    ends = _section_ends(rows)
    texts: list[list[str]] = []  # the cells' texts row by row, the expanded grid if none spans
    spans = False
    for r, row in enumerate(rows):
        section_end = ends[r]
        col = 0
        taken = occupied[r]
        line: list[str] = []
        texts.append(line)
        for el in row.element:
            tag = el.tag  # read once: lxml builds a new string on every access
            if tag != "td" and tag != "th":
                continue
            while col in taken:
                col += 1
            row_span = col_span = 1
            if el.keys():  # most cells have no attribute: spare looking up the two spans
                raw_rows, raw_cols = el.get("rowspan"), el.get("colspan")
                if raw_rows is not None or raw_cols is not None:
                    row_span = _span(raw_rows, "rowspan", MAX_ROWSPAN) or section_end - r
                    col_span = _span(raw_cols, "colspan", MAX_COLSPAN) or 1
            if row_span == 1 and col_span == 1:  # the usual cell: its position is free
                taken.add(col)
                text = " ".join((el.text or "").split()) if len(el) == 0 else inline_text(el)
                line.append(text)
                cells.append(
                    {
                        "row": r,
                        "col": col,
                        "row_span": 1,
                        "col_span": 1,
                        "text": text,
                        "header": tag == "th",
                        "element": el,
                    }
                )
                col += 1
                continue
            spans = True
            if r + row_span > section_end:
                issues.append(
                    issue(
                        ErrorCode.TABLE_SPAN_OVERFLOW,
                        el,
                        f"rowspan {row_span} reaches past the last row: clipped",
                    )
                )
                row_span = section_end - r
            if _claim(occupied, r, col, row_span, col_span):
                issues.append(
                    issue(
                        ErrorCode.TABLE_SPAN_OVERFLOW,
                        el,
                        "cell spans over another cell: overlap kept once",
                    )
                )
            cells.append(_cell(el, r, col, row_span, col_span))
            col += col_span
    n_cols = grid_width(cells, occupied)
    clip_columns(cells, n_cols, issues)
    check_ragged(occupied, n_cols, rows, issues)
    nested = [t for c in cells if len(c["element"]) for t in outermost_tables(c["element"])]
    for inner in nested:
        issues.append(
            issue(ErrorCode.TABLE_NESTED, inner, "table nested in a cell: kept as the cell's text")
        )
    if spans:
        expanded = None
    else:  # every cell at the next column of its row: the rows' texts, short rows padded
        for line in texts:
            if len(line) < n_cols:
                line += [""] * (n_cols - len(line))
        expanded = texts
    sections = [row.section for row in rows]
    return Grid(cells, len(rows), n_cols, sections, issues, nested, expanded)


def _section_ends(rows: list[RawRow]) -> list[int]:
    """For each row, the index just past the last row of its row group."""
    ends = [0] * len(rows)
    end = len(rows)
    for r in range(len(rows) - 1, -1, -1):
        if r + 1 < len(rows) and rows[r + 1].section != rows[r].section:
            end = r + 1
        ends[r] = end
    return ends


def _span(raw: str | None, name: str, limit: int) -> int:
    """The span attribute's value, capped at ``limit``; 1 when absent or unreadable; 0 kept for
    rowspan."""
    if raw is None:
        return 1
    try:
        value = int(float(raw.strip()))
    except ValueError:
        return 1
    if value <= 0:
        return 0 if value == 0 and name == "rowspan" else 1
    return min(value, limit)


def _claim(occupied: list[set[int]], r: int, col: int, rows: int, cols: int) -> bool:
    """Mark the positions a cell covers; True when one of them was already taken."""
    if rows == 1 and cols == 1:
        overlap = col in occupied[r]
        occupied[r].add(col)
        return overlap
    overlap = False
    for rr in range(r, r + rows):
        for cc in range(col, col + cols):
            overlap |= cc in occupied[rr]
            occupied[rr].add(cc)
    return overlap


def _cell(el: HtmlElement, r: int, col: int, row_span: int, col_span: int) -> RawCell:
    text = " ".join((el.text or "").split()) if len(el) == 0 else inline_text(el)
    return {
        "row": r,
        "col": col,
        "row_span": row_span,
        "col_span": col_span,
        "text": text,
        "header": el.tag == "th",
        "element": el,
    }
