"""Small helpers over the lxml element trees that the post-processing modules share."""

from __future__ import annotations

from collections.abc import Iterable

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


#: Every element carrying a ``data-bbox`` inside the context node (compiled once).
BOXED_INSIDE = etree.XPath(f".//*[@{BBOX_ATTR}]")


# The two tests below walk in Python and stop at the first box: libxml2's XPath would build the
# whole node-set first (``boolean(//*[@data-bbox])`` costs ~30 us on a 270-element page, the walk
# ~1 us, as the first block usually has its box).
def has_boxed_descendant(el: HtmlElement) -> bool:
    """True when some element strictly inside ``el`` carries a ``data-bbox``."""
    return any(d.get(BBOX_ATTR) is not None for d in el.iterdescendants(etree.Element))


def any_boxed(nodes: Iterable[HtmlElement]) -> bool:
    """True when some element among ``nodes`` (a tree's ``list(root.iter())``, comments and
    processing instructions included) carries a ``data-bbox``. The box is read first: most
    nodes are elements without one, and a comment's or PI's look-alike is ignored."""
    return any(node.get(BBOX_ATTR) is not None and is_element(node) for node in nodes)


def is_blank(el: HtmlElement) -> bool:
    """True when ``el`` shows nothing: no text and no image (empty wrappers and breaks only)."""
    text = el.text
    if text and not text.isspace():  # text of its own: not blank, image or not
        return False
    if el.tag == "img" or any(is_element(d) and d.tag == "img" for d in el.iterdescendants()):
        return False
    return not "".join(el.itertext()).strip()


def child_element(el: HtmlElement, tag: str) -> HtmlElement | None:
    """The first child of ``el`` with this tag, or None: ``el.find(tag)`` for a plain tag name.

    A loop over the children: ``find`` goes through ElementPath (some 10 k instructions a call),
    and this serves parents with few children (``<html>``'s ``<head>`` and ``<body>``).
    """
    for child in el:
        if child.tag == tag:  # a comment's tag is a function, never equal
            return child
    return None


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


#: Tags whose childless elements :func:`leaf_html` writes itself: ones libxml2 always closes
#: with an end tag, with their text escaped as anywhere outside ``<script>`` and ``<style>``.
LEAF_HTML_TAGS = frozenset("p h1 h2 h3 h4 h5 h6".split())


def leaf_html(el: HtmlElement, tag: str, box: str, text: str | None) -> str:
    """:func:`outer_html` of a childless ``el`` of a tag in :data:`LEAF_HTML_TAGS` whose one
    attribute is its ``data-bbox``, ``box``, of digits and spaces only, and whose text is ``text``.

    Written here as libxml2 writes it: a formatted string costs a tenth of a serialiser call.
    Checked against the serialiser once at import; where libxml2 writes otherwise, it is used.
    """
    return _written_leaf(tag, box, text) if _LEAF_HTML_MATCHES else outer_html(el)


def _written_leaf(tag: str, box: str, text: str | None) -> str:
    """The element's HTML as libxml2 writes it: the text with ``&``, ``<`` and ``>`` escaped,
    nothing else."""
    if not text:
        return f'<{tag} {BBOX_ATTR}="{box}"></{tag}>'
    if "&" in text or "<" in text or ">" in text:
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f'<{tag} {BBOX_ATTR}="{box}">{text}</{tag}>'


def _leaf_html_matches() -> bool:
    """Whether :func:`_written_leaf` writes what the serialiser writes, for every tag it takes
    and texts with the characters it escapes, quotes, controls libxml2 keeps, and non-ASCII."""
    probe = lxml.html.document_fromstring("<p>x</p>").find("body/p")
    box = "0 12 345 6789"
    for tag in sorted(LEAF_HTML_TAGS):
        for text in (None, "", " a&b <c> &amp; \"d\" 'e'\t\n\r\xa0 £ é € ☒ \U0001f600 "):
            probe.clear()
            probe.tag, probe.text = tag, text
            probe.set(BBOX_ATTR, box)
            if outer_html(probe) != _written_leaf(tag, box, text):
                return False
    return True


def next_element(el: HtmlElement) -> HtmlElement | None:
    """The next sibling that is an element (comments skipped), or None."""
    sibling = el.getnext()
    while sibling is not None and not is_element(sibling):
        sibling = sibling.getnext()
    return sibling


_LEAF_HTML_MATCHES = _leaf_html_matches()
