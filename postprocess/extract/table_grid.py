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


def table_rows(table: HtmlElement) -> tuple[list[HtmlElement], list[str], HtmlElement | None]:
    """The table's own rows in order, the section each belongs to (``thead``, ``tbody``,
    ``tfoot`` or ``""`` for a row directly in ``<table>``), and its first ``<caption>`` child
    (read along: ``table.find("caption")`` costs about as much as this whole walk)."""
    rows: list[HtmlElement] = []
    sections: list[str] = []
    caption = None
    for child in table:
        tag = child.tag  # not a string for comments and the like: matches none of these
        if tag == "tr":
            rows.append(child)
            sections.append("")
        elif tag in _SECTIONS:
            for tr in child:
                if tr.tag == "tr":
                    rows.append(tr)
                    sections.append(tag)
        elif tag == "caption" and caption is None:
            caption = child
    return rows, sections, caption


def build_grid(table: HtmlElement) -> Grid:
    """Place every cell of ``table`` (see the module docstring)."""
    rows, sections, caption = table_rows(table)
    issues: list[ErrorRecord] = []
    # the positions claimed by spanned cells (a rowspan from a row above included), per row
    # reached by one: no set for the other rows
    occupied: dict[int, set[int]] = {}
    widths: list[int] = []  # per row, its rightmost position plus one (0 for a row without any)
    gaps: list[set[int] | None] = []  # per row, its positions; None: 0 to width - 1, no gap
    cells: list[RawCell] = []
    spanned: list[RawCell] = []  # the cells covering more than one position
    parents: list[HtmlElement] = []  # the cells with child elements, where tables may nest
    ends: list[int] = []  # per row, the end of its row group: read by spans only, so found then
    texts: list[list[str]] = []  # the cells' texts row by row, the expanded grid if none spans
    for r, row in enumerate(rows):
        col = 0
        # A row no rowspan reaches from above (the usual row, ``taken`` None) fills its
        # positions left to right without a gap: its one-position cells need not be looked up
        # in nor added to a set (``width`` stands for them).
        taken = occupied.get(r)
        line: list[str] = []
        texts.append(line)
        for el in row:
            tag = el.tag  # read once: lxml builds a new string on every access
            if tag != "td" and tag != "th":
                continue
            if taken is not None:
                while col in taken:
                    col += 1
            bare = len(el) == 0
            if bare:
                text = " ".join((el.text or "").split())
            else:
                text = inline_text(el)
                parents.append(el)
            if el.keys():  # most cells have no attribute: spare looking up the two spans
                raw_rows, raw_cols = el.get("rowspan"), el.get("colspan")
                if raw_rows is not None or raw_cols is not None:
                    if not ends:
                        ends = _section_ends(sections)
                    row_span = _span(raw_rows, "rowspan", MAX_ROWSPAN) or ends[r] - r
                    col_span = _span(raw_cols, "colspan", MAX_COLSPAN) or 1
                    if row_span != 1 or col_span != 1:
                        cell = _spanned(
                            el, text, r, col, row_span, col_span, ends[r], occupied, issues
                        )
                        spanned.append(cell)
                        cells.append(cell)
                        col += cell["col_span"]
                        continue
            # the usual cell: one position, free (the row's own cells lie left of ``col``)
            if taken is not None:
                taken.add(col)
            line.append(text)
            if bare:  # no child element, so never bold (``is_bold``): its element not kept
                cells.append({"row": r, "col": col, "text": text, "header": tag == "th"})
            else:
                cells.append(
                    {"row": r, "col": col, "text": text, "header": tag == "th", "element": el}
                )
            col += 1
        if taken is None:  # positions 0 to col - 1 (its spanned cells' in ``occupied`` too)
            widths.append(col)
            gaps.append(None)
        else:  # (a set is made for a position claimed: never empty)
            widths.append(max(taken) + 1)
            gaps.append(taken)
    n_cols = grid_width(cells, widths)
    clip_columns(spanned, n_cols, issues)  # a one-position cell lies inside the grid's width
    check_ragged(gaps, widths, n_cols, rows, issues)
    nested = [t for el in parents for t in outermost_tables(el)]
    for inner in nested:
        issues.append(
            issue(ErrorCode.TABLE_NESTED, inner, "table nested in a cell: kept as the cell's text")
        )
    if spanned:
        expanded = None
    else:  # every cell at the next column of its row: the rows' texts, short rows padded
        for line in texts:
            if len(line) < n_cols:
                line += [""] * (n_cols - len(line))
        expanded = texts
    return Grid(cells, len(rows), n_cols, sections, issues, nested, expanded, caption)


def _spanned(
    el: HtmlElement,
    text: str,
    r: int,
    col: int,
    row_span: int,
    col_span: int,
    section_end: int,
    occupied: dict[int, set[int]],
    issues: list[ErrorRecord],
) -> RawCell:
    """A cell covering more than one position, its rowspan clipped to its row group; claims
    the positions it covers."""
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
    return {
        "row": r,
        "col": col,
        "row_span": row_span,
        "col_span": col_span,
        "text": text,
        "header": el.tag == "th",
        "element": el,
    }


def _section_ends(sections: list[str]) -> list[int]:
    """For each row (by its section), the index just past the last row of its row group."""
    ends = [0] * len(sections)
    end = len(sections)
    for r in range(len(sections) - 1, -1, -1):
        if r + 1 < len(sections) and sections[r + 1] != sections[r]:
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


def _claim(occupied: dict[int, set[int]], r: int, col: int, rows: int, cols: int) -> bool:
    """Mark the positions a cell covers; True when one of them was already taken."""
    overlap = False
    for rr in range(r, r + rows):
        taken = occupied.get(rr)
        if taken is None:
            taken = occupied[rr] = set()
        for cc in range(col, col + cols):
            overlap |= cc in taken
            taken.add(cc)
    return overlap
