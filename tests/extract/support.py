"""Test support for extraction: fixture pages parsed into blocks in their page frame, and blocks
built by hand for layout rules.

Ground-truth pages are QwenVL HTML in the page frame; parsing them with a transform whose model
frame IS the page frame (``ceil`` of the page size, the trick ``docparse inspect --frame page``
uses) yields blocks whose ``bbox_page`` are the ground-truth boxes.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path
from typing import Any

from docparse.evaluate import FieldKind
from docparse.evaluate.report_models import FieldsSummary
from postprocess import parse_reply
from schemas.blocks import Block, BlockKind
from schemas.geometry import BBox, PageTransform, Unit

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "fixtures" / "corpus"
DATA = Path(__file__).resolve().parent / "data"
#: Tables of scores printed at the end of the test run (title -> lines), see conftest.py.
REPORTS: dict[str, list[str]] = {}
#: Invoice fields compared as strings (the rest by the kind docparse.evaluate infers).
INVOICE_FIELD_TYPES: dict[str, FieldKind] = {
    "invoice_number": "string", "iban": "string", "payment_terms": "string", "currency": "string",
    "seller.tax_id": "string", "buyer.tax_id": "string", "line_items[].description": "string",
}  # fmt: skip


def report_scores(title: str, summary: FieldsSummary) -> list[str]:
    """Per-field tp/fp/fn/P/R/F1 and the micro row, printed now and at the end of the run."""
    lines = [f"{'field':36s} {'tp':>3s} {'fp':>3s} {'fn':>3s} {'P':>6s} {'R':>6s} {'F1':>6s}"]
    row = "{:36s} {:3d} {:3d} {:3d} {:6.3f} {:6.3f} {:6.3f}"
    for path, c in summary.per_field.items():
        name = path if len(path) <= 36 else path[:35] + "…"
        lines.append(row.format(name, c.tp, c.fp, c.fn, c.precision, c.recall, c.f1))
    c = summary.counts
    micro = row.format("micro", c.tp, c.fp, c.fn, c.precision, c.recall, c.f1)
    lines.append(f"{micro}   exact documents {summary.exact_documents}/{summary.documents}")
    REPORTS[title] = lines
    print("\n".join(lines))
    return lines


@lru_cache(maxsize=1)
def manifest() -> dict[str, Any]:
    return json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))


def document(doc_id: str) -> dict[str, Any]:
    return next(d for d in manifest()["documents"] if d["id"] == doc_id)


def identity_transform(width: float, height: float, unit: str) -> PageTransform:
    """A transform whose model frame is the page frame (boxes pass through unchanged)."""
    w, h = math.ceil(width), math.ceil(height)
    return PageTransform(
        model_width=w, model_height=h, page_width=w, page_height=h, unit=Unit(unit)
    )


def blocks_from_html(
    html: str,
    width: float,
    height: float,
    unit: str = "pt",
    *,
    doc_id: str = "doc",
    page_number: int = 1,
) -> list[Block]:
    """Parse page-frame QwenVL HTML into blocks (see the module docstring)."""
    transform = identity_transform(width, height, unit)
    return parse_reply(html, transform, doc_id=doc_id, page_number=page_number).blocks


def page_blocks(doc_id: str, page: int = 1) -> list[Block]:
    """The ground-truth blocks of one fixture page."""
    entry = document(doc_id)["pages"][page - 1]
    html = (CORPUS / entry["html"]).read_text(encoding="utf-8")
    return blocks_from_html(
        html, entry["width"], entry["height"], entry["unit"], doc_id=doc_id, page_number=page
    )


def document_pages(doc_id: str) -> list[list[Block]]:
    """Every page's ground-truth blocks, in order."""
    return [page_blocks(doc_id, n) for n in range(1, document(doc_id)["page_count"] + 1)]


def ground_truth(doc_id: str, key: str) -> Any:
    """A ground-truth JSON file of a document (``invoice`` or ``form``)."""
    return json.loads((CORPUS / document(doc_id)["ground_truth"][key]).read_text(encoding="utf-8"))


def block(
    index: int,
    text: str,
    box: tuple[float, float, float, float],
    kind: BlockKind = BlockKind.PARAGRAPH,
    *,
    page: int = 1,
    html: str = "",
) -> Block:
    """A hand-made block with a page-frame box."""
    return Block(
        id=f"doc/p{page}/b{index + 1}",
        index=index,
        kind=kind,
        tag="p",
        text=text,
        html=html,
        bbox_page=BBox(x1=box[0], y1=box[1], x2=box[2], y2=box[3]),
    )
