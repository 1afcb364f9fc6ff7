"""Figures: embedded raster images and clusters of vector graphics that are not tables.

Raster images come from ``page.get_image_info()``; a background image covering most of the page
(a scan under an OCR text layer) is not a figure. Vector figures are PyMuPDF's clusters of
neighbouring paths (``page.cluster_drawings``) that hold at least :data:`MIN_PATHS` paths and
touch no table: a lone rectangle is a frame or a form field and a lone line is a rule, not a
figure. Overlapping regions merge. Boxes are ink boxes (stroke width included), clamped to the
page, in the displayed frame.
"""

from __future__ import annotations

from collections.abc import Sequence

import pymupdf

from docparse.render.textlayer.drawings import Drawings
from docparse.render.textlayer.glyphs import Box
from schemas.geometry import BBox, Frame
from schemas.textlayer import ImageRegion

#: A vector figure is made of at least this many paths.
MIN_PATHS = 3
#: Figures narrower or lower than this (points) are decoration.
MIN_SIDE = 8.0
#: A raster image covering this share of the page is a background, not a figure.
BACKGROUND_SHARE = 0.8


def find_images(
    page: pymupdf.Page, drawings: Drawings, tables: Sequence[Box], frame: Frame
) -> list[ImageRegion]:
    """The page's figures, in no particular order (the engine orders blocks)."""
    matrix = page.rotation_matrix if page.rotation else pymupdf.Identity
    found: list[tuple[Box, bool]] = []
    page_area = frame.width * frame.height
    for info in page.get_image_info():
        rect = pymupdf.Rect(info["bbox"]) * matrix
        if rect.width * rect.height < BACKGROUND_SHARE * page_area:
            found.append(((rect.x0, rect.y0, rect.x1, rect.y1), False))
    if drawings.raw and hasattr(page, "cluster_drawings"):  # absent in older PyMuPDF
        # Clusters come in the unrotated space of the drawings; clip in that space too.
        unrotated = page.rect * page.derotation_matrix
        for cluster in page.cluster_drawings(clip=unrotated, drawings=drawings.raw):
            box = _vector_figure(pymupdf.Rect(cluster) * matrix, drawings, tables)
            if box is not None:
                found.append((box, True))
    regions: list[ImageRegion] = []
    for box, vector in _merged(found):
        clamped = frame.clamp(BBox.from_corners(*box))
        if clamped.width >= MIN_SIDE and clamped.height >= MIN_SIDE:
            regions.append(ImageRegion(bbox=clamped, vector=vector))
    return regions


def _vector_figure(rect: pymupdf.Rect, drawings: Drawings, tables: Sequence[Box]) -> Box | None:
    """The ink box of the paths inside ``rect`` when they make a figure, else None."""
    cluster = (rect.x0, rect.y0, rect.x1, rect.y1)
    if any(_overlap(cluster, table) for table in tables):
        return None
    members = [ink for ink in drawings.ink if _inside(ink, cluster, slack=2.0)]
    if len(members) < MIN_PATHS:
        return None
    return (
        min(b[0] for b in members),
        min(b[1] for b in members),
        max(b[2] for b in members),
        max(b[3] for b in members),
    )


def _merged(found: list[tuple[Box, bool]]) -> list[tuple[Box, bool]]:
    """Union overlapping regions until none overlap (vector if any part is)."""
    merged: list[tuple[Box, bool]] = []
    for box, vector in found:
        while True:
            hit = next((i for i, (other, _) in enumerate(merged) if _overlap(box, other)), None)
            if hit is None:
                break
            other, other_vector = merged.pop(hit)
            box = (
                min(box[0], other[0]),
                min(box[1], other[1]),
                max(box[2], other[2]),
                max(box[3], other[3]),
            )
            vector = vector or other_vector
        merged.append((box, vector))
    return merged


def _overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _inside(inner: Box, outer: Box, slack: float) -> bool:
    return (
        inner[0] >= outer[0] - slack
        and inner[1] >= outer[1] - slack
        and inner[2] <= outer[2] + slack
        and inner[3] <= outer[3] + slack
    )
