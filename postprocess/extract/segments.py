"""Cut a block's text into segments and ``Key: value`` pieces, keeping character offsets.

Segments: the block's lines, further cut at inline separators (`` · ``, `` | ``, `` • ``).

Pieces of a segment: every colon followed by a space or the end of the segment ends a key. The
first key of a segment is everything before its colon when that is short (at most five words,
40 characters, beginning with a letter, ``#`` or ``№``); otherwise, like any later key, it is the
shortest run of at most four words before the colon that begins with a capital letter
(``"30 days net Bank: UBS"`` -> key ``Bank``), or, when ``known`` is given, the longest such run
that is a known label; such a key needs a value after it (``"... as follows:"`` opens none). A
value runs to the next key. Text before the first key is a piece
without a key.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from itertools import islice
from typing import NamedTuple

#: ``\s+[·|•]\s+`` written with a single ``\s`` first: a pattern that begins with a character
#: class is tried only where such a character is (one that begins with a repeat, everywhere)
_SEPARATOR = re.compile(r"\s\s*[·|•]\s+")
_WORD = re.compile(r"\S+")
MAX_KEY_WORDS = 5
MAX_KEY_CHARS = 40


class Piece(NamedTuple):
    """Offsets into the block text: the key (absent for unpaired text) and the value."""

    key_start: int | None
    key_end: int | None
    value_start: int
    value_end: int

    def key(self, text: str) -> str:
        return text[self.key_start : self.key_end].strip() if self.key_start is not None else ""

    def value(self, text: str) -> str:
        return text[self.value_start : self.value_end].strip()


#: ``new_tuple(Piece, fields)`` builds a Piece without the Python frame of a NamedTuple's
#: ``__new__`` (under half the cost; a piece is built for every segment of every block).
new_tuple = tuple.__new__


def has_separator(text: str) -> bool:
    """``text`` holds an inline separator (`` · ``, `` | ``, `` • ``)."""
    return ("·" in text or "|" in text or "•" in text) and _SEPARATOR.search(text) is not None


def segments(text: str) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of each line of ``text``, cut at inline separators."""
    if "\n" not in text and not has_separator(text):  # one line, one segment
        yield 0, len(text)
        return
    yield from cut_segments(text)


def cut_segments(text: str) -> list[tuple[int, int]]:
    """:func:`segments` of a text known to hold a line break or a separator (its test, a scan of
    the text, not made twice)."""
    out: list[tuple[int, int]] = []
    offset = 0
    for line in text.split("\n"):
        start = offset
        for sep in _SEPARATOR.finditer(line):
            out.append((start, offset + sep.start()))
            start = offset + sep.end()
        out.append((start, offset + len(line)))
        offset += len(line) + 1
    return out


def pieces(
    text: str, start: int, end: int, known: Callable[[str], bool] | None = None
) -> list[Piece]:
    """``Key: value`` pieces of ``text[start:end]`` (see the module docstring)."""
    colon = text.find(":", start, end)
    if colon < 0:  # no colon: one piece without a key
        return [new_tuple(Piece, (None, None, start, end))]
    keys: list[tuple[int, int, int]] = []  # key start, key end, value start
    cursor = start
    scan = start  # where the search for the next colon match starts (the last match's end)
    # The matches of _COLON (``\s?:(?=\s|$)`` within ``start:end``), found with str.find: a
    # regex search for a pattern that may begin with white space tries every character.
    while colon >= 0:
        after = colon + 1
        if after == end or text[after].isspace():
            if colon > scan and text[colon - 1].isspace():
                colon -= 1  # the match takes one white space before the colon
            key_start = _key_start(text, cursor, colon, after, end, first=not keys, known=known)
            if key_start is not None:
                keys.append((key_start, colon, after))
                cursor = after
            scan = after
        colon = text.find(":", after, end)
    out: list[Piece] = []
    if not keys or text[start : keys[0][0]].strip():
        out.append(new_tuple(Piece, (None, None, start, keys[0][0] if keys else end)))
    for i, (k_start, k_end, v_start) in enumerate(keys):
        v_end = keys[i + 1][0] if i + 1 < len(keys) else end
        out.append(new_tuple(Piece, (k_start, k_end, v_start, v_end)))
    return out


def _key_start(
    text: str,
    lo: int,
    colon: int,
    after: int,
    end: int,
    *,
    first: bool,
    known: Callable[[str], bool] | None,
) -> int | None:
    """Where the key before the colon match ``colon:after`` begins (``lo``: the end of the last
    key's colon), or None when there is none."""
    before = text[lo:colon]
    key = before.lstrip()  # from the first word on (str.lstrip: the same white space as \S)
    if not key:
        return None
    if first and _short_key(key):
        return colon - len(key)
    if not text[after:end].strip():  # "... as follows:" ends a sentence, it does not open a field
        return None
    # the starts of the last four words before the colon: the first four words of the text
    # reversed (a word's characters reversed are a word), so that a long sentence before the
    # colon is not cut into all its words
    tail = [colon - m.end() for m in islice(_WORD.finditer(before[::-1]), 4)]
    tail.reverse()
    if known is not None:
        for pos in tail:
            if known(text[pos:colon]):
                return pos
    for pos in reversed(tail):
        if text[pos].isupper() or text[pos] in "#№":
            return pos if _short_key(text[pos:colon]) else None
    return None


def _short_key(key: str) -> bool:
    key = key.strip()
    return (
        len(key) <= MAX_KEY_CHARS
        and (key[:1].isalpha() or key[:1] in "#№")
        and not key[-1:].isdigit()
        # counted last (the other tests are cheaper), at most 6 parts split off
        and len(key.split(None, MAX_KEY_WORDS)) <= MAX_KEY_WORDS
    )
