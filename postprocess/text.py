"""Plain text of a block: what a reader sees, with inline ``$...$`` math kept verbatim.

Block-level boundaries (``p``, ``div``, ``li``, ``br``, ...) become line breaks; runs of other
whitespace become one space; lines are trimmed (Qwen often writes a leading space) and blank lines
dropped. Tables become one line per row with cells separated by tabs, the caption first.
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from postprocess.tree import is_element

#: Elements whose boundaries are line breaks in plain text.
BREAK_TAGS = frozenset(
    "p div li ol ul br hr h1 h2 h3 h4 h5 h6 address caption pre tr thead tbody tfoot".split()
)
_SPACES = re.compile(r"[^\S\n\t]+")
_SOURCE_BREAKS = re.compile(r"[\n\t]")
_CELL_TAGS = ("td", "th")


def block_text(el: HtmlElement) -> str:
    """Plain text of ``el`` (see the module docstring)."""
    if el.tag == "table":
        return table_text(el)
    if len(el) == 0:  # text only (most blocks): no children to walk
        text = el.text
        # _tidy(_flat(text)) in one step: split() breaks at source line breaks and tabs too
        return collapse_spaces(text) if text else ""
    pieces: list[str] = []
    _collect(el, pieces)
    return _tidy("".join(pieces))


def collapse_spaces(text: str) -> str:
    """``" ".join(text.split())``: every whitespace run one space, the ends trimmed.

    A block's text is usually so already, and is then returned as it is: splitting builds one
    string per word and joins them again (about 2 k instructions a paragraph). Every whitespace
    character but the space is unprintable, so a printable text has no run to collapse but
    doubled spaces, and nothing to trim but spaces at its ends. Table cells, mostly a word or
    two, are split directly (:func:`table_text`): for them the test costs more than it saves.
    """
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text
    return " ".join(text.split())


def table_text(table: HtmlElement) -> str:
    """A table as text: its caption, then one line per row, cells separated by tabs."""
    lines: list[str] = []
    # (ElementPath's find("caption") costs half again as much as this C-level filter)
    caption = next(table.iterchildren("caption"), None)
    if caption is not None:
        lines.append(inline_text(caption))
    join = " ".join  # looked up once: this loop runs for every cell of the page's tables
    for row in table.iter("tr"):
        cells: list[str] = []
        for cell in row[:]:  # a slice, built in C, is cheaper to walk than the child iterator
            if cell.tag in _CELL_TAGS:  # a comment's or entity's tag is not a string, never a cell
                if len(cell):
                    cells.append(inline_text(cell))
                else:  # a leaf (most cells): its own text only
                    text = cell.text
                    cells.append(join(text.split()) if text else "")
        lines.append("\t".join(cells))
    return "\n".join([line for line in lines if line.strip()])


def inline_text(el: HtmlElement) -> str:
    """Text of ``el`` on one line, all whitespace collapsed."""
    if len(el) == 0 and el.tag != "table":  # a leaf (most table cells): its own text only
        return " ".join((el.text or "").split())
    return " ".join(block_text(el).split())


def _collect(el: HtmlElement, out: list[str]) -> None:
    if el.text:
        out.append(_flat(el.text))
    for child in el:
        if is_element(child):
            if child.tag == "table":
                out.extend(("\n", table_text(child), "\n"))
            else:
                breaks = child.tag in BREAK_TAGS
                if breaks:
                    out.append("\n")
                _collect(child, out)
                if breaks:
                    out.append("\n")
        if child.tail:
            out.append(_flat(child.tail))


def _flat(source: str) -> str:
    """Source line breaks and tabs are plain whitespace in HTML; breaks come from elements."""
    return _SOURCE_BREAKS.sub(" ", source)


def _tidy(text: str) -> str:
    if "\n" not in text and "\t" not in text:  # one line without cells (most blocks)
        return " ".join(text.split())  # every whitespace run one space, ends trimmed
    lines = (_SPACES.sub(" ", line).strip(" ") for line in text.split("\n"))
    return "\n".join(line for line in lines if line.strip())
