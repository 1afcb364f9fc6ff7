"""Repairs: how the reply ended (truncation), and the layout idioms Qwen2.5-VL is known for.

Truncation is judged on the text (the parsed tree hides it: lxml closes what was left open):

- an opening fence with no closing fence: cut off;
- no fence (or a closed one) and a ``<html>``/``<body>`` opened but never closed, or (for a
  fragment without that wrapper) text that stops in text, inside a tag or right after a non-void
  opening tag: cut off when unfenced; when the fence was closed the model did stop, so that is a
  reply with missing end tags (:attr:`Ending.UNCLOSED`), repaired but not truncated. A wrapperless
  fragment cut right after an end tag or a void tag looks complete: there is nothing to tell.

Layout repairs, applied per container (``<body>`` and any unboxed wrapper around boxed elements):

- an empty boxed ``<p>``/heading directly followed by an unboxed element gives that element its box
  (example b: ``<p data-bbox=...></p> <address class="author"><p>Qwen Team</p></address>``);
  an empty boxed text element with no such neighbour is dropped (``ORPHAN_BBOX`` warning);
- an unboxed element whose only boxed descendants are its own ``<img>`` children takes the
  first image's box (the ``div.image`` idiom written without the outer box);
- bare separators (``<p></p>``, ``<br>``, ``<hr>``) between blocks are dropped;
- text lying directly in a container is wrapped in a ``<p>`` (``TEXT_OUTSIDE_BLOCK`` warning).
"""

from __future__ import annotations

import re
from enum import Enum

import lxml.html
from lxml.html import HtmlElement

from postprocess.fences import Located
from postprocess.tree import (
    BBOX_ATTR,
    BOXED_INSIDE,
    VOID_TAGS,
    element_path,
    has_box,
    has_boxed_descendant,
    is_blank,
    next_element,
)
from schemas.errors import ErrorCode, ErrorRecord, Severity

_CLOSED_WRAPPER = re.compile(r"</\s*(?:html|body)\s*>\Z", re.IGNORECASE)
_OPENED_WRAPPER = re.compile(r"<\s*(?:html|body)\b", re.IGNORECASE)
_PARTIAL_TAG = re.compile(r"<[^<>]*\Z")
_LAST_TAG = re.compile(r"<(/?)\s*([A-Za-z][A-Za-z0-9:-]*)[^<>]*>\Z")
#: Text elements whose empty, boxed form hands its box to the next element.
_BOX_DONORS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "span", "address"})
_SEPARATORS = frozenset({"p", "br", "hr", "div", "span"})


class Ending(str, Enum):
    """How the reply's HTML ends."""

    COMPLETE = "complete"
    TRUNCATED = "truncated"  # cut off: the model ran out of tokens
    UNCLOSED = "unclosed"  # the model stopped but left elements open


def reply_ending(located: Located) -> Ending:
    """Judge from the text whether the reply was cut off (see the module docstring)."""
    if located.fenced and not located.fence_closed:
        return Ending.TRUNCATED
    body = located.body.rstrip()
    if _at_end(_CLOSED_WRAPPER, body):
        return Ending.COMPLETE
    if _OPENED_WRAPPER.search(body) or _ends_inside_element(body):
        return Ending.UNCLOSED if located.fenced else Ending.TRUNCATED
    return Ending.COMPLETE


def drop_partial_tag(body: str) -> str:
    """Cut a tag left half-written at the very end (``<``, ``</p``, ``<p data-bbox="1 2``)."""
    return _PARTIAL_TAG.sub("", body)


def _at_end(tag: re.Pattern[str], body: str) -> re.Match[str] | None:
    """``tag.search(body)`` for a pattern of one tag ending at ``\\Z`` with no ``<`` after its
    first character: such a match can only start at the last ``<``, so only that one is tried
    (a search tries every position of the reply)."""
    start = body.rfind("<")
    return tag.match(body, start) if start >= 0 else None


def _ends_inside_element(body: str) -> bool:
    """True when ``body`` stops in text, in a tag, or right after a non-void opening tag."""
    if not body.endswith(">"):
        return True
    last = _at_end(_LAST_TAG, body)
    if last is None:
        return False
    closing, name = last.group(1), last.group(2).lower()
    return not (closing or last.group(0).endswith("/>") or name in VOID_TAGS)


def normalise_layout(container: HtmlElement) -> list[ErrorRecord]:
    """Apply the layout repairs to ``container`` and, recursively, to unboxed wrappers in it."""
    if boxed_children(container) is not None:  # the usual page: one walk instead of five
        return []
    issues = _wrap_loose_text(container)
    for child in _unboxed(container):
        issues.extend(_borrow_image_box(child))
    issues.extend(_give_empty_boxes_away(container))
    for child in _unboxed(container):
        if child.tag in _SEPARATORS and is_blank(child):
            child.drop_tree()
    for child in _unboxed(container):
        if has_boxed_descendant(child):
            issues.extend(normalise_layout(child))
    return issues


def boxed_children(container: HtmlElement) -> tuple[list[HtmlElement], list[str]] | None:
    """The container's child elements and their boxes when no repair applies, else None.

    No repair applies when there is no loose text, every child element is boxed (so no wrapper
    to look into, no box to borrow or receive, no bare separator) and none is an empty box donor.
    The children are then the container's blocks, and their boxes are read here anyway: the
    caller hands both to :func:`postprocess.qwenhtml.extract_blocks`, which need not look again.
    """
    text = container.text
    if text and not text.isspace():
        return None
    elements: list[HtmlElement] = []
    boxes: list[str] = []
    for child in container:
        tag = child.tag
        if not isinstance(tag, str):  # the repairs look at elements only
            continue
        tail = child.tail
        if tail and not tail.isspace():
            return None
        box = child.get(BBOX_ATTR)
        if box is None or (tag in _BOX_DONORS and is_blank(child)):
            return None
        elements.append(child)
        boxes.append(box)
    return elements, boxes


def _elements(container: HtmlElement) -> list[HtmlElement]:
    return [child for child in container if isinstance(child.tag, str)]


def _unboxed(container: HtmlElement) -> list[HtmlElement]:
    """The container's child elements without a box (most children of a reply have one)."""
    return [c for c in container if isinstance(c.tag, str) and c.get(BBOX_ATTR) is None]


def _wrap_loose_text(container: HtmlElement) -> list[ErrorRecord]:
    issues: list[ErrorRecord] = []
    if container.text and container.text.strip():
        paragraph = _paragraph(container.text)
        container.text = "\n"
        container.insert(0, paragraph)
        issues.append(_loose_text_issue(paragraph))
    for child in _elements(container):
        if child.tail and child.tail.strip():
            paragraph = _paragraph(child.tail)
            child.tail = "\n"
            child.addnext(paragraph)
            issues.append(_loose_text_issue(paragraph))
    return issues


def _paragraph(text: str) -> HtmlElement:
    paragraph = lxml.html.Element("p")
    paragraph.text = text.strip()
    paragraph.tail = "\n"
    return paragraph


def _loose_text_issue(paragraph: HtmlElement) -> ErrorRecord:
    return ErrorRecord(
        code=ErrorCode.TEXT_OUTSIDE_BLOCK,
        severity=Severity.WARNING,
        message="text outside any element wrapped in <p>",
        path=element_path(paragraph),
    )


def _borrow_image_box(el: HtmlElement) -> list[ErrorRecord]:
    boxed = BOXED_INSIDE(el)
    if not boxed or any(b.tag != "img" or b.getparent() is not el for b in boxed):
        return []
    el.set(BBOX_ATTR, boxed[0].get(BBOX_ATTR))
    return [
        ErrorRecord(
            code=ErrorCode.ORPHAN_BBOX,
            severity=Severity.INFO,
            message=f"<{el.tag}> had no box: took its <img>'s box",
            path=element_path(el),
        )
    ]


def _give_empty_boxes_away(container: HtmlElement) -> list[ErrorRecord]:
    issues: list[ErrorRecord] = []
    for child in _elements(container):
        if not (has_box(child) and child.tag in _BOX_DONORS and is_blank(child)):
            continue
        path = element_path(child)
        receiver = next_element(child)
        if (
            receiver is not None
            and not has_box(receiver)
            and not has_boxed_descendant(receiver)
            and not is_blank(receiver)
        ):
            receiver.set(BBOX_ATTR, child.get(BBOX_ATTR))
            message = f"box of empty <{child.tag}> given to the following <{receiver.tag}>"
            issues.append(_orphan(message, path, Severity.INFO))
        else:
            message = f"empty <{child.tag}> with a box and nothing to give it to: dropped"
            issues.append(_orphan(message, path, Severity.WARNING))
        child.drop_tree()
    return issues


def _orphan(message: str, path: str, severity: Severity) -> ErrorRecord:
    return ErrorRecord(code=ErrorCode.ORPHAN_BBOX, severity=severity, message=message, path=path)
