"""HTML plumbing for the metrics: parse leniently, find tables, read text, lay cells on a grid.

Parsing uses lxml's HTML parser (libxml2), which keeps the markup it is given: it does not invent
``tbody`` elements the way an HTML5 parser would, so node counts for TEDS are those of the input.
Comments and processing instructions are dropped, as in PubTabNet's reference evaluation.

The grid follows the HTML table model: each cell is placed at the first free slot of its row,
and covers ``rowspan`` x ``colspan`` slots (spans reaching past the last row are clipped).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import lxml.html
from lxml import etree

__all__ = [
    "GridCell",
    "TableGrid",
    "element_text",
    "extract_tables",
    "outermost_tables",
    "page_text_from_html",
    "parse_html",
    "span",
    "table_grid",
]

#: Elements whose text is layout furniture, never content.
_SKIPPED = frozenset({"style", "script", "head", "title"})
#: Block-level elements: their text is separated from its neighbours by a space.
_BLOCK_LEVEL = frozenset(
    {"p", "div", "li", "ul", "ol", "tr", "td", "th", "table", "address", "section"}
    | {f"h{i}" for i in range(1, 7)}
)


def parse_html(text: str) -> etree._Element | None:
    """Parse an HTML document or fragment; ``None`` when there is nothing to parse."""
    if not text or not text.strip():
        return None
    parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True)
    try:
        return lxml.html.document_fromstring(text, parser=parser)
    except (etree.ParserError, ValueError):
        return None


def outermost_tables(root: etree._Element) -> list[etree._Element]:
    """``<table>`` elements not nested inside another table, in document order."""
    tables = [root] if root.tag == "table" else []
    tables += [t for t in root.iterdescendants("table")]
    return [t for t in tables if not any(True for _ in t.iterancestors("table"))]


def extract_tables(html: str) -> list[str]:
    """The outer HTML of each outermost ``<table>`` in ``html`` (a page or a fragment)."""
    root = parse_html(html)
    if root is None:
        return []
    return [
        lxml.html.tostring(t, encoding="unicode", with_tail=False) for t in outermost_tables(root)
    ]


def element_text(element: etree._Element) -> str:
    """Text of an element: ``<br>`` and block boundaries become spaces, style/script skipped."""
    parts = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str) and child.tag not in _SKIPPED:
            if child.tag == "br":
                parts.append(" ")
            elif child.tag in _BLOCK_LEVEL:
                parts.append(" " + element_text(child) + " ")
            else:
                parts.append(element_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def page_text_from_html(html: str) -> str:
    """A page's text: each top-level element of ``<body>`` on its own line, in document order."""
    root = parse_html(html)
    if root is None:
        return ""
    body = root.find("body")
    container = body if body is not None else root
    lines = [container.text or ""]
    for child in container:
        if isinstance(child.tag, str) and child.tag not in _SKIPPED:
            lines.append(element_text(child))
        lines.append(child.tail or "")
    return "\n".join(line for line in lines if line.strip())


def span(element: etree._Element, name: str) -> int:
    """``colspan``/``rowspan`` as an int >= 1 (the value's leading digits; 1 if absent or bad)."""
    raw = (element.get(name) or "").strip()
    digits = ""
    for char in raw:
        if not char.isdigit():
            break
        digits += char
    return max(1, int(digits)) if digits else 1


@dataclass(frozen=True)
class GridCell:
    """One cell placed on the grid: top-left slot, spans, text, header flag."""

    row: int
    col: int
    rowspan: int
    colspan: int
    text: str
    header: bool

    @property
    def rows(self) -> range:
        return range(self.row, self.row + self.rowspan)

    @property
    def cols(self) -> range:
        return range(self.col, self.col + self.colspan)


@dataclass
class TableGrid:
    """Cells of one table and the slot -> cell map with spans expanded."""

    cells: list[GridCell] = field(default_factory=list)
    slots: dict[tuple[int, int], int] = field(default_factory=dict)
    header_rows: set[int] = field(default_factory=set)
    n_rows: int = 0

    def at(self, row: int, col: int) -> GridCell | None:
        index = self.slots.get((row, col))
        return None if index is None else self.cells[index]


def _own_rows(table: etree._Element) -> list[etree._Element]:
    """The table's ``tr`` elements, leaving out those of nested tables."""
    return [tr for tr in table.iter("tr") if next(tr.iterancestors("table"), None) is table]


def table_grid(table: etree._Element) -> TableGrid:
    """Lay a ``<table>`` element's cells on a grid (HTML table model, spans expanded).

    Header rows are rows inside ``thead`` and rows made only of ``th`` cells; a ``th`` cell is a
    header cell wherever it stands.
    """
    grid = TableGrid()
    rows = _own_rows(table)
    grid.n_rows = len(rows)
    for r, tr in enumerate(rows):
        cells = [c for c in tr if c.tag in ("td", "th")]
        if cells and (
            any(a.tag == "thead" for a in tr.iterancestors()) or all(c.tag == "th" for c in cells)
        ):
            grid.header_rows.add(r)
        col = 0
        for cell in cells:
            while (r, col) in grid.slots:
                col += 1
            rowspan = min(span(cell, "rowspan"), len(rows) - r)
            placed = GridCell(
                row=r,
                col=col,
                rowspan=rowspan,
                colspan=span(cell, "colspan"),
                text=element_text(cell),
                header=cell.tag == "th" or r in grid.header_rows,
            )
            grid.cells.append(placed)
            for rr in placed.rows:
                for cc in placed.cols:
                    grid.slots.setdefault((rr, cc), len(grid.cells) - 1)
            col += placed.colspan
    return grid
