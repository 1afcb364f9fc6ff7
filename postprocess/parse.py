"""Parse reply HTML with lxml, safely, and serialise it back.

The parser recovers from broken markup (unclosed elements, a tag cut in half), never touches the
network, drops comments and processing instructions, and keeps libxml2's default limits on depth
and text size (``huge_tree`` off). The HTML parser does not expand entities declared in a
DOCTYPE's internal subset; such a subset is cut out before parsing anyway, so its declarations
cannot leak into the text as stray ``]>``, and the attempt is reported.
"""

from __future__ import annotations

import re
import threading

import lxml.html
from lxml import etree
from lxml.html import HtmlElement

from postprocess.tree import child_element
from schemas.errors import ErrorCode, ErrorRecord, Severity

_INTERNAL_SUBSET_DOCTYPE = re.compile(r"<!DOCTYPE[^\[>]*\[.*?\]\s*>", re.IGNORECASE | re.DOTALL)
_MARKUP = re.compile(r"<[A-Za-z!/?]")
#: Characters XML (hence lxml's text nodes) cannot hold: C0 controls but tab/LF/CR, U+FFFE/FFFF.
_NOT_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_C0_CONTROLS = bytes([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])


def safe_parser() -> lxml.html.HTMLParser:
    """A fresh recovering HTML parser with no network access (parsers are not thread-safe).

    Every element is an ``HtmlElement`` (comments, processing instructions and entities their
    ``lxml.html`` classes): lxml.html's default look-up, which picks form-element subclasses by
    tag name, runs Python code for every element touched, and nothing here uses those classes.
    """
    parser = lxml.html.HTMLParser(
        recover=True,
        no_network=True,
        remove_comments=True,
        remove_pis=True,
        default_doctype=False,
        huge_tree=False,
        encoding="utf-8",
    )
    parser.set_element_class_lookup(_LOOKUP)
    return parser


_LOOKUP = etree.ElementDefaultClassLookup(
    element=lxml.html.HtmlElement,
    comment=lxml.html.HtmlComment,
    pi=lxml.html.HtmlProcessingInstruction,
    entity=lxml.html.HtmlEntity,
)
_THREAD = threading.local()


def _parser() -> lxml.html.HTMLParser:
    """This thread's parser (a parser may be reused, but not shared between threads)."""
    parser: lxml.html.HTMLParser | None = getattr(_THREAD, "parser", None)
    if parser is None:
        parser = _THREAD.parser = safe_parser()
    return parser


def _has_non_xml_chars(text: str, data: bytes) -> bool:
    """Whether ``text`` (``data`` is its UTF-8) holds a character of :data:`_NOT_XML_CHARS`.

    C0 controls are looked for on the bytes (each is its own byte); U+FFFE/U+FFFF on the text:
    in a string of only Latin-1 characters (most replies) CPython finds them absent without a
    scan, where a search of the bytes for ``EF BF BE`` reads them all.
    """
    return (
        len(data.translate(None, _C0_CONTROLS)) != len(data) or "\ufffe" in text or "\uffff" in text
    )


def looks_like_markup(text: str) -> bool:
    """True when ``text`` holds at least one tag, declaration or end tag."""
    return _MARKUP.search(text) is not None


def parse_document(markup: str) -> tuple[HtmlElement | None, list[ErrorRecord]]:
    """Parse ``markup`` into an ``<html>`` element that always has a ``<body>``.

    Returns ``(None, issues)`` when libxml2 finds no element at all (only comments, say).
    """
    issues: list[ErrorRecord] = []
    cleaned, removed = _INTERNAL_SUBSET_DOCTYPE.subn("", markup) if "<!" in markup else (markup, 0)
    if removed:
        issues.append(
            ErrorRecord(
                code=ErrorCode.UNSAFE_CONTENT,
                severity=Severity.WARNING,
                message="DOCTYPE with an internal subset (entity declarations) removed unread",
            )
        )
    data = cleaned.encode("utf-8", errors="replace")  # a lone surrogate becomes "?"
    if _has_non_xml_chars(cleaned, data):
        cleaned, stripped = _NOT_XML_CHARS.subn("", cleaned)
        issues.append(
            ErrorRecord(
                code=ErrorCode.MALFORMED_HTML,
                severity=Severity.WARNING,
                message=f"{stripped} control character(s) removed",
            )
        )
        data = cleaned.encode("utf-8", errors="replace")
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError:
        root = None
    if root is None:
        return None, issues
    if child_element(root, "body") is None:
        root.append(lxml.html.Element("body"))
    return root, issues


def serialize(root: HtmlElement) -> str:
    """A sanitised tree as HTML text (no DOCTYPE).

    ``etree.tostring`` directly: ``lxml.html.tostring`` adds only a regex pass over the output
    that deletes a ``<meta http-equiv="Content-Type">``, and a sanitised tree holds no ``<meta>``
    (nor a ``<head>`` for libxml2 to write one into).
    """
    return str(etree.tostring(root, method="html", encoding="unicode"))
