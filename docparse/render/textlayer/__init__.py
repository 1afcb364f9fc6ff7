"""A born-digital PDF page's text layer as data (:class:`schemas.textlayer.TextLayer`).

The render stage calls :func:`extract_text_layer` on the open page when
``RenderOptions.extract_text_layer`` is set, so the ``textlayer`` engine (which never sees files)
can build QwenVL HTML from it. Steps, all in the displayed page frame (points, top-left origin,
/Rotate applied):

1. glyphs: every character with its ink box, in MuPDF's blocks, lines and spans;
2. drawings: path ink boxes and horizontal/vertical rules;
3. tables: fully ruled grids (``page.find_tables``), then tables ruled between rows only;
4. every glyph goes either to the table cell holding it or to the running text;
5. running text becomes blocks (wide same-row gaps split a block), figures are raster images and
   clusters of vector paths that are not tables.

Cost: a few milliseconds for text and drawings, plus ``find_tables`` (tens of ms) on pages that
have crossing rules.
"""

from __future__ import annotations

import logging

import pymupdf

from docparse.render.textlayer.blocks import body_font_size, text_blocks
from docparse.render.textlayer.cells import split_tables
from docparse.render.textlayer.drawings import read_drawings
from docparse.render.textlayer.figures import find_images
from docparse.render.textlayer.glyphs import ink_box, read_blocks, words
from docparse.render.textlayer.grids import ruled_grids
from docparse.render.textlayer.rules import rule_grids
from schemas.geometry import Frame, Unit
from schemas.textlayer import TextLayer

__all__ = ["extract_text_layer", "read_text_layer"]

log = logging.getLogger("docparse.render")


def read_text_layer(page: pymupdf.Page, *, source: str) -> TextLayer | None:
    """:func:`extract_text_layer`, or None (logged as a warning) when extraction fails.

    The render stage uses this: a page whose text layer cannot be read still renders for the
    model; only the textlayer engine goes without (it then says so, naming file and page).
    """
    try:
        return extract_text_layer(page)
    except Exception:  # a heuristic's failure must not cost the page its image
        log.warning(
            "%s page %d: text layer extraction failed", source, page.number + 1, exc_info=True
        )
        return None


def extract_text_layer(page: pymupdf.Page) -> TextLayer | None:
    """The text layer of ``page``; None when it prints no character at all.

    May raise what MuPDF raises for a broken page (the caller turns it into a RenderError).
    ``find_tables`` derotates a rotated page while it works and restores it: call this after the
    page was rasterised.
    """
    raw_blocks = read_blocks(page)
    if not any(
        g.inked for b in raw_blocks for line in b.lines for run in line.runs for g in run.glyphs
    ):
        return None
    frame = Frame(width=page.rect.width, height=page.rect.height, unit=Unit.PT)
    drawings = read_drawings(page)
    page_words = words(raw_blocks)
    grids = ruled_grids(page, drawings, page_words)
    block_boxes = [
        box
        for block in raw_blocks
        if (box := ink_box(g for line in block.lines for run in line.runs for g in run.glyphs))
    ]
    grids += rule_grids(drawings, page_words, block_boxes, taken=[g.box for g in grids])
    running, tables = split_tables(raw_blocks, grids)
    body = body_font_size(running, raw_blocks)
    return TextLayer(
        blocks=text_blocks(running, frame),
        tables=tables,
        images=find_images(page, drawings, [t.bbox.as_tuple() for t in tables], frame),
        body_font_size=body,
    )
