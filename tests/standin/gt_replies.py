"""Recorded replies DERIVED FROM GROUND TRUTH, for the stand-in model server.

No GPU model runs in tests. For a scanned fixture, this renders each page exactly as the
pipeline does (same pixel budget, same PNG bytes), maps the page's ground-truth QwenVL HTML
(page frame) into that image's model frame, and records it, fenced like Qwen's output, as the
reply for that image's sha256. A page answered this way is what a perfect model would say, so
tests exercise the real engine, attempts, post-processing and outputs, and evaluation against
ground truth measures what the pipeline itself loses (box rounding, nothing else).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from lxml import html as lxml_html

from docparse.render import PageRenderFailure, render_file
from schemas.geometry import BBox, PageTransform
from schemas.options import RenderOptions


def model_frame_reply(page_html: str, transform: PageTransform) -> str:
    """Ground-truth page HTML (page frame) -> a fenced QwenVL reply in the model frame."""
    root = lxml_html.document_fromstring(page_html)
    for element in root.iter():
        value = element.get("data-bbox") if isinstance(element.tag, str) else None
        if not value:
            continue
        x1, y1, x2, y2 = (float(v) for v in value.replace(",", " ").split())
        box = transform.model_frame.clamp(transform.to_model(BBox.from_corners(x1, y1, x2, y2)))
        element.set("data-bbox", f"{box.x1:.0f} {box.y1:.0f} {box.x2:.0f} {box.y2:.0f}")
    body = lxml_html.tostring(root, encoding="unicode")
    return f"```html\n{body}\n```"


def replies_for_document(
    document: Path, truth_dir: Path, options: RenderOptions | None = None
) -> dict[str, str]:
    """{sha256 of each page's PNG: reply} for one document and its ``<name>.gt`` folder."""
    replies: dict[str, str] = {}
    for page in render_file(document, options=options or RenderOptions()):
        if isinstance(page, PageRenderFailure):
            raise RuntimeError(f"fixture page does not render: {page.error}")
        truth = truth_dir / f"page-{page.page_number:04d}.html"
        reply = model_frame_reply(truth.read_text(encoding="utf-8"), page.transform)
        replies[hashlib.sha256(page.image.data).hexdigest()] = reply
    return replies


def corpus_replies(corpus: Path, options: RenderOptions | None = None) -> dict[str, str]:
    """Replies for every scanned document of the fixture corpus (``scans/*`` with a .gt)."""
    replies: dict[str, str] = {}
    for truth_dir in sorted((corpus / "scans").glob("*.gt")):
        stem = truth_dir.name[: -len(".gt")]
        [document] = [p for p in truth_dir.parent.glob(f"{stem}.*") if p.suffix != ".gt"]
        replies.update(replies_for_document(document, truth_dir, options))
    return replies
