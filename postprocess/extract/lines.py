"""Line items: the rows of the table whose header best matches an array field's column aliases.

A column matches a field when its name (or the last part of a ``Group / Sub`` name), normalised,
equals one of the field's aliases (score 1.0) or begins with one (``Prix unitaire HT`` for
``Prix unitaire``, 0.8); each column and field are paired once, best scores first. The table
with the highest total score and at least two matched columns wins (tables continued over pages
are already joined). Per body row, each matched cell converts to its field's type. A row with no
number in a matched numeric column is not an item: with a label that is a top-level alias
(``Total``) and an amount, it is a candidate for that field; with only a description, it
continues the previous item's description; else it is skipped. An item's cells share one
source, their row: the row's band of the table part's box (the part's box split equally into its
rows; the columns' widths are not known, and an equal split would put a narrow column's box over
its neighbour) and the row's cells as printed, tab-separated.

"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from postprocess.extract.candidates import Candidate, Candidates, Source
from postprocess.extract.document import DocView
from postprocess.extract.labels import AliasIndex, norm_key
from postprocess.extract.normalise import parse_amount
from postprocess.extract.schema_spec import FieldSpec, TableSpec
from postprocess.extract.segments import new_tuple
from postprocess.extract.table_fields import RowBand, band_cell, row_bands
from postprocess.extract.values import converter
from schemas.extraction import ExtractOptions, FieldRule
from schemas.tables import Table

CELL_CONFIDENCE = 0.9
SUMMARY_CONFIDENCE = 0.85
_NUMERIC = ("number", "integer")


@dataclass
class Items:
    """The chosen table, its column mapping, the items and candidates from summary rows."""

    table: Table
    columns: dict[int, tuple[FieldSpec, float]]
    rows: list[dict[str, Candidate]] = field(default_factory=list)
    summary: Candidates = field(default_factory=lambda: defaultdict(list))


def find_items(
    view: DocView, tspec: TableSpec, top_index: AliasIndex, options: ExtractOptions
) -> Items | None:
    """Items of ``tspec`` from the best-matching table, or ``None`` when no table matches."""
    best: tuple[float, Table, dict[int, tuple[FieldSpec, float]]] | None = None
    for table in view.tables:
        mapping = match_columns(table.columns, tspec.columns)
        score = sum(s for _, s in mapping.values())
        if len(mapping) >= 2 and (best is None or score > best[0]):
            best = (score, table, mapping)
    if best is None:
        return None
    items = Items(best[1], best[2])
    _read_rows(items, view.grid(best[1]), top_index, options)
    return items


def match_columns(
    names: list[str], fields: tuple[FieldSpec, ...]
) -> dict[int, tuple[FieldSpec, float]]:
    """Column index -> (field, score), each column and field used once."""
    aliases = _alias_table(fields)
    # (-score, column, field): sorted as they are, best scores first (no key function called)
    scored: list[tuple[float, int, int]] = []
    for col, name in enumerate(names):
        best: dict[int, float] = {}
        whole = norm_key(name)  # and the last part of a "Group / Sub" name, when it has one
        keys = (whole, norm_key(name.rsplit(" / ", 1)[-1])) if " / " in name else (whole,)
        for key in keys:
            # the key, then its word prefixes, longest first: each the key cut at its last
            # space (what joining its first n words gives back, without a list and a join)
            prefix, score = key, 1.0
            while True:
                for f_index in aliases.get(prefix, ()):
                    if best.get(f_index, 0.0) < score:
                        best[f_index] = score
                cut = prefix.rfind(" ")
                if cut < 0:
                    break
                prefix, score = prefix[:cut], 0.8
        for f_index, score in best.items():
            scored.append((-score, col, f_index))
    mapping: dict[int, tuple[FieldSpec, float]] = {}
    used_fields: set[int] = set()
    for neg_score, col, f_index in sorted(scored):
        if col not in mapping and f_index not in used_fields:
            mapping[col] = (fields[f_index], -neg_score)
            used_fields.add(f_index)
    return mapping


@lru_cache(maxsize=256)
def _alias_table(fields: tuple[FieldSpec, ...]) -> dict[str, tuple[int, ...]]:
    """Normalised alias (and field name) -> indexes of the fields that use it."""
    table: dict[str, list[int]] = {}
    for f_index, fspec in enumerate(fields):
        for alias in {norm_key(a) for a in (*fspec.aliases, fspec.name)}:
            if alias:
                table.setdefault(alias, []).append(f_index)
    return {k: tuple(v) for k, v in table.items()}


def _read_rows(
    items: Items, grid: list[list[str]], top_index: AliasIndex, options: ExtractOptions
) -> None:
    table = items.table
    columns = [
        (
            c,
            fspec.name,
            converter(fspec, dayfirst=options.dayfirst),
            round(CELL_CONFIDENCE * score, 3),
            table.columns[c],
            fspec.type in _NUMERIC or fspec.kind == "percent",
        )
        for c, (fspec, score) in items.columns.items()
    ]
    rule = FieldRule.TABLE
    bands = row_bands(table)
    for r in range(table.header_rows, table.n_rows):
        row = grid[r]
        if not any(row):
            continue
        page, block_id, band = bands[r]
        order = (page or 0, r)
        # built as segments.new_tuple builds a Piece: without the named tuple's __new__ frame
        source = new_tuple(Source, (page, block_id, band, "\t".join(row)))
        sources = [source]  # shared by the row's cells: a list is replaced, never extended
        cells: dict[int, Candidate] = {}
        item: dict[str, Candidate] = {}
        numbered = False  # a number in a numeric column: the row is an item
        for c, name, read, confidence, label, numeric in columns:
            text = row[c]
            if text:
                value = read(text)
                # positional arguments: a dataclass takes them faster than keywords
                cand = cells[c] = Candidate(value, text, rule, confidence, order, label, sources)
                if value is not None:
                    item[name] = cand
                    numbered = numbered or numeric
        if numbered:
            items.rows.append(item)
        elif not _summary(items, r, row, bands[r], top_index):
            _continue_description(items, cells)


def _summary(items: Items, r: int, row: list[str], band: RowBand, top_index: AliasIndex) -> bool:
    label = next((text for text in row if text), "")
    hit = top_index.prefix(label)
    amounts = [a for a in (parse_amount(text) for text in row[1:]) if a is not None]
    if hit is None or not amounts:
        return False
    source = band_cell(band, len(row) - 1, items.table.n_cols, row[-1])
    order = (source.page or 0, r)
    candidate = Candidate(amounts[-1], row[-1], FieldRule.TABLE, SUMMARY_CONFIDENCE, order,
                          label=label, sources=[source])  # fmt: skip
    items.summary[hit.target].append(candidate)
    return True


def _continue_description(items: Items, cells: dict[int, Candidate]) -> None:
    text_cols = [c for c, (f, _) in items.columns.items() if f.type == "string" and c in cells]
    if not text_cols or not items.rows:
        return
    cand = cells[text_cols[0]]
    previous = items.rows[-1].get(items.columns[text_cols[0]][0].name)
    if previous is not None and isinstance(previous.value, str) and cand.value:
        previous.value = f"{previous.value} {cand.value}"
        previous.sources = previous.sources + cand.sources  # (its row's cells share the list)
