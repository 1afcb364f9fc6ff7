"""``docparse eval`` and docparse.testing on the fixture corpus: reports, degradation, the gate."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from lxml import html as lxml_html
from typer.testing import CliRunner

from docparse.cli import app
from docparse.evaluate.dataset import document_key, load_documents
from docparse.testing import assert_no_regression, assert_quality

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "fixtures" / "corpus"
runner = CliRunner()


def _copy_truth(dest: Path, names: tuple[str, ...], *, sources: bool = False) -> Path:
    for name in names:
        shutil.copytree(CORPUS / f"{name}.gt", dest / f"{name}.gt")
        if sources:
            shutil.copy(CORPUS / f"{name}.pdf", dest / f"{name}.pdf")
    return dest


SUBSET = (
    "report/two_column_article",
    "invoices/invoice_en_gbp",
    "tables/spanned_headers",
)


def _degrade(folder: Path) -> None:
    """Damage every page: drop the last block, move the first box, rename a table cell."""
    for page in folder.rglob("page-*.html"):
        root = lxml_html.fromstring(page.read_text(encoding="utf-8"))
        body = root.find("body")
        blocks = [e for e in body if e.get("data-bbox")]
        body.remove(blocks[-1])
        x1, y1, x2, y2 = (float(v) for v in blocks[0].get("data-bbox").split())
        shift = (y2 - y1) * 3
        blocks[0].set(
            "data-bbox", f"{x1:.0f} {y1 + shift:.0f} {x2:.0f} {y2 + shift:.0f}"
        )
        for cell in root.iter("td"):
            cell.text = "WRONG"
            break
        page.write_text(lxml_html.tostring(root, encoding="unicode"), encoding="utf-8")


def test_document_keys_pair_truth_with_conversion_outputs() -> None:
    assert document_key("invoices/a.gt") == "invoices/a"
    assert document_key("invoices/a.pdf") == "invoices/a"
    assert document_key("scans/b.tif.gt") == "scans/b"
    docs = load_documents(CORPUS)
    assert "report/two_column_article" in docs
    article = docs["report/two_column_article"]
    assert article.source == CORPUS / "report" / "two_column_article.pdf"
    assert article.facts and 1 in article.pages


def test_truth_against_itself_scores_one_and_writes_reports(tmp_path: Path) -> None:
    truth = _copy_truth(tmp_path / "gt", SUBSET, sources=True)
    json_out, html_out = tmp_path / "r.json", tmp_path / "r.html"
    result = runner.invoke(
        app,
        [
            "eval",
            str(truth),
            str(truth),
            "--json",
            str(json_out),
            "--html",
            str(html_out),
        ],
    )
    assert result.exit_code == 0, result.output
    report = json.loads(json_out.read_text())
    metrics = report["summary"]["metrics"]
    assert (
        metrics["text"] == 1.0
        and metrics["teds"] == 1.0
        and metrics["layout_f1@0.5"] == 1.0
    )
    assert report["summary"]["documents"] == 3
    page = html_out.read_text()
    assert page.count("<section>") == 3
    assert page.count("data:image/png;base64,") == 3, "each page's picture inlined once"


def test_degraded_predictions_fail_the_baseline_gate(tmp_path: Path) -> None:
    truth = _copy_truth(tmp_path / "gt", SUBSET)
    pred = _copy_truth(tmp_path / "pred", SUBSET)
    _degrade(pred)
    baseline = tmp_path / "baseline.json"
    assert (
        runner.invoke(
            app, ["eval", str(truth), str(truth), "--json", str(baseline)]
        ).exit_code
        == 0
    )
    html_out = tmp_path / "r.html"
    result = runner.invoke(
        app,
        [
            "eval",
            str(pred),
            str(truth),
            "--baseline",
            str(baseline),
            "--tolerance",
            "0.01",
            "--html",
            str(html_out),
            "--no-pictures",
        ],
    )
    assert result.exit_code == 4, result.output
    for metric in ("text", "layout_f1@0.75", "teds"):
        assert f"regression {metric}:" in result.output.replace("\n", " ")
    assert "tables/spanned_headers p1" in result.output.replace("\n", " ")
    assert "Regressions against the baseline" in html_out.read_text()
    # A loose enough tolerance lets the same predictions through.
    lenient = runner.invoke(
        app,
        [
            "eval",
            str(pred),
            str(truth),
            "--baseline",
            str(baseline),
            "--tolerance",
            "1",
        ],
    )
    assert lenient.exit_code == 0, lenient.output


def test_missing_document_scores_zero_and_is_named(tmp_path: Path) -> None:
    truth = _copy_truth(tmp_path / "gt", SUBSET)
    pred = _copy_truth(tmp_path / "pred", SUBSET[:2])
    result = runner.invoke(
        app, ["eval", str(pred), str(truth), "--json", str(tmp_path / "r.json")]
    )
    assert result.exit_code == 0
    summary = json.loads((tmp_path / "r.json").read_text())["summary"]
    assert summary["missing_documents"] == ["tables/spanned_headers"]
    assert summary["metrics"]["page_coverage"] == pytest.approx(2 / 3)
    assert summary["metrics"]["teds"] < 1.0
    partial = tmp_path / "partial.json"
    result = runner.invoke(
        app, ["eval", str(pred), str(truth), "--missing", "ignore", "--json", str(partial)]
    )
    assert result.exit_code == 0
    only = json.loads(partial.read_text())["summary"]
    assert only["documents"] == 2 and only["missing_documents"] == []
    assert only["metrics"]["page_coverage"] == 1.0


def test_pytest_helpers(tmp_path: Path) -> None:
    truth = _copy_truth(tmp_path / "gt", SUBSET)
    pred = _copy_truth(tmp_path / "pred", SUBSET)
    report = assert_quality(pred, truth, thresholds={"text": 0.99, "teds": 0.99})
    baseline = tmp_path / "baseline.json"
    baseline.write_text(report.model_dump_json())
    _degrade(pred)
    with pytest.raises(
        AssertionError, match=r"(?s)regressed against .*text: 0\.\d+ < baseline 1\.0000"
    ):
        assert_no_regression(pred, truth, baseline, tolerance=0.01)
    with pytest.raises(AssertionError, match="below thresholds"):
        assert_quality(pred, truth, thresholds={"teds": 0.99})


def test_bad_arguments_are_usage_errors(tmp_path: Path) -> None:
    assert (
        runner.invoke(app, ["eval", str(tmp_path / "nope"), str(CORPUS)]).exit_code == 2
    )
    empty = tmp_path / "empty"
    empty.mkdir()
    assert runner.invoke(app, ["eval", str(CORPUS), str(empty)]).exit_code == 2
