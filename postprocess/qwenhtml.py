"""QwenVL HTML -> blocks: one :class:`~schemas.blocks.Block` per boxed element, in reading order.

Blocks are the element children of ``<body>``, looking through unboxed wrappers that hold boxed
elements. Boxed elements nested inside a block (the ``<img data-bbox>`` of a ``div.image`` or
``div.formula``) belong to that block. Run :func:`postprocess.repair.normalise_layout` first.

Kinds: ``h1`` title (level 1); ``h2``-``h6`` heading (level 2-6); ``p`` and inline elements
paragraph; ``table`` table; ``ol``/``ul``/``li`` list; ``address`` address; ``img`` and
``div.image`` image (``div.image caption``: the generated ``<p>`` goes to ``Block.caption``, not
the text; ``div.image ocr``: the text read in the image is the text); ``div.formula`` formula (the
``$$...$$`` line then any tail text); ``div.chart`` chart; ``div.caption`` caption;
``div.chemical formula`` (SMILES, not LaTeX), ``div.music sheet`` and other divs: other.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from lxml.html import HtmlElement

from postprocess.bboxes import BBoxSyntaxError, format_bbox, order_corners, parse_bbox
from postprocess.coords import fit_to_frame, to_page_box
from postprocess.text import block_text
from postprocess.tree import (
    BBOX_ATTR,
    class_names,
    element_path,
    has_box,
    has_boxed_descendant,
    is_element,
    outer_html,
)
from schemas.blocks import Block, BlockKind
from schemas.errors import ErrorCode, ErrorRecord, Severity
from schemas.geometry import BBox, PageTransform
from schemas.options import PostprocessOptions

_HEADINGS = {f"h{n}": n for n in range(2, 7)}
_PARAGRAPH_TAGS = frozenset("p span a b i em strong u sub sup code pre".split())


@dataclass(frozen=True)
class Extraction:
    """Blocks of one page, the issues met, and how many blocks had no ``data-bbox`` at all."""

    blocks: list[Block]
    issues: list[ErrorRecord]
    unboxed: int


@dataclass(frozen=True)
class _BoxReading:
    model: BBox | None
    in_frame: bool
    issues: list[ErrorRecord]


def extract_blocks(
    body: HtmlElement,
    transform: PageTransform,
    options: PostprocessOptions,
    *,
    doc_id: str,
    page_number: int,
) -> Extraction:
    """Build the page's blocks; rewrites each block's ``data-bbox`` in canonical form."""
    blocks: list[Block] = []
    issues: list[ErrorRecord] = []
    unboxed = 0
    for index, el in enumerate(block_elements(body)):
        unboxed += not has_box(el)
        reading = _read_box(el, transform, options)
        issues.extend(reading.issues)
        kind, level = classify(el)
        text, caption = _texts(el, kind)
        page_box = (
            to_page_box(reading.model, transform) if reading.model and reading.in_frame else None
        )
        blocks.append(
            Block(
                id=f"{doc_id}/p{page_number}/b{index + 1}",
                index=index,
                kind=kind,
                level=level,
                tag=el.tag,
                classes=class_names(el),
                text=text,
                html=outer_html(el),
                bbox_model=reading.model,
                bbox_page=page_box,
                caption=caption,
            )
        )
    return Extraction(blocks=blocks, issues=issues, unboxed=unboxed)


def block_elements(container: HtmlElement) -> Iterator[HtmlElement]:
    """Elements that are blocks, in document order, looking through unboxed wrappers."""
    for child in container:
        if not is_element(child):
            continue
        if not has_box(child) and has_boxed_descendant(child):
            yield from block_elements(child)
        else:
            yield child


def classify(el: HtmlElement) -> tuple[BlockKind, int | None]:
    """The block kind of ``el`` and, for titles and headings, its level."""
    tag = el.tag
    classes = set(class_names(el))
    if tag == "h1":
        return BlockKind.TITLE, 1
    if tag in _HEADINGS:
        return BlockKind.HEADING, _HEADINGS[tag]
    if tag == "table":
        return BlockKind.TABLE, None
    if tag in ("ol", "ul", "li"):
        return BlockKind.LIST, None
    if tag == "address":
        return BlockKind.ADDRESS, None
    if tag == "img":
        return BlockKind.IMAGE, None
    if tag in _PARAGRAPH_TAGS:
        return BlockKind.PARAGRAPH, None
    if "chemical" in classes or "music" in classes:
        return BlockKind.OTHER, None
    for cls, kind in (
        ("formula", BlockKind.FORMULA),
        ("chart", BlockKind.CHART),
        ("image", BlockKind.IMAGE),
        ("caption", BlockKind.CAPTION),
    ):
        if cls in classes:
            return kind, None
    return BlockKind.OTHER, None


def _texts(el: HtmlElement, kind: BlockKind) -> tuple[str, str | None]:
    """``(text, caption)``: an ``image caption`` block's text is its generated caption."""
    if kind is BlockKind.IMAGE and "caption" in class_names(el):
        return "", block_text(el) or None
    return block_text(el), None


def _read_box(
    el: HtmlElement, transform: PageTransform, options: PostprocessOptions
) -> _BoxReading:
    """Parse, order and frame-check the block's box; write the repaired box back in place."""
    raw = el.get(BBOX_ATTR)
    path = element_path(el)
    if raw is None:
        issue = _issue(
            ErrorCode.MISSING_BBOX, Severity.WARNING, f"<{el.tag}> block has no box", path
        )
        return _BoxReading(model=None, in_frame=False, issues=[issue])
    try:
        box, swapped = order_corners(parse_bbox(raw))
    except BBoxSyntaxError as exc:
        issue = _issue(ErrorCode.BAD_BBOX, Severity.ERROR, f"unreadable box: {exc}", path)
        return _BoxReading(model=None, in_frame=False, issues=[issue])
    issues: list[ErrorRecord] = []
    if swapped:
        issues.append(
            _issue(ErrorCode.BBOX_SWAPPED, Severity.WARNING, f"corners swapped in {raw!r}", path)
        )
    fit = fit_to_frame(box, transform.model_frame, options.bbox_tolerance)
    frame = f"{transform.model_width}x{transform.model_height}"
    if fit.outside:
        message = f"box {raw!r} outside the {frame} model frame beyond tolerance"
        issues.append(_issue(ErrorCode.BBOX_OUT_OF_FRAME, Severity.ERROR, message, path))
    elif fit.clamped:
        message = f"box {raw!r} overshoots the {frame} model frame slightly: clamped"
        issues.append(_issue(ErrorCode.BBOX_CLAMPED, Severity.WARNING, message, path))
    _write_box(el, raw, fit.box)
    return _BoxReading(model=fit.box, in_frame=not fit.outside, issues=issues)


def _write_box(el: HtmlElement, raw: str, box: BBox) -> None:
    """Canonical box on ``el`` and on nested elements that repeat its raw box (its ``<img>``)."""
    canonical = format_bbox(box)
    for node in el.iter():
        if is_element(node) and node.get(BBOX_ATTR) == raw:
            node.set(BBOX_ATTR, canonical)


def _issue(code: ErrorCode, severity: Severity, message: str, path: str) -> ErrorRecord:
    return ErrorRecord(code=code, severity=severity, message=message, path=path)
