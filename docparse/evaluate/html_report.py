"""A standalone HTML report: summary, then each page's predicted and truth boxes side by side,
worst pages first. Page pictures are optional (an ``images`` callback supplies PNGs); without one
the boxes are drawn on a blank page of the right extent.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass
from html import escape

from docparse.evaluate.corpus_report import EvalReport, PageEval
from docparse.evaluate.dataset import EvalDocument
from docparse.evaluate.run import page_blocks
from schemas.blocks import Block

__all__ = ["MAX_PAGES", "ImageSource", "PagePicture", "render_html"]

#: Pages shown in the report (the worst ones); the JSON report always has all of them.
MAX_PAGES = 200
_WIDTH = 420  # px per panel


@dataclass(frozen=True)
class PagePicture:
    """A page image (PNG) and the page-frame extent it covers."""

    png: bytes
    page_width: float
    page_height: float


ImageSource = Callable[[str, int], PagePicture | None]


def _extent(*block_lists: list[Block]) -> tuple[float, float]:
    boxes = [
        b.bbox_page for blocks in block_lists for b in blocks if b.bbox_page is not None
    ]
    if not boxes:
        return 100.0, 141.0
    return max(b.x2 for b in boxes) * 1.05, max(b.y2 for b in boxes) * 1.05


def _panel(
    title: str,
    blocks: list[Block],
    extent: tuple[float, float],
    picture: PagePicture | None,
    picture_id: str,
    first: bool,
) -> str:
    """One side of a page pair; the page picture is inlined once and reused by the other side."""
    w, h = (picture.page_width, picture.page_height) if picture else extent
    parts = [f'<svg viewBox="0 0 {w:.1f} {h:.1f}" width="{_WIDTH}">']
    if picture and first:
        data = base64.b64encode(picture.png).decode("ascii")
        parts.append(
            f'<image id="{picture_id}" href="data:image/png;base64,{data}" '
            f'width="{w:.1f}" height="{h:.1f}"/>'
        )
    elif picture:
        parts.append(f'<use href="#{picture_id}"/>')
    else:
        parts.append(
            f'<rect width="{w:.1f}" height="{h:.1f}" fill="#fff" stroke="#ccc"/>'
        )
    for b in blocks:
        if b.bbox_page is None:
            continue
        box = b.bbox_page
        parts.append(
            f'<rect class="k-{escape(b.kind.value)}" x="{box.x1:.1f}" y="{box.y1:.1f}" '
            f'width="{box.width:.1f}" height="{box.height:.1f}"><title>{escape(b.kind.value)}: '
            f"{escape(b.text[:120])}</title></rect>"
        )
    parts.append("</svg>")
    return f"<figure><figcaption>{escape(title)}</figcaption>{''.join(parts)}</figure>"


def _fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def _page_section(
    page: PageEval,
    pred: EvalDocument | None,
    truth: EvalDocument,
    images: ImageSource | None,
) -> str:
    true_blocks = page_blocks(truth.pages[page.page], page.doc, page.page)
    pred_html = pred.pages.get(page.page) if pred else None
    pred_blocks = (
        page_blocks(pred_html, page.doc, page.page) if pred_html is not None else []
    )
    extent = _extent(true_blocks, pred_blocks)
    picture = images(page.doc, page.page) if images else None
    metrics = "".join(
        f"<li>{escape(k)}: {_fmt(v)}</li>" for k, v in page.metrics.items()
    )
    failed = "".join(
        f"<li>fact {escape(r.type)} failed: {escape(r.reason)}</li>"
        for r in page.facts
        if not r.passed
    )
    missing = " <b>(missing from the prediction)</b>" if page.missing else ""
    pid = f"pic-{abs(hash((page.doc, page.page))):x}"
    return (
        f"<section><h2>{escape(page.doc)} — page {page.page}: score {page.score:.3f}{missing}</h2>"
        f"<ul class=m>{metrics}{failed}</ul><div class=pair>"
        f"{_panel('prediction', pred_blocks, extent, picture, pid, True)}"
        f"{_panel('ground truth', true_blocks, extent, picture, pid, False)}"
        "</div></section>"
    )


_STYLE = """
body{font-family:system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse}
td,th{border:1px solid #ccc;padding:.25em .6em;text-align:right}th{text-align:left}
.pair{display:flex;gap:1.5em}figure{margin:0}svg rect[class^=k-]{fill-opacity:.12;stroke-width:1.2}
ul.m{columns:3;font-size:.85em}
.k-title,.k-heading{fill:#d62728;stroke:#d62728}.k-paragraph{fill:#1f77b4;stroke:#1f77b4}
.k-table{fill:#2ca02c;stroke:#2ca02c}.k-image,.k-chart{fill:#9467bd;stroke:#9467bd}
.k-formula{fill:#e377c2;stroke:#e377c2}.k-caption,.k-list,.k-address,.k-other{fill:#7f7f7f;stroke:#7f7f7f}
"""


def render_html(
    report: EvalReport,
    pred: dict[str, EvalDocument],
    truth: dict[str, EvalDocument],
    *,
    images: ImageSource | None = None,
    regressions: list[str] | None = None,
) -> str:
    """The report as one HTML document (pictures inlined, no external resources)."""
    rows = "".join(
        f"<tr><th>{escape(k)}</th><td>{_fmt(v)}</td></tr>"
        for k, v in report.summary.metrics.items()
    )
    gate = ""
    if regressions is not None:
        items = "".join(f"<li>{escape(r)}</li>" for r in regressions) or "<li>none</li>"
        gate = f"<h2>Regressions against the baseline</h2><ul>{items}</ul>"
    if len(pred) == 1 and len(truth) == 1:
        pred = {next(iter(truth)): next(iter(pred.values()))}
    sections = "".join(
        _page_section(p, pred.get(p.doc), truth[p.doc], images)
        for p in report.pages[:MAX_PAGES]
    )
    s = report.summary
    return (
        f"<!DOCTYPE html><html><head><meta charset=utf-8><title>docparse eval</title>"
        f"<style>{_STYLE}</style></head><body><h1>docparse eval</h1>"
        f"<p>prediction <code>{escape(report.pred)}</code> against truth <code>{escape(report.truth)}"
        f"</code>: {s.documents} documents, {s.pages} pages; missing documents: "
        f"{escape(', '.join(s.missing_documents) or 'none')}</p>"
        f"<table>{rows}</table>{gate}<h2>Pages, worst first</h2>{sections}</body></html>"
    )
