"""Label normalisation and alias look-up shared by forms and schema-driven extraction.

``norm_key`` is the one rule for comparing printed labels: accents folded (NFKD, combining
marks dropped), case folded (``ß`` -> ``ss``), every run of characters that are not letters or
digits -> one space, ends stripped: ``"Facture n°"`` -> ``"facture n"``,
``"USt-IdNr.:"`` -> ``"ust idnr"``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from weakref import WeakSet

_WORD = re.compile(r"[^\W_]+")


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    decomposed = unicodedata.normalize("NFKD", ch)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def fold(text: str) -> str:
    """Accents and case folded (``"Échéance"`` -> ``"echeance"``)."""
    return "".join(_fold_char(ch) for ch in text)


def norm_with_offsets(text: str) -> tuple[str, list[int]]:
    """``norm_key(text)`` and, for each of its characters, the index in ``text`` it came from."""
    words: list[str] = []
    offsets: list[int] = []
    for m in _WORD.finditer(text):
        word = m.group(0)
        folded = word.lower() if word.isascii() else fold(word)
        if words:
            offsets.append(m.start() - 1)  # the space stands for the gap before the word
        if len(folded) == len(word):
            offsets.extend(range(m.start(), m.end()))
        else:
            for i, ch in enumerate(word, start=m.start()):
                offsets.extend([i] * len(_fold_char(ch)))
        words.append(folded)
    return " ".join(words), offsets


@lru_cache(maxsize=16384)
def norm_key(text: str) -> str:
    """The comparable form of a label (see the module docstring)."""
    return norm_with_offsets(text)[0]


#: Fuzzy matches remembered per index: emptied when full, so a long-running worker that meets
#: millions of distinct labels keeps a bounded cache.
FUZZY_CACHE_SIZE = 4096
_INDEXES: WeakSet[AliasIndex] = WeakSet()


def forget_labels() -> None:
    """Empty the caches of label text (:func:`norm_key` and every index's fuzzy matches): the
    next documents meet no label as already seen, as on a worker's first documents
    (``benchmarks/postprocess_throughput.py`` measures that way)."""
    norm_key.cache_clear()
    for index in list(_INDEXES):
        index._fuzzy.clear()


@dataclass(frozen=True)
class AliasHit:
    """An alias found at the start of a text: which target, which alias, where the rest starts."""

    target: str
    alias: str
    rest_start: int
    exact: bool = True


class AliasIndex:
    """Aliases of many targets (field paths), looked up by whole key or as a text's prefix.

    Where two targets share an alias, the first one added keeps it.
    """

    def __init__(self, entries: Iterable[tuple[str, Iterable[str]]]) -> None:
        self.by_key: dict[str, str] = {}
        self._fuzzy: dict[tuple[str, float], str | None] = {}
        self.by_first_word: dict[str, list[str]] = {}
        for target, aliases in entries:
            for alias in aliases:
                key = norm_key(alias)
                if key and key not in self.by_key:
                    self.by_key[key] = target
                    self.by_first_word.setdefault(key.split(" ", 1)[0], []).append(key)
        for keys in self.by_first_word.values():
            keys.sort(key=len, reverse=True)
        _INDEXES.add(self)

    def lookup(self, label: str, *, fuzzy: float = 1.0) -> AliasHit | None:
        """The target whose alias equals ``label`` (normalised), else the most similar alias
        with a difflib ratio of at least ``fuzzy`` (``fuzzy >= 1`` turns that off)."""
        key = norm_key(label)
        target = self.by_key.get(key)
        if target is not None:
            return AliasHit(target, key, len(label))
        if fuzzy >= 1 or len(key) < 4:
            return None
        if (key, fuzzy) not in self._fuzzy:
            if len(self._fuzzy) >= FUZZY_CACHE_SIZE:
                self._fuzzy.clear()
            self._fuzzy[(key, fuzzy)] = self._most_similar(key, fuzzy)
        best = self._fuzzy[(key, fuzzy)]
        return AliasHit(self.by_key[best], best, len(label), exact=False) if best else None

    def _most_similar(self, key: str, fuzzy: float) -> str | None:
        matcher = SequenceMatcher(None)
        matcher.set_seq2(key)
        best, best_ratio = None, fuzzy
        for alias in self.by_key:
            if alias[0] != key[0] or abs(len(alias) - len(key)) > len(key) * (1 - fuzzy) * 2:
                continue
            matcher.set_seq1(alias)
            if matcher.real_quick_ratio() >= best_ratio and matcher.quick_ratio() >= best_ratio:
                ratio = matcher.ratio()
                if ratio >= best_ratio:
                    best, best_ratio = alias, ratio
        return best

    def prefix(self, text: str) -> AliasHit | None:
        """The longest alias that ``text`` begins with (whole words), and where the rest starts."""
        first = _WORD.search(text)
        if first is None:
            return None
        word = first.group(0)
        keys = self.by_first_word.get(word.lower() if word.isascii() else fold(word))
        if not keys:
            return None
        snippet = text[: first.start() + 2 * len(keys[0]) + 8]
        if snippet.isascii():  # folding is lower-casing: no need to fold word by word
            words = None
            norm = " ".join(_WORD.findall(snippet)).lower()
        else:
            words = _folded_words(snippet)
            norm = " ".join(folded for _, _, folded in words)
        for key in keys:
            if norm.startswith(key) and (len(norm) == len(key) or norm[len(key)] == " "):
                if words is None:  # one character per character: the key's last word's end
                    end = _nth_word_end(snippet, key.count(" ") + 1)
                else:
                    end = _end_of(words, len(key))
                return AliasHit(self.by_key[key], key, end)
        return None


def _nth_word_end(text: str, n: int) -> int:
    """Where the ``n``-th word of ``text`` ends (it has at least ``n``); what :func:`_end_of`
    gives for an ASCII text, whose words fold to words of the same length."""
    for m in _WORD.finditer(text):
        n -= 1
        if not n:
            return m.end()
    raise AssertionError("fewer words than the key")  # the key was read from these words


def _folded_words(text: str) -> list[tuple[int, str, str]]:
    """``(start, word, folded)`` of each word of ``text``, folded as :func:`norm_key` does."""
    return [
        (m.start(), word, word.lower() if word.isascii() else fold(word))
        for m in _WORD.finditer(text)
        for word in (m.group(0),)
    ]


def _end_of(words: list[tuple[int, str, str]], length: int) -> int:
    """Where, in the text, the first ``length`` characters of the folded words joined by spaces
    end (``length`` ends a word): the offset after the last character mapped to them, as
    :func:`norm_with_offsets` maps characters (a character folding to nothing maps nowhere)."""
    position = 0
    for start, word, folded in words:
        position += len(folded)
        if position >= length:
            if word.isascii():  # one folded character per character
                return start + len(word) - (position - length)
            offsets = [i for i, ch in enumerate(word, start) for _ in _fold_char(ch)]
            return offsets[len(offsets) - 1 - (position - length)] + 1
        position += 1  # the space joining the words
    return position
