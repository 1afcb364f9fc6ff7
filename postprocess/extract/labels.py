"""Label normalisation and alias look-up shared by forms and schema-driven extraction.

``norm_key`` is the one rule for comparing printed labels: accents folded (NFKD, combining
marks dropped), case folded (``ß`` -> ``ss``), every run of characters that are not letters or
digits -> one space, ends stripped: ``"Facture n°"`` -> ``"facture n"``,
``"USt-IdNr.:"`` -> ``"ust idnr"``.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable
from difflib import SequenceMatcher
from functools import lru_cache
from operator import itemgetter
from typing import NamedTuple
from weakref import WeakSet

#: A word as :func:`norm_key` keeps it (letters and digits).
WORD = re.compile(r"[^\W_]+")


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    decomposed = unicodedata.normalize("NFKD", ch)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def fold(text: str) -> str:
    """Accents and case folded (``"Échéance"`` -> ``"echeance"``)."""
    return "".join(_fold_char(ch) for ch in text)


@lru_cache(maxsize=16384)
def norm_key(text: str) -> str:
    """The comparable form of a label (see the module docstring)."""
    if text.isascii():  # folding is lower-casing: the joined words lower-cased at once
        return " ".join(WORD.findall(text)).lower()
    return " ".join(word.lower() if word.isascii() else fold(word) for word in WORD.findall(text))


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


#: An alias as the fuzzy match reads it: ``(alias, length, character counts, characters, place
#: in the index's by_key)``.
_Alias = tuple[str, int, dict[str, int], frozenset[str], int]


class AliasHit(NamedTuple):
    """An alias found at the start of a text: which target, which alias, where the rest starts.
    A named tuple: one is made per label found, and a frozen dataclass is dearer to build."""

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
        #: ``(alias, length, character counts, characters, place in by_key)`` by the alias's
        #: first character, shortest first, and their lengths: what the fuzzy match compares,
        #: read once per index, not once per label
        self._by_first_char: dict[str, tuple[list[int], list[_Alias]]] = {}
        for target, aliases in entries:
            for alias in aliases:
                key = norm_key(alias)
                if key and key not in self.by_key:
                    self.by_key[key] = target
                    self.by_first_word.setdefault(key.split(" ", 1)[0], []).append(key)
        for keys in self.by_first_word.values():
            keys.sort(key=len, reverse=True)
        by_first_char: dict[str, list[_Alias]] = {}
        for place, key in enumerate(self.by_key):
            entry = (key, len(key), dict(Counter(key)), frozenset(key), place)
            by_first_char.setdefault(key[0], []).append(entry)
        for first, group in by_first_char.items():
            group.sort(key=itemgetter(1))  # stable: equally long ones in by_key's order
            self._by_first_char[first] = ([entry[1] for entry in group], group)
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
        """The alias of ``key``'s first character with the best difflib ratio (the last of equals)
        of at least ``fuzzy``. ``SequenceMatcher.real_quick_ratio`` and ``quick_ratio`` are
        computed here from lengths and character counts (the same numbers, no matcher set up per
        alias); the matcher itself is made only for an alias that passes both. Only the aliases
        of about the key's length are visited (most aliases differ in length by more than the
        slack); of equal ratios, the alias last in ``by_key`` wins, as in a walk in that order."""
        found = self._by_first_char.get(key[0])
        if found is None:
            return None
        lengths, aliases = found
        size = len(key)
        slack = size * (1 - fuzzy) * 2
        # the aliases within the slack and a little more (the exact test is the one below)
        lo, hi = bisect_left(lengths, size - slack - 1), bisect_right(lengths, size + slack + 1)
        chars = set(key)
        matcher: SequenceMatcher[str] | None = None
        best, best_ratio, best_place = None, fuzzy, -1
        for alias, length, alias_counts, alias_chars, place in aliases[lo:hi]:
            if abs(length - size) > slack:
                continue
            total = length + size
            if 2.0 * min(length, size) / total < best_ratio:  # real_quick_ratio
                continue
            # at most as many characters in common as the sets of characters allow (each
            # character of one text that the other lacks is one not in common): two set
            # differences in C reject almost every alias before the characters are counted
            common = min(length - len(alias_chars - chars), size - len(chars - alias_chars))
            if 2.0 * common / total < best_ratio:
                continue
            matches = sum(min(n, key.count(ch)) for ch, n in alias_counts.items())
            if 2.0 * matches / total < best_ratio:  # quick_ratio: the characters in common
                continue
            if matcher is None:
                matcher = SequenceMatcher(None)
                matcher.set_seq2(key)
            matcher.set_seq1(alias)
            ratio = matcher.ratio()
            if ratio > best_ratio or (ratio == best_ratio and place > best_place):
                best, best_ratio, best_place = alias, ratio, place
        return best

    def prefix(self, text: str) -> AliasHit | None:
        """The longest alias that ``text`` begins with (whole words), and where the rest starts."""
        first = WORD.search(text)
        if first is None:
            return None
        word = first.group(0)
        keys = self.by_first_word.get(word.lower() if word.isascii() else fold(word))
        if not keys:
            return None
        snippet = text[: first.start() + 2 * len(keys[0]) + 8]
        joined = " ".join(WORD.findall(snippet))
        if joined.isascii():  # folding is lower-casing: no need to fold word by word
            words = None
            norm = joined.lower()
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
    for m in WORD.finditer(text):
        n -= 1
        if not n:
            return m.end()
    raise AssertionError("fewer words than the key")  # the key was read from these words


def _folded_words(text: str) -> list[tuple[int, str, str]]:
    """``(start, word, folded)`` of each word of ``text``, folded as :func:`norm_key` does."""
    return [
        (m.start(), word, word.lower() if word.isascii() else fold(word))
        for m in WORD.finditer(text)
        for word in (m.group(0),)
    ]


def _end_of(words: list[tuple[int, str, str]], length: int) -> int:
    """Where, in the text, the first ``length`` characters of the folded words joined by spaces
    end (``length`` ends a word): the offset after the last character mapped to them, as
    :func:`fold` folds each character (a character folding to nothing maps nowhere)."""
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
