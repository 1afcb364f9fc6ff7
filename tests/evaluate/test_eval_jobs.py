"""Parallel evaluation (``jobs``): the in-process results in the same order; pools only for
sets large enough to be worth it."""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from docparse.cli import app
from docparse.evaluate import run
from docparse.evaluate.dataset import EvalDocument, load_documents

CORPUS = Path(__file__).resolve().parents[2] / "fixtures" / "corpus"
COPIES = 5  # 5 x the corpus's 16 pages = 80 pages, over PARALLEL_MIN_PAGES


def damage(html: str, number: int) -> str:
    """Change a table cell, move the first box, and drop the last block of every third page."""
    html = re.sub(r"<td>([^<]*)</td>", r"<td>\1 x</td>", html, count=1)
    html = re.sub(r'data-bbox="(\d+) ', lambda m: f'data-bbox="{int(m[1]) + 4} ', html, count=1)
    if number % 3 == 0:
        lines = html.splitlines()
        blocks = [i for i, line in enumerate(lines) if "data-bbox" in line]
        del lines[blocks[-1]]
        html = "\n".join(lines)
    return html


def corpus_copies() -> tuple[dict[str, EvalDocument], dict[str, EvalDocument]]:
    """(predictions, truth): the corpus repeated under distinct keys, predictions damaged."""
    corpus = load_documents(CORPUS)
    truth: dict[str, EvalDocument] = {}
    pred: dict[str, EvalDocument] = {}
    for copy in range(COPIES):
        for key, doc in corpus.items():
            new_key = f"copy{copy}/{key}"
            truth[new_key] = replace(doc, key=new_key)
            pages = {n: damage(html, n + copy + len(truth)) for n, html in doc.pages.items()}
            pred[new_key] = replace(doc, key=new_key, pages=pages, facts=[])
    del pred["copy1/invoices/invoice_en_gbp"]  # a missing document
    del pred["copy2/tables/inventory_multipage"].pages[2]  # a missing page
    return pred, truth


def dumped(result: tuple) -> tuple:  # type: ignore[type-arg]
    docs, pages, summary = result
    return (
        [d.model_dump() for d in docs],
        [p.model_dump() for p in pages],
        summary.model_dump(),
    )


def test_a_pool_gives_the_in_process_results_in_the_same_order(monkeypatch) -> None:
    pred, truth = corpus_copies()
    pools: list[int] = []
    real_pool = run.ProcessPoolExecutor

    def counting_pool(max_workers: int, **kwargs: object) -> object:
        pools.append(max_workers)
        return real_pool(max_workers=max_workers, **kwargs)

    monkeypatch.setattr(run, "ProcessPoolExecutor", counting_pool)
    in_process = run.evaluate_documents(pred, truth, jobs=1)
    assert pools == []
    pooled = run.evaluate_documents(pred, truth, jobs=2)
    assert pools == [2]
    assert len(in_process[1]) == COPIES * 16 >= run.PARALLEL_MIN_PAGES
    assert dumped(pooled) == dumped(in_process)
    summary = in_process[2]
    assert 0 < summary.metrics["teds"] < 1 and summary.missing_documents
    assert sum(p.missing for p in in_process[1]) == 2  # the page, and the document's one page


def test_small_sets_stay_in_process(monkeypatch) -> None:
    def no_pool(*args: object, **kwargs: object) -> None:
        raise AssertionError("a process pool was started")

    monkeypatch.setattr(run, "ProcessPoolExecutor", no_pool)
    corpus = load_documents(CORPUS)
    assert sum(len(d.pages) for d in corpus.values()) < run.PARALLEL_MIN_PAGES
    _, pages, summary = run.evaluate_documents(corpus, corpus, jobs=8)
    assert summary.metrics["teds"] == 1.0 and len(pages) == 16


def test_jobs_must_be_positive() -> None:
    corpus = load_documents(CORPUS)
    with pytest.raises(ValueError, match="jobs"):
        run.evaluate_documents(corpus, corpus, jobs=0)
    assert run.default_jobs() >= 1


def test_cli_jobs_option(tmp_path: Path) -> None:
    truth, pred = tmp_path / "gt", tmp_path / "pred"
    for copy in range(COPIES):
        for folder in CORPUS.rglob("*.gt"):
            rel = folder.relative_to(CORPUS)
            shutil.copytree(folder, truth / f"copy{copy}" / rel)
            shutil.copytree(folder, pred / f"copy{copy}" / rel)
    for number, page in enumerate(sorted(pred.rglob("page-*.html"))):
        page.write_text(damage(page.read_text(encoding="utf-8"), number), encoding="utf-8")
    runner = CliRunner()
    reports = []
    for jobs in ("1", "2"):
        out = tmp_path / f"jobs{jobs}.json"
        result = runner.invoke(
            app, ["eval", str(pred), str(truth), "--jobs", jobs, "--json", str(out)]
        )
        assert result.exit_code == 0, result.output
        reports.append(json.loads(out.read_text(encoding="utf-8")))
    assert reports[0] == reports[1]
    assert reports[0]["summary"]["pages"] == COPIES * 16
    assert runner.invoke(app, ["eval", str(pred), str(truth), "--jobs", "0"]).exit_code == 2
