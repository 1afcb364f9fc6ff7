"""Dates from printed text -> ``datetime.date``, in the formats invoices use (EN/DE/FR).

ISO ``2025-03-15`` and ``2025/03/15``; ``15.03.2025`` (dots: always day first); ``15/03/2025``
and ``15-03-2025`` (day first by default, month first with ``dayfirst=False``; when only one
reading is a date, that one); two-digit years (``15.03.25`` -> 2025, 70-99 -> 19xx); month names
and abbreviations in English, German and French, day first (``15 March 2025``, ``15. März 2025``,
``1er mars 2025``, ``15-Mar-2025``) or month first (``March 15, 2025``).
"""

from __future__ import annotations

import re
from datetime import date

from postprocess.extract.labels import fold

_MONTH_NAMES = (
    "january jan januar janvier janv",
    "february feb februar febr fevrier fevr fev",
    "march mar marz maerz mars",
    "april apr avril avr",
    "may mai",
    "june jun juni juin",
    "july jul juli juillet juil",
    "august aug aout",
    "september sep sept septembre",
    "october oct oktober okt octobre",
    "november nov novembre",
    "december dec dezember dez decembre",
)
#: Month names and abbreviations, accents folded (``märz`` -> ``marz``), to their numbers.
MONTHS = {name: n for n, names in enumerate(_MONTH_NAMES, start=1) for name in names.split()}
_SEP = r"[\s.\-/]*"
_WORD = r"[^\W\d_]{3,10}\.?"
_DATE = re.compile(
    r"(?<!\d)(?:"
    r"(?P<iy>\d{4})[-/.](?P<im>\d{1,2})[-/.](?P<id>\d{1,2})"
    r"|(?P<a>\d{1,2})(?P<s>[./-])(?P<b>\d{1,2})(?P=s)(?P<y>\d{4}|\d{2})"
    rf"|(?P<nd>\d{{1,2}})(?:\.|er|st|nd|rd|th)?{_SEP}(?:de\s+)?(?P<nm>{_WORD}){_SEP}(?P<ny>\d{{4}})"
    rf"|(?P<mm>{_WORD})\s+(?P<md>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<my>\d{{4}})"
    r")(?!\d)"
)


def parse_date(text: str, *, dayfirst: bool = True) -> date | None:
    """The first date in ``text`` (see the module docstring), or ``None``."""
    for match in _DATE.finditer(text):
        parsed = _date_from(match, dayfirst)
        if parsed is not None:
            return parsed
    return None


def _date_from(m: re.Match[str], dayfirst: bool) -> date | None:
    if m["iy"]:
        y, mo, d = int(m["iy"]), int(m["im"]), int(m["id"])
    elif m["a"]:
        a, b, y = int(m["a"]), int(m["b"]), _year(m["y"])
        d, mo = (a, b) if dayfirst or m["s"] == "." else (b, a)
        if mo > 12 and d <= 12 and m["s"] != ".":  # only one reading is a date
            d, mo = mo, d
    elif m["nd"]:
        d, mo, y = int(m["nd"]), MONTHS.get(fold(m["nm"]).rstrip(". "), 0), int(m["ny"])
    else:
        d, mo, y = int(m["md"]), MONTHS.get(fold(m["mm"]).rstrip(". "), 0), int(m["my"])
    try:
        return date(y, mo, d)
    except ValueError:
        return None


def _year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        year += 1900 if year >= 70 else 2000
    return year
