"""Builders for real input files (PDFs with PyMuPDF, images with Pillow) and pixel probes.

Exposed as fixtures so test modules need no imports from each other.
"""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pymupdf
import pytest
from PIL import Image

from schemas.geometry import BBox
from schemas.page import ImageEncoding, RenderedPage

BLACK = (0.0, 0.0, 0.0)
LOREM = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor. "


def pdf_bytes(
    sizes: Sequence[tuple[float, float]] = ((612, 792),),
    *,
    box: tuple[float, float, float, float] | None = None,
    text: bool = True,
    rotation: int = 0,
) -> bytes:
    """A PDF with one page per ``(width, height)`` in points, each with an optional filled black
    box at unrotated page coordinates, optional text, and ``/Rotate rotation``."""
    doc = pymupdf.open()
    for width, height in sizes:
        page = doc.new_page(width=width, height=height)
        if text:
            page.insert_text((min(36, width / 4), min(48, height / 2)), "Hello docparse", fontsize=8)
        if box is not None:
            page.draw_rect(pymupdf.Rect(*box), color=None, fill=BLACK, width=0)
        page.set_rotation(rotation)
    return doc.tobytes()


def text_pdf_bytes(pages: int) -> bytes:
    """A fixture-like PDF: two text columns and a drawing on every US Letter page."""
    doc = pymupdf.open()
    for number in range(pages):
        page = doc.new_page(width=612, height=792)
        page.insert_textbox(pymupdf.Rect(54, 54, 300, 720), LOREM * 14, fontsize=9)
        page.insert_textbox(pymupdf.Rect(312, 54, 558, 400), LOREM * 7, fontsize=9)
        page.draw_rect(pymupdf.Rect(320, 420, 550, 700), color=(0, 0, 1), fill=(0.9, 0.9, 1))
        page.insert_text((300, 760), f"- {number + 1} -", fontsize=9)
    return doc.tobytes(deflate=True)


def image_bytes(image: Image.Image, fmt: str, **save: object) -> bytes:
    """``image`` saved in Pillow format ``fmt``."""
    buf = io.BytesIO()
    image.save(buf, fmt, **save)
    return buf.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header declares ``width x height`` but holds one empty data chunk."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")


def pixels(page: RenderedPage) -> np.ndarray:
    """The page image as an (h, w, 3) uint8 array, whatever its encoding."""
    image = page.image
    if image.encoding is ImageEncoding.RAW:
        return np.frombuffer(image.data, dtype=np.uint8).reshape(image.height, image.width, 3)
    with Image.open(io.BytesIO(image.data)) as decoded:
        return np.asarray(decoded.convert("RGB"))


def dark_box(rgb: np.ndarray, threshold: int = 128) -> tuple[int, int, int, int]:
    """Bounding box (x1, y1, x2, y2), exclusive right/bottom, of pixels darker than threshold."""
    ys, xs = np.nonzero(rgb.max(axis=2) < threshold)
    assert xs.size, "no dark pixels found"
    return int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1


def found_on_page(page: RenderedPage, rgb: np.ndarray | None = None) -> BBox:
    """The dark box found in the page's pixels, mapped back to the page frame."""
    x1, y1, x2, y2 = dark_box(pixels(page) if rgb is None else rgb)
    return page.transform.to_page(BBox(x1=x1, y1=y1, x2=x2, y2=y2))


class Builders:
    """The builders above, plus writing files under a test's tmp_path."""

    pdf_bytes = staticmethod(pdf_bytes)
    text_pdf_bytes = staticmethod(text_pdf_bytes)
    image_bytes = staticmethod(image_bytes)
    png_header_only = staticmethod(png_header_only)
    pixels = staticmethod(pixels)
    dark_box = staticmethod(dark_box)
    found_on_page = staticmethod(found_on_page)

    def __init__(self, root: Path) -> None:
        self.root = root

    def write(self, name: str, data: bytes) -> Path:
        path = self.root / name
        path.write_bytes(data)
        return path


@pytest.fixture
def make(tmp_path: Path) -> Builders:
    return Builders(tmp_path)
