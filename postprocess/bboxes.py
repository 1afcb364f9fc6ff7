"""Parse and format ``data-bbox`` values: ``"x1 y1 x2 y2"`` or ``"x1,y1,x2,y2"``.

Qwen2.5-VL writes four integers, top-left then bottom-right; one fine-tune writes commas. Floats
are accepted too, as are surrounding brackets (``"[x1, y1, x2, y2]"``). Anything else is a
:class:`BBoxSyntaxError`; corner order is checked by :func:`order_corners`.
"""

from __future__ import annotations

import math
import re

from schemas.geometry import BBox

Corners = tuple[float, float, float, float]

_NUMBER = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?")
_SEPARATORS = re.compile(r"[\s,;]+")
_BRACKETS = "[]()"
_PLAIN_NUMBER = r"([-+]?\d{1,15}(?:\.\d{0,15})?)"
_FOUR_PLAIN = re.compile(
    rf"[ \t]*{_PLAIN_NUMBER} +{_PLAIN_NUMBER} +{_PLAIN_NUMBER} +{_PLAIN_NUMBER}[ \t]*"
)
#: A value already in canonical form: four integers without sign or leading zero, one space apart
#: (ASCII digits: ``\d`` would take other scripts' digits, which ``float`` reads too).
_CANONICAL_INT = r"(0|[1-9][0-9]{0,14})"
_FOUR_CANONICAL = re.compile(
    rf"{_CANONICAL_INT} {_CANONICAL_INT} {_CANONICAL_INT} {_CANONICAL_INT}"
)


class BBoxSyntaxError(ValueError):
    """A ``data-bbox`` value that is not four finite numbers."""


def plain_corners(value: str) -> Corners | None:
    """The four numbers of a value written ``"x1 y1 x2 y2"`` in plain decimals, as Qwen writes
    them (always finite), else ``None``: the common case of :func:`parse_bbox`, without its
    checks."""
    plain = _FOUR_PLAIN.fullmatch(value)
    if plain is None:
        return None
    x1, y1, x2, y2 = plain.groups()
    return float(x1), float(y1), float(x2), float(y2)


def canonical_corners(value: str) -> Corners | None:
    """The four numbers of a value that :func:`format_bbox` would write unchanged (non-negative
    integers of at most 15 digits, exact as floats, one space apart), else ``None``: the usual
    Qwen box, which needs no rewriting."""
    canonical = _FOUR_CANONICAL.fullmatch(value)
    if canonical is None:
        return None
    x1, y1, x2, y2 = canonical.groups()
    return float(x1), float(y1), float(x2), float(y2)


def parse_bbox(value: str) -> Corners:
    """Read four numbers from a ``data-bbox`` value, in the order written (corners not checked)."""
    plain = plain_corners(value)
    if plain is not None:
        return plain
    inner = value.strip()
    if inner[:1] in _BRACKETS and inner[-1:] in _BRACKETS:
        inner = inner[1:-1]
    parts = [p for p in _SEPARATORS.split(inner.strip()) if p]
    if len(parts) != 4:
        raise BBoxSyntaxError(f"expected 4 numbers, got {len(parts)} in {value!r}")
    numbers: list[float] = []
    for part in parts:
        if not _NUMBER.fullmatch(part):
            raise BBoxSyntaxError(f"{part!r} is not a number in {value!r}")
        number = float(part)
        if not math.isfinite(number):
            raise BBoxSyntaxError(f"{part!r} is not a finite number in {value!r}")
        numbers.append(number)
    return numbers[0], numbers[1], numbers[2], numbers[3]


def order_corners(corners: Corners) -> tuple[BBox, bool]:
    """Return the box with top-left first and whether the corners had to be swapped."""
    x1, y1, x2, y2 = corners
    swapped = x2 < x1 or y2 < y1
    return BBox.from_corners(x1, y1, x2, y2), swapped


def format_bbox(box: BBox) -> str:
    """Canonical ``data-bbox`` text: space-separated, integers without a decimal point."""
    return format_corners((box.x1, box.y1, box.x2, box.y2))


def format_corners(corners: Corners) -> str:
    """:func:`format_bbox` of the box with these corners."""
    x1, y1, x2, y2 = corners
    if x1.is_integer() and y1.is_integer() and x2.is_integer() and y2.is_integer():
        return f"{int(x1)} {int(y1)} {int(x2)} {int(y2)}"  # the usual case, in one step
    return " ".join(_format_number(v) for v in (x1, y1, x2, y2))


def _format_number(value: float) -> str:
    if value.is_integer():
        return str(int(value))
    return repr(round(value, 3))
