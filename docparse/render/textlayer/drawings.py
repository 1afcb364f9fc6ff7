"""The page's vector graphics: ink boxes of paths and the straight rules tables are made of.

Read once per page with ``page.get_drawings()`` (unrotated page space) and mapped into the
displayed frame. A path's ink box includes half its stroke width on every side. Rules are the
horizontal and vertical straight pieces: line segments, thin rectangles, and the four edges of
larger rectangles (cell frames, header shading).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pymupdf

from docparse.render.textlayer.glyphs import Box

#: Pieces shorter than this (points) are tick marks or glyph-like, not rules.
MIN_RULE_LENGTH = 5.0
#: A rectangle thinner than this (points) is a rule, not a frame.
THIN = 2.0
#: How far from axis-parallel a line may be (points) and still count as a rule.
SKEW = 0.5


@dataclass(slots=True)
class Rule:
    """An axis-parallel rule: from ``start`` to ``end`` along its axis, at ``at`` across it."""

    start: float
    end: float
    at: float
    width: float

    @property
    def length(self) -> float:
        return self.end - self.start


@dataclass(slots=True)
class Drawings:
    """One page's paths: raw (unrotated, for PyMuPDF helpers) and mapped pieces."""

    raw: list[dict] = field(default_factory=list)
    ink: list[Box] = field(default_factory=list)
    horizontal: list[Rule] = field(default_factory=list)
    vertical: list[Rule] = field(default_factory=list)


def read_drawings(page: pymupdf.Page) -> Drawings:
    """Every path of ``page``: ink boxes and rules in the displayed frame."""
    matrix = page.rotation_matrix if page.rotation else pymupdf.Identity
    found = Drawings(raw=page.get_drawings())
    for path in found.raw:
        width = float(path.get("width") or 0.0) if "s" in str(path.get("type", "")) else 0.0
        rect = pymupdf.Rect(path["rect"]) * matrix
        half = width / 2
        found.ink.append((rect.x0 - half, rect.y0 - half, rect.x1 + half, rect.y1 + half))
        for item in path.get("items", []):
            _add_item(found, item, matrix, width)
    return found


def _add_item(found: Drawings, item: tuple, matrix: pymupdf.Matrix, width: float) -> None:
    kind = item[0]
    if kind == "l":
        p, q = pymupdf.Point(item[1]) * matrix, pymupdf.Point(item[2]) * matrix
        if abs(p.y - q.y) <= SKEW:
            _add(found.horizontal, min(p.x, q.x), max(p.x, q.x), (p.y + q.y) / 2, width)
        elif abs(p.x - q.x) <= SKEW:
            _add(found.vertical, min(p.y, q.y), max(p.y, q.y), (p.x + q.x) / 2, width)
    elif kind == "re":
        _add_rect(found, pymupdf.Rect(item[1]) * matrix, width)
    elif kind == "qu" and pymupdf.Quad(item[1]).is_rectangular:
        _add_rect(found, pymupdf.Quad(item[1]).rect * matrix, width)


def _add_rect(found: Drawings, rect: pymupdf.Rect, width: float) -> None:
    if rect.height <= THIN:
        _add(found.horizontal, rect.x0, rect.x1, (rect.y0 + rect.y1) / 2, max(width, rect.height))
    elif rect.width <= THIN:
        _add(found.vertical, rect.y0, rect.y1, (rect.x0 + rect.x1) / 2, max(width, rect.width))
    else:
        _add(found.horizontal, rect.x0, rect.x1, rect.y0, width)
        _add(found.horizontal, rect.x0, rect.x1, rect.y1, width)
        _add(found.vertical, rect.y0, rect.y1, rect.x0, width)
        _add(found.vertical, rect.y0, rect.y1, rect.x1, width)


def _add(rules: list[Rule], start: float, end: float, at: float, width: float) -> None:
    if end - start >= MIN_RULE_LENGTH:
        rules.append(Rule(start=start, end=end, at=at, width=width))
