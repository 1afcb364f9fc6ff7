"""The page's characters, one by one, in the DISPLAYED page frame.

PyMuPDF reports text in the unrotated page space; every box is mapped through
``page.rotation_matrix`` so it lands where the rasterised (displayed) page shows it. Boxes are
ink boxes where MuPDF can compute them (``TEXT_ACCURATE_BBOXES``: glyph outlines, not the taller
ascender-to-descender cell), which is what a layout annotator or a model draws. Blocks, lines and
spans keep MuPDF's grouping and order (``sort=True``: top-down, then left-right).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import pymupdf

#: (x0, y0, x1, y1) in points, displayed page frame.
Box = tuple[float, float, float, float]

_BOLD_FLAG = 16
_ITALIC_FLAG = 2
_SUBSET_TAG = re.compile(r"^[A-Z]{6}\+")
#: The plain-text flags (what ``page.get_text()`` uses) plus ink boxes where MuPDF offers them.
#: (``TEXT_ACCURATE_SIDE_BEARINGS`` is left out: with MuPDF 1.28 it scrambles the glyphs' y.)
TEXT_FLAGS = pymupdf.TEXTFLAGS_TEXT | getattr(pymupdf, "TEXT_ACCURATE_BBOXES", 0)


@dataclass(slots=True)
class Glyph:
    char: str
    box: Box

    @property
    def center(self) -> tuple[float, float]:
        return (self.box[0] + self.box[2]) / 2, (self.box[1] + self.box[3]) / 2

    @property
    def inked(self) -> bool:
        """A printing character (not whitespace) with a box of some extent."""
        return not self.char.isspace() and self.box[2] >= self.box[0] and self.box[3] >= self.box[1]


@dataclass(slots=True)
class Run:
    """A span: glyphs in one font, size and style."""

    glyphs: list[Glyph]
    size: float
    bold: bool
    italic: bool
    font: str


@dataclass(slots=True)
class RawLine:
    runs: list[Run]


@dataclass(slots=True)
class RawBlock:
    lines: list[RawLine]


@dataclass(slots=True)
class Word:
    """Consecutive printing glyphs of one line; ``line`` numbers lines across the page."""

    box: Box
    size: float
    line: int


def union(boxes: Iterable[Box]) -> Box | None:
    """The smallest box holding every box; None for none."""
    x0 = y0 = float("inf")
    x1 = y1 = float("-inf")
    for box in boxes:
        x0, y0 = min(x0, box[0]), min(y0, box[1])
        x1, y1 = max(x1, box[2]), max(y1, box[3])
    return None if x0 == float("inf") else (x0, y0, x1, y1)


def ink_box(glyphs: Iterable[Glyph]) -> Box | None:
    """Union of the printing glyphs' boxes, else of all glyphs' boxes; None for no glyph."""
    listed = list(glyphs)
    return union(g.box for g in listed if g.inked) or union(g.box for g in listed)


def read_blocks(page: pymupdf.Page) -> list[RawBlock]:
    """The page's text blocks (images left out), every glyph box in the displayed frame."""
    matrix = page.rotation_matrix if page.rotation else None
    raw = page.get_text("rawdict", sort=True, flags=TEXT_FLAGS)
    blocks: list[RawBlock] = []
    for block in raw.get("blocks", []):
        if block.get("type", 0) != 0:
            continue
        lines = [
            RawLine(runs=[_run(span, matrix) for span in line["spans"]]) for line in block["lines"]
        ]
        lines = [line for line in lines if any(run.glyphs for run in line.runs)]
        if lines:
            blocks.append(RawBlock(lines=lines))
    return blocks


def _run(span: dict, matrix: pymupdf.Matrix | None) -> Run:
    flags = int(span.get("flags", 0))
    font = _SUBSET_TAG.sub("", str(span.get("font", "")))
    lowered = font.lower()
    return Run(
        glyphs=[Glyph(char=ch["c"], box=_mapped(ch["bbox"], matrix)) for ch in span["chars"]],
        size=float(span.get("size", 0.0)),
        bold=bool(flags & _BOLD_FLAG) or "bold" in lowered or "black" in lowered,
        italic=bool(flags & _ITALIC_FLAG) or "italic" in lowered or "oblique" in lowered,
        font=font,
    )


def _mapped(bbox: tuple[float, float, float, float], matrix: pymupdf.Matrix | None) -> Box:
    if matrix is None:
        return (bbox[0], bbox[1], bbox[2], bbox[3])
    rect = pymupdf.Rect(bbox) * matrix
    return (rect.x0, rect.y0, rect.x1, rect.y1)


def words(blocks: Iterable[RawBlock]) -> list[Word]:
    """Every word on the page (runs of printing glyphs within a line)."""
    found: list[Word] = []
    for number, line in enumerate(line for block in blocks for line in block.lines):
        for glyphs, size in _word_glyphs(line):
            box = ink_box(glyphs)
            if box is not None:
                found.append(Word(box=box, size=size, line=number))
    return found


def _word_glyphs(line: RawLine) -> Iterator[tuple[list[Glyph], float]]:
    current: list[Glyph] = []
    size = 0.0
    for run in line.runs:
        for glyph in run.glyphs:
            if glyph.char.isspace():
                if current:
                    yield current, size
                current, size = [], 0.0
                continue
            current.append(glyph)
            size = max(size, run.size)
    if current:
        yield current, size
