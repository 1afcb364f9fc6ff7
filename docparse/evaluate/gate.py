"""The regression gate: compare a run's summary metrics with a baseline, within a tolerance."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel, Field

from docparse.evaluate.corpus_report import EvalReport, PageEval

__all__ = ["WORST_PAGES", "Regression", "check_regressions", "load_baseline"]

#: How many of the worst pages a regression names.
WORST_PAGES = 5


class Regression(BaseModel):
    metric: str
    baseline: float
    current: float | None = Field(
        description="None: the metric is no longer measured at all."
    )
    worst_pages: list[str] = Field(
        default_factory=list, description="'doc p3 (0.41)' entries."
    )

    def __str__(self) -> str:
        now = "missing" if self.current is None else f"{self.current:.4f}"
        pages = (
            f"; worst pages: {', '.join(self.worst_pages)}" if self.worst_pages else ""
        )
        return f"{self.metric}: {now} < baseline {self.baseline:.4f}{pages}"


def load_baseline(path: Path) -> dict[str, float]:
    """A baseline is an eval JSON report, or a plain ``{"metric": value}`` object."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    metrics = (
        data.get("summary", {}).get("metrics", data) if isinstance(data, dict) else None
    )
    if not isinstance(metrics, dict):
        raise ValueError(f"{path}: not an eval report nor a {{metric: value}} object")
    return {k: float(v) for k, v in metrics.items() if isinstance(v, (int, float))}


def _worst(pages: list[PageEval], metric: str) -> list[str]:
    scored = [(p.metrics.get(metric), p) for p in pages]
    ranked = sorted(((v, p) for v, p in scored if v is not None), key=lambda vp: vp[0])
    return [f"{p.doc} p{p.page} ({v:.2f})" for v, p in ranked[:WORST_PAGES] if v < 1.0]


def check_regressions(
    report: EvalReport, baseline: dict[str, float], tolerance: float
) -> list[Regression]:
    """Every baseline metric that dropped by more than ``tolerance`` (or vanished)."""
    regressions = []
    for metric, base in sorted(baseline.items()):
        current = report.summary.metrics.get(metric)
        if current is None or current < base - tolerance:
            regressions.append(
                Regression(
                    metric=metric,
                    baseline=base,
                    current=current,
                    worst_pages=_worst(report.pages, metric),
                )
            )
    return regressions
