"""The form rules' faster forms give what the plain ones gave, on random inputs."""

from __future__ import annotations

import random
import re

import pytest

from postprocess.extract.boxes import sub_box_fields, sub_boxes_fields
from postprocess.extract.form_text import block_pieces
from postprocess.extract.segments import _SEPARATOR, has_separator, pieces, segments
from schemas.geometry import bbox

#: The separator as first written (a pattern beginning with a repeat)
PLAIN_SEPARATOR = re.compile(r"\s+[·|•]\s+")
#: Letters, white space of several kinds, marks, colons, line breaks
ALPHABET = "ab Z1 \t\u00a0\u2003\x1c:·|•\n#"


def _texts(seed: int, count: int, longest: int) -> list[str]:
    rng = random.Random(seed)
    return [
        "".join(rng.choice(ALPHABET) for _ in range(rng.randrange(longest))) for _ in range(count)
    ]


def _plain_segments(text: str) -> list[tuple[int, int]]:
    """segments as first written: the plain pattern, every text cut line by line."""
    out: list[tuple[int, int]] = []
    offset = 0
    for line in text.split("\n"):
        # the line's start, each separator's start and end, the line's end: segments in pairs
        cuts = [i for m in PLAIN_SEPARATOR.finditer(line) for i in m.span()]
        bounds = [offset, *(offset + i for i in cuts), offset + len(line)]
        out += zip(bounds[::2], bounds[1::2], strict=True)
        offset += len(line) + 1
    return out


def test_the_separator_pattern_matches_what_the_plain_one_matched() -> None:
    for text in _texts(7, 20_000, 14):
        assert [m.span() for m in _SEPARATOR.finditer(text)] == [
            m.span() for m in PLAIN_SEPARATOR.finditer(text)
        ]
        assert has_separator(text) == (PLAIN_SEPARATOR.search(text) is not None)


def test_block_pieces_are_the_pieces_of_every_segment() -> None:
    known = {"Z1 ab", "ab"}.__contains__
    for text in _texts(11, 5_000, 24):
        assert list(segments(text)) == _plain_segments(text)
        expected = [p for s, e in _plain_segments(text) for p in pieces(text, s, e, known)]
        assert block_pieces(text, known) == expected


@pytest.mark.parametrize("text", ["", "a", "Invoice number: INV-1", "two\nlines: x", "\n"])
def test_sub_boxes_fields_are_sub_box_fields_of_each_span(text: str) -> None:
    rng = random.Random(len(text))
    boxes = [None, bbox(10.0, -0.0, 10.0, 30.0), bbox(-5.5, 2.0, 300.25, 14.5)]
    for box in boxes:
        for _ in range(300):
            spans = [
                (rng.randrange(-2, len(text) + 3), rng.randrange(-2, len(text) + 3))
                for _ in range(rng.randrange(4))
            ]
            # compared as text: the same floats, signed zeros too
            assert repr(sub_boxes_fields(box, text, spans)) == repr(
                [sub_box_fields(box, text, start, end) for start, end in spans]
            )
