"""Join a table that continues on the next page(s) into one :class:`~schemas.tables.Table`.

Two tables, in the order given, are joined when the second starts on a page after the first
one's last page (at most ``max_page_gap`` later), both have the same number of columns, and
either the same column names (case and spacing ignored; the repeated header rows are dropped)
or, with ``headerless=True``, the second has no header at all. The joined table keeps the first
table's id and header, appends the body rows, and records every part in ``sources``.
"""

from __future__ import annotations

from collections.abc import Sequence

from schemas.tables import Table, cells_from_dicts


def join_tables(
    tables: Sequence[Table], *, max_page_gap: int = 1, headerless: bool = False
) -> list[Table]:
    """``tables`` with continued tables joined (see the module docstring)."""
    joined: list[Table] = []
    for table in tables:
        if joined and continues(
            joined[-1], table, max_page_gap=max_page_gap, headerless=headerless
        ):
            joined[-1] = _append(joined[-1], table)
        else:
            joined.append(table)
    return joined


def continues(
    first: Table, second: Table, *, max_page_gap: int = 1, headerless: bool = False
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
    head = second.header_rows
    sources = [
        s.model_copy(
            update={
                "row_start": max(s.row_start, head) + offset,
                "row_count": s.row_start + s.row_count - max(s.row_start, head),
            }
        )
        for s in second.sources
    ]
    return first.model_copy(
        update={
            "n_rows": first.n_rows + second.body_rows,
            "cells": [*first.cells, *body],
            "sources": [*first.sources, *sources],
            "errors": [*first.errors, *second.errors],
        }
    )
