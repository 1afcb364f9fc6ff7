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

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from lxml.html import HtmlElement

from postprocess.bboxes import (
    BBoxSyntaxError,
    Corners,
    canonical_corners,
    format_bbox,
    format_corners,
    order_corners,
    parse_bbox,
    plain_corners,
)
from postprocess.coords import fit_to_frame, page_fields_mapper
from postprocess.text import block_text, collapse_spaces
from postprocess.tree import (
    BBOX_ATTR,
    LEAF_HTML_TAGS,
    class_names,
    element_path,
    has_boxed_descendant,
    is_element,
    leaf_html,
    outer_html,
)
from schemas.blocks import Block, BlockKind, blocks_from_dicts
from schemas.errors import ErrorCode, ErrorRecord, Severity
from schemas.geometry import PageTransform
from schemas.options import PostprocessOptions

_HEADINGS = {f"h{n}": n for n in range(2, 7)}
_PARAGRAPH_TAGS = frozenset("p span a b i em strong u sub sup code pre".split())
#: Kind and level of the tags whose kind does not depend on the classes.
_TAG_KINDS: dict[str, tuple[BlockKind, int | None]] = {
    **{tag: (BlockKind.PARAGRAPH, None) for tag in _PARAGRAPH_TAGS},
    "img": (BlockKind.IMAGE, None),
    "address": (BlockKind.ADDRESS, None),
    **{tag: (BlockKind.LIST, None) for tag in ("ol", "ul", "li")},
    "table": (BlockKind.TABLE, None),
    **{tag: (BlockKind.HEADING, level) for tag, level in _HEADINGS.items()},
    "h1": (BlockKind.TITLE, 1),
}


@dataclass(frozen=True)
class Extraction:
    """Blocks of one page, the issues met, and how many blocks had no ``data-bbox`` at all;
    ``elements`` are the blocks' elements, in the same order."""

    blocks: list[Block]
    issues: list[ErrorRecord]
    unboxed: int
    elements: list[HtmlElement]


class _BoxReading(NamedTuple):  # a tuple: built once per block, a frozen dataclass costs more
    model: Corners | None
    in_frame: bool
    issues: list[ErrorRecord]


def extract_blocks(
    body: HtmlElement,
    transform: PageTransform,
    options: PostprocessOptions,
    *,
    doc_id: str,
    page_number: int,
    found: tuple[list[HtmlElement], Sequence[str | None]] | None = None,
) -> Extraction:
    """Build the page's blocks; rewrites each block's ``data-bbox`` in canonical form.

    ``found``: the blocks and their ``data-bbox`` values when the caller has them already
    (:func:`postprocess.repair.boxed_children`); else they are looked for in ``body``.
    """
    rows: list[dict[str, Any]] = []  # the blocks' fields, validated all at once at the end
    issues: list[ErrorRecord] = []
    unboxed = 0
    to_page = page_fields_mapper(transform)
    # read once per page; floats, as float-to-int comparisons take a slower path
    width, height = float(transform.model_width), float(transform.model_height)
    id_prefix = f"{doc_id}/p{page_number}/b"
    elements: list[HtmlElement]
    boxes: Sequence[str | None]
    if found is None:
        elements, boxes = [], []
        _collect_blocks(body, elements, boxes)
    else:
        elements, boxes = found
    for index, (el, raw) in enumerate(zip(elements, boxes, strict=True)):
        corners = canonical_corners(raw) if raw is not None else None
        usual_box = None  # the box text when it is the usual one: canonical already, in frame
        bbox_model: dict[str, float] | None
        bbox_page: dict[str, float] | None
        if corners is not None:
            x1, y1, x2, y2 = corners
            if x1 <= x2 <= width and y1 <= y2 <= height:  # (_in_model_frame, inline)
                usual_box = raw  # nothing to rewrite
                bbox_model = {"x1": x1, "y1": y1, "x2": x2, "y2": y2}  # (_box_fields, inline)
                bbox_page = to_page(x1, y1, x2, y2)
        if usual_box is None:
            unboxed += raw is None
            reading = _read_box(el, raw, transform, options)
            issues.extend(reading.issues)
            model = reading.model
            bbox_model = _box_fields(model) if model else None
            bbox_page = to_page(*model) if model and reading.in_frame else None
        tag = el.tag
        if usual_box is not None and tag in LEAF_HTML_TAGS and len(el) == 0 and len(el.attrib) == 1:
            # A text-only block whose one attribute is its canonical box (most blocks): no class
            # to read, its kind by its tag, its text and HTML straight from the element's text
            # (what block_text and outer_html give).
            classes: list[str] = []
            kind, level = _TAG_KINDS[tag]
            own = el.text
            text, caption = collapse_spaces(own) if own else "", None
            html = leaf_html(el, tag, usual_box, own)
        else:
            classes = class_names(el)
            kind, level = _classify(tag, classes)
            text, caption = _texts(el, kind, classes)
            html = outer_html(el)
        rows.append(
            {
                "id": f"{id_prefix}{index + 1}",
                "index": index,
                "kind": kind,
                "level": level,
                "tag": tag,
                "classes": classes,
                "text": text,
                "html": html,
                "bbox_model": bbox_model,
                "bbox_page": bbox_page,
                "caption": caption,
            }
        )
    blocks = blocks_from_dicts(rows)
    return Extraction(blocks=blocks, issues=issues, unboxed=unboxed, elements=elements)


def _box_fields(corners: Corners) -> dict[str, float]:
    """A box as the fields :class:`~schemas.geometry.BBox` validates."""
    x1, y1, x2, y2 = corners
    return {"x1": x1, "y1": y1, "x2": x2, "y2": y2}


def block_elements(container: HtmlElement) -> list[HtmlElement]:
    """Elements that are blocks, in document order, looking through unboxed wrappers."""
    elements: list[HtmlElement] = []
    _collect_blocks(container, elements, [])
    return elements


def _collect_blocks(
    container: HtmlElement, elements: list[HtmlElement], boxes: list[str | None]
) -> None:
    """Append :func:`block_elements` to ``elements`` and their ``data-bbox`` (or None) to
    ``boxes``: the box read once per block, for the caller too."""
    for child in container:
        if not isinstance(child.tag, str):  # a comment, processing instruction or entity
            continue
        raw = child.get(BBOX_ATTR)
        if raw is None and has_boxed_descendant(child):
            _collect_blocks(child, elements, boxes)
        else:
            elements.append(child)
            boxes.append(raw)


def classify(el: HtmlElement) -> tuple[BlockKind, int | None]:
    """The block kind of ``el`` and, for titles and headings, its level."""
    return _classify(el.tag, class_names(el))


def _classify(tag: str, class_list: list[str]) -> tuple[BlockKind, int | None]:
    by_tag = _TAG_KINDS.get(tag)  # one look-up for the tags that decide alone (most blocks)
    if by_tag is not None:
        return by_tag
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
    el: HtmlElement, raw: str | None, transform: PageTransform, options: PostprocessOptions
) -> _BoxReading:
    """Parse, order and frame-check the block's box ``raw`` (its ``data-bbox``, read by the
    caller); write the repaired box back in place."""
    if raw is None:
        issue = _issue(ErrorCode.MISSING_BBOX, Severity.WARNING, f"<{el.tag}> block has no box", el)
        return _BoxReading(None, False, [issue])
    width, height = transform.model_width, transform.model_height
    corners = plain_corners(raw)
    if corners is not None:  # plain numbers, in order, inside the frame
        x1, y1, x2, y2 = corners
        if 0 <= x1 <= x2 <= width and 0 <= y1 <= y2 <= height:
            _write_box(el, raw, format_corners(corners))
            return _BoxReading(corners, True, [])
    try:
        box, swapped = order_corners(parse_bbox(raw))
    except BBoxSyntaxError as exc:
        issue = _issue(ErrorCode.BAD_BBOX, Severity.ERROR, f"unreadable box: {exc}", el)
        return _BoxReading(None, False, [issue])
    issues: list[ErrorRecord] = []
    if swapped:
        issues.append(
            _issue(ErrorCode.BBOX_SWAPPED, Severity.WARNING, f"corners swapped in {raw!r}", el)
        )
    fit = fit_to_frame(box, transform.model_frame, options.bbox_tolerance)
    if fit.outside or fit.clamped:
        frame = f"{transform.model_width}x{transform.model_height}"
        if fit.outside:
            message = f"box {raw!r} outside the {frame} model frame beyond tolerance"
            issues.append(_issue(ErrorCode.BBOX_OUT_OF_FRAME, Severity.ERROR, message, el))
        else:
            message = f"box {raw!r} overshoots the {frame} model frame slightly: clamped"
            issues.append(_issue(ErrorCode.BBOX_CLAMPED, Severity.WARNING, message, el))
    _write_box(el, raw, format_bbox(fit.box))
    return _BoxReading(fit.box.as_tuple(), not fit.outside, issues)


def _write_box(el: HtmlElement, raw: str, canonical: str) -> None:
    """Canonical box on ``el`` and on nested elements that repeat its raw box (its ``<img>``);
    nothing to do when the box is already written canonically."""
    if canonical == raw:
        return
    for node in el.iter():
        if is_element(node) and node.get(BBOX_ATTR) == raw:
            node.set(BBOX_ATTR, canonical)


def _issue(code: ErrorCode, severity: Severity, message: str, el: HtmlElement) -> ErrorRecord:
    """An issue located at ``el``, whose path is computed when reported (it is rarely needed)."""
    return ErrorRecord(code=code, severity=severity, message=message, path=element_path(el))
