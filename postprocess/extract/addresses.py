"""A party's printed block -> name and address lines, also when its lines were joined by spaces.

Steps: contact details (``Tel.``, ``Fax``, e-mail, web) are dropped; the text is cut into chunks
at line breaks, inline separators (`` · ``, `` | ``, `` • ``) and ``", "``. The name is the
first chunk up to and including a legal form (``GmbH``, ``SARL``, ``Ltd``, ``AG``, ...), else up
to the first word holding a digit or a street word, else the whole first chunk when more chunks
follow. Every other piece is cut into address lines: a country name at the end is a line of its
own; so is the postcode with its town: a UK postcode with the one word before it (the post
town), or a 4-5 digit postcode followed by a capitalised word and what follows. What precedes is
the street line.
"""

from __future__ import annotations

import re
from itertools import repeat
from string import ascii_uppercase, digits

_PHONE_WORDS = ("Tel", "Telefon", "Phone", "Fax", "Mobil", "Mobile", "Mob", "Handy", "T", "F")
_PHONE_NUMBER = r"\b\.?\s*:?\s*\+?[\d(][\d\s()/+\-.]{4,}"
#: A phone word, not inside a word, and its number: ``\b(?:Tel|...|F)`` and the number, written
#: as one alternative per word that begins with the word's first letter (``\b`` checked after it,
#: ``(?<!\w.)``), the number repeated after each word, in the same order. The web addresses are
#: two alternatives for the same reason: a pattern of alternatives that each begin with a literal
#: lets the regex engine skip every position where none can begin.
_PHONE = "|".join(word[0] + r"(?<!\w.)" + word[1:] + _PHONE_NUMBER for word in _PHONE_WORDS)
_WEB = r"https?://\S+|www\.\S+"
_CONTACT = re.compile(_PHONE + r"|\S+@\S+\.\w+|" + _WEB)
#: :data:`_CONTACT` without its e-mail address, for text without an ``@``: the e-mail
#: alternative, tried at every position (``\S+`` then back), is most of the scan's cost.
_CONTACT_NO_MAIL = re.compile(_PHONE + "|" + _WEB)
#: A line break, an inline separator with the spaces around it, or ``", "``. Written as the
#: first character then the rest of its alternative (``\n|\s+[·|•]\s+|,\s+`` the same): a pattern
#: that begins with a character class lets the regex engine skip every position not in it.
_CHUNK = re.compile(r"[\s,](?:(?<=\n)|(?<=[^\S\n])\s*[·|•]\s+|(?<=,)\s+)")
_LEGAL_FORMS = (
    r"GmbH\s*&\s*Co\.?\s*KG|gGmbH|GmbH|KGaA|AG|KG|OHG|UG(?:\s*\(haftungsbeschränkt\))?"
    r"|e\.\s?K\.|e\.\s?V\.|SARL|S\.A\.R\.L\.|SASU|SAS|S\.A\.S\.|SA|S\.A\.|EURL|SNC|SCI|Sàrl"
    r"|Ltd\.?|Limited|plc|PLC|LLP|LLC|Inc\.?|Corp\.?|B\.V\.|BV|N\.V\.|NV|S\.r\.l\.|Srl|S\.p\.A\."
    r"|SpA|Oy|AB|ApS|A/S|GmbH\s*&\s*Co\.?"
)
#: A legal form, not inside a word: ``(?<!\w)(?:forms)(?=[\s,]|$)``, the look-behind checked
#: after each form's first letter (``(?<!\w.)``), so that the pattern begins with a letter.
_LEGAL_FORM = re.compile(
    "(?:"
    + "|".join(form[0] + r"(?<!\w.)" + form[1:] for form in _LEGAL_FORMS.split("|"))
    + r")(?=[\s,]|$)"
)
_STREET_WORD = re.compile(
    r"(?i)\S*(?:stra(?:ss|ß)e|str\.|weg|gasse|platz|allee|damm|ufer|chaussee)\b"
    r"|\b(?:rue|avenue|av\.|boulevard|bd|chemin|place|allée|impasse|quai|route|via|viale|calle)\b"
)
_COUNTRY_NAMES = (
    "United Kingdom|UK|Great Britain|England|Scotland|Wales|Deutschland|Germany|Allemagne|"
    "France|Frankreich|Switzerland|Schweiz|Suisse|Svizzera|Austria|Österreich|Autriche|"
    "Belgium|Belgique|België|Belgien|Netherlands|Nederland|Niederlande|Pays-Bas|Luxembourg|"
    "Luxemburg|Italy|Italia|Italien|Italie|Spain|España|Spanien|Espagne|Portugal|Ireland|"
    "Irland|Denmark|Danmark|Dänemark|Sweden|Sverige|Schweden|Norway|Norge|Finland|Suomi|"
    "Poland|Polska|Polen|Pologne|Czechia|Czech Republic|Tschechien|Liechtenstein|Monaco|USA|"
    "United States|United States of America|Canada"
)
#: Country names (EN/DE/FR and own), longest first.
_COUNTRIES = sorted(_COUNTRY_NAMES.split("|"), key=len, reverse=True)
_ONE_WORD_COUNTRIES = frozenset(c for c in _COUNTRIES if " " not in c)


def _by_last_word(names: list[str]) -> dict[str, tuple[str, ...]]:
    """Names by their last word, in the order given (longest first)."""
    table: dict[str, list[str]] = {}
    for name in names:
        table.setdefault(name.rsplit(None, 1)[-1], []).append(name)
    return {word: tuple(found) for word, found in table.items()}


_BY_LAST_WORD = _by_last_word(_COUNTRIES)
_MORE_WORD_COUNTRIES = tuple(c for c in _COUNTRIES if " " in c)
_MORE_WORD_COUNTRY = re.compile("|".join(re.escape(c) for c in _MORE_WORD_COUNTRIES))
_UK_POSTCODE = re.compile(r"(\S+\s+)?\b[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}\b")
#: The UK postcode alone: whether there is one anywhere (the post town is not needed). Written
#: ``[A-Z](?<!\w.)[A-Z]?`` for ``\b[A-Z]{1,2}``: a pattern that begins with a character class
#: lets the regex engine skip every position whose character is not in it.
_UK_POSTCODE_ANYWHERE = re.compile(r"[A-Z](?<!\w.)[A-Z]?\d[A-Z\d]?\s?\d[A-Z]{2}\b")
#: A UK postcode that ends the text: without one, no ``_UK_POSTCODE`` match ends it (that
#: pattern, tried at every position with its post town, is slow on text without any).
_UK_POSTCODE_AT_END = re.compile(r"[A-Z](?<!\w.)[A-Z]?\d[A-Z\d]?\s?\d[A-Z]{2}\Z")
_POSTCODE = re.compile(r"(?<!\S)(?:[A-Z]{1,2}-)?\d{4,5}\s+[^\W\d_]")
#: What every ``_POSTCODE`` match holds (it begins with a digit: quick to scan for). Written
#: ``\d\d{3,4}`` for ``\d{4,5}``: a pattern that begins with a character class, not a repeat,
#: lets the regex engine skip every position whose character is not in it.
_POSTCODE_DIGITS = re.compile(r"\d\d{3,4}\s+[^\W\d_]")


def _by_first_char(alternatives: list[tuple[str, str]]) -> str:
    """``first(?:rest|...)|...`` of ``(first character, rest of the pattern)`` alternatives: a
    pattern of alternatives that each begin with a literal lets the regex engine skip every
    position where none can begin, and it tries each first character once."""
    rests: dict[str, list[str]] = {}
    for first, rest in alternatives:
        rests.setdefault(first, []).append(rest)
    return "|".join(re.escape(first) + "(?:" + "|".join(r) + ")" for first, r in rests.items())


#: What every postal part that :func:`has_postal_part` finds holds, in the text as printed: four
#: digits (a postcode's), a capital or two and a digit (a UK postcode's start) or a country's
#: name (a name of more words: its first word). Most texts that are no address hold none, and
#: are ruled out in this one scan.
_POSTAL_HINT = re.compile(
    _by_first_char(
        [(d, r"\d\d\d") for d in digits]
        + [(c, r"[A-Z]?\d") for c in ascii_uppercase]
        + [
            (word[0], re.escape(word[1:]))
            for word in dict.fromkeys(c.split()[0] for c in _COUNTRIES)
        ]
    )
)


def contact_free(text: str) -> str:
    """``text`` without phone/fax numbers, e-mail addresses and web addresses."""
    return (_CONTACT if "@" in text else _CONTACT_NO_MAIL).sub(" ", text)


def split_party(text: str) -> tuple[str | None, list[str]]:
    """``(name, address lines)`` of a party's text (see the module docstring)."""
    chunks = _chunks(text)
    if not chunks:
        return None, []
    name, rest = _name(chunks[0], more=len(chunks) > 1)
    lines: list[str] = []
    for piece in ([rest] if rest else []) + chunks[1:]:
        lines.extend(address_lines(piece))
    return name, lines


def party_name(text: str) -> str | None:
    """The name :func:`split_party` reads from ``text``, without cutting the address lines."""
    chunks = _chunks(text)
    return _name(chunks[0], more=len(chunks) > 1)[0] if chunks else None


def _chunks(text: str) -> list[str]:
    """The text's chunks without contact details (see the module docstring), none empty."""
    chunks = [c.strip(" ,;") for c in _CHUNK.split(contact_free(text))]
    return [c for c in chunks if c]


def _name(chunk: str, *, more: bool) -> tuple[str | None, str]:
    legal = _LEGAL_FORM.search(chunk)
    if legal is not None:
        return chunk[: legal.end()].strip(), chunk[legal.end() :].strip()
    for word in re.finditer(r"\S+", chunk):
        if any(ch.isdigit() for ch in word.group(0)) or _STREET_WORD.match(chunk, word.start()):
            head = chunk[: word.start()].strip()
            return (head or None), chunk[word.start() :].strip()
    return (chunk, "") if more else (None, chunk)


def address_lines(text: str) -> list[str]:
    """Street, postcode-and-town and country lines of one address piece."""
    text = " ".join(text.split())
    country = country_at_end(text)
    tail: list[str] = []
    if country is not None and len(country) < len(text):
        tail, text = [country], text[: -len(country)].strip(" ,")
    elif country is not None:
        return [text]
    for finder in (_uk, _continental):
        cut = finder(text)
        if cut is not None:
            street, town = text[:cut].strip(" ,"), text[cut:].strip(" ,")
            return [part for part in (street, town) if part] + tail
    return ([text] if text else []) + tail


def _uk(text: str) -> int | None:
    if _UK_POSTCODE_AT_END.search(text) is None:
        return None
    matches = list(_UK_POSTCODE.finditer(text))
    return matches[-1].start() if matches and matches[-1].end() == len(text) else None


def _continental(text: str) -> int | None:
    if _POSTCODE_DIGITS.search(text) is None:
        return None
    matches = [m for m in _POSTCODE.finditer(text) if text[m.end() - 1].isupper()]
    return matches[-1].start() if matches else None


def postal_line(line: str) -> bool:
    """True for a line with a postcode and town, or a country name."""
    line = " ".join(line.split())
    return (
        country_at_end(line) is not None or _uk(line) is not None or _continental(line) is not None
    )


def has_postal_part(text: str) -> bool:
    """True when ``text`` holds, anywhere, a postcode followed by a town or a country name."""
    return _POSTAL_HINT.search(text) is not None and postal_part_anywhere(text)


def postal_part_anywhere(text: str) -> bool:
    """:func:`has_postal_part` without its first scan, which only rules out texts where this
    finds nothing (a test holds the two equal)."""
    words = text.split()
    text = " ".join(words)
    return bool(
        not _ONE_WORD_COUNTRIES.isdisjoint(map(str.strip, words, repeat(",.;")))
        or _MORE_WORD_COUNTRY.search(text)
        or _UK_POSTCODE_ANYWHERE.search(text)
        or (
            _POSTCODE_DIGITS.search(text) is not None
            and any(text[m.end() - 1].isupper() for m in _POSTCODE.finditer(text))
        )
    )


def country_at_end(text: str) -> str | None:
    """The country name that ``text`` ends with (a whole word), or ``None``."""
    last = text.rsplit(None, 1)[-1] if text and not text[-1].isspace() else ""
    for country in _BY_LAST_WORD.get(last, ()):  # only names ending in the text's last word
        if text.endswith(country) and (
            len(text) == len(country) or text[-len(country) - 1].isspace()
        ):
            return country
    return None
