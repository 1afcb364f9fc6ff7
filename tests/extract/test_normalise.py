"""Typed values from printed text: dates, amounts, percentages, currencies, IBANs, addresses."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from postprocess.extract.addresses import split_party
from postprocess.extract.normalise import currency_of, parse_amount, parse_date, parse_percent
from postprocess.extract.patterns import compact_iban, find_tax_ids, iban_valid


@pytest.mark.parametrize("text", [
    "15 March 2025", "15. März 2025", "15 mars 2025", "15.03.2025", "15/03/2025", "2025-03-15",
    "15-03-2025", "March 15, 2025", "Mar 15 2025", "15-Mar-2025", "15 Mar. 2025", "15.03.25",
    "2025/03/15", "Date : 15/03/2025", "bis zum 15.03.2025 unter Angabe",
])  # fmt: skip
def test_dates_across_formats_and_languages(text: str) -> None:
    assert parse_date(text) == date(2025, 3, 15)


@pytest.mark.parametrize(("text", "expected"), [
    ("1er février 2024", date(2024, 2, 1)), ("3. Dezember 1999", date(1999, 12, 3)),
    ("29 août 2025", date(2025, 8, 29)), ("7 janv. 2026", date(2026, 1, 7)),
    ("06/14/1986", date(1986, 6, 14)),  # only one reading is a date
])  # fmt: skip
def test_month_names_and_unambiguous_order(text: str, expected: date) -> None:
    assert parse_date(text) == expected


def test_day_first_is_configurable_but_dots_are_always_day_first() -> None:
    assert parse_date("03/04/2025") == date(2025, 4, 3)
    assert parse_date("03/04/2025", dayfirst=False) == date(2025, 3, 4)
    assert parse_date("03.04.2025", dayfirst=False) == date(2025, 4, 3)


@pytest.mark.parametrize("text", ["31/02/2025", "14 Tagen ohne 2025", "2025-117", "Q3 2025", ""])
def test_non_dates(text: str) -> None:
    assert parse_date(text) is None


@pytest.mark.parametrize(("text", "expected"), [
    ("£1,234.56", "1234.56"), ("1.234,56 €", "1234.56"), ("1 234,56 €", "1234.56"),
    ("1\u00a0234,56\u00a0€", "1234.56"), ("1\u202f616,82 €", "1616.82"),
    ("CHF 12'778.88", "12778.88"), ("CHF CHF 12'778.88", "12778.88"), ("EUR 12,50", "12.50"),
    ("12.50 USD", "12.50"), ("$ 0.99", "0.99"), ("-5,00 €", "-5.00"), ("−5.00", "-5.00"),
    ("(1,234.00)", "-1234.00"), ("12.50-", "-12.50"), ("-€137.52", "-137.52"), ("− £5", "-5"),
    ("20 % 259,50 €", "259.50"),
    ("(netto) 1.948,50 €", "1948.50"), ("1.249,90", "1249.90"), ("2,5", "2.5"), ("250", "250"),
    ("1.000", "1000"), ("12,500", "12500"), ("0,42", "0.42"),
])  # fmt: skip
def test_amounts(text: str, expected: str) -> None:
    assert parse_amount(text) == Decimal(expected)


@pytest.mark.parametrize("text", [
    "No. GB123456789", "CHE-123.456.789 MWST", "12,50 € and 3,00 €", "about 20 %", "INV-2025-0042",
])  # fmt: skip
def test_not_one_amount(text: str) -> None:
    assert parse_amount(text) is None


@pytest.mark.parametrize(("text", "expected"), [
    ("19 %", 19.0), ("5,5 %", 5.5), ("8.1%", 8.1), ("0%", 0.0), ("20", 20.0),
])  # fmt: skip
def test_percentages(text: str, expected: float) -> None:
    assert parse_percent(text) == expected


@pytest.mark.parametrize(("text", "code"), [
    ("£3.40", "GBP"), ("86,50 €", "EUR"), ("CHF 85.00", "CHF"), ("$12", "USD"), ("12 SEK", "SEK"),
    ("no money here", None), ("EURO", None),
])  # fmt: skip
def test_currencies(text: str, code: str | None) -> None:
    assert currency_of(text) == code


def test_iban_checksum_length_and_spacing() -> None:
    assert iban_valid("DE89370400440532013000") and iban_valid("GB82WEST12345698765432")
    assert not iban_valid("DE89370400440532013001")  # checksum
    assert not iban_valid("DE8937040044053201300")  # length for DE
    assert (
        compact_iban("IBAN: CH93 0076 2011 6238 5295 7 BIC: UBSWCHZH80A") == "CH9300762011623852957"
    )
    assert (
        compact_iban("IBAN DE89 3704 0044 0532 0130 00 BIC COBADEFFXXX") == "DE89370400440532013000"
    )
    assert compact_iban("FR76 3000 6000 0112 3456 7890 189") == "FR7630006000011234567890189"
    assert compact_iban("IBAN: DE89 3704 0044 0532 0130 01") is None


def test_tax_ids_as_printed() -> None:
    text = "VAT: CHE-123.456.789 MWST · USt-IdNr.: DE811234567 · N° TVA : FR40123456789"
    assert [t.value for t in find_tax_ids(text)] == [
        "CHE-123.456.789 MWST",
        "DE811234567",
        "FR40123456789",
    ]


@pytest.mark.parametrize(("text", "name", "lines"), [
    ("Harbour Lane Print Studio Ltd 14 Harbour Lane Bristol BS1 4QA United Kingdom",
     "Harbour Lane Print Studio Ltd", ["14 Harbour Lane", "Bristol BS1 4QA", "United Kingdom"]),
    ("Lakeside Robotics SA Rue du Rhône 65 1204 Genève Switzerland",
     "Lakeside Robotics SA", ["Rue du Rhône 65", "1204 Genève", "Switzerland"]),
    ("Max Mustermann\nHauptstraße 5\n80331 München",
     "Max Mustermann", ["Hauptstraße 5", "80331 München"]),
    ("Müller GmbH · Industriestraße 17 · 70565 Stuttgart Tel. +49 711 123456 · info@mueller.de",
     "Müller GmbH", ["Industriestraße 17", "70565 Stuttgart"]),
])  # fmt: skip
def test_party_blocks_split_into_name_and_address_lines(
    text: str, name: str, lines: list[str]
) -> None:
    assert split_party(text) == (name, lines)
