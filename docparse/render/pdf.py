"""PDF pages -> model-input images with PyMuPDF, each rasterised once at its smart_resize size.

A page's native size is its displayed size in points at 72 dpi (``page.rect``, /Rotate applied).
The page is drawn straight into a pixmap of exactly the target size with separate x and y scales
``target / size_pt``: no second resample, no full-resolution raster, whatever the page size.
"""

from __future__ import annotations

from types import TracebackType

import numpy as np
import pymupdf

from docparse.render.encode import encode_rgb
from docparse.render.mupdf_log import MUPDF_ERRORS, drain_warnings, log_warnings, silence_mupdf
from docparse.render.sizing import Size, native_pdf_size, target_size
from docparse.render.textlayer import read_text_layer
from schemas.errors import ErrorCode, InputError, RenderError
from schemas.geometry import PageTransform, Unit
from schemas.options import RenderOptions
from schemas.page import RenderedPage, SourceKind


def open_pdf(data: bytes, *, source: str, password: str | None) -> tuple[pymupdf.Document, list[str]]:
    """Open (and if needed unlock) a PDF; return it with MuPDF's warnings (e.g. repairs).

    Raises :class:`InputError`: ``CORRUPT_PDF`` when MuPDF cannot open or repair it or it has no
    pages, ``ENCRYPTED_PDF`` when it needs a password and none was given, ``WRONG_PASSWORD``.
    """
    silence_mupdf()
    drain_warnings()
    try:
        doc = pymupdf.open(stream=data, filetype="pdf")
    except MUPDF_ERRORS as exc:
        raise InputError(
            f"corrupt PDF that MuPDF cannot open or repair: {exc}",
            code=ErrorCode.CORRUPT_PDF,
            file=source,
        ) from exc
    try:
        _unlock(doc, source=source, password=password)
        if doc.page_count < 1:
            raise InputError("PDF has no pages", code=ErrorCode.CORRUPT_PDF, file=source)
    except BaseException:
        doc.close()
        raise
    return doc, drain_warnings()


def _unlock(doc: pymupdf.Document, *, source: str, password: str | None) -> None:
    if not doc.needs_pass:
        return
    if password is None:
        raise InputError(
            "PDF is encrypted: give its password with --password (RenderOptions.password)",
            code=ErrorCode.ENCRYPTED_PDF,
            file=source,
        )
    if not doc.authenticate(password):
        raise InputError(
            "wrong password for encrypted PDF", code=ErrorCode.WRONG_PASSWORD, file=source
        )


def rasterise(page: pymupdf.Page, target: Size) -> bytes:
    """Draw the displayed page into exactly ``target`` pixels; return packed RGB bytes.

    MuPDF sizes a pixmap by rounding the transformed page box outwards; at very large targets
    float32 error can add one pixel column or row beyond the page edge. That sliver (far below a
    pixel of content) is cut off, so the scale stays exact. Anything else is a RenderError.
    """
    rect = page.rect
    sx, sy = target.width / rect.width, target.height / rect.height
    matrix = pymupdf.Matrix(sx, 0.0, 0.0, sy, -rect.x0 * sx, -rect.y0 * sy)
    pix = page.get_pixmap(matrix=matrix, colorspace=pymupdf.csRGB, alpha=False, annots=True)
    extra = (pix.width - target.width, pix.height - target.height)
    if (pix.x, pix.y) != (0, 0) or extra[0] not in (0, 1) or extra[1] not in (0, 1):
        raise RenderError(
            f"MuPDF made a {pix.width}x{pix.height} pixmap at ({pix.x}, {pix.y}) "
            f"for a {target.width}x{target.height} target",
            code=ErrorCode.RENDER_FAILED,
        )
    if extra == (0, 0):
        return pix.samples
    pixels = np.frombuffer(pix.samples, dtype=np.uint8).reshape(pix.height, pix.width, 3)
    return pixels[: target.height, : target.width].tobytes()


class PdfDocument:
    """An open PDF whose pages are loaded and rasterised one at a time, on demand.

    Holds the one MuPDF handle for the document; with ``options.extract_text_layer`` a page with
    text also carries its text layer as data (:mod:`docparse.render.textlayer`), read from the
    same handle, for the ``textlayer`` engine.
    """

    kind = SourceKind.PDF

    def __init__(self, data: bytes, *, source: str, doc_id: str, options: RenderOptions) -> None:
        self.source = source
        self.doc_id = doc_id
        self.options = options
        self._doc, warnings = open_pdf(data, source=source, password=options.password)
        #: MuPDF's messages from opening (repairs, syntax problems), for the document record.
        self.warnings: tuple[str, ...] = tuple(warnings)
        self.page_count: int = self._doc.page_count

    def render_page(self, index: int) -> RenderedPage:
        """Render page ``index`` (0-based). Raises :class:`RenderError` naming file and page."""
        number = index + 1
        try:
            return self._render(index)
        except RenderError as exc:
            if exc.file is not None:
                raise
            raise RenderError(exc.message, code=exc.code, file=self.source, page=number) from exc
        except MUPDF_ERRORS as exc:
            raise RenderError(
                f"MuPDF could not render the page: {exc}",
                code=ErrorCode.RENDER_FAILED,
                file=self.source,
                page=number,
            ) from exc
        finally:
            log_warnings(self.source, number)

    def _render(self, index: int) -> RenderedPage:
        page = self._doc.load_page(index)
        rect = page.rect
        if rect.is_empty or rect.is_infinite:
            raise RenderError(f"page box {tuple(rect)} is empty", code=ErrorCode.RENDER_FAILED)
        native = native_pdf_size(rect.width, rect.height)
        target = target_size(native, self.options, source=self.source, page=index + 1)
        rgb = rasterise(page, target)
        has_text = bool(page.get_text().strip())
        # After rasterising: table finding derotates a rotated page while it works.
        wanted = has_text and self.options.extract_text_layer
        layer = read_text_layer(page, source=self.source) if wanted else None
        return RenderedPage(
            doc_id=self.doc_id,
            source=self.source,
            source_kind=SourceKind.PDF,
            page_index=index,
            page_count=self.page_count,
            transform=PageTransform(
                model_width=target.width,
                model_height=target.height,
                page_width=rect.width,
                page_height=rect.height,
                unit=Unit.PT,
                rotation=page.rotation,
            ),
            image=encode_rgb(rgb, target, png=self.options.encode_png),
            native_width=native.width,
            native_height=native.height,
            has_text_layer=has_text,
            text_layer=layer,
        )

    def close(self) -> None:
        self._doc.close()

    def __enter__(self) -> "PdfDocument":
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
