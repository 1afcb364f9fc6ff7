"""Evaluate a prediction set against ground truth: every metric, per page, per document, summary."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from statistics import fmean

from docparse.evaluate.corpus_report import DocEval, EvalReport, EvalSummary, PageEval
from docparse.evaluate.dataset import EvalDocument, load_documents
from docparse.evaluate.fact_checks import run_facts, summarize_facts
from docparse.evaluate.facts import Fact
from docparse.evaluate.fields import compare_fields, summarize_fields
from docparse.evaluate.layout import layout_page, summarize_layout
from docparse.evaluate.report_models import LayoutReport
from docparse.evaluate.teds import match_tables, summarize_tables, tables_from_blocks
from docparse.evaluate.text import summarize_text, text_page
from postprocess import parse_reply
from schemas.blocks import Block
from schemas.geometry import PageTransform, Unit

__all__ = ["evaluate_dirs", "evaluate_documents", "page_blocks"]

#: Page HTML is already in the page frame; this extent only has to hold every box.
_EXTENT = 1_000_000


def page_blocks(html: str, doc: str, page: int) -> list[Block]:
    """Blocks of one page of QwenVL HTML whose boxes are already in the page frame."""
    frame = PageTransform(
        model_width=_EXTENT,
        model_height=_EXTENT,
        page_width=_EXTENT,
        page_height=_EXTENT,
        unit=Unit.PT,
    )
    return parse_reply(html, frame, doc_id=doc, page_number=page).blocks


def _f1(layout: LayoutReport, threshold: float) -> float | None:
    counts = layout.overall.at.get(threshold)
    if counts is None or (layout.overall.n_true == 0 and layout.overall.n_pred == 0):
        return None
    return counts.f1


def _page_eval(
    doc: str, page: int, true_html: str, pred_html: str | None, facts: Sequence[Fact]
) -> PageEval:
    true_blocks = page_blocks(true_html, doc, page)
    pred_blocks = page_blocks(pred_html, doc, page) if pred_html is not None else []
    text = text_page(pred_blocks, true_blocks)
    layout = layout_page(pred_blocks, true_blocks)
    tables = match_tables(
        tables_from_blocks(pred_blocks), tables_from_blocks(true_blocks)
    )
    fact_results = run_facts([f for f in facts if f.page == page], {page: pred_blocks})
    metrics: dict[str, float | None] = {
        "text": text.score if text.length else None,
        "reading_order": text.reading_order,
        "layout_f1@0.5": _f1(layout, 0.5),
        "layout_f1@0.75": _f1(layout, 0.75),
        "layout_mean_iou": layout.overall.mean_iou,
        "teds": tables.teds,
        "teds_s": tables.teds_s,
        "facts": fmean(r.passed for r in fact_results) if fact_results else None,
    }
    defined = [v for v in metrics.values() if v is not None]
    return PageEval(
        doc=doc,
        page=page,
        missing=pred_html is None,
        text=text,
        layout=layout,
        tables=tables,
        facts=fact_results,
        score=fmean(defined) if defined else 1.0,
        metrics=metrics,
    )


def _pair(
    pred: dict[str, EvalDocument], truth: dict[str, EvalDocument]
) -> dict[str, EvalDocument]:
    """Predictions by truth key; two single-document folders pair whatever their names."""
    if len(pred) == 1 and len(truth) == 1:
        return {next(iter(truth)): next(iter(pred.values()))}
    return pred


def evaluate_documents(
    pred: dict[str, EvalDocument],
    truth: dict[str, EvalDocument],
    *,
    extra_facts: Sequence[Fact] = (),
) -> tuple[list[DocEval], list[PageEval], EvalSummary]:
    paired = _pair(pred, truth)
    docs: list[DocEval] = []
    pages: list[PageEval] = []
    fields_reports = []
    for key, true_doc in sorted(truth.items()):
        pred_doc = paired.get(key)
        facts = [*true_doc.facts, *(f for f in extra_facts if f.doc in (None, key))]
        for number, true_html in true_doc.pages.items():
            pred_html = pred_doc.pages.get(number) if pred_doc else None
            pages.append(_page_eval(key, number, true_html, pred_html, facts))
        fields = None
        if true_doc.fields is not None:
            fields = compare_fields(
                (pred_doc.fields if pred_doc else None) or {},
                true_doc.fields,
                doc_id=key,
            )
            fields_reports.append(fields)
        docs.append(
            DocEval(
                doc=key,
                pages=len(true_doc.pages),
                missing=pred_doc is None,
                fields=fields,
            )
        )
    summary = _summary(docs, pages, fields_reports, sorted(set(paired) - set(truth)))
    pages.sort(key=lambda p: (p.score, p.doc, p.page))
    return docs, pages, summary


def _summary(docs, pages, fields_reports, extra) -> EvalSummary:  # type: ignore[no-untyped-def]
    text = summarize_text([p.text for p in pages])
    layout = summarize_layout([p.layout for p in pages])
    tables = summarize_tables([p.tables for p in pages])
    facts = summarize_facts([r for p in pages for r in p.facts])
    fields = summarize_fields(fields_reports) if fields_reports else None
    summary_metrics: dict[str, float | None] = {
        "text": text.score,
        "reading_order": text.reading_order,
        "layout_f1@0.5": _f1(layout, 0.5),
        "layout_f1@0.75": _f1(layout, 0.75),
        "layout_mean_iou": layout.overall.mean_iou,
        "teds": tables.teds,
        "teds_s": tables.teds_s,
        "facts": facts.overall.passed / facts.overall.total
        if facts.overall.total
        else None,
        "fields_f1": fields.counts.f1 if fields else None,
        "fields_exact_docs": fields.exact_documents / fields.documents
        if fields and fields.documents
        else None,
        "page_coverage": fmean(not p.missing for p in pages) if pages else None,
    }
    return EvalSummary(
        documents=len(docs),
        pages=len(pages),
        missing_documents=[d.doc for d in docs if d.missing],
        extra_documents=extra,
        text=text,
        layout=layout,
        tables=tables,
        facts=facts,
        fields=fields,
        metrics=summary_metrics,
    )


def evaluate_dirs(
    pred: Path, truth: Path, *, extra_facts: Sequence[Fact] = ()
) -> EvalReport:
    """Evaluate the prediction folder ``pred`` against the ground-truth folder ``truth``."""
    docs, pages, summary = evaluate_documents(
        load_documents(pred), load_documents(truth), extra_facts=extra_facts
    )
    return EvalReport(
        pred=str(pred), truth=str(truth), summary=summary, documents=docs, pages=pages
    )
