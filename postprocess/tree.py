"""Small helpers over the lxml element trees that the post-processing modules share."""

from __future__ import annotations

import lxml.html
from lxml import etree
from lxml.html import HtmlElement

#: The attribute that carries a layout block's box in QwenVL HTML.
BBOX_ATTR = "data-bbox"

#: Elements with no content model (never closed in HTML).
VOID_TAGS = frozenset(
    "area base br col embed hr img input link meta param source track wbr".split()
)


def is_element(node: object) -> bool:
    """True for elements; False for comments, processing instructions and entities."""
    return isinstance(getattr(node, "tag", None), str)


def has_box(el: HtmlElement) -> bool:
    """True when the element itself carries a ``data-bbox`` attribute (even an empty one)."""
    return el.get(BBOX_ATTR) is not None


_BOXED_DESCENDANT = etree.XPath(f"boolean(.//*[@{BBOX_ATTR}])")
#: Every element carrying a ``data-bbox`` inside the context node (compiled once).
BOXED_INSIDE = etree.XPath(f".//*[@{BBOX_ATTR}]")
#: Whether any element of the tree carries a ``data-bbox`` (compiled once).
ANY_BOXED = etree.XPath(f"boolean(//*[@{BBOX_ATTR}])")


def has_boxed_descendant(el: HtmlElement) -> bool:
    """True when some element strictly inside ``el`` carries a ``data-bbox``."""
    return bool(_BOXED_DESCENDANT(el))


def is_blank(el: HtmlElement) -> bool:
    """True when ``el`` shows nothing: no text and no image (empty wrappers and breaks only)."""
    if el.text and not el.text.isspace():  # text of its own: not blank, image or not
        return False
    if el.tag == "img" or any(is_element(d) and d.tag == "img" for d in el.iterdescendants()):
        return False
    return not "".join(el.itertext()).strip()


def class_names(el: HtmlElement) -> list[str]:
    """The element's class names in the order written."""
    return (el.get("class") or "").split()


def element_path(el: HtmlElement) -> str:
    """XPath of ``el`` in its tree, e.g. ``/html/body/p[3]``."""
    return str(el.getroottree().getpath(el))


def outer_html(el: HtmlElement) -> str:
    """The element serialised as HTML, without its tail text."""
    return str(lxml.html.tostring(el, encoding="unicode", with_tail=False))


def next_element(el: HtmlElement) -> HtmlElement | None:
    """The next sibling that is an element (comments skipped), or None."""
    sibling = el.getnext()
    while sibling is not None and not is_element(sibling):
        sibling = sibling.getnext()
    return sibling
