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

from postprocess.bboxes import (
    BBoxSyntaxError,
    format_bbox,
    order_corners,
    parse_bbox,
    plain_corners,
)
from postprocess.coords import fit_to_frame, page_mapper
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
from schemas.geometry import BBox, Frame, PageTransform
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
    model_frame = transform.model_frame  # built once per page, not once per block
    to_page = page_mapper(transform)
    for index, el in enumerate(block_elements(body)):
        unboxed += not has_box(el)
        reading = _read_box(el, transform, model_frame, options)
        issues.extend(reading.issues)
        classes = class_names(el)
        kind, level = _classify(el.tag, classes)
        text, caption = _texts(el, kind, classes)
        page_box = to_page(reading.model) if reading.model and reading.in_frame else None
        blocks.append(
            Block(
                id=f"{doc_id}/p{page_number}/b{index + 1}",
                index=index,
                kind=kind,
                level=level,
                tag=el.tag,
                classes=classes,
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
        if not isinstance(child.tag, str):  # a comment, processing instruction or entity
            continue
        if child.get(BBOX_ATTR) is None and has_boxed_descendant(child):
            yield from block_elements(child)
        else:
            yield child


def classify(el: HtmlElement) -> tuple[BlockKind, int | None]:
    """The block kind of ``el`` and, for titles and headings, its level."""
    return _classify(el.tag, class_names(el))


def _classify(tag: str, class_list: list[str]) -> tuple[BlockKind, int | None]:
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
    classes = set(class_list)
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


def _texts(el: HtmlElement, kind: BlockKind, classes: list[str]) -> tuple[str, str | None]:
    """``(text, caption)``: an ``image caption`` block's text is its generated caption."""
    if kind is BlockKind.IMAGE and "caption" in classes:
        return "", block_text(el) or None
    return block_text(el), None


def _read_box(
    el: HtmlElement, transform: PageTransform, model_frame: Frame, options: PostprocessOptions
) -> _BoxReading:
    """Parse, order and frame-check the block's box; write the repaired box back in place."""
    raw = el.get(BBOX_ATTR)
    if raw is None:
        issue = _issue(ErrorCode.MISSING_BBOX, Severity.WARNING, f"<{el.tag}> block has no box", el)
        return _BoxReading(model=None, in_frame=False, issues=[issue])
    corners = plain_corners(raw)
    if corners is not None:  # the usual box: plain numbers, in order, inside the frame
        x1, y1, x2, y2 = corners
        if 0 <= x1 <= x2 <= model_frame.width and 0 <= y1 <= y2 <= model_frame.height:
            box = BBox(x1=x1, y1=y1, x2=x2, y2=y2)
            _write_box(el, raw, box)
            return _BoxReading(model=box, in_frame=True, issues=[])
    try:
        box, swapped = order_corners(parse_bbox(raw))
    except BBoxSyntaxError as exc:
        issue = _issue(ErrorCode.BAD_BBOX, Severity.ERROR, f"unreadable box: {exc}", el)
        return _BoxReading(model=None, in_frame=False, issues=[issue])
    issues: list[ErrorRecord] = []
    if swapped:
        issues.append(
            _issue(ErrorCode.BBOX_SWAPPED, Severity.WARNING, f"corners swapped in {raw!r}", el)
        )
    fit = fit_to_frame(box, model_frame, options.bbox_tolerance)
    if fit.outside or fit.clamped:
        frame = f"{transform.model_width}x{transform.model_height}"
        if fit.outside:
            message = f"box {raw!r} outside the {frame} model frame beyond tolerance"
            issues.append(_issue(ErrorCode.BBOX_OUT_OF_FRAME, Severity.ERROR, message, el))
        else:
            message = f"box {raw!r} overshoots the {frame} model frame slightly: clamped"
            issues.append(_issue(ErrorCode.BBOX_CLAMPED, Severity.WARNING, message, el))
    _write_box(el, raw, fit.box)
    return _BoxReading(model=fit.box, in_frame=not fit.outside, issues=issues)


def _write_box(el: HtmlElement, raw: str, box: BBox) -> None:
    """Canonical box on ``el`` and on nested elements that repeat its raw box (its ``<img>``);
    nothing to do when the box is already written canonically."""
    canonical = format_bbox(box)
    if canonical == raw:
        return
    for node in el.iter():
        if is_element(node) and node.get(BBOX_ATTR) == raw:
            node.set(BBOX_ATTR, canonical)


def _issue(code: ErrorCode, severity: Severity, message: str, el: HtmlElement) -> ErrorRecord:
    """An issue located at ``el``, whose path is computed when reported (it is rarely needed)."""
    return ErrorRecord(code=code, severity=severity, message=message, path=element_path(el))
