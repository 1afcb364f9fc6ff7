"""The exact ``smart_resize`` rule of qwen-vl-utils (factor 28), which fixes the model's frame.

Rendering uses it to choose the raster size, so the image the model sees is already at a
smart_resize output and the server (whose max_pixels is kept >= ours) leaves it unchanged.
Written out here rather than importing qwen-vl-utils: that package pulls in torch/torchvision,
and this rule is eight lines that the whole coordinate contract depends on.
"""

from __future__ import annotations

import math

FACTOR = 28
MAX_ASPECT_RATIO = 200
DEFAULT_MIN_PIXELS = 512 * FACTOR * FACTOR
DEFAULT_MAX_PIXELS = 2048 * FACTOR * FACTOR


class AspectRatioError(ValueError):
    """max(H, W) / min(H, W) exceeds 200: Qwen2.5-VL cannot take this image."""


def smart_resize(
    height: int,
    width: int,
    *,
    factor: int = FACTOR,
    min_pixels: int = DEFAULT_MIN_PIXELS,
    max_pixels: int = DEFAULT_MAX_PIXELS,
) -> tuple[int, int]:
    """Return ``(h, w)``: multiples of ``factor`` within the pixel budget, aspect kept.

    Follows FORMAT.md step by step; ``round`` is Python's (half to even) on purpose.
    """
    if height <= 0 or width <= 0:
        raise ValueError(f"image size must be positive, got {width}x{height}")
    if max(height, width) / min(height, width) > MAX_ASPECT_RATIO:
        raise AspectRatioError(
            f"aspect ratio {max(height, width) / min(height, width):.1f} exceeds {MAX_ASPECT_RATIO}"
        )
    h_bar = max(factor, round(height / factor) * factor)
    w_bar = max(factor, round(width / factor) * factor)
    if h_bar * w_bar > max_pixels:
        beta = math.sqrt((height * width) / max_pixels)
        h_bar = max(factor, math.floor(height / beta / factor) * factor)
        w_bar = max(factor, math.floor(width / beta / factor) * factor)
    elif h_bar * w_bar < min_pixels:
        beta = math.sqrt(min_pixels / (height * width))
        h_bar = math.ceil(height * beta / factor) * factor
        w_bar = math.ceil(width * beta / factor) * factor
    return h_bar, w_bar


def visual_tokens(height: int, width: int, factor: int = FACTOR) -> int:
    """Visual tokens the model spends on an image already at a smart_resize size."""
    return (height // factor) * (width // factor)
