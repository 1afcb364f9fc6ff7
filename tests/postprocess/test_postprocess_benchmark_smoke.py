"""benchmarks/postprocess_throughput.py runs end to end and reports every row it promises."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "postprocess_throughput.py"
ROWS = ["parse_reply", "tables", "forms", "invoice", "parse_reply + extract_document"]


def _report(*flags: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--rounds", "1", "--repeat", "1", "--json", *flags],
        capture_output=True, text=True, check=True, timeout=300,
    )  # fmt: skip
    return json.loads(done.stdout)


def test_rows_with_the_default_gc_row_first() -> None:
    report = _report()
    rows = report["rows"]
    assert [r["name"] for r in rows] == ["whole step, default gc", *ROWS]  # type: ignore[index]
    assert all(r["pages"] == 16 and r["pages_per_s"] > 0 for r in rows)  # type: ignore[union-attr]
    # one timing: its median is the best
    assert all(r["median_pages_per_cpu_s"] == r["pages_per_cpu_s"] for r in rows)  # type: ignore[index]
    assert report["goal_pages_per_s"] == 500.0
    # the collector's work is counted: CPython's defaults collect many times in one pass
    assert rows[0]["gc_collections"] > 0 and rows[0]["gc_ms_per_page"] > 0  # type: ignore[index]
    assert all(r["gc_collections"] >= 0 for r in rows)  # type: ignore[index]


def test_without_gc_tuning_and_with_warm_labels() -> None:
    rows = _report("--no-tune-gc", "--warm-labels")["rows"]
    assert [r["name"] for r in rows] == ROWS  # type: ignore[index]
