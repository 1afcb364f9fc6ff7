"""MuPDF's diagnostics, kept off stderr and handed back as data.

MuPDF prints repairs and syntax warnings straight to stderr, which floods a batch log. We switch
that off once and drain PyMuPDF's warning store after each open and each page, so messages
become records (document warnings) or debug log lines, and the store never grows without bound.
"""

from __future__ import annotations

import logging

import pymupdf

log = logging.getLogger("docparse.render")

#: What MuPDF raises through PyMuPDF for broken input (FileDataError is a RuntimeError).
MUPDF_ERRORS: tuple[type[Exception], ...] = (RuntimeError, ValueError, pymupdf.mupdf.FzErrorBase)


def silence_mupdf() -> None:
    """Stop MuPDF printing errors and warnings; they still reach the warning store."""
    pymupdf.TOOLS.mupdf_display_errors(False)
    pymupdf.TOOLS.mupdf_display_warnings(False)


def drain_warnings() -> list[str]:
    """Return and clear the messages MuPDF stored since the last drain, one per line."""
    text = pymupdf.TOOLS.mupdf_warnings(reset=True) or ""
    return [line.strip() for line in text.splitlines() if line.strip()]


def log_warnings(source: str, page: int | None = None) -> None:
    """Drain MuPDF's messages into the debug log, naming the file and page."""
    where = f"{source} page {page}" if page is not None else source
    for message in drain_warnings():
        log.debug("%s: mupdf: %s", where, message)
