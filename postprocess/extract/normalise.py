"""Typed values from printed text: dates, amounts, percentages, currencies (EN/DE/FR and more).

- Dates -> ``datetime.date``: :func:`parse_date` (see :mod:`.dates`).
- Amounts -> ``Decimal`` (not rounded): grouping by ``,`` ``.`` ``'`` ``’``, space, no-break or
  thin space; decimal comma or point (with both marks, the last one is the decimal mark; a single
  mark followed by exactly three digits is grouping, ``1.234`` = 1234); currency symbols and
  ISO codes before or after; negative with ``-``, ``−``, a trailing ``-`` or parentheses.
- Percentages -> ``float``: ``19 %``, ``5,5 %``, ``8.1%``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from postprocess.extract.dates import parse_date
from postprocess.extract.patterns import scan_joined

__all__ = [
    "CODES",
    "PLAIN_NUMBER",
    "SYMBOLS",
    "currencies_of",
    "currency_of",
    "numbers",
    "parse_amount",
    "parse_date",
    "parse_percent",
    "plain_amount",
    "plain_decimal",
    "to_decimal",
]

SYMBOLS = {
    "€": "EUR",
    "£": "GBP",
    "$": "USD",
    "¥": "JPY",
    "₹": "INR",
    "₽": "RUB",
    "₺": "TRY",
    "₩": "KRW",
    "zł": "PLN",
    "Kč": "CZK",
    "Fr.": "CHF",
    "SFr.": "CHF",
}
_CODE_LIST = (
    "EUR USD GBP CHF JPY CAD AUD NZD SEK NOK DKK PLN CZK HUF RON BGN ISK TRY CNY INR BRL MXN "
    "ZAR SGD HKD KRW RUB"
)
#: ISO 4217 codes recognised next to amounts.
CODES = frozenset(_CODE_LIST.split())
_CODE_OR_NONE = CODES | {None}
#: A currency code (not inside a word) or symbol. Every alternative begins with a letter or
#: symbol, the codes' look-behind checked after their first letter (``(?<![A-Za-z].)``): a pattern
#: of such alternatives lets the regex engine skip every position where no mark can begin.
_CURRENCY = re.compile(
    "|".join(code[0] + r"(?<![A-Za-z].)" + code[1:] + r"(?![A-Za-z])" for code in sorted(CODES))
    + r"|SFr\.|Fr\.|zł|Kč|"
    + "|".join(re.escape(symbol) for symbol in "€£$¥₹₽₺₩")
)
#: One unsigned number as printed (grouped or not).
_NUMBER_TOKEN = (
    r"\d{1,3}(?:(?:[,.'\u2019]|[ \u00a0\u202f\u2009](?=\d{3}(?!\d)))\d{3})+(?:[.,]\d+)?"
    r"|\d+(?:[.,]\d+)?"
)
_NUMBER = re.compile(
    r"(?<![\w.,])(?P<neg>[-\u2212](?=\s?\d))?\(?"
    r"(?P<num>" + _NUMBER_TOKEN + ")"
    r"(?P<close>\))?(?P<trail>-(?!\d))?(?P<pct>\s?%)?(?![\w])"
)
_SYMBOL_CLASS = "[€£$¥₹₽₺₩]"
#: One unsigned number and at most a currency symbol (a space or none between) or a code (one
#: space between) before and after it: what most amount cells that are not plain print
#: (``"86,50 €"``, ``"£1,850.00"``, ``"CHF 320.00"``). :func:`parse_amount` reads it as
#: :func:`to_decimal` of the number when the codes are in :data:`CODES`.
_MARKED_AMOUNT = re.compile(
    "(?:" + _SYMBOL_CLASS + " ?|(?P<pre>[A-Z]{3}) )?"
    "(?P<num>" + _NUMBER_TOKEN + ")"
    "(?: ?" + _SYMBOL_CLASS + "| (?P<post>[A-Z]{3}))?"
)
#: A plain number (digits, or one mark after one to three digits): what most table cells print.
PLAIN_NUMBER = re.compile(r"\d{1,3}(?:[.,]\d+)?|\d+")
_NOISE = re.compile(r"\([^()]*\)|[\s:;=*/|·•\-–—\u2212]+")


class NumberToken(NamedTuple):
    """A number found in text: value, whether a ``%`` follows, and where it is."""

    value: Decimal
    percent: bool
    start: int
    end: int


def numbers(text: str) -> list[NumberToken]:
    """Every number in ``text`` with its sign, in order."""
    tokens = []
    for m in _NUMBER.finditer(text):
        value = to_decimal(m["num"])
        if value is None:
            continue
        negative = bool(
            m["neg"] or m["trail"] or (m["close"] and text[: m.start("num")].endswith("("))
        )
        tokens.append(
            NumberToken(-value if negative else value, bool(m["pct"]), m.start(), m.end())
        )
    return tokens


def to_decimal(number: str) -> Decimal | None:
    """One unsigned number token -> Decimal, deciding grouping vs decimal mark."""
    if number.isdecimal():  # digits only: no mark to decide
        return Decimal(number)
    for mark in "'\u2019 \u00a0\u202f\u2009":
        number = number.replace(mark, "")
    dot, comma = number.rfind("."), number.rfind(",")
    if dot >= 0 and comma >= 0:
        decimal, grouping = (".", ",") if dot > comma else (",", ".")
        number = number.replace(grouping, "").replace(decimal, ".")
    elif dot >= 0 or comma >= 0:
        mark = "." if dot >= 0 else ","
        head, _, tail = number.rpartition(mark)
        grouped = number.count(mark) > 1 or (len(tail) == 3 and head[:1] != "0" and len(head) <= 3)
        number = number.replace(mark, "") if grouped else number.replace(mark, ".")
    try:
        return Decimal(number)
    except InvalidOperation:
        return None


def parse_amount(text: str) -> Decimal | None:
    """The amount in ``text`` when it holds exactly one, besides percentages, currencies and
    parenthesised notes (``"20 % 259,50 €"`` -> 259.50; ``"No. GB123456789"`` -> None)."""
    plain = plain_amount(text)
    if plain is not None:  # most table cells: "130", "463.34"
        return plain
    # The next most: one number and its currency, whose reading below (several regex scans)
    # comes to the number's value, with no sign or other text to weigh.
    marked = _MARKED_AMOUNT.fullmatch(text)
    if marked is not None and marked["pre"] in _CODE_OR_NONE and marked["post"] in _CODE_OR_NONE:
        return to_decimal(marked["num"])
    tokens = numbers(text)
    amounts = [t for t in tokens if not t.percent]
    if len(amounts) != 1:
        return None
    rest = _CURRENCY.sub(" ", _cut(text, tokens))
    if _NOISE.sub("", rest).strip(".,"):
        return None
    value = amounts[0].value
    before = _CURRENCY.sub("", text[: amounts[0].start]).strip()
    return -value if value > 0 and before.endswith(("-", "\u2212")) else value  # "-€5.00"


def plain_amount(text: str) -> Decimal | None:
    """:func:`plain_decimal` of ``text`` when :data:`PLAIN_NUMBER` matches it whole, else
    ``None``. The test is made with string methods, not the regex: most table cells are plain
    numbers, and a regex match costs more than reading the number (``\\d`` is what
    ``str.isdecimal`` tests: a Unicode decimal digit)."""
    if text.isdecimal():  # "130"
        return Decimal(text)
    head, mark, tail = text.partition(".")
    if not mark:
        head, mark, tail = text.partition(",")
    # one mark (the tail holds none) after one to three digits (the head holds no other mark)
    if not (mark and tail.isdecimal() and head.isdecimal() and len(head) <= 3):
        return None
    if len(tail) == 3 and head[:1] != "0":  # "1.234" = 1234: the mark groups thousands
        return Decimal(head + tail)
    return Decimal(text if mark == "." else head + "." + tail)


def plain_decimal(number: str) -> Decimal:
    """:func:`to_decimal` of a number that :data:`PLAIN_NUMBER` matches whole (digits, or one
    mark after one to three digits), without its search for grouping marks that such a number
    cannot hold."""
    if number.isdecimal():
        return Decimal(number)
    mark = "." if "." in number else ","
    head, _, tail = number.partition(mark)
    if len(tail) == 3 and head[:1] != "0":  # "1.234" = 1234: the mark groups thousands
        return Decimal(head + tail)
    return Decimal(head + "." + tail)


def parse_percent(text: str) -> float | None:
    """The percentage in ``text`` (``"5,5 %"`` -> 5.5); a bare number counts (a ``%`` column)."""
    # most cells ("19 %", "20%", "7"): a plain number, a space and a % at most, read without
    # the scan for numbers below (which reads them the same)
    number = text[:-1] if text[-1:] == "%" else text
    plain = plain_amount(number[:-1] if number[-1:] == " " else number)
    if plain is not None:
        return float(plain)
    tokens = numbers(text)
    marked = [t for t in tokens if t.percent]
    chosen = marked[0] if marked else tokens[0] if len(tokens) == 1 else None
    if chosen is None or _NOISE.sub("", _cut(text, tokens)).strip(".,%"):
        return None
    return float(chosen.value)


def currency_of(text: str) -> str | None:
    """The ISO 4217 code of the first currency symbol or code in ``text``."""
    match = _CURRENCY.search(text)
    if match is None:
        return None
    token = match.group(0)
    return SYMBOLS.get(token, token if token in CODES else None)


def currencies_of(texts: Sequence[str]) -> Iterator[tuple[int, str]]:
    """``(i, code)`` for each of ``texts`` that prints a currency, ``code`` as
    :func:`currency_of` gives it, in order: one regex scan of all the texts (most, table cells,
    print none); the break joining them is no letter and no part of a mark."""
    last = -1
    for i, _, match in scan_joined(_CURRENCY, texts):
        if i != last:  # only the first mark of each text
            last = i
            token = match.group(0)
            code = SYMBOLS.get(token, token if token in CODES else None)
            if code is not None:
                yield i, code


def _cut(text: str, tokens: list[NumberToken]) -> str:
    pieces, last = [], 0
    for t in tokens:
        pieces.append(text[last : t.start])
        last = t.end
    pieces.append(text[last:])
    return " ".join(pieces)
