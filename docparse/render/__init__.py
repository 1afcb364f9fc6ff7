"""The render stage: PDFs and scans -> page images at the model's smart_resize size.

PDF pages are rasterised once, straight at the target size (PyMuPDF); images keep their own
pixels inside the budget and are resized once outside it (Pillow). Every page carries its
:class:`schemas.geometry.PageTransform` from the model's pixels back to the page's frame.

Layer L2: imports ``schemas`` (and third-party PyMuPDF, Pillow, numpy) only.
"""

from __future__ import annotations

from docparse.render.detect import SourceFormat, detect_format, detect_kind
from docparse.render.document import Document, count_pages, open_document
from docparse.render.pages import PageOutcome, PageStream, read_input, render_file, render_pages
from schemas.page import PageRenderFailure, RenderedPage

__all__ = [
    "Document",
    "PageOutcome",
    "PageRenderFailure",
    "PageStream",
    "RenderedPage",
    "SourceFormat",
    "count_pages",
    "detect_format",
    "detect_kind",
    "open_document",
    "read_input",
    "render_file",
    "render_pages",
]
