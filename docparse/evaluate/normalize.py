"""Text normalisation shared by the metrics, and OmniDocBench's table normalisation.

``normalize_text`` is the one place that decides when two strings "say the same thing":
Unicode NFKC (ligatures, full-width forms, the micro sign become their plain forms), optional
folding of typographic quotes and dashes to ASCII (olmOCR-Bench does this before its fact tests),
whitespace runs collapsed to one space, ends stripped, optional case folding.

``normalize_table`` applies OmniDocBench's table normalisation before TEDS (OmniDocBench,
Ouyang et al. 2024, "OmniDocBench: Benchmarking Diverse PDF Document Parsing with Comprehensive
Annotations", table evaluation): ``th`` becomes ``td``; ``thead``/``tbody``/``tfoot`` wrappers are
removed (their rows kept); presentational attributes (style, class, width, height, align) are
dropped; cell text is NFKC-normalised with whitespace collapsed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator

import lxml.html
from lxml import etree

from docparse.evaluate.htmltables import outermost_tables, parse_html

__all__ = ["normalize_table", "normalize_table_html", "normalize_text"]

_WHITESPACE = re.compile(r"\s+")
#: Typographic punctuation folded to ASCII (the set olmOCR-Bench folds).
_PUNCTUATION = str.maketrans(
    {
        "\u2018": "'",  # left single quote
        "\u2019": "'",  # right single quote / apostrophe
        "\u201a": "'",  # single low quote
        "\u201c": '"',  # left double quote
        "\u201d": '"',  # right double quote
        "\u201e": '"',  # double low quote
        "\u2010": "-",  # hyphen
        "\u2011": "-",  # non-breaking hyphen
        "\u2012": "-",  # figure dash
        "\u2013": "-",  # en dash
        "\u2014": "-",  # em dash
        "\u2212": "-",  # minus sign
    }
)
_DROPPED_ATTRIBUTES = ("style", "class", "width", "height", "align")
_WRAPPERS = ("thead", "tbody", "tfoot")


def normalize_text(text: str, *, casefold: bool = False, fold_punctuation: bool = False) -> str:
    """NFKC, optional quote/dash folding, whitespace collapsed and stripped, optional casefold."""
    text = unicodedata.normalize("NFKC", text)
    if fold_punctuation:
        text = text.translate(_PUNCTUATION)
    text = _WHITESPACE.sub(" ", text).strip()
    return text.casefold() if casefold else text


def _collapse(text: str | None) -> str | None:
    if text is None:
        return None
    return _WHITESPACE.sub(" ", unicodedata.normalize("NFKC", text))


def _text_slots(element: etree._Element, with_tail: bool) -> Iterator[tuple[etree._Element, str]]:
    """The element's text slots (``text``/``tail`` attributes) in reading order."""
    yield element, "text"
    for child in element:
        if isinstance(child.tag, str):
            yield from _text_slots(child, True)
    if with_tail:
        yield element, "tail"


def _strip_end(slots: list[tuple[etree._Element, str]], strip: Callable[[str], str]) -> None:
    for element, attr in slots:
        value = getattr(element, attr)
        if not value:
            continue
        stripped = strip(value)
        setattr(element, attr, stripped)
        if stripped:
            return


def _normalize_cell(cell: etree._Element) -> None:
    """Collapse whitespace inside a cell and strip it at the cell's two ends."""
    slots = list(_text_slots(cell, False))
    for element, attr in slots:
        setattr(element, attr, _collapse(getattr(element, attr)))
    _strip_end(slots, str.lstrip)
    _strip_end(slots[::-1], str.rstrip)


def normalize_table(table: etree._Element) -> None:
    """Apply OmniDocBench's normalisation to a parsed ``<table>`` element, in place."""
    etree.strip_tags(table, *_WRAPPERS)
    for element in table.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag == "th":
            element.tag = "td"
        for name in _DROPPED_ATTRIBUTES:
            element.attrib.pop(name, None)
    for cell in table.iter("td"):
        _normalize_cell(cell)


def normalize_table_html(html: str) -> str:
    """Normalise every ``<table>`` in ``html`` (see :func:`normalize_table`); returns the tables."""
    root = parse_html(html)
    if root is None:
        return ""
    tables = outermost_tables(root)
    for table in tables:
        normalize_table(table)
    return "".join(lxml.html.tostring(t, encoding="unicode", with_tail=False) for t in tables)
