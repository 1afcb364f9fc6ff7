"""Plain text helpers: the whitespace collapse's shortcut against the plain split and join."""

from __future__ import annotations

import sys

import pytest

from postprocess.text import collapse_spaces


def test_every_whitespace_but_the_space_is_unprintable() -> None:
    """What collapse_spaces' shortcut relies on, for every code point."""
    spaces = [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()]
    assert [c for c in spaces if c.isprintable()] == [" "]


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "word",
        "two words",
        " leading",
        "trailing ",
        "double  space",
        "tab\there",
        "line\nbreak",
        "no\xa0break",
        "ideographic\u3000space",
        "thin\u2009space",
        "line\u2028separator",
        "zero\u200bwidth",
        "soft\xadhyphen",
        "£3,024.00 – €5 ☒ \U0001f600",
        "  \t\n ",
    ],
)
def test_collapse_spaces_is_split_and_join(text: str) -> None:
    assert collapse_spaces(text) == " ".join(text.split())
