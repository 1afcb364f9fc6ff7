"""Scans and photos -> model-input images with Pillow.

The page frame is the image's own pixels after EXIF orientation. A page keeps those pixels when
smart_resize leaves its size unchanged and is resized once (Lanczos) otherwise. Every frame of a
TIFF is a page; other formats give their first frame only (an animated GIF or WebP is one page).
Sizes are checked against ``max_source_pixels`` from the header, before any pixel is decoded.
"""

from __future__ import annotations

import io
import struct
import warnings
from types import TracebackType

from PIL import Image, ImageOps

from docparse.render.colour import to_rgb
from docparse.render.detect import SourceFormat
from docparse.render.encode import encode_rgb
from docparse.render.sizing import Size, target_size
from schemas.errors import ErrorCode, InputError, RenderError
from schemas.geometry import PageTransform, Unit
from schemas.options import RenderOptions
from schemas.page import RenderedPage, SourceKind

#: What Pillow's decoders raise on malformed data (fuzzing shows more than OSError).
PIL_ERRORS: tuple[type[Exception], ...] = (
    OSError, SyntaxError, ValueError, EOFError, struct.error, IndexError, ZeroDivisionError,
)
_ORIENTATION_TAG = 0x0112
#: EXIF orientation -> clockwise rotation it applies (mirrored variants keep their rotation part).
_EXIF_ROTATION = {1: 0, 2: 0, 3: 180, 4: 180, 5: 270, 6: 90, 7: 90, 8: 270}
#: Lanczos after an integer box reduction when shrinking by 3x or more: faster, same quality.
_REDUCING_GAP = 3.0


def _too_large(size: tuple[int, int], limit: int) -> str | None:
    pixels = size[0] * size[1]
    if pixels <= limit:
        return None
    return f"image of {size[0]}x{size[1]} = {pixels} pixels exceeds max_source_pixels {limit}"


def open_image(data: bytes, *, source: str, fmt: SourceFormat, max_source_pixels: int) -> Image.Image:
    """Read the header of an image in format ``fmt``; decode nothing yet.

    Raises :class:`InputError`: ``DECOMPRESSION_BOMB`` when the declared size is over
    ``max_source_pixels`` (or over Pillow's own hard limit), ``CORRUPT_IMAGE`` when the header
    cannot be read.
    """
    try:
        with warnings.catch_warnings():
            # Our own limit (below) decides; Pillow's soft warning would only be noise.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=[fmt.value])
    except Image.DecompressionBombError as exc:
        raise InputError(str(exc), code=ErrorCode.DECOMPRESSION_BOMB, file=source) from exc
    except PIL_ERRORS as exc:
        raise InputError(
            f"corrupt {fmt.value} image: {exc}", code=ErrorCode.CORRUPT_IMAGE, file=source
        ) from exc
    problem = _too_large(image.size, max_source_pixels)
    if problem:
        image.close()
        raise InputError(problem, code=ErrorCode.DECOMPRESSION_BOMB, file=source)
    return image


def _frame_count(image: Image.Image, fmt: SourceFormat, source: str) -> int:
    if fmt is not SourceFormat.TIFF:
        return 1
    try:
        return max(1, int(getattr(image, "n_frames", 1)))
    except PIL_ERRORS as exc:
        raise InputError(
            f"corrupt TIFF page directory: {exc}", code=ErrorCode.CORRUPT_IMAGE, file=source
        ) from exc


class ImageDocument:
    """An image file as a document: one page, or one page per TIFF frame, decoded on demand."""

    kind = SourceKind.IMAGE

    def __init__(
        self, data: bytes, *, source: str, doc_id: str, options: RenderOptions, fmt: SourceFormat
    ) -> None:
        self.source = source
        self.doc_id = doc_id
        self.options = options
        self.format = fmt
        self._image = open_image(
            data, source=source, fmt=fmt, max_source_pixels=options.max_source_pixels
        )
        try:
            self.page_count: int = _frame_count(self._image, fmt, source)
        except InputError:
            self._image.close()
            raise
        #: Document-level notes; Pillow reports nothing worth keeping at open time.
        self.warnings: tuple[str, ...] = ()

    def render_page(self, index: int) -> RenderedPage:
        """Render frame ``index`` (0-based). Raises :class:`RenderError` naming file and page."""
        number = index + 1
        oriented, rotation = self._decode(index)
        try:
            rgb = to_rgb(oriented)
        except ValueError as exc:
            raise RenderError(
                f"cannot convert image mode {oriented.mode} to RGB: {exc}",
                code=ErrorCode.RENDER_FAILED,
                file=self.source,
                page=number,
            ) from exc
        native = Size(*rgb.size)
        target = target_size(native, self.options, source=self.source, page=number)
        if target != native:
            rgb = rgb.resize(target, Image.Resampling.LANCZOS, reducing_gap=_REDUCING_GAP)
        return RenderedPage(
            doc_id=self.doc_id,
            source=self.source,
            source_kind=SourceKind.IMAGE,
            page_index=index,
            page_count=self.page_count,
            transform=PageTransform(
                model_width=target.width,
                model_height=target.height,
                page_width=native.width,
                page_height=native.height,
                unit=Unit.PX,
                rotation=rotation,
            ),
            image=encode_rgb(rgb.tobytes(), target, png=self.options.encode_png),
            native_width=native.width,
            native_height=native.height,
        )

    def _decode(self, index: int) -> tuple[Image.Image, int]:
        """Seek, check the frame's size, decode, apply EXIF orientation; return it and its rotation."""
        number = index + 1
        try:
            self._image.seek(index)
            problem = _too_large(self._image.size, self.options.max_source_pixels)
            if problem:
                raise RenderError(
                    problem, code=ErrorCode.DECOMPRESSION_BOMB, file=self.source, page=number
                )
            self._image.load()
            rotation = _EXIF_ROTATION.get(int(self._image.getexif().get(_ORIENTATION_TAG, 1)), 0)
            oriented = ImageOps.exif_transpose(self._image)
        except Image.DecompressionBombError as exc:
            raise RenderError(
                str(exc), code=ErrorCode.DECOMPRESSION_BOMB, file=self.source, page=number
            ) from exc
        except PIL_ERRORS as exc:
            raise RenderError(
                f"corrupt {self.format.value} image data: {exc}",
                code=ErrorCode.CORRUPT_IMAGE,
                file=self.source,
                page=number,
            ) from exc
        return oriented, rotation

    def close(self) -> None:
        self._image.close()

    def __enter__(self) -> "ImageDocument":
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
