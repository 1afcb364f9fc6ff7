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
from typing import NamedTuple

_SEPARATOR = re.compile(r"\s+[·|•]\s+")
_COLON = re.compile(r"\s?:(?=\s|$)")
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


def _has_separator(text: str) -> bool:
    return ("·" in text or "|" in text or "•" in text) and _SEPARATOR.search(text) is not None


def segments(text: str) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of each line of ``text``, cut at inline separators."""
    if "\n" not in text and not _has_separator(text):  # one line, one segment
        yield 0, len(text)
        return
    offset = 0
    for line in text.split("\n"):
        start = offset
        for sep in _SEPARATOR.finditer(line):
            yield start, offset + sep.start()
            start = offset + sep.end()
        yield start, offset + len(line)
        offset += len(line) + 1


def pieces(
    text: str, start: int, end: int, known: Callable[[str], bool] | None = None
) -> list[Piece]:
    """``Key: value`` pieces of ``text[start:end]`` (see the module docstring)."""
    if text.find(":", start, end) < 0:  # no colon: one piece without a key
        return [Piece(None, None, start, end)]
    keys: list[tuple[int, int, int]] = []  # key start, key end, value start
    cursor = start
    for colon in _COLON.finditer(text, start, end):
        at_end = not text[colon.end() : end].strip()
        key_start = _key_start(
            text, cursor, colon.start(), first=not keys, at_end=at_end, known=known
        )
        if key_start is None:
            continue
        keys.append((key_start, colon.start(), colon.end()))
        cursor = colon.end()
    out: list[Piece] = []
    if not keys or text[start : keys[0][0]].strip():
        out.append(Piece(None, None, start, keys[0][0] if keys else end))
    for i, (k_start, k_end, v_start) in enumerate(keys):
        v_end = keys[i + 1][0] if i + 1 < len(keys) else end
        out.append(Piece(k_start, k_end, v_start, v_end))
    return out


def _key_start(
    text: str,
    lo: int,
    colon: int,
    *,
    first: bool,
    at_end: bool,
    known: Callable[[str], bool] | None,
) -> int | None:
    first_word = _WORD.search(text, lo, colon)
    if first_word is None:
        return None
    if first and _short_key(text[first_word.start() : colon]):
        return first_word.start()
    if at_end:  # "... as follows:" ends a sentence, it does not open a field
        return None
    # the starts of the last four words before the colon (found only when needed: most keys
    # are a segment's first and short)
    tail = [m.start() for m in _WORD.finditer(text, lo, colon)][-4:]
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
        and len(key.split()) <= MAX_KEY_WORDS  # counted last: the other tests are cheaper
    )
