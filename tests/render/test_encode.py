"""The PNG writer is lossless and standard: two independent decoders read back the same pixels."""

from __future__ import annotations

import io

import numpy as np
import pymupdf
import pytest
from PIL import Image

from docparse.render.encode import encode_rgb, png_from_rgb
from docparse.render.sizing import Size
from schemas.page import ImageEncoding


@pytest.mark.parametrize("size", [Size(1, 1), Size(3, 2), Size(28, 56), Size(257, 131)])
def test_png_round_trips_through_pillow_and_mupdf(size: Size) -> None:
    rgb = np.random.default_rng(size.width).integers(0, 256, size.width * size.height * 3, dtype=np.uint8)
    data = png_from_rgb(rgb.tobytes(), size)
    with Image.open(io.BytesIO(data)) as decoded:
        decoded.load()  # verifies chunk CRCs and the zlib stream
        assert (decoded.format, decoded.mode, decoded.size) == ("PNG", "RGB", tuple(size))
        assert decoded.tobytes() == rgb.tobytes()
    assert pymupdf.Pixmap(data).samples == rgb.tobytes()


def test_encode_rgb_raw_and_png() -> None:
    rgb = bytes(range(6)) * 4  # 4x2 pixels
    raw = encode_rgb(rgb, Size(4, 2), png=False)
    assert (raw.encoding, raw.data, raw.mime_type) == (ImageEncoding.RAW, rgb, "application/octet-stream")
    png = encode_rgb(rgb, Size(4, 2), png=True)
    assert png.encoding is ImageEncoding.PNG and png.mime_type == "image/png"
    with pytest.raises(ValueError, match="needs 24 bytes"):
        encode_rgb(rgb[:-1], Size(4, 2), png=True)
