"""The grid-shape helpers' fast paths give what their general rule gives (random row shapes)."""

from __future__ import annotations

import random
from collections import Counter

import lxml.html

from postprocess.extract.table_model import RawCell
from postprocess.extract.table_shape import check_ragged, grid_width
from schemas.errors import ErrorRecord


def _reference_width(cells: list[RawCell], widths: list[int]) -> int:
    """``grid_width``'s rule spelt out: the larger of the rightmost start and the mode."""
    ends = [w for w in widths if w]
    start = max((c["col"] + 1 for c in cells), default=0)
    if not ends:
        return start
    counts = Counter(ends)
    mode = max(counts, key=lambda width: (counts[width], width))
    return max(start, mode)


def _reference_ragged(
    gaps: list[set[int] | None], widths: list[int], n_cols: int
) -> list[tuple[int, int]]:
    """(row, positions filled) of every row filling fewer than ``n_cols`` positions."""
    out = []
    for r, width in enumerate(widths):
        taken = gaps[r]
        positions = range(width) if taken is None else taken
        filled = sum(1 for c in positions if c < n_cols)
        if filled < n_cols:
            out.append((r, filled))
    return out


def _random_rows(rng: random.Random) -> tuple[list[RawCell], list[int], list[set[int] | None]]:
    """Rows as ``build_grid`` leaves them: a row's width is its rightmost position plus one;
    a row with a gap lists its positions; a cell starts at a position of its row."""
    cells: list[RawCell] = []
    widths: list[int] = []
    gaps: list[set[int] | None] = []
    common = rng.randint(1, 4)
    for r in range(rng.randint(0, 5)):
        width = common if rng.random() < 0.6 else rng.randint(0, 6)
        if width and rng.random() < 0.3:
            taken = {width - 1} | {c for c in range(width - 1) if rng.random() < 0.5}
        else:
            taken = None
        positions = sorted(range(width) if taken is None else taken)
        cells += [
            {"row": r, "col": c, "text": "", "header": False}
            for c in positions
            if rng.random() < 0.7 or c == 0
        ]
        widths.append(width)
        gaps.append(taken)
    return cells, widths, gaps


def test_grid_width_and_ragged_rows_follow_their_rule() -> None:
    rng = random.Random(7)
    for _ in range(3000):
        cells, widths, gaps = _random_rows(rng)
        n_cols = grid_width(cells, widths)
        assert n_cols == _reference_width(cells, widths), (widths, gaps)
        rows = [lxml.html.Element("tr") for _ in widths]
        issues: list[ErrorRecord] = []
        check_ragged(gaps, widths, n_cols, rows, issues)
        expected = _reference_ragged(gaps, widths, n_cols)
        assert [e.message for e in issues] == [
            f"row {r + 1} fills {filled} of {n_cols} columns: padded" for r, filled in expected
        ], (widths, gaps)
