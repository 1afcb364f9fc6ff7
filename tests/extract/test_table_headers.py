"""``is_numeric``'s early answer for a leading letter agrees with its pattern."""

from __future__ import annotations

import random

from postprocess.extract.table_headers import _NUMERIC, is_numeric


def _by_pattern(text: str) -> bool:
    """The rule without the early answer: a leading ISO code cut, then the pattern."""
    text = text.strip()
    if text[:3].isalpha() and text[:3].isupper() and text[3:4] in (" ", "\u00a0"):
        text = text[4:]
    return bool(text) and _NUMERIC.match(text) is not None


def test_is_numeric_agrees_with_its_pattern() -> None:
    rng = random.Random(3)
    pool = "CHFEURusd aé\u00a0\u202f0123456789.,'%()+-\u2212£$€ _ªⅫ٣"
    texts = ["CHF 85.00", "EUR\u00a012", "USD", "Total", "1,204", "£3.40", "19 %", "ab 1", "A1"]
    texts += ["".join(rng.choice(pool) for _ in range(rng.randint(0, 8))) for _ in range(20000)]
    for text in texts:
        assert is_numeric(text) == _by_pattern(text), repr(text)
