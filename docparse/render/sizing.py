"""The pixel budget: from a page's native size to the size the model receives.

The one rule is :func:`schemas.resize.smart_resize` (factor 28) with the budget of
:class:`schemas.options.RenderOptions`. The image we send is already at a smart_resize output, so
a server whose ``max_pixels`` is at least ours leaves it unchanged and the model's frame is known
exactly.
"""

from __future__ import annotations

from typing import NamedTuple

from schemas.errors import ErrorCode, RenderError
from schemas.options import RenderOptions
from schemas.resize import AspectRatioError, smart_resize


class Size(NamedTuple):
    """A width and height in pixels (width first, unlike smart_resize's ``(h, w)``)."""

    width: int
    height: int


def native_pdf_size(width_pt: float, height_pt: float) -> Size:
    """Native pixel size of a displayed PDF page: its size in points at 72 dpi, rounded.

    smart_resize is defined on whole pixels (it is what qwen-vl-utils would do with this page
    rasterised at 72 dpi), so the point size is rounded (half to even, at least 1 pixel). The
    rounding never costs coordinate accuracy: the raster uses the exact per-axis scales
    ``target / size_pt`` and the transform carries the exact point size. It can only move the
    target across a 28-pixel step when the size sits on a rounding boundary, a far smaller
    change of aspect than the step itself.
    """
    return Size(max(1, round(width_pt)), max(1, round(height_pt)))


def target_size(native: Size, options: RenderOptions, *, source: str, page: int) -> Size:
    """The model-input size for a page of ``native`` pixels: smart_resize within the budget.

    Raises :class:`RenderError` with ``ASPECT_RATIO`` when the page is more than 200 times longer
    than it is wide (Qwen2.5-VL refuses such images); ``page`` is 1-based, for the message.
    """
    try:
        height, width = smart_resize(
            native.height,
            native.width,
            min_pixels=options.min_pixels,
            max_pixels=options.max_pixels,
        )
    except AspectRatioError as exc:
        raise RenderError(
            f"page of {native.width}x{native.height} px cannot be sent to the model: {exc}",
            code=ErrorCode.ASPECT_RATIO,
            file=source,
            page=page,
        ) from exc
    return Size(width, height)
