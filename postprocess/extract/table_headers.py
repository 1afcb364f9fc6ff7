"""Header rows and unique column names of a placed grid.

Header rows, first rule that applies:

1. ``thead``: the rows of a leading ``<thead>``;
2. ``th``: the leading rows whose cells are all ``<th>``;
3. ``heuristic``: the first row alone, when the table has a body, every cell of the row holds a
   distinct non-numeric text (the top-left corner may be empty), and the row is set apart from
   the body: all its cells bold, or a column whose body is mostly numbers under a text cell.

Column names: per column, the texts of the header cells covering it from top to bottom
(a spanned cell counted once, empty ones skipped) joined ``" / "`` (``"2023 / H1"``); an empty
name becomes ``col_N`` (1-based), a repeated one gets ``_2``, ``_3``, ...
"""

from __future__ import annotations

import re

from postprocess.extract.table_model import Grid, RawCell, is_bold
from schemas.tables import HeaderRule

_NUMERIC = re.compile(
    r"^[\s(+\-\u2212]*[^\w\s]{0,3}\s*\d[\d\s.,'\u00a0\u202f]*\s*(?:%|[^\w\s]{1,3}|[A-Z]{3})?\)?$"
)


def is_numeric(text: str) -> bool:
    """A number, amount or percentage (``1,204``, ``£3.40``, ``19 %``, ``CHF 85.00``)."""
    text = text.strip()
    if text[:1].isalpha():  # a word (most texts asked), or a leading ISO currency code
        if not (text[:3].isalpha() and text[:3].isupper() and text[3:4] in (" ", "\u00a0")):
            return False  # the pattern's first character is a sign, a symbol or a digit
        text = text[4:]
    return bool(text) and _NUMERIC.match(text) is not None


def find_header(grid: Grid) -> tuple[int, HeaderRule]:
    """The number of header rows and the rule that found them."""
    head = 0
    while head < grid.n_rows and grid.sections[head] == "thead":
        head += 1
    if head:
        return min(head, grid.n_rows), HeaderRule.THEAD
    rows = _rows(grid)
    th_rows = 0
    while th_rows < grid.n_rows and rows[th_rows] and all(c["header"] for c in rows[th_rows]):
        th_rows += 1
    if th_rows and th_rows < grid.n_rows:
        return th_rows, HeaderRule.TH
    if _first_row_is_header(grid, rows):
        return 1, HeaderRule.HEURISTIC
    return 0, HeaderRule.NONE


def column_names(grid: Grid, header_rows: int) -> list[str]:
    """Unique names, one per column (see the module docstring)."""
    if grid.texts is not None:  # no cell spans: each position its own cell, read along rows
        if header_rows <= 1:
            return unique_names(grid.texts[0] if header_rows else [""] * grid.n_cols)
        head = zip(*grid.texts[:header_rows], strict=True)
        return unique_names([" / ".join([t for t in col if t]) for col in head])
    covering: dict[tuple[int, int], RawCell] = {}
    for anchor in grid.cells:  # in row order: the header rows' cells come first
        row = anchor["row"]
        if row >= header_rows:
            break
        col = anchor["col"]  # (the spans are set on a spanned cell only)
        for r in range(row, min(row + anchor.get("row_span", 1), header_rows)):
            for c in range(col, col + anchor.get("col_span", 1)):
                covering[(r, c)] = anchor
    names: list[str] = []
    for col in range(grid.n_cols):
        parts: list[str] = []
        previous: RawCell | None = None
        for row in range(header_rows):
            cell = covering.get((row, col))
            if cell is not None and cell is not previous and cell["text"]:
                parts.append(cell["text"])
            previous = cell
        names.append(" / ".join(parts))
    return unique_names(names)


def unique_names(names: list[str]) -> list[str]:
    """``["", "Amount", "Amount"]`` -> ``["col_1", "Amount", "Amount_2"]``."""
    filled = [name or f"col_{i + 1}" for i, name in enumerate(names)]
    taken = set(filled)
    if len(taken) == len(filled):  # no name repeated (the usual header): the names as they are
        return filled
    seen: dict[str, int] = {}
    out: list[str] = []
    for name in filled:
        seen[name] = seen.get(name, 0) + 1
        if seen[name] == 1:
            out.append(name)
            continue
        n = seen[name]
        while f"{name}_{n}" in taken:
            n += 1
        seen[name] = n
        out.append(f"{name}_{n}")
        taken.add(out[-1])
    return out


def _rows(grid: Grid) -> list[list[RawCell]]:
    rows: list[list[RawCell]] = [[] for _ in range(grid.n_rows)]
    for cell in grid.cells:
        rows[cell["row"]].append(cell)
    return rows


def _first_row_is_header(grid: Grid, rows: list[list[RawCell]]) -> bool:
    if grid.n_rows < 2 or not rows[0]:
        return False
    first = rows[0]
    labels = [c["text"] for c in first if not (c["col"] == 0 and not c["text"])]
    if not labels or any(not t or is_numeric(t) for t in labels):
        return False
    if len({t.casefold() for t in labels}) != len(labels):
        return False
    if all(is_bold(c) for c in first if c["text"]):
        return True
    return any(_numeric_column(rows[1:], col) for col in range(grid.n_cols))


def _numeric_column(body: list[list[RawCell]], col: int) -> bool:
    texts = [c["text"] for row in body for c in row if c["col"] == col and c["text"]]
    return len(texts) > 0 and sum(is_numeric(t) for t in texts) * 2 > len(texts)
