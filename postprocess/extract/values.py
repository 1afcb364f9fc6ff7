"""Printed text -> a field's typed value (``None`` when the text is not a value of that type).

By the field's ``x-kind`` first, then its type: ``identifier`` the first token holding a digit;
``sentence`` the text up to its first sentence end; ``iban`` a valid IBAN (spaces removed);
``currency`` an ISO 4217 code or a currency symbol; ``percent`` a percentage as float; ``date``
(:func:`.normalise.parse_date`); ``number`` exactly one amount (:func:`.normalise.parse_amount`);
``integer`` such an amount without decimals; ``boolean`` yes/no words in EN/DE/FR or a checked
label; ``string`` the text, whitespace collapsed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from functools import lru_cache, partial
from typing import Any

from postprocess.extract.labels import norm_key
from postprocess.extract.normalise import (
    CODES,
    currency_of,
    parse_amount,
    parse_date,
    parse_percent,
    plain_amount,
)
from postprocess.extract.patterns import compact_iban
from postprocess.extract.schema_spec import FieldSpec

_LEADING_PUNCT = " \t:;#°º=.,|/)]"
_DASHES = frozenset("-–—")
_SEPARATOR_DASH = re.compile(r"^[-–—]\s+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÄÖÜÉÈ])")
_TRUE = frozenset({"yes", "y", "true", "ja", "oui", "x", "checked", "1"})
_FALSE = frozenset({"no", "n", "false", "nein", "non", "unchecked", "0"})


def clean_value(text: str) -> str:
    """A value as printed after its label: leading ``:``/``#``/``°``, a separating dash and spaces
    removed (a dash glued to the value is a sign: ``-€5.00``)."""
    text = text.lstrip(_LEADING_PUNCT)
    if text[:1] in _DASHES:
        text = _SEPARATOR_DASH.sub("", text)
    return " ".join(text.split())


def convert(spec: FieldSpec, text: str, *, dayfirst: bool = True) -> Any:
    """The typed value of ``text`` for ``spec`` (see the module docstring)."""
    text = clean_value(text)
    if not text:
        return None
    kind = spec.kind
    if kind == "identifier":
        return next((t.strip(".,;:") for t in text.split() if any(c.isdigit() for c in t)), None)
    if kind == "sentence":
        return _SENTENCE_END.split(text, maxsplit=1)[0]
    if kind == "iban":
        return compact_iban(text)
    if kind == "currency":
        code = text.split()[0].upper()
        return code if code in CODES else currency_of(text)
    if kind == "percent":
        return parse_percent(text)
    return _by_type(spec.type, text, dayfirst)


@lru_cache(maxsize=1024)
def converter(spec: FieldSpec, *, dayfirst: bool = True) -> Callable[[str], Any]:
    """``convert(spec, text, dayfirst=dayfirst)`` as a function of ``text`` alone, the reader
    for ``spec``'s kind and type picked once (a table column converts many cells)."""
    if spec.kind == "percent":
        return _percent
    if spec.kind not in _KINDS and spec.type in _TYPES:
        return _TYPES[spec.type]
    return partial(convert, spec, dayfirst=dayfirst)


def _percent(text: str) -> float | None:
    text = clean_value(text)
    return parse_percent(text) if text else None


def _number(text: str) -> Decimal | None:
    if text.isdecimal():  # most cells ("130"): read here, without plain_amount's call
        return Decimal(text)
    plain = plain_amount(text)
    if plain is not None:  # most of the others ("463.34"): nothing to clean
        return plain
    text = clean_value(text)
    return parse_amount(text) if text else None


def _string(text: str) -> str | None:
    return clean_value(text) or None


#: The kinds that :func:`convert` reads by kind, not by type.
_KINDS = frozenset({"identifier", "sentence", "iban", "currency", "percent"})
#: The types whose reader needs no options.
_TYPES: dict[str, Callable[[str], Any]] = {"number": _number, "string": _string}


def _by_type(type_: str, text: str, dayfirst: bool) -> Any:
    if type_ == "date":
        return parse_date(text, dayfirst=dayfirst)
    if type_ == "number":
        return parse_amount(text)
    if type_ == "integer":
        amount = parse_amount(text)
        return int(amount) if amount is not None and amount == amount.to_integral_value() else None
    if type_ == "boolean":
        words = norm_key(text)
        return True if words in _TRUE else False if words in _FALSE else None
    return text
