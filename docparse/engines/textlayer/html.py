"""QwenVL HTML from a page's text layer, boxes in the MODEL frame, shaped like a model reply.

Each block becomes one element with ``data-bbox`` in pixels of the image the model would have
received (``transform.to_model``), rounded outwards to integers so the box keeps all its ink, and
clamped into the frame. Headings are ``h1``-``h6``, text blocks ``p`` (lines joined by a space,
hyphens kept), tables ``<table>`` with ``thead``/``th`` for header rows and ``rowspan``/
``colspan``, figures ``<div class="image"><img/></div>``. Text is HTML-escaped. The page is
wrapped in ``<html><body>`` inside a `````html`` fence, as Qwen2.5-VL answers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

from docparse.engines.textlayer.headings import heading_levels
from docparse.engines.textlayer.order import reading_order
from schemas.geometry import BBox, PageTransform
from schemas.textlayer import TableCell, TableRegion, TextLayer

OPEN = "```html\n<html><body>\n"
CLOSE = "\n</body></html>\n```"


@dataclass(frozen=True)
class Element:
    """One block to print: its tag, page-frame box, and text or table."""

    tag: str
    box: BBox
    text: str = ""
    table: TableRegion | None = None


def page_html(layer: TextLayer, transform: PageTransform) -> str:
    """The whole reply text for one page."""
    elements = page_elements(layer)
    order = reading_order([e.box for e in elements])
    return OPEN + "\n".join(render(elements[i], transform) for i in order) + CLOSE


def page_elements(layer: TextLayer) -> list[Element]:
    """Every block of the page as an element, in no particular order."""
    levels = heading_levels(layer.blocks, layer.body_font_size)
    elements = [
        Element(tag=f"h{level}" if level else "p", box=block.bbox, text=block.text)
        for block, level in zip(layer.blocks, levels, strict=True)
        if block.text
    ]
    elements += [Element(tag="table", box=t.bbox, table=t) for t in layer.tables]
    elements += [Element(tag="image", box=image.bbox) for image in layer.images]
    return elements


def model_box(box: BBox, transform: PageTransform) -> str:
    """``"x1 y1 x2 y2"``: ``box`` in model pixels, rounded outwards, clamped into the frame."""
    m = transform.to_model(box)
    width, height = transform.model_width, transform.model_height
    x1, x2 = _clamp(math.floor(m.x1), width), _clamp(math.ceil(m.x2), width)
    y1, y2 = _clamp(math.floor(m.y1), height), _clamp(math.ceil(m.y2), height)
    return f"{x1} {y1} {x2} {y2}"


def render(element: Element, transform: PageTransform) -> str:
    box = model_box(element.box, transform)
    if element.table is not None:
        return table_html(element.table, box)
    if element.tag == "image":
        return f'<div class="image" data-bbox="{box}"><img data-bbox="{box}"/></div>'
    return f'<{element.tag} data-bbox="{box}">{escape(element.text, quote=False)}</{element.tag}>'


def table_html(table: TableRegion, box: str) -> str:
    """``<table>`` with a ``thead`` for the header rows and a ``tbody`` for the others."""
    rows: list[list[TableCell]] = [[] for _ in range(table.n_rows)]
    for cell in table.cells:
        rows[cell.row].append(cell)
    head, body = rows[: table.header_rows], rows[table.header_rows :]
    parts = [f'<table data-bbox="{box}">']
    if head:
        parts.append("<thead>" + "".join(_row(cells) for cells in head) + "</thead>")
    if body:
        parts.append("<tbody>" + "".join(_row(cells) for cells in body) + "</tbody>")
    parts.append("</table>")
    return "".join(parts)


def _row(cells: list[TableCell]) -> str:
    return "<tr>" + "".join(_cell(c) for c in sorted(cells, key=lambda c: c.col)) + "</tr>"


def _cell(cell: TableCell) -> str:
    tag = "th" if cell.header else "td"
    spans = "".join(
        f' {name}="{value}"'
        for name, value in (("rowspan", cell.row_span), ("colspan", cell.col_span))
        if value > 1
    )
    return f"<{tag}{spans}>{escape(cell.text, quote=False)}</{tag}>"


def _clamp(value: int, limit: int) -> int:
    return min(max(value, 0), limit)
