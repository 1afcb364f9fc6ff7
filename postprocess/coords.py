"""Boxes against the model's frame, and from the model's frame to the page's frame.

The model answers in pixels of the image it received (``PageTransform.model_frame``). A box that
overshoots that frame by at most ``tolerance`` (a share of the frame's width and height) is
clamped; a larger overshoot means the box was read in another frame and the reply is unusable.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from schemas.geometry import BBox, Frame, PageTransform

#: Decimal places kept for page-frame coordinates (1/100 pt or px).
PAGE_DIGITS = 2


@dataclass(frozen=True)
class FrameFit:
    """Outcome of checking a box against a frame.

    ``box`` is the clamped box when ``clamped``; the box unchanged when ``outside`` (beyond the
    tolerance) or already inside.
    """

    box: BBox
    clamped: bool
    outside: bool


def fit_to_frame(box: BBox, frame: Frame, tolerance: float) -> FrameFit:
    """Clamp ``box`` to ``frame`` when it overshoots by at most ``tolerance`` of the frame size."""
    slack_x = tolerance * frame.width
    slack_y = tolerance * frame.height
    over_x = max(0.0, -box.x1, box.x2 - frame.width)
    over_y = max(0.0, -box.y1, box.y2 - frame.height)
    if over_x == 0.0 and over_y == 0.0:
        return FrameFit(box=box, clamped=False, outside=False)
    if over_x > slack_x or over_y > slack_y:
        return FrameFit(box=box, clamped=False, outside=True)
    return FrameFit(box=frame.clamp(box), clamped=True, outside=False)


def to_page_box(box: BBox, transform: PageTransform) -> BBox:
    """Map a model-frame box (already inside the model frame) to the page frame, rounded.

    The clamp only absorbs floating-point drift at the page edges. Computed on the coordinates
    (one box built, not three): the same values as
    ``transform.page_frame.clamp(transform.to_page(box)).round(PAGE_DIGITS)``.
    """
    return page_mapper(transform)(box)


def page_mapper(transform: PageTransform) -> Callable[[BBox], BBox]:
    """:func:`to_page_box` for many boxes of one page (the transform read once)."""
    to_page_fields = page_fields_mapper(transform)

    def to_page(box: BBox) -> BBox:
        return BBox.model_validate(to_page_fields(box.x1, box.y1, box.x2, box.y2))

    return to_page


def page_fields_mapper(transform: PageTransform) -> Callable[..., dict[str, float]]:
    """:func:`page_mapper` on the four corners of a model-frame box, giving the page box as the
    fields :class:`~schemas.geometry.BBox` validates: for callers that build the boxes
    themselves, many in one validation."""
    sx, sy = transform.sx, transform.sy
    width, height = transform.page_width, transform.page_height

    def to_page(x1: float, y1: float, x2: float, y2: float) -> dict[str, float]:
        return {
            "x1": page_coordinate(x1 * sx, width),
            "y1": page_coordinate(y1 * sy, height),
            "x2": page_coordinate(x2 * sx, width),
            "y2": page_coordinate(y2 * sy, height),
        }

    return to_page


#: ``10 ** PAGE_DIGITS`` as a float (exact).
_PAGE_SCALE = float(10**PAGE_DIGITS)
#: Scaled values below this (< 2**40) are within 2**-14 of the exact product, far less than the
#: margin :func:`page_coordinate` keeps from a rounding tie.
_FAST_ROUND_LIMIT = 1e12


def page_coordinate(value: float, limit: float) -> float:
    """``round(min(max(value, 0.0), limit), PAGE_DIGITS)``, the same float in every case.

    ``round(x, 2)`` goes through a decimal string both ways (about 2.5 k instructions); here the
    product ``x * 100`` decides the rounding wherever it is clearly off a tie: its error is at most
    half an ulp (< 1e-4 below the limit), so a fraction outside ``[0.499, 0.501]`` rounds the exact
    value the same way, and ``n / 100`` is then the double nearest the decimal ``n/100``, as
    ``round`` returns. Near a tie, and for negative zero, huge values, infinities and NaN,
    ``round`` itself decides.
    """
    low = 0.0 if 0.0 > value else value  # min(max(...)) with comparisons: builtin calls cost more
    if limit < low:
        low = limit
    scaled = low * _PAGE_SCALE
    if 0.0 < scaled < _FAST_ROUND_LIMIT:
        fraction = scaled % 1.0  # exact (fmod); scaled - fraction is then an exact integer
        if fraction < 0.499:
            return (scaled - fraction) / _PAGE_SCALE
        if fraction > 0.501:
            return (scaled - fraction + 1.0) / _PAGE_SCALE
    return round(low, PAGE_DIGITS)
