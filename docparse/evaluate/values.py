"""Type-aware value normalisation for field comparison: dates, amounts, booleans, strings.

Each ``canonical_*`` function returns a canonical string so that equal values compare equal:

* dates -> ISO ``YYYY-MM-DD``. Accepted: ISO dates and datetimes, ``15.03.2025`` (dots are
  always day first), ``15/03/2025`` and ``15-03-2025`` (day first unless ``dayfirst=False``,
  then month first), ``2025/03/15``, two-digit years, and English month names
  (``15 March 2025``, ``Mar 15, 2025``).
* amounts -> a decimal rounded half-up to 2 places (``1234.56``): amounts that agree to the cent
  are equal. Currency symbols and ISO codes are ignored; spaces, apostrophes and the thousands
  separator are removed. With both ``.`` and ``,`` present, the last one is the decimal mark; a
  single mark followed by exactly three digits (``1.234``, ``12,500``) is a thousands separator,
  otherwise a decimal mark. Negative: leading/trailing ``-`` or parentheses.
* strings -> NFKC, whitespace collapsed, case folded.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from docparse.evaluate.normalize import normalize_text

__all__ = [
    "canonical_amount",
    "canonical_bool",
    "canonical_date",
    "canonical_string",
    "looks_like_amount",
    "parse_amount",
    "parse_date",
]

_CENT = Decimal("0.01")
_DOT_FORMATS = ("%d.%m.%Y", "%d.%m.%y", "%Y.%m.%d")
_DAY_FIRST = ("%d/%m/%Y", "%d-%m-%Y", "%d/%m/%y", "%d-%m-%y")
_MONTH_FIRST = ("%m/%d/%Y", "%m-%d-%Y", "%m/%d/%y", "%m-%d-%y")
_OTHER_FORMATS = (
    "%Y/%m/%d",
    "%d %B %Y",
    "%d %b %Y",
    "%d. %B %Y",
    "%B %d, %Y",
    "%b %d, %Y",
    "%B %d %Y",
    "%b %d %Y",
)
#: An ISO 4217-like code next to the number ("EUR 12,50", "12.50 USD"), not glued to other text.
_CURRENCY_CODE = re.compile(r"^[A-Z]{3}(?=[\s\d])\s*|(?<=[\s\d])\s*[A-Z]{3}$")
_GROUPING = re.compile(r"[\s'\u00a0\u202f\u2009]")
_PLAIN_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_TRUE = frozenset({"true", "yes", "y", "1", "ja", "oui"})
_FALSE = frozenset({"false", "no", "n", "0", "nein", "non"})


def parse_date(value: object, *, dayfirst: bool = True) -> date | None:
    """A date from a ``date``/``datetime`` or a string in a known format; ``None`` otherwise."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    text = normalize_text(value)
    try:
        return datetime.fromisoformat(text).date()
    except ValueError:
        pass
    ambiguous = _DAY_FIRST + _MONTH_FIRST if dayfirst else _MONTH_FIRST + _DAY_FIRST
    for fmt in _DOT_FORMATS + ambiguous + _OTHER_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _unsigned_number(text: str) -> str | None:
    """Digits with one '.' decimal mark, or ``None`` when ``text`` is not a number."""
    text = _GROUPING.sub("", text)
    dot, comma = text.rfind("."), text.rfind(",")
    if dot >= 0 and comma >= 0:
        decimal_mark = "." if dot > comma else ","
        grouping = "," if decimal_mark == "." else "."
        text = text.replace(grouping, "").replace(decimal_mark, ".")
    elif dot >= 0 or comma >= 0:
        mark = "." if dot >= 0 else ","
        head, _, tail = text.rpartition(mark)
        if text.count(mark) > 1 or (len(tail) == 3 and head.isdigit() and head[0] != "0"):
            text = text.replace(mark, "")  # thousands separator(s)
        else:
            text = text.replace(mark, ".")
    return text if _PLAIN_NUMBER.fullmatch(text) else None


def parse_amount(value: object) -> Decimal | None:
    """An amount as ``Decimal`` (not yet rounded), or ``None`` when ``value`` is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, Decimal)):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    if not isinstance(value, str):
        return None
    text = unicodedata.normalize("NFKC", value).strip()
    text = "".join(c for c in text if unicodedata.category(c) != "Sc").strip()
    text = _CURRENCY_CODE.sub("", text).strip()
    negative = False
    if text.startswith("(") and text.endswith(")"):
        negative, text = True, text[1:-1].strip()
    if text.startswith(("-", "\u2212")):
        negative, text = True, text[1:].strip()
    elif text.endswith("-"):
        negative, text = True, text[:-1].strip()
    elif text.startswith("+"):
        text = text[1:].strip()
    number = _unsigned_number(text) if text else None
    if number is None:
        return None
    try:
        amount = Decimal(number)
    except InvalidOperation:
        return None
    return -amount if negative else amount


def canonical_amount(value: object) -> str | None:
    """Amount rounded half-up to cents, as a string; ``None`` when not an amount."""
    amount = parse_amount(value)
    return None if amount is None else str(amount.quantize(_CENT, rounding=ROUND_HALF_UP))


def canonical_date(value: object, *, dayfirst: bool = True) -> str | None:
    parsed = parse_date(value, dayfirst=dayfirst)
    return None if parsed is None else parsed.isoformat()


def canonical_bool(value: object) -> str | None:
    if isinstance(value, bool):
        return "true" if value else "false"
    text = canonical_string(value)
    return "true" if text in _TRUE else "false" if text in _FALSE else None


def canonical_string(value: object) -> str:
    return normalize_text(str(value), casefold=True)


def looks_like_amount(text: str) -> bool:
    """A string written as an amount: a decimal mark with 1-2 decimals, grouping, or currency."""
    if parse_amount(text) is None:
        return False
    has_currency = any(unicodedata.category(c) == "Sc" for c in text) or bool(
        _CURRENCY_CODE.search(text.strip())
    )
    return has_currency or bool(re.search(r"\d[.,]\d{1,2}\s*\)?-?$|\d[.,' ]\d{3}\b", text.strip()))
