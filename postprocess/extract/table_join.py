"""Join a table that continues on the next page(s) into one :class:`~schemas.tables.Table`.

Two tables, in the order given, are joined when the second starts on a page after the first
one's last page (at most ``max_page_gap`` later), both have the same number of columns, and
either the same column names (case and spacing ignored; the repeated header rows are dropped)
or, with ``headerless=True``, the second has no header at all. The joined table keeps the first
table's id and header, appends the body rows, and records every part in ``sources``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from postprocess.extract.table_model import RawCell, TableDraft
from schemas.tables import Table, TableSource, cells_from_dicts

_Part = TypeVar("_Part", Table, TableDraft)


def join_tables(
    tables: Sequence[Table], *, max_page_gap: int = 1, headerless: bool = False
) -> list[Table]:
    """``tables`` with continued tables joined (see the module docstring)."""
    return _join(tables, _append, max_page_gap, headerless)


def join_drafts(
    drafts: Sequence[TableDraft], *, max_page_gap: int = 1, headerless: bool = False
) -> list[TableDraft]:
    """:func:`join_tables` on drafts: a joined table is a new draft, so that each cell is
    validated once (a continued part's own table is never built). A continued part's body
    cells move into the joined draft: their rows are shifted in place (no copy per cell)."""
    return _join(drafts, _append_draft, max_page_gap, headerless)


def _join(
    parts: Sequence[_Part], append: Callable[[_Part, _Part], _Part], gap: int, headerless: bool
) -> list[_Part]:
    """Each part appended to the previous joined one when it :func:`continues` it."""
    joined: list[_Part] = []
    for part in parts:
        if joined and continues(joined[-1], part, max_page_gap=gap, headerless=headerless):
            joined[-1] = append(joined[-1], part)
        else:
            joined.append(part)
    return joined


def continues(
    first: Table | TableDraft,
    second: Table | TableDraft,
    *,
    max_page_gap: int = 1,
    headerless: bool = False,
) -> bool:
    """True when ``second`` is the continuation of ``first`` on a following page."""
    last_page = first.sources[-1].page if first.sources else None
    if last_page is None or second.page is None:
        return False
    if not 1 <= second.page - last_page <= max_page_gap or first.n_cols != second.n_cols:
        return False
    if second.header_rows == 0:
        return headerless
    return _key(first.columns) == _key(second.columns)


def _key(columns: list[str]) -> list[str]:
    return [" ".join(name.casefold().split()) for name in columns]


def _append(first: Table, second: Table) -> Table:
    offset = first.n_rows - second.header_rows
    body = cells_from_dicts(
        [
            {
                "row": c.row + offset,
                "col": c.col,
                "row_span": c.row_span,
                "col_span": c.col_span,
                "text": c.text,
                "header": c.header,
            }
            for c in second.cells
            if c.row >= second.header_rows
        ]
    )
    return first.model_copy(
        update={
            "n_rows": first.n_rows + second.body_rows,
            "cells": [*first.cells, *body],
            "sources": [*first.sources, *_moved_sources(second, offset)],
            "errors": [*first.errors, *second.errors],
        }
    )


def _append_draft(first: TableDraft, second: TableDraft) -> TableDraft:
    offset = first.n_rows - second.header_rows
    head = second.header_rows
    body: list[RawCell] = [c for c in second.cells if c["row"] >= head]
    for cell in body:
        cell["row"] += offset
    texts = None  # without spans, the joined grid: the first one's rows, then the second's body
    if first.texts is not None and second.texts is not None:
        texts = [*first.texts, *second.texts[head:]]
    return TableDraft(
        id=first.id,
        kind=first.kind,
        parent=first.parent,
        n_rows=first.n_rows + second.body_rows,
        n_cols=first.n_cols,
        header_rows=first.header_rows,
        header_rule=first.header_rule,
        columns=first.columns,
        cells=[*first.cells, *body],
        caption=first.caption,
        sources=[*first.sources, *_moved_sources(second, offset)],
        errors=[*first.errors, *second.errors],
        texts=texts,
    )


def _moved_sources(second: Table | TableDraft, offset: int) -> list[TableSource]:
    """``second``'s sources, their rows past its header moved down by ``offset``."""
    head = second.header_rows
    return [
        s.model_copy(
            update={
                "row_start": max(s.row_start, head) + offset,
                "row_count": s.row_start + s.row_count - max(s.row_start, head),
            }
        )
        for s in second.sources
    ]
