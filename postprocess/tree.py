"""Small helpers over the lxml element trees that the post-processing modules share."""

from __future__ import annotations

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


#: Every element carrying a ``data-bbox`` inside the context node (compiled once).
BOXED_INSIDE = etree.XPath(f".//*[@{BBOX_ATTR}]")


# The two tests below walk in Python and stop at the first box: libxml2's XPath would build the
# whole node-set first (``boolean(//*[@data-bbox])`` costs ~30 us on a 270-element page, the walk
# ~1 us, as the first block usually has its box).
def has_boxed_descendant(el: HtmlElement) -> bool:
    """True when some element strictly inside ``el`` carries a ``data-bbox``."""
    return any(d.get(BBOX_ATTR) is not None for d in el.iterdescendants(etree.Element))


def any_boxed(root: HtmlElement) -> bool:
    """True when ``root`` or some element inside it carries a ``data-bbox``."""
    return any(el.get(BBOX_ATTR) is not None for el in root.iter(etree.Element))


def is_blank(el: HtmlElement) -> bool:
    """True when ``el`` shows nothing: no text and no image (empty wrappers and breaks only)."""
    text = el.text
    if text and not text.isspace():  # text of its own: not blank, image or not
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
    """The element of a sanitised tree serialised as HTML, without its tail text.

    ``etree.tostring`` directly: ``lxml.html.tostring`` adds only a regex pass over the output
    that deletes a ``<meta http-equiv="Content-Type">``, and a sanitised tree holds no ``<meta>``
    (nor a ``<head>`` for libxml2 to write one into).
    """
    return str(etree.tostring(el, method="html", encoding="unicode", with_tail=False))


def next_element(el: HtmlElement) -> HtmlElement | None:
    """The next sibling that is an element (comments skipped), or None."""
    sibling = el.getnext()
    while sibling is not None and not is_element(sibling):
        sibling = sibling.getnext()
    return sibling
