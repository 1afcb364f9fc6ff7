"""What a file is, judged by its content (magic bytes), never by its name.

A file called ``report.pdf`` that holds plain text is ``UNSUPPORTED_FORMAT``; a PNG saved as
``scan.pdf`` is an image. Only the formats the render stage can open are recognised.
"""

from __future__ import annotations

from enum import Enum

from schemas.errors import ErrorCode, InputError
from schemas.page import SourceKind

#: The PDF header may follow up to 1 KiB of junk (as readers including MuPDF accept).
PDF_HEADER_WINDOW = 1024


class SourceFormat(str, Enum):
    """A container format the render stage opens. The value is Pillow's format name."""

    PDF = "PDF"
    PNG = "PNG"
    JPEG = "JPEG"
    TIFF = "TIFF"
    WEBP = "WEBP"
    BMP = "BMP"
    GIF = "GIF"

    @property
    def kind(self) -> SourceKind:
        return SourceKind.PDF if self is SourceFormat.PDF else SourceKind.IMAGE


_IMAGE_SIGNATURES: tuple[tuple[bytes, SourceFormat], ...] = (
    (b"\x89PNG\r\n\x1a\n", SourceFormat.PNG),
    (b"\xff\xd8\xff", SourceFormat.JPEG),
    (b"II*\x00", SourceFormat.TIFF),
    (b"MM\x00*", SourceFormat.TIFF),
    (b"II+\x00", SourceFormat.TIFF),  # BigTIFF
    (b"MM\x00+", SourceFormat.TIFF),
    (b"GIF87a", SourceFormat.GIF),
    (b"GIF89a", SourceFormat.GIF),
)
#: BMP's two-byte magic is weak ("BM..." text exists), so the DIB header size must be valid too.
_BMP_DIB_HEADER_SIZES = frozenset({12, 16, 40, 52, 56, 64, 108, 124})


def detect_format(data: bytes, *, source: str = "") -> SourceFormat:
    """Return the container format of ``data``.

    Raises :class:`InputError` with ``EMPTY_FILE`` for zero bytes and ``UNSUPPORTED_FORMAT``
    for anything that is neither a PDF nor an image format listed in :class:`SourceFormat`.
    """
    if not data:
        raise InputError("file is empty (0 bytes)", code=ErrorCode.EMPTY_FILE, file=source or None)
    for signature, fmt in _IMAGE_SIGNATURES:
        if data.startswith(signature):
            return fmt
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return SourceFormat.WEBP
    if data[:2] == b"BM" and int.from_bytes(data[14:18], "little") in _BMP_DIB_HEADER_SIZES:
        return SourceFormat.BMP
    if b"%PDF-" in data[:PDF_HEADER_WINDOW]:
        return SourceFormat.PDF
    head = data[:8]
    raise InputError(
        f"not a PDF or a supported image (PNG, JPEG, TIFF, WebP, BMP, GIF); "
        f"file starts with {head!r}",
        code=ErrorCode.UNSUPPORTED_FORMAT,
        file=source or None,
    )


def detect_kind(data: bytes, *, source: str = "") -> SourceKind:
    """Return whether ``data`` is a PDF or an image (see :func:`detect_format` for errors)."""
    return detect_format(data, source=source).kind
