"""The grid's width, and the clipping and padding it implies (see :mod:`.table_grid`)."""

from __future__ import annotations

from collections import Counter

from lxml.html import HtmlElement

from postprocess.extract.table_model import RawCell, issue
from schemas.errors import ErrorCode, ErrorRecord


def grid_width(cells: list[RawCell], occupied: list[set[int]]) -> int:
    """The larger of the rightmost cell start and the most common row width."""
    ends = [max(row) + 1 for row in occupied if row]
    if not ends:
        return max((c["col"] + 1 for c in cells), default=0)
    widest = max(ends)
    if min(ends) == widest:  # every row as wide (the usual table): that width, and no start past
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
    occupied: list[set[int]], n_cols: int, rows: list[HtmlElement], issues: list[ErrorRecord]
) -> None:
    for r, taken in enumerate(occupied):
        # all of the row's positions when none lies past the grid (the usual row)
        filled = (
            len(taken) if not taken or max(taken) < n_cols else sum(1 for c in taken if c < n_cols)
        )
        if filled < n_cols:
            issues.append(
                issue(
                    ErrorCode.TABLE_RAGGED,
                    rows[r],
                    f"row {r + 1} fills {filled} of {n_cols} columns: padded",
                )
            )
