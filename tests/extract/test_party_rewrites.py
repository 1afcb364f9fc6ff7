"""The party rules' speed rewrites give what the plain forms they replace give.

Each test compares the rewrite with the plain form (the code before it: for has_postal_part, the
whole test that its first scan now guards) on hand-picked edge cases and on seeded random texts
built from the pieces the patterns look for.
"""

from __future__ import annotations

import random

import pytest

from postprocess.extract.addresses import has_postal_part
from postprocess.extract.addresses import postal_part_anywhere as plain_has_postal_part

_PIECES = [
    "12345", "8001", "D-80331", "A-1010", "123", "2025", "BS1", "4QA", "SW1A", "1AA", "M3 4EN",
    "EC1A\n1BB", "United", "Kingdom", "United\nKingdom", "Great  Britain", "Czech Republic",
    "France", ",France.", "Deutschland;", "Österreich", "UK", "USA", "Pays-Bas", "Italia",
    "Italy", "Stuttgart", "München", "zürich", "a", "The", "report", "ß", "ÖBB", "9", "AB1",
    ",", ".", ";", "·", "-", "\n", "  ", "\t", "\u00a0", "\u2003",
]  # fmt: skip


def random_texts(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    seps = [" ", "", "\n", ", ", "  ", "\u00a0"]
    return [
        "".join(rng.choice(_PIECES) + rng.choice(seps) for _ in range(rng.randint(0, 8)))
        for _ in range(n)
    ]


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "Scientific articles, reports and newsletters often use two columns.",
        "Technical Report DA-2025-03",
        "Bäckerei Groß KG Hauptstraße 5 80331 München Deutschland",
        "14 Harbour Lane Bristol BS1  4QA",
        "Lakeside Robotics SA Rue du Rhône 65 1204 Genève",
        "Acme Ltd, London, United\nKingdom",
        "Acme Inc., Toronto,Canada.",
        "Firma D-80331 münchen",
        "Firma A-1010 Wien",
        "Österreich",
        "année 2024 à Paris",
    ],
)
def test_has_postal_part_as_plain_form(text: str) -> None:
    assert has_postal_part(text) is plain_has_postal_part(text)


def test_has_postal_part_as_plain_form_on_random_texts() -> None:
    texts = random_texts(4000, seed=7)
    assert sum(map(plain_has_postal_part, texts)) > 1000  # both outcomes are well covered
    for text in texts:
        assert has_postal_part(text) is plain_has_postal_part(text), text
