"""``docparse eval PRED GT``: parsing quality against ground truth, and the regression gate."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.markup import escape
from rich.table import Table

from docparse.cli.common import ExitCode, console, err_console
from docparse.storage import atomic_write_text

if TYPE_CHECKING:  # the evaluation modules load only when the command runs
    from docparse.evaluate.dataset import EvalDocument
    from docparse.evaluate.html_report import ImageSource


def _picture_source(truth: dict[str, EvalDocument], pred: dict[str, EvalDocument]) -> ImageSource:
    """Render a document's page from its source file (if found) for the HTML report."""
    from docparse.evaluate.html_report import PagePicture
    from docparse.render import PageRenderFailure, render_file
    from schemas.errors import DocparseError
    from schemas.options import PageSelection, RenderOptions

    def picture(doc: str, page: int) -> PagePicture | None:
        source = next((d.source for d in (truth.get(doc), pred.get(doc)) if d and d.source), None)
        if source is None:
            return None
        options = RenderOptions(
            min_pixels=28 * 28,
            max_pixels=256 * 28 * 28,
            pages=PageSelection(spec=str(page)),
        )
        try:
            item = next(iter(render_file(source, options=options)), None)
        except DocparseError:
            return None
        if item is None or isinstance(item, PageRenderFailure):
            return None
        t = item.transform
        return PagePicture(png=item.image.data, page_width=t.page_width, page_height=t.page_height)

    return picture


def evaluate(
    pred: Path = typer.Argument(
        ..., help="Predictions: a conversion output folder or page HTML folders."
    ),
    truth: Path = typer.Argument(..., metavar="GT", help="Ground truth, in the same layouts."),
    facts: Path = typer.Option(
        None, "--facts", help="Extra fact tests (JSONL, olmOCR-Bench style)."
    ),
    json_out: Path = typer.Option(None, "--json", help="Write the full report as JSON."),
    html_out: Path = typer.Option(
        None, "--html", help="Write the HTML report (worst pages first)."
    ),
    baseline: Path = typer.Option(
        None, "--baseline", help="Baseline: an eval JSON report or {metric: value}."
    ),
    tolerance: float = typer.Option(0.01, "--tolerance", min=0.0, help="Allowed drop per metric."),
    pictures: bool = typer.Option(
        True, "--pictures/--no-pictures", help="Page images in the HTML report."
    ),
    jobs: int = typer.Option(
        None,
        "--jobs",
        "-j",
        min=1,
        help="Worker processes for the pages (default: one per CPU; 1 = in-process). "
        "Sets under 64 pages are evaluated in-process.",
    ),
    missing: str = typer.Option(
        "zero",
        "--missing",
        help="Truth documents the prediction lacks: zero (score 0, the default) or ignore "
        "(leave them out, to evaluate part of a corpus).",
    ),
) -> None:
    """Score predictions against ground truth. Exit 4 when a metric regressed past the baseline."""
    from docparse.evaluate.corpus_report import EvalReport
    from docparse.evaluate.dataset import load_documents
    from docparse.evaluate.facts import load_facts
    from docparse.evaluate.gate import check_regressions, load_baseline
    from docparse.evaluate.html_report import render_html
    from docparse.evaluate.run import evaluate_documents

    try:
        pred_docs, true_docs = load_documents(pred), load_documents(truth)
        extra = load_facts(facts) if facts else []
        base = load_baseline(baseline) if baseline else None
    except (OSError, ValueError) as exc:
        err_console.print(f"[red]error[/] {escape(str(exc))}")
        raise typer.Exit(ExitCode.USAGE) from None
    if not true_docs:
        err_console.print(f"[red]error[/] no ground-truth pages found under {truth}")
        raise typer.Exit(ExitCode.USAGE)
    if missing not in ("zero", "ignore"):
        raise typer.BadParameter("expected zero or ignore", param_hint="--missing")
    docs, pages, summary = evaluate_documents(
        pred_docs, true_docs, extra_facts=extra, jobs=jobs, ignore_missing=missing == "ignore"
    )
    report = EvalReport(
        pred=str(pred), truth=str(truth), summary=summary, documents=docs, pages=pages
    )
    regressions = check_regressions(report, base, tolerance) if base is not None else None

    table = Table("metric", "value", *(["baseline"] if base else []))
    for name, value in summary.metrics.items():
        row = [name, "–" if value is None else f"{value:.4f}"]
        if base:
            row.append(f"{base[name]:.4f}" if name in base else "")
        table.add_row(*row)
    console.print(f"{summary.documents} documents, {summary.pages} pages")
    console.print(table)
    if json_out:
        atomic_write_text(json_out, report.model_dump_json(indent=2))
    if html_out:
        source = _picture_source(true_docs, pred_docs) if pictures else None
        html = render_html(
            report,
            pred_docs,
            true_docs,
            images=source,
            regressions=[str(r) for r in regressions] if regressions is not None else None,
        )
        atomic_write_text(html_out, html)
    if regressions:
        for r in regressions:
            err_console.print(f"[red]regression[/] {escape(str(r))}")
        raise typer.Exit(ExitCode.REGRESSION)
    if summary.missing_documents:
        err_console.print(f"[yellow]missing documents[/]: {', '.join(summary.missing_documents)}")
