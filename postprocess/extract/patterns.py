"""Text patterns with their own validation: IBANs (ISO 13616, mod 97) and VAT/tax ids.

IBANs are found printed with or without spaces; the groups after the country code and check
digits are taken as long as the result can still be an IBAN, then shortened until the length
fits the country (registry lengths below, else 15-34) and the mod-97 checksum holds, so a
following ``BIC`` or word is never swallowed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from string import ascii_uppercase, digits
from typing import NamedTuple

#: IBAN lengths by country (SWIFT IBAN registry), for the countries most often met.
IBAN_LENGTHS = {
    "AD": 24, "AT": 20, "BE": 16, "BG": 22, "CH": 21, "CY": 28, "CZ": 24, "DE": 22, "DK": 18,
    "EE": 20, "ES": 24, "FI": 18, "FR": 27, "GB": 22, "GR": 27, "HR": 21, "HU": 28, "IE": 22,
    "IS": 26, "IT": 27, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MT": 31, "NL": 18,
    "NO": 15, "PL": 28, "PT": 25, "RO": 24, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "TR": 26,
}  # fmt: skip
#: The start of an IBAN. Written ``[A-Z](?<![A-Za-z0-9].)[A-Z]`` rather than
#: ``(?<![A-Za-z0-9])[A-Z]{2}``: a pattern that begins with a character class lets the regex
#: engine skip every position whose character is not in it (a look-behind first tries them all).
_IBAN_START = re.compile(r"([A-Z](?<![A-Za-z0-9].)[A-Z])\s?(\d{2})((?:\s?[A-Za-z0-9]){8,32})")
#: A compact IBAN's shape: country code, check digits, 11 to 30 letters and digits.
_COMPACT_IBAN = re.compile(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}")
#: VAT / tax ids by shape: Swiss UID (with its MWST/TVA/IVA suffix when printed), EU VAT ids.
_TAX_ID_SHAPES = (
    r"CHE[-\s]?\d{3}\.?\d{3}\.?\d{3}(?:\s?(?:MWST|TVA|IVA|VAT))?",
    r"ATU\d{8}", r"BE0?\d{9,10}", r"DE\d{9}", r"DK\d{8}", r"ES[A-Z0-9]\d{7}[A-Z0-9]",
    r"FR[A-Z0-9]{2}\d{9}", r"GB(?:\d{9}|\d{12}|GD\d{3}|HA\d{3})", r"IE\d{7}[A-Z]{1,2}",
    r"IT\d{11}", r"LU\d{8}", r"NL\d{9}B\d{2}", r"PL\d{10}", r"PT\d{9}", r"SE\d{12}",
    r"CZ\d{8,10}", r"EL\d{9}", r"FI\d{8}",
)  # fmt: skip
#: A tax id not glued to a word or dash: ``(?<![\w-])`` before it, ``(?![\w-])`` after it. The
#: look-behind is checked after each shape's first letter (``(?<![\w-].)``, the same test):
#: alternatives that all begin with a letter let the regex engine skip every position whose
#: character begins none of them, instead of trying the look-behind at each.
TAX_ID = re.compile(
    "(?:" + "|".join(shape[0] + r"(?<![\w-].)" + shape[1:] for shape in _TAX_ID_SHAPES) + ")"
    r"(?![\w-])"
)
#: Joins texts scanned as one (:func:`scan_joined`): no pattern here matches it, and next to it
#: their look-arounds hold as at the end of a text.
TEXT_BREAK = "\x00"
#: The mod-97 reading of an IBAN's characters (``0`` -> ``0`` ... ``A`` -> ``10`` ... ``Z`` ->
#: ``35``, as ``int(ch, 36)``): one ``str.translate`` instead of ``int`` and ``str`` for every
#: character (the digits are in the table too: a character missing from it is a dearer look-up).
_IBAN_DIGITS = str.maketrans({ch: str(int(ch, 36)) for ch in digits + ascii_uppercase})


class Found(NamedTuple):
    value: str
    start: int
    end: int


def iban_valid(iban: str) -> bool:
    """Country code, length (where known) and the mod-97 checksum of a compact IBAN."""
    if not _COMPACT_IBAN.fullmatch(iban):
        return False
    expected = IBAN_LENGTHS.get(iban[:2])
    if expected is not None and len(iban) != expected:
        return False
    return _checksum_holds(iban)


def _checksum_holds(iban: str) -> bool:
    """The mod-97 checksum of a compact IBAN (its shape already checked)."""
    return int((iban[4:] + iban[:4]).translate(_IBAN_DIGITS)) % 97 == 1


def find_ibans(text: str) -> Iterator[Found]:
    """Valid IBANs printed in ``text`` (compact form, offsets of the printed form)."""
    for m in _IBAN_START.finditer(text):
        found = _iban_at(m, 0)
        if found is not None:
            yield found


def _iban_at(m: re.Match[str], base: int) -> Found | None:
    """The valid IBAN that the start ``m`` begins, offsets less ``base``; ``None`` if none."""
    body = m.group(3)
    head = m.group(1) + m.group(2)
    chars = "".join(body.split()).upper()  # the groups' characters, spaces dropped
    longest = min(len(chars), 30)
    want = IBAN_LENGTHS.get(m.group(1))
    # the lengths of groups tried, longest first; with the country's length known, only that one
    lengths: Sequence[int] = range(longest, 10, -1)
    if want is not None:
        lengths = [want - 4] if 10 < want - 4 <= longest else []
    for n in lengths:
        iban = head + chars[:n]
        # iban_valid's shape and length tests hold: a country code, two digits, n of 11 to 30
        # letters and digits (the country's length where known)
        if _checksum_holds(iban):
            return Found(iban, m.start() - base, m.start(3) - base + _end_of_nth(body, n))
    return None


def _end_of_nth(body: str, n: int) -> int:
    r"""Where the ``n``-th letter or digit of an IBAN's printed groups ends in ``body``: each of
    its whitespace characters stands alone before a letter or digit (the pattern's ``\s?``),
    so the groups are walked, not every character."""
    end = 1 if body[0].isspace() else 0
    for group in body.split():
        if n <= len(group):
            return end + n
        n -= len(group)
        end += len(group) + 1
    raise AssertionError("fewer characters than the IBAN")  # the IBAN was read from them


def compact_iban(text: str) -> str | None:
    """The first valid IBAN in ``text`` without spaces, or ``None``."""
    return next((found.value for found in find_ibans(text)), None)


def find_tax_ids(text: str) -> Iterator[Found]:
    """VAT / tax ids in ``text`` as printed."""
    for m in TAX_ID.finditer(text):
        yield Found(m.group(0), m.start(), m.end())


def has_tax_id(text: str) -> bool:
    """Whether ``text`` prints a VAT / tax id."""
    return TAX_ID.search(text) is not None


def find_tax_ids_in(texts: Sequence[str]) -> Iterator[tuple[int, Found]]:
    """``(i, found)`` for every tax id of ``texts[i]`` (offsets in that text), in order."""
    for i, base, m in scan_joined(TAX_ID, texts):
        yield i, Found(m.group(0), m.start() - base, m.end() - base)


def find_ibans_in(texts: Sequence[str]) -> Iterator[tuple[int, Found]]:
    """``(i, found)`` for every valid IBAN of ``texts[i]`` (as :func:`find_ibans`), in order."""
    for i, base, m in scan_joined(_IBAN_START, texts):
        found = _iban_at(m, base)
        if found is not None:
            yield i, found


def scan_joined(
    pattern: re.Pattern[str], texts: Sequence[str]
) -> Iterator[tuple[int, int, re.Match[str]]]:
    """``(i, where texts[i] begins, match)`` for each match of ``pattern`` in ``texts`` joined by
    :data:`TEXT_BREAK`: the matches of each text alone, in order, found in one scan (a scan per
    text costs more than the scanning itself for the many texts that hold none). Only for
    patterns that never match the break and, next to it, match as at a text's end."""
    # which text a match is in: the breaks counted since the previous match (in C, over the
    # gap alone), not the texts' starts listed up front (most scans have few matches, many
    # texts); no match holds a break
    joined = TEXT_BREAK.join(texts)
    i = base = last = 0  # the text, where it begins, where the counting stopped
    for m in pattern.finditer(joined):
        start = m.start()
        breaks = joined.count(TEXT_BREAK, last, start)
        if breaks:
            i += breaks
            base = joined.rfind(TEXT_BREAK, last, start) + 1
        last = start
        yield i, base, m
