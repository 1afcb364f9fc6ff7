"""data-bbox values: spaces or commas, floats, brackets; bad strings refused; canonical form."""

from __future__ import annotations

import pytest

from postprocess import BBoxSyntaxError, format_bbox, parse_bbox
from postprocess.bboxes import order_corners
from schemas.geometry import BBox


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("310 94 658 132", (310, 94, 658, 132)),
        ("310,94,658,132", (310, 94, 658, 132)),
        ("310, 94, 658, 132", (310, 94, 658, 132)),
        ("  310\t94\n658  132 ", (310, 94, 658, 132)),
        ("[310, 94, 658, 132]", (310, 94, 658, 132)),
        ("10.5 20.25 30 40.0", (10.5, 20.25, 30, 40)),
        ("-3 0 5 1e2", (-3, 0, 5, 100)),
    ],
)
def test_parse_accepts(value: str, expected: tuple[float, float, float, float]) -> None:
    assert parse_bbox(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "",
        "   ",
        "1 2 3",
        "1 2 3 4 5",
        "a b c d",
        "1 2 3 x",
        "nan 1 2 3",
        "1 2 inf 4",
        "1e999 1 2 3",
        "1..2 3 4 5",
        "0x10 1 2 3",
    ],
)
def test_parse_refuses(value: str) -> None:
    with pytest.raises(BBoxSyntaxError):
        parse_bbox(value)


def test_order_corners() -> None:
    assert order_corners((1, 2, 3, 4)) == (BBox(x1=1, y1=2, x2=3, y2=4), False)
    assert order_corners((30, 40, 10, 20)) == (BBox(x1=10, y1=20, x2=30, y2=40), True)
    assert order_corners((10, 40, 30, 20)) == (BBox(x1=10, y1=20, x2=30, y2=40), True)


def test_format_is_canonical() -> None:
    assert format_bbox(BBox(x1=310, y1=94, x2=658, y2=132)) == "310 94 658 132"
    assert format_bbox(BBox(x1=0.5, y1=1, x2=2.12345, y2=3)) == "0.5 1 2.123 3"
