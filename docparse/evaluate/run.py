"""Evaluate a prediction set against ground truth: every metric, per page, per document, summary.

Documents are independent, so large sets are evaluated in a process pool (``jobs``), a few
documents (pages and fields) per task; results are the same as in-process, in the same order.
Each worker process loads the compiled TEDS kernel once (:mod:`.ted_fast`: inherited from the
parent when forked, else from numba's on-disk cache).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from statistics import fmean
from typing import Any

from docparse.evaluate import ted_fast
from docparse.evaluate.corpus_report import DocEval, EvalReport, EvalSummary, PageEval
from docparse.evaluate.dataset import EvalDocument, load_documents
from docparse.evaluate.fact_checks import run_facts, summarize_facts
from docparse.evaluate.facts import Fact
from docparse.evaluate.fields import compare_fields, summarize_fields
from docparse.evaluate.layout import layout_page, summarize_layout
from docparse.evaluate.report_models import FieldsDocReport, LayoutReport
from docparse.evaluate.teds import match_tables, summarize_tables, tables_from_blocks
from docparse.evaluate.text import summarize_text, text_page
from postprocess import parse_reply
from schemas.blocks import Block
from schemas.geometry import PageTransform, Unit

__all__ = [
    "PARALLEL_MIN_PAGES",
    "default_jobs",
    "evaluate_dirs",
    "evaluate_documents",
    "page_blocks",
]

#: Page HTML is already in the page frame; this extent only has to hold every box.
_EXTENT = 1_000_000
#: Below this many pages, evaluation stays in-process: starting workers would cost more.
PARALLEL_MIN_PAGES = 64
#: Documents sent to a worker at a time (amortises inter-process traffic, keeps the load even).
_CHUNK_DOCUMENTS = 4


@dataclass(frozen=True)
class _DocTask:
    """One document's work: its pages (number, truth HTML, prediction HTML), facts and fields."""

    key: str
    pages: list[tuple[int, str, str | None]]
    facts: list[Fact]
    true_fields: dict[str, Any] | None
    pred_fields: dict[str, Any]


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
    tables = match_tables(tables_from_blocks(pred_blocks), tables_from_blocks(true_blocks))
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


def _evaluate_document(task: _DocTask) -> tuple[list[PageEval], FieldsDocReport | None]:
    """Every page of one document, and its fields when the truth has some."""
    pages = [
        _page_eval(task.key, number, true_html, pred_html, task.facts)
        for number, true_html, pred_html in task.pages
    ]
    fields = None
    if task.true_fields is not None:
        fields = compare_fields(task.pred_fields, task.true_fields, doc_id=task.key)
    return pages, fields


def _warm_worker() -> None:
    """Pool initializer: load the TEDS kernel before the first page (fails soft, like teds)."""
    ted_fast.available()


def default_jobs() -> int:
    """CPUs this process may use (its affinity mask where the OS has one), at least 1."""
    if hasattr(os, "process_cpu_count"):  # Python >= 3.13
        return os.process_cpu_count() or 1
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def _evaluate_all(
    tasks: list[_DocTask], jobs: int
) -> list[tuple[list[PageEval], FieldsDocReport | None]]:
    """Results in task order: in-process for one job or few pages, else in a process pool."""
    pages = sum(len(t.pages) for t in tasks)
    workers = min(jobs, -(-len(tasks) // _CHUNK_DOCUMENTS))
    if workers <= 1 or pages < PARALLEL_MIN_PAGES:
        return [_evaluate_document(t) for t in tasks]
    _warm_worker()  # compiled (or cache-loaded) here first: forked workers inherit it
    with ProcessPoolExecutor(max_workers=workers, initializer=_warm_worker) as pool:
        return list(pool.map(_evaluate_document, tasks, chunksize=_CHUNK_DOCUMENTS))


def _pair(pred: dict[str, EvalDocument], truth: dict[str, EvalDocument]) -> dict[str, EvalDocument]:
    """Predictions by truth key; two single-document folders pair whatever their names."""
    if len(pred) == 1 and len(truth) == 1:
        return {next(iter(truth)): next(iter(pred.values()))}
    return pred


def evaluate_documents(
    pred: dict[str, EvalDocument],
    truth: dict[str, EvalDocument],
    *,
    extra_facts: Sequence[Fact] = (),
    jobs: int | None = None,
    ignore_missing: bool = False,
) -> tuple[list[DocEval], list[PageEval], EvalSummary]:
    """Evaluate every truth page and document: per-document results, pages worst first, summary.

    A truth document without a prediction scores 0 on every metric (and is named in the summary);
    with ``ignore_missing`` it is left out instead, for evaluating part of a corpus.

    ``jobs`` is the number of worker processes for the pages (default: :func:`default_jobs`;
    1 evaluates in this process). Sets of fewer than :data:`PARALLEL_MIN_PAGES` pages are always
    evaluated in-process. The results do not depend on ``jobs``.
    """
    if jobs is None:
        jobs = default_jobs()
    if jobs < 1:
        raise ValueError(f"jobs must be at least 1, got {jobs}")
    paired = _pair(pred, truth)
    if ignore_missing:
        truth = {key: doc for key, doc in truth.items() if key in paired}
    tasks = []
    for key, true_doc in sorted(truth.items()):
        pred_doc = paired.get(key)
        facts = [*true_doc.facts, *(f for f in extra_facts if f.doc in (None, key))]
        tasks.append(
            _DocTask(
                key=key,
                pages=[
                    (number, html, pred_doc.pages.get(number) if pred_doc else None)
                    for number, html in true_doc.pages.items()
                ],
                facts=facts,
                true_fields=true_doc.fields,
                pred_fields=(pred_doc.fields if pred_doc else None) or {},
            )
        )
    docs: list[DocEval] = []
    pages: list[PageEval] = []
    fields_reports: list[FieldsDocReport] = []
    for task, (doc_pages, fields) in zip(tasks, _evaluate_all(tasks, jobs), strict=True):
        pages.extend(doc_pages)
        if fields is not None:
            fields_reports.append(fields)
        docs.append(
            DocEval(
                doc=task.key,
                pages=len(task.pages),
                missing=task.key not in paired,
                fields=fields,
            )
        )
    summary = _summary(docs, pages, fields_reports, sorted(set(paired) - set(truth)))
    pages.sort(key=lambda p: (p.score, p.doc, p.page))
    return docs, pages, summary


def _summary(
    docs: list[DocEval],
    pages: list[PageEval],
    fields_reports: list[FieldsDocReport],
    extra: list[str],
) -> EvalSummary:
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
        "facts": facts.overall.passed / facts.overall.total if facts.overall.total else None,
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
    pred: Path,
    truth: Path,
    *,
    extra_facts: Sequence[Fact] = (),
    jobs: int | None = None,
) -> EvalReport:
    """Evaluate the prediction folder ``pred`` against the ground-truth folder ``truth``.

    ``jobs``: worker processes for the pages, as in :func:`evaluate_documents`.
    """
    docs, pages, summary = evaluate_documents(
        load_documents(pred), load_documents(truth), extra_facts=extra_facts, jobs=jobs
    )
    return EvalReport(
        pred=str(pred), truth=str(truth), summary=summary, documents=docs, pages=pages
    )
