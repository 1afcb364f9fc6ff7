"""Any Pillow image mode -> 8-bit RGB, the one pixel format the model receives.

Transparency is composited onto white (a scan's blank paper), not dropped to black. 16-bit
greyscale is scaled to 8 bits (Pillow's own conversion would clip everything above 255 to
white). Everything else (1-bit, L, P, CMYK, YCbCr, ...) uses Pillow's conversion.
"""

from __future__ import annotations

import numpy as np
from PIL import Image

WHITE = (255, 255, 255)

_ALPHA_MODES = frozenset({"RGBA", "LA", "PA", "RGBa"})
#: Modes holding 16-bit samples. Pillow also uses "I" (32-bit) for 16-bit data from some
#: decoders, so "I" is read as 16-bit too: values are clipped to 0..65535 before scaling.
_SIXTEEN_BIT_MODES = frozenset({"I;16", "I;16L", "I;16B", "I;16N", "I"})


def has_alpha(image: Image.Image) -> bool:
    """True for an alpha channel or a transparency key (palette index or colour in ``info``)."""
    return image.mode in _ALPHA_MODES or "transparency" in image.info


def to_rgb(image: Image.Image) -> Image.Image:
    """Return ``image`` as mode RGB; the same object when it already is RGB without alpha."""
    if image.mode in _SIXTEEN_BIT_MODES:
        return _sixteen_bit_to_rgb(image)
    if has_alpha(image):
        return _flatten_on_white(image)
    if image.mode == "RGB":
        return image
    return image.convert("RGB")


def _flatten_on_white(image: Image.Image) -> Image.Image:
    rgba = image if image.mode == "RGBA" else image.convert("RGBA")
    flat = Image.new("RGB", rgba.size, WHITE)
    flat.paste(rgba, mask=rgba.getchannel("A"))
    return flat


def _sixteen_bit_to_rgb(image: Image.Image) -> Image.Image:
    samples = np.clip(np.asarray(image), 0, 65535).astype(np.uint32)
    grey = ((samples * 255 + 32767) // 65535).astype(np.uint8)
    return Image.fromarray(grey).convert("RGB")
