"""The grid of a ``<table>`` while it is being read: placed cells, rows, and their helpers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypedDict

from lxml.html import HtmlElement

from postprocess.tree import element_path, is_element
from schemas.errors import ErrorCode, ErrorRecord, Severity
from schemas.tables import HeaderRule, Table, TableKind, TableSource


class _Optional(TypedDict, total=False):
    """A spanned cell's spans (absent on a one-position cell: 1 by ``GridCell``'s defaults) and
    the cell's element, kept only where it is read: on a spanned cell (the path of a clipped
    span's warning) and on a cell with child elements (:func:`is_bold`)."""

    row_span: int
    col_span: int
    element: HtmlElement


class RawCell(_Optional):
    """A cell placed on the grid: the :class:`~schemas.tables.GridCell` fields (and its element).

    A dict rather than an object so that it is validated as it is into a ``GridCell`` (the
    ``element`` key is ignored there), sparing a copy per cell. ``header`` is "the cell is
    ``<th>``" until the header rows are known, then also true for every cell of a header row.
    The spans are set only on a cell covering more than one position: ``GridCell`` fills the two
    defaults for less than it validates two given values (about a fifth of the cell's dict and
    validation cost). The usual cell (text only) keeps no element: four keys, and its element's
    proxy is freed as soon as the cell is read rather than with the table.
    """

    row: int
    col: int
    text: str
    header: bool


@dataclass
class Grid:
    """Cells at their anchors (in row order, left to right), the grid size, the row sections
    and the issues met."""

    cells: list[RawCell]
    n_rows: int
    n_cols: int
    sections: list[str]
    issues: list[ErrorRecord] = field(default_factory=list)
    nested: list[HtmlElement] = field(default_factory=list)
    #: The expanded grid (``postprocess.tables.expand_grid``) when no cell spans: read along.
    texts: list[list[str]] | None = None
    caption: HtmlElement | None = None  # the table's first <caption> child


def outermost_tables(el: HtmlElement) -> list[HtmlElement]:
    """Tables strictly inside ``el`` that are not inside another table inside ``el``."""
    found: list[HtmlElement] = []
    for child in el:
        if is_element(child):
            found.extend([child] if child.tag == "table" else outermost_tables(child))
    return found


def is_bold(cell: RawCell) -> bool:
    """The cell's whole text is set in ``<b>``/``<strong>``."""
    text, element = cell["text"], cell.get("element")  # none kept on a cell without children
    if not text or element is None or len(element) == 0:
        return False
    strong = "".join("".join(b.itertext()) for b in element.iter("b", "strong"))
    return "".join(strong.split()) == "".join(text.split())


def issue(code: ErrorCode, el: HtmlElement, message: str) -> ErrorRecord:
    return ErrorRecord(code=code, severity=Severity.WARNING, message=message, path=element_path(el))


@dataclass(slots=True, eq=False)  # compared and hashed by identity
class TableDraft:
    """A table read from HTML whose cells are not validated yet: :class:`Table`'s fields, the
    cells as :class:`RawCell` dicts. Tables joined across pages are joined as drafts
    (:func:`~postprocess.extract.table_join.join_drafts`), so that each cell is validated
    once, in the table it ends up in."""

    id: str
    kind: TableKind
    parent: str | None
    n_rows: int
    n_cols: int
    header_rows: int
    header_rule: HeaderRule
    columns: list[str]
    cells: list[RawCell]
    caption: str | None
    sources: list[TableSource]
    errors: list[ErrorRecord]
    #: The expanded grid when no cell spans (else None: ``expand_grid`` the table when needed).
    texts: list[list[str]] | None = None

    @property
    def page(self) -> int | None:
        """Page of the first source."""
        return self.sources[0].page if self.sources else None

    @property
    def body_rows(self) -> int:
        return self.n_rows - self.header_rows

    def table(self) -> Table:
        """The validated :class:`Table` (its cells validated in the same call)."""
        return Table(
            id=self.id,
            kind=self.kind,
            parent=self.parent,
            n_rows=self.n_rows,
            n_cols=self.n_cols,
            header_rows=self.header_rows,
            header_rule=self.header_rule,
            columns=self.columns,
            cells=self.cells,  # type: ignore[arg-type]  # dicts, validated into GridCells
            caption=self.caption,
            sources=self.sources,
            errors=self.errors,
        )
