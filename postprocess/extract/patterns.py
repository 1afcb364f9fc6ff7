"""Text patterns with their own validation: IBANs (ISO 13616, mod 97) and VAT/tax ids.

IBANs are found printed with or without spaces; the groups after the country code and check
digits are taken as long as the result can still be an IBAN, then shortened until the length
fits the country (registry lengths below, else 15-34) and the mod-97 checksum holds, so a
following ``BIC`` or word is never swallowed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

#: IBAN lengths by country (SWIFT IBAN registry), for the countries most often met.
IBAN_LENGTHS = {
    "AD": 24, "AT": 20, "BE": 16, "BG": 22, "CH": 21, "CY": 28, "CZ": 24, "DE": 22, "DK": 18,
    "EE": 20, "ES": 24, "FI": 18, "FR": 27, "GB": 22, "GR": 27, "HR": 21, "HU": 28, "IE": 22,
    "IS": 26, "IT": 27, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MT": 31, "NL": 18,
    "NO": 15, "PL": 28, "PT": 25, "RO": 24, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "TR": 26,
}  # fmt: skip
_IBAN_START = re.compile(r"(?<![A-Za-z0-9])([A-Z]{2})\s?(\d{2})((?:\s?[A-Za-z0-9]){8,32})")
#: VAT / tax ids by shape: Swiss UID (with its MWST/TVA/IVA suffix when printed), EU VAT ids.
TAX_ID = re.compile(  # every id begins with a capital: the look-ahead skips other words fast
    r"(?<![\w-])(?=[A-Z])(?:CHE[-\s]?\d{3}\.?\d{3}\.?\d{3}(?:\s?(?:MWST|TVA|IVA|VAT))?"
    r"|ATU\d{8}|BE0?\d{9,10}|DE\d{9}|DK\d{8}|ES[A-Z0-9]\d{7}[A-Z0-9]|FR[A-Z0-9]{2}\d{9}"
    r"|GB(?:\d{9}|\d{12}|GD\d{3}|HA\d{3})|IE\d{7}[A-Z]{1,2}|IT\d{11}|LU\d{8}|NL\d{9}B\d{2}"
    r"|PL\d{10}|PT\d{9}|SE\d{12}|CZ\d{8,10}|EL\d{9}|FI\d{8})(?![\w-])"
)


class Found(NamedTuple):
    value: str
    start: int
    end: int


def iban_valid(iban: str) -> bool:
    """Country code, length (where known) and the mod-97 checksum of a compact IBAN."""
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}", iban):
        return False
    expected = IBAN_LENGTHS.get(iban[:2])
    if expected is not None and len(iban) != expected:
        return False
    digits = "".join(str(int(ch, 36)) for ch in iban[4:] + iban[:4])
    return int(digits) % 97 == 1


def find_ibans(text: str) -> Iterator[Found]:
    """Valid IBANs printed in ``text`` (compact form, offsets of the printed form)."""
    for m in _IBAN_START.finditer(text):
        body = m.group(3)
        chars = [(i, ch.upper()) for i, ch in enumerate(body) if not ch.isspace()]
        want = IBAN_LENGTHS.get(m.group(1))
        for n in range(min(len(chars), 30), 10, -1):
            iban = m.group(1) + m.group(2) + "".join(ch for _, ch in chars[:n])
            if (want is None or len(iban) == want) and iban_valid(iban):
                yield Found(iban, m.start(), m.start(3) + chars[n - 1][0] + 1)
                break


def compact_iban(text: str) -> str | None:
    """The first valid IBAN in ``text`` without spaces, or ``None``."""
    return next((found.value for found in find_ibans(text)), None)


def find_tax_ids(text: str) -> Iterator[Found]:
    """VAT / tax ids in ``text`` as printed."""
    for m in TAX_ID.finditer(text):
        yield Found(m.group(0), m.start(), m.end())
