"""Documents -> a lazy stream of rendered pages, one record per selected page.

Document-level problems raise :class:`schemas.errors.InputError` before the first page; a page
that fails becomes a :class:`schemas.page.PageRenderFailure` in its place and the others still
render. Only one page's pixels are alive at a time, so memory stays flat for long documents.
"""

from __future__ import annotations

import os
from collections.abc import Generator
from pathlib import Path

from docparse.render.document import Document, open_document
from schemas.errors import ErrorCode, InputError, RenderError
from schemas.options import RenderOptions
from schemas.page import PageRenderFailure, RenderedPage

PageOutcome = RenderedPage | PageRenderFailure
#: A lazy page stream; ``close()`` it to release the document before the end.
PageStream = Generator[PageOutcome, None, None]


def render_pages(
    data: bytes, *, source: str, doc_id: str, options: RenderOptions
) -> PageStream:
    """Open ``data`` now and return an iterator that renders the selected pages in order.

    Raises :class:`InputError` at once for an unreadable document, and with
    ``PAGE_OUT_OF_RANGE`` when ``options.pages`` picks none of its pages. The document is closed
    when the iterator is exhausted or closed.
    """
    doc = open_document(data, source=source, doc_id=doc_id, options=options)
    try:
        indices = selected_indices(doc, options)
    except InputError:
        doc.close()
        raise
    return _render_each(doc, indices)


def selected_indices(doc: Document, options: RenderOptions) -> list[int]:
    """0-based indices that ``options.pages`` selects in ``doc``; none is PAGE_OUT_OF_RANGE."""
    indices = options.pages.indices(doc.page_count)
    if not indices:
        raise InputError(
            f"page selection {options.pages.spec!r} picks none of the document's "
            f"{doc.page_count} page(s)",
            code=ErrorCode.PAGE_OUT_OF_RANGE,
            file=doc.source,
        )
    return indices


def _render_each(doc: Document, indices: list[int]) -> PageStream:
    with doc:
        for index in indices:
            try:
                yield doc.render_page(index)
            except RenderError as exc:
                yield PageRenderFailure(
                    doc_id=doc.doc_id,
                    source=doc.source,
                    source_kind=doc.kind,
                    page_index=index,
                    page_count=doc.page_count,
                    error=exc.record(),
                )


def read_input(path: str | os.PathLike[str]) -> bytes:
    """Read a whole input file; FILE_NOT_FOUND or READ_FAILED as :class:`InputError`."""
    try:
        return Path(path).read_bytes()
    except FileNotFoundError as exc:
        raise InputError("file not found", code=ErrorCode.FILE_NOT_FOUND, file=str(path)) from exc
    except OSError as exc:
        raise InputError(
            f"cannot read file: {exc.strerror or exc}", code=ErrorCode.READ_FAILED, file=str(path)
        ) from exc


def render_file(
    path: str | os.PathLike[str],
    *,
    options: RenderOptions | None = None,
    doc_id: str | None = None,
) -> PageStream:
    """:func:`render_pages` for a local file; ``doc_id`` defaults to the file name's stem."""
    data = read_input(path)
    return render_pages(
        data,
        source=str(path),
        doc_id=doc_id if doc_id is not None else Path(path).stem,
        options=options or RenderOptions(),
    )
