"""Open any supported file as a document of pages: the dispatch on detected content type."""

from __future__ import annotations

from types import TracebackType
from typing import Protocol

from docparse.render.detect import SourceFormat, detect_format
from docparse.render.image import ImageDocument
from docparse.render.pdf import PdfDocument
from schemas.options import RenderOptions
from schemas.page import RenderedPage, SourceKind


class Document(Protocol):
    """An open input whose pages render one at a time. Close it (or use ``with``) when done."""

    source: str
    doc_id: str
    kind: SourceKind
    page_count: int
    #: Document-level notes from the decoder (e.g. "repairing PDF document"), for the record.
    warnings: tuple[str, ...]

    def render_page(self, index: int) -> RenderedPage:
        """Render page ``index`` (0-based); raise :class:`schemas.errors.RenderError` if it fails."""
        ...

    def close(self) -> None: ...

    def __enter__(self) -> "Document": ...

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...


def open_document(data: bytes, *, source: str, doc_id: str, options: RenderOptions) -> Document:
    """Open ``data`` as a PDF or an image, judged by its content.

    ``source`` names the file in errors and records; ``doc_id`` is the stable document id.
    Cheap: a PDF's pages and an image's pixels are read only when a page is rendered.
    Raises :class:`schemas.errors.InputError` (EMPTY_FILE, UNSUPPORTED_FORMAT, CORRUPT_PDF,
    ENCRYPTED_PDF, WRONG_PASSWORD, CORRUPT_IMAGE, DECOMPRESSION_BOMB).
    """
    fmt = detect_format(data, source=source)
    if fmt is SourceFormat.PDF:
        return PdfDocument(data, source=source, doc_id=doc_id, options=options)
    return ImageDocument(data, source=source, doc_id=doc_id, options=options, fmt=fmt)


def count_pages(data: bytes, *, source: str, options: RenderOptions | None = None) -> int:
    """Pages in ``data`` without rendering any (PDF page tree, TIFF frame directory, else 1).

    Raises :class:`schemas.errors.InputError` as :func:`open_document` does; an encrypted PDF
    needs ``options.password``.
    """
    with open_document(data, source=source, doc_id=source, options=options or RenderOptions()) as doc:
        return doc.page_count
