"""Names in the output root: one folder per document (its key), the manifest at the top.

::

    <root>/manifest.jsonl             one line per finished document (docparse.sinks.manifest)
    <root>/manifest.d/<hash>.json     manifest lines not yet compacted (S3 journal)
    <root>/<key>/document.html        all pages, <section data-page="N">, boxes in page frame
    <root>/<key>/document.json        the DocumentResult
    <root>/<key>/extraction.json      the extraction, when one was asked for
    <root>/<key>/pages/NNNN.html      one page's HTML, page frame (pages that did not fail)
    <root>/<key>/raw/NNNN.html        the model's reply for page NNNN, byte for byte
"""

from __future__ import annotations

import re

from docparse.storage import join_key

MANIFEST_NAME = "manifest.jsonl"
MANIFEST_PARTS = "manifest.d"
DOCUMENT_HTML = "document.html"
DOCUMENT_JSON = "document.json"
EXTRACTION_JSON = "extraction.json"
PAGES_DIR = "pages"
RAW_DIR = "raw"

_PAGE_FILE = re.compile(r"^(?:pages|raw)/\d{4,}\.html$")


def page_file(page_number: int) -> str:
    """``NNNN.html``: the page number, 1-based, zero-padded to four digits."""
    if page_number < 1:
        raise ValueError(f"page numbers are 1-based, got {page_number}")
    return f"{page_number:04d}.html"


def page_key(output: str, page_number: int) -> str:
    """Key of a page's HTML in the document folder ``output``."""
    return join_key(output, PAGES_DIR, page_file(page_number))


def raw_key(output: str, page_number: int) -> str:
    """Key of a page's raw model reply in the document folder ``output``."""
    return join_key(output, RAW_DIR, page_file(page_number))


def is_page_output(output: str, key: str) -> bool:
    """True for ``<output>/pages/NNNN.html`` and ``<output>/raw/NNNN.html`` (nothing deeper)."""
    prefix = output + "/"
    return key.startswith(prefix) and _PAGE_FILE.match(key[len(prefix) :]) is not None
