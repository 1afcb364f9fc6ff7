"""pytest helpers: hold a conversion output to quality thresholds or to a baseline.

    from docparse.testing import assert_quality, assert_no_regression

    def test_parsing_quality():
        assert_quality("out/", "ground_truth/", thresholds={"text": 0.95, "teds": 0.9})
        assert_no_regression("out/", "ground_truth/", "baseline.json", tolerance=0.01)

Failures raise ``AssertionError`` with each failing metric and the worst pages, so pytest's
report says what regressed and where.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from docparse.evaluate.corpus_report import EvalReport
from docparse.evaluate.gate import Regression, check_regressions, load_baseline
from docparse.evaluate.run import evaluate_dirs

__all__ = ["assert_no_regression", "assert_quality", "evaluate_output"]


def evaluate_output(pred: str | Path, truth: str | Path) -> EvalReport:
    """The full evaluation report of ``pred`` against ``truth`` (see ``docparse eval``)."""
    return evaluate_dirs(Path(pred), Path(truth))


def _fail(kind: str, regressions: list[Regression]) -> None:
    lines = "\n".join(f"  - {r}" for r in regressions)
    raise AssertionError(f"parsing quality {kind}:\n{lines}")


def assert_quality(
    pred: str | Path, truth: str | Path, *, thresholds: Mapping[str, float]
) -> EvalReport:
    """Every named summary metric is at least its threshold (a missing metric fails)."""
    report = evaluate_output(pred, truth)
    below = check_regressions(report, dict(thresholds), tolerance=0.0)
    if below:
        _fail("below thresholds", below)
    return report


def assert_no_regression(
    pred: str | Path,
    truth: str | Path,
    baseline: str | Path,
    *,
    tolerance: float = 0.01,
) -> EvalReport:
    """No summary metric dropped more than ``tolerance`` below the baseline file's value."""
    report = evaluate_output(pred, truth)
    regressions = check_regressions(report, load_baseline(Path(baseline)), tolerance)
    if regressions:
        _fail(f"regressed against {baseline}", regressions)
    return report
