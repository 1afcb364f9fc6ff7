"""The grid of a ``<table>`` while it is being read: placed cells, rows, and their helpers."""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml.html import HtmlElement

from postprocess.tree import element_path, is_element
from schemas.errors import ErrorCode, ErrorRecord, Severity


@dataclass(slots=True)
class RawCell:
    """A cell placed on the grid, before header detection."""

    row: int
    col: int
    row_span: int
    col_span: int
    text: str
    is_th: bool
    element: HtmlElement


@dataclass
class RawRow:
    section: str  # thead, tbody, tfoot or "" for rows directly in <table>
    element: HtmlElement


@dataclass
class Grid:
    """Cells at their anchors, the grid size, the row sections and the issues met."""

    cells: list[RawCell]
    n_rows: int
    n_cols: int
    sections: list[str]
    issues: list[ErrorRecord] = field(default_factory=list)
    nested: list[HtmlElement] = field(default_factory=list)


def outermost_tables(el: HtmlElement) -> list[HtmlElement]:
    """Tables strictly inside ``el`` that are not inside another table inside ``el``."""
    found: list[HtmlElement] = []
    for child in el:
        if is_element(child):
            found.extend([child] if child.tag == "table" else outermost_tables(child))
    return found


def is_bold(cell: RawCell) -> bool:
    """The cell's whole text is set in ``<b>``/``<strong>``."""
    if not cell.text or len(cell.element) == 0:
        return False
    strong = "".join("".join(b.itertext()) for b in cell.element.iter("b", "strong"))
    return "".join(strong.split()) == "".join(cell.text.split())


def issue(code: ErrorCode, el: HtmlElement, message: str) -> ErrorRecord:
    return ErrorRecord(code=code, severity=Severity.WARNING, message=message, path=element_path(el))
