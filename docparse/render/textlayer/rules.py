"""Tables drawn with horizontal rules only: rows between the rules, columns from the text.

Many invoices and reports rule their tables with lines between rows and no column lines, which
the line-based finder cannot grid. Here, three or more horizontal rules of the same extent
stacked close together outline a candidate; its rows are the bands between the rules (a band
holding several text rows that each reach two columns is split, as in booktabs tables), its
columns are the vertical white gaps shared by every row's words. A candidate becomes a table
only when it has at least two columns and two rows with text in two columns, and no text block
sticks out of it sideways (which rejects fill-in lines of forms and underlined labels).
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise
from statistics import median

from docparse.render.textlayer.drawings import Drawings, Rule
from docparse.render.textlayer.glyphs import Box, Word
from docparse.render.textlayer.grids import Grid, GridCell, ink_around, make_grid

#: Rules whose ends differ by at most this much (points) line up as one table's rules.
ALIGN = 2.0
#: Rules closer than this (points) are one rule (a line drawn on a shading edge).
SAME_LEVEL = 1.5
#: A band this many times taller than the median band is not part of the table.
MAX_BAND_RATIO = 3.0
#: A column gap is at least this many font sizes wide (word spaces are about 0.3 em).
MIN_GAP_EM = 0.8
#: Narrower rule groups (points) are not tables.
MIN_WIDTH = 30.0


def rule_grids(
    drawings: Drawings, words: Sequence[Word], blocks: Sequence[Box], taken: Sequence[Box]
) -> list[Grid]:
    """Tables outlined by horizontal rules outside the ``taken`` table boxes.

    Wider rule groups are tried first; rules inside a table already found are not reused, so
    tables never overlap.
    """
    taken = list(taken)
    grids: list[Grid] = []
    groups = sorted(_same_extent(drawings.horizontal), key=lambda g: g[0].start - g[0].end)
    for group in groups:
        free = [r for r in group if not any(_within(r, box) for box in taken)]
        x0, x1 = min(r.start for r in group), max(r.end for r in group)
        for levels in _runs(_levels(free)):
            grid = _grid((x0, levels[0], x1, levels[-1]), levels, words, blocks)
            if grid is not None:
                grid.ink = ink_around(grid.box, drawings.ink)
                grids.append(grid)
                taken.append(grid.box)
    return grids


def _within(rule: Rule, box: Box) -> bool:
    return (
        box[0] - ALIGN <= rule.start
        and rule.end <= box[2] + ALIGN
        and box[1] - ALIGN <= rule.at <= box[3] + ALIGN
    )


def _same_extent(rules: Sequence[Rule]) -> list[list[Rule]]:
    groups: list[list[Rule]] = []
    for rule in sorted((r for r in rules if r.length >= MIN_WIDTH), key=lambda r: (r.start, r.end)):
        for group in groups:
            if abs(group[0].start - rule.start) <= ALIGN and abs(group[0].end - rule.end) <= ALIGN:
                group.append(rule)
                break
        else:
            groups.append([rule])
    return [g for g in groups if len(g) >= 3]


def _levels(group: Sequence[Rule]) -> list[float]:
    levels: list[float] = []
    for at in sorted(r.at for r in group):
        if not levels or at - levels[-1] > SAME_LEVEL:
            levels.append(at)
    return levels


def _runs(levels: list[float]) -> list[list[float]]:
    """Split the stacked rules where a band is far taller than usual; keep runs of 3 or more."""
    if len(levels) < 3:
        return []
    limit = MAX_BAND_RATIO * median(b - a for a, b in pairwise(levels))
    runs: list[list[float]] = [[levels[0]]]
    for a, b in pairwise(levels):
        if b - a > limit:
            runs.append([])
        runs[-1].append(b)
    return [run for run in runs if len(run) >= 3]


def _grid(
    region: Box, levels: list[float], words: Sequence[Word], blocks: Sequence[Box]
) -> Grid | None:
    inner = [w for w in words if _holds(region, w.box)]
    if not inner or _sticks_out(region, blocks):
        return None
    cols = _columns(inner, region, MIN_GAP_EM * median(w.size for w in inner))
    if len(cols) < 3:
        return None
    rows = _rows(levels, inner, cols)
    if sum(len(_columns_hit(band, cols)) >= 2 for band in _bands(rows, inner)) < 2:
        return None
    cells = [
        GridCell(
            row=r, col=c, row_span=1, col_span=1, box=(cols[c], rows[r], cols[c + 1], rows[r + 1])
        )
        for r in range(len(rows) - 1)
        for c in range(len(cols) - 1)
    ]
    return make_grid(cols, rows, cells)


def _holds(region: Box, box: Box) -> bool:
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return region[0] <= cx <= region[2] and region[1] <= cy <= region[3]


def _sticks_out(region: Box, blocks: Sequence[Box]) -> bool:
    """A text block overlapping the region's inside reaches past its left or right end."""
    x0, y0, x1, y1 = region
    for b in blocks:
        overlaps = b[0] < x1 - 1 and b[2] > x0 + 1 and b[1] < y1 - 1 and b[3] > y0 + 1
        if overlaps and (b[0] < x0 - ALIGN or b[2] > x1 + ALIGN):
            return True
    return False


def _columns(inner: Sequence[Word], region: Box, gap: float) -> list[float]:
    """Column boundaries: the region's ends and the middles of white gaps at least ``gap`` wide."""
    spans: list[list[float]] = []
    for x0, x1 in sorted((w.box[0], w.box[2]) for w in inner):
        if spans and x0 - spans[-1][1] < gap:
            spans[-1][1] = max(spans[-1][1], x1)
        else:
            spans.append([x0, x1])
    middles = [(a[1] + b[0]) / 2 for a, b in pairwise(spans)]
    return [region[0], *middles, region[2]]


def _bands(rows: list[float], inner: Sequence[Word]) -> list[list[Word]]:
    return [[w for w in inner if a <= (w.box[1] + w.box[3]) / 2 <= b] for a, b in pairwise(rows)]


def _columns_hit(band: Sequence[Word], cols: list[float]) -> set[int]:
    hit: set[int] = set()
    for w in band:
        cx = (w.box[0] + w.box[2]) / 2
        hit.update(i for i, (a, b) in enumerate(pairwise(cols)) if a <= cx <= b)
    return hit


def _rows(levels: list[float], inner: Sequence[Word], cols: list[float]) -> list[float]:
    """Row boundaries: the rules, plus splits inside bands whose text rows each span columns."""
    rows = [levels[0]]
    for band, bottom in zip(_bands(levels, inner), levels[1:], strict=True):
        lines = _text_rows(band)
        if len(lines) > 1 and all(len(_columns_hit(line, cols)) >= 2 for line in lines):
            for upper, lower in pairwise(lines):
                rows.append((max(w.box[3] for w in upper) + min(w.box[1] for w in lower)) / 2)
        rows.append(bottom)
    return rows


def _text_rows(band: Sequence[Word]) -> list[list[Word]]:
    """Words of a band grouped into rows of text that overlap vertically."""
    grouped: list[list[Word]] = []
    bottom = float("-inf")
    for word in sorted(band, key=lambda w: (w.box[1] + w.box[3]) / 2):
        if not grouped or (word.box[1] + word.box[3]) / 2 > bottom:
            grouped.append([])
        grouped[-1].append(word)
        bottom = max(w.box[3] for w in grouped[-1])
    return grouped
