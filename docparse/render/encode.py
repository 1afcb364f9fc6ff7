"""Packed RGB pixels -> :class:`schemas.page.PageImage` (raw for in-process engines, PNG for HTTP).

One encoder serves PDF pages and scans alike. PNG is written here directly: 8-bit RGB, filter
"None" on every row, one zlib stream at level 3. On rendered 1.3 MP text pages that measured
about 14 ms against 32 ms for MuPDF's encoder and 29-48 ms for Pillow's (levels 1-6), at the same
or smaller size, because document pages are mostly flat colour that plain deflate already
squeezes. zlib runs without the GIL, so threads encode in parallel. PNG is lossless: the model
sees exactly the pixels rendered.
"""

from __future__ import annotations

import struct
import zlib

import numpy as np

from docparse.render.sizing import Size
from schemas.page import ImageEncoding, PageImage

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
#: zlib level for PNG data: 3 is as small as 6 on document pages and twice as fast.
PNG_ZLIB_LEVEL = 3
_FILTER_NONE = 0


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_from_rgb(rgb: bytes, size: Size, *, level: int = PNG_ZLIB_LEVEL) -> bytes:
    """Encode packed 8-bit RGB as a PNG file (colour type 2, no interlace)."""
    rows = np.empty((size.height, size.width * 3 + 1), dtype=np.uint8)
    rows[:, 0] = _FILTER_NONE
    rows[:, 1:] = np.frombuffer(rgb, dtype=np.uint8).reshape(size.height, size.width * 3)
    header = struct.pack(">IIBBBBB", size.width, size.height, 8, 2, 0, 0, 0)
    return (
        PNG_SIGNATURE
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(rows.data, level))
        + _chunk(b"IEND", b"")
    )


def encode_rgb(rgb: bytes, size: Size, *, png: bool) -> PageImage:
    """Wrap ``rgb`` (8-bit RGB, row-major, no padding) as a page image, PNG-encoded if ``png``."""
    if len(rgb) != size.width * size.height * 3:
        raise ValueError(
            f"{size.width}x{size.height} RGB needs {size.width * size.height * 3} bytes"
        )
    data = png_from_rgb(rgb, size) if png else rgb
    encoding = ImageEncoding.PNG if png else ImageEncoding.RAW
    return PageImage(width=size.width, height=size.height, encoding=encoding, data=data)
