"""docparse on itself: convert the fixture corpus, score it against ground truth, gate on it.

The born-digital PDFs go through the textlayer engine; the scans go through the openai engine
against the in-process stand-in model server. The stand-in is a TEST DOUBLE for a GPU model
server, and its replies are DERIVED FROM GROUND TRUTH (each page's true QwenVL HTML mapped into
the model frame of the exact image the pipeline sends), so the scan half measures the pipeline's
own losses, not a model's. ``docparse eval`` then compares the outputs with
``fixtures/baseline/eval.json`` (written by ``fixtures/baseline/update.py``; see
``tests/quality/selfeval.py``) and exits 4 naming every metric that dropped past the tolerance.

A change that degrades parsing fails here with the CLI's report: each regressed metric, its
baseline, and the worst pages; the HTML report (worst pages first) is left in the test's temp
folder, whose path the failure message names.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from docparse.engines.textlayer import html as textlayer_html
from docparse.evaluate.gate import load_baseline
from tests.quality.selfeval import (
    BASELINE,
    EXIT_REGRESSION,
    CliRun,
    convert_born_digital,
    convert_scans,
    evaluate,
    summary_metrics,
)


def _converted(run: CliRun) -> None:
    assert run.exit_code == 0, f"conversion failed:\n{run.describe()}"


@pytest.fixture(scope="module")
def scans_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The scans converted once (the slow half); tests copy it beside their own born-digital run."""
    out = tmp_path_factory.mktemp("scans") / "out"
    _converted(convert_scans(out))
    return out / "scans"


def _with_scans(out: Path, scans: Path) -> None:
    shutil.copytree(scans, out / "scans")


def test_baseline_holds_the_metrics_worth_gating() -> None:
    baseline = load_baseline(BASELINE)
    for metric in ("text", "reading_order", "layout_f1@0.5", "teds", "facts", "page_coverage"):
        assert metric in baseline, (
            f"{metric} missing from {BASELINE}: run fixtures/baseline/update.py"
        )
    assert all(0 < v <= 1 for v in baseline.values()), baseline


def test_corpus_parses_no_worse_than_the_baseline(tmp_path: Path, scans_output: Path) -> None:
    out, reports = tmp_path / "out", tmp_path / "reports"
    reports.mkdir()
    _converted(convert_born_digital(out))
    _with_scans(out, scans_output)

    run = evaluate(out, reports)

    assert run.exit_code == 0, (
        f"parsing quality regressed against {BASELINE.name} (HTML report, worst pages first: "
        f"{reports / 'eval.html'}; if the change is intended, run fixtures/baseline/update.py)"
        f"\n{run.describe()}"
    )
    assert "regression" not in run.output
    assert (reports / "eval.html").stat().st_size > 0
    metrics = summary_metrics(reports / "eval.json")
    assert metrics["page_coverage"] == 1.0, "some corpus pages have no output: see the report"
    assert set(load_baseline(BASELINE)) <= {k for k, v in metrics.items() if v is not None}


def test_a_degraded_pipeline_fails_the_gate_naming_the_metric(
    tmp_path: Path, scans_output: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reverse the textlayer engine's reading order: the gate must exit 4 and say so."""
    monkeypatch.setattr(
        textlayer_html, "reading_order", lambda boxes: list(range(len(boxes)))[::-1]
    )
    out, reports = tmp_path / "out", tmp_path / "reports"
    reports.mkdir()
    _converted(convert_born_digital(out))
    _with_scans(out, scans_output)

    run = evaluate(out, reports)

    assert run.exit_code == EXIT_REGRESSION, run.describe()
    regressed = [line for line in run.output.splitlines() if line.startswith("regression")]
    assert any("reading_order" in line for line in regressed), run.describe()
    # Only what the damage touches regresses: text, boxes and tables are untouched.
    assert not any(line.startswith(("regression text:", "regression teds")) for line in regressed)
    assert (reports / "eval.html").stat().st_size > 0
