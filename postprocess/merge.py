"""Pages -> HTML in the page frame: one page's QwenVL HTML, and the whole document's.

A block's HTML (:attr:`Block.html`) is sanitised QwenVL HTML with boxes in the model frame.
Here every ``data-bbox`` is rewritten in the page frame: the block's own box is its
:attr:`Block.bbox_page`; a nested box (the ``<img>`` of a ``div.image``) is mapped with the
page's transform; both are clamped to the page and rounded to 2 decimals (1/100 pt or px;
integers are written without a decimal point). ``data-polygon`` points are mapped the same way.
A box that cannot be placed on the page (it was outside the model frame, unreadable, or the
page has no transform) is removed rather than kept in the wrong frame. The HTML is sanitised
again on the way (defence in depth: the document is meant to be opened in a browser).

``page_html`` gives ``<html><body>...</body></html>`` (the QwenVL shape, page frame);
``document_html`` gives one ``<section data-page="N">`` per page, in page order, with the page's
size, unit and status as ``data-page-width``, ``data-page-height``, ``data-unit`` and
``data-status``.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence

from lxml.html import HtmlElement

from postprocess.bboxes import BBoxSyntaxError, format_bbox, order_corners, parse_bbox
from postprocess.coords import PAGE_DIGITS, fit_to_frame, to_page_box
from postprocess.parse import parse_document
from postprocess.sanitize import sanitize_tree
from postprocess.tree import BBOX_ATTR, is_element, outer_html
from schemas.blocks import Block
from schemas.geometry import PageTransform
from schemas.options import DEFAULT_BBOX_TOLERANCE
from schemas.results import PageResult

POLYGON_ATTR = "data-polygon"


def block_html(block: Block, transform: PageTransform | None) -> str:
    """``block.html`` with its boxes in the page frame (see the module docstring)."""
    if not block.html.strip():
        return ""
    root, _ = parse_document(block.html)
    if root is None:
        return ""
    sanitize_tree(root)
    body = root.find("body")
    elements = [el for el in body if is_element(el)] if body is not None else []
    own_box = _canonical(block)
    for el in elements:
        for node in el.iter():
            if is_element(node):
                _map_node(node, own_box, block, transform)
    return "".join(outer_html(el) for el in elements)


def page_body(page: PageResult) -> str:
    """The page's blocks in reading order, page frame, one per line."""
    parts = (block_html(block, page.transform) for block in page.blocks)
    return "\n".join(part for part in parts if part)


def page_html(page: PageResult) -> str:
    """One page as QwenVL-shaped HTML in the page frame."""
    body = page_body(page)
    return f"<html><body>\n{body}\n</body></html>\n" if body else "<html><body></body></html>\n"


def document_html(pages: Sequence[PageResult], *, title: str = "") -> str:
    """The document: a ``<section data-page="N">`` per page, sorted by page number."""
    sections = [_section(page) for page in sorted(pages, key=lambda p: p.page_number)]
    head = f'<head><meta charset="utf-8"><title>{html.escape(title)}</title></head>'
    return "<!DOCTYPE html>\n<html>" + head + "\n<body>\n" + "".join(sections) + "</body></html>\n"


def _section(page: PageResult) -> str:
    attrs = {"data-page": str(page.page_number)}
    if page.transform is not None:
        attrs["data-page-width"] = _number(page.transform.page_width)
        attrs["data-page-height"] = _number(page.transform.page_height)
        attrs["data-unit"] = page.transform.unit.value
    attrs["data-status"] = page.status.value
    opening = " ".join(f'{name}="{html.escape(value)}"' for name, value in attrs.items())
    body = page_body(page)
    return f"<section {opening}>\n" + (f"{body}\n" if body else "") + "</section>\n"


def _canonical(block: Block) -> str | None:
    """The block's own box as written in its HTML (canonical model-frame text), if any."""
    return format_bbox(block.bbox_model) if block.bbox_model is not None else None


def _map_node(
    node: HtmlElement, own_box: str | None, block: Block, transform: PageTransform | None
) -> None:
    raw = node.get(BBOX_ATTR)
    if raw is not None:
        if raw == own_box and block.bbox_page is not None:
            node.set(BBOX_ATTR, format_bbox(block.bbox_page))
        elif raw != own_box and transform is not None and (mapped := _map_box(raw, transform)):
            node.set(BBOX_ATTR, mapped)
        else:
            del node.attrib[BBOX_ATTR]
    polygon = node.get(POLYGON_ATTR)
    if polygon is not None:
        mapped_polygon = _map_polygon(polygon, transform) if transform is not None else None
        if mapped_polygon is None:
            del node.attrib[POLYGON_ATTR]
        else:
            node.set(POLYGON_ATTR, mapped_polygon)


def _map_box(raw: str, transform: PageTransform) -> str | None:
    """A nested box in the page frame; None when unreadable or outside the model frame."""
    try:
        box, _ = order_corners(parse_bbox(raw))
    except BBoxSyntaxError:
        return None
    fit = fit_to_frame(box, transform.model_frame, DEFAULT_BBOX_TOLERANCE)
    return None if fit.outside else format_bbox(to_page_box(fit.box, transform))


def _map_polygon(raw: str, transform: PageTransform) -> str | None:
    try:
        numbers = [float(p) for p in raw.replace(",", " ").split()]
    except ValueError:
        return None
    if not numbers or len(numbers) % 2 or not all(math.isfinite(n) for n in numbers):
        return None
    width, height = transform.page_width, transform.page_height
    mapped = []
    for i, value in enumerate(numbers):
        scale, limit = (transform.sx, width) if i % 2 == 0 else (transform.sy, height)
        mapped.append(_number(min(max(value * scale, 0.0), limit)))
    return " ".join(mapped)


def _number(value: float) -> str:
    rounded = round(value, PAGE_DIGITS)
    return str(int(rounded)) if float(rounded).is_integer() else repr(rounded)
