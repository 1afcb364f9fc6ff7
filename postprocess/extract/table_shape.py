"""The grid's width, and the clipping and padding it implies (see :mod:`.table_grid`)."""

from __future__ import annotations

from collections import Counter

from lxml.html import HtmlElement

from postprocess.extract.table_model import RawCell, issue
from schemas.errors import ErrorCode, ErrorRecord


def grid_width(cells: list[RawCell], widths: list[int]) -> int:
    """The larger of the rightmost cell start and the most common row width (``widths``: per
    row, its rightmost position plus one, 0 for a row without any)."""
    if not widths:
        return 0  # no row, so no cell
    widest = max(widths)
    if min(widths) == widest:  # every row as wide (the usual table): that width, and no start past
        return widest  # (0: no row holds a position, so no cell starts anywhere)
    ends = [w for w in widths if w]  # not empty: some row is wider than another
    if min(ends) == widest:  # the rows holding a position all as wide
        return widest
    counts = Counter(ends)
    mode = max(counts, key=lambda width: (counts[width], width))  # most common, then widest
    if mode == widest:  # a cell starts inside its row, so no start lies past the widest row
        return mode
    return max(max((c["col"] + 1 for c in cells), default=0), mode)


def clip_columns(cells: list[RawCell], n_cols: int, issues: list[ErrorRecord]) -> None:
    for cell in cells:
        if cell["col"] + cell["col_span"] > n_cols:
            issues.append(
                issue(
                    ErrorCode.TABLE_SPAN_OVERFLOW,
                    cell["element"],
                    f"colspan {cell['col_span']} reaches past column {n_cols}: clipped",
                )
            )
            cell["col_span"] = n_cols - cell["col"]


def check_ragged(
    gaps: list[set[int] | None],
    widths: list[int],
    n_cols: int,
    rows: list[HtmlElement],
    issues: list[ErrorRecord],
) -> None:
    """Report each row filling fewer than ``n_cols`` positions (``gaps``: per row, the positions
    it fills, None for positions 0 to its ``widths`` minus one)."""
    if widths and min(widths) >= n_cols and gaps.count(None) == len(gaps):
        return  # every row without a gap and at least as wide as the grid (the usual table)
    for r, width in enumerate(widths):
        taken = gaps[r]
        if taken is None:
            filled = min(width, n_cols)
        # all of the row's positions when none lies past the grid
        elif width <= n_cols:
            filled = len(taken)
        else:
            filled = sum(1 for c in taken if c < n_cols)
        if filled < n_cols:
            issues.append(
                issue(
                    ErrorCode.TABLE_RAGGED,
                    rows[r],
                    f"row {r + 1} fills {filled} of {n_cols} columns: padded",
                )
            )
