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
    sx, sy = transform.sx, transform.sy
    width, height = transform.page_width, transform.page_height

    def to_page(box: BBox) -> BBox:
        return BBox(
            x1=round(min(max(box.x1 * sx, 0.0), width), PAGE_DIGITS),
            y1=round(min(max(box.y1 * sy, 0.0), height), PAGE_DIGITS),
            x2=round(min(max(box.x2 * sx, 0.0), width), PAGE_DIGITS),
            y2=round(min(max(box.y2 * sy, 0.0), height), PAGE_DIGITS),
        )

    return to_page
