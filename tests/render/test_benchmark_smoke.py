"""benchmarks/render_throughput.py runs end to end and reports every row it promises."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "render_throughput.py"


def test_render_benchmark_reports_rows_as_json() -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--generated", "--pages", "2", "--repeat", "1", "--json"],
        capture_output=True, text=True, check=True, timeout=120,
    )
    report = json.loads(done.stdout)
    names = [row["name"] for row in report["rows"]]
    assert names[:2] == ["docparse raw RGB", "docparse PNG"]
    assert report["pages"] == 2 and 1.2 < report["mean_megapixels"] < 1.5
    assert all(row["pages_per_s"] > 0 for row in report["rows"])
    if shutil.which("pdftoppm"):
        assert len(names) == 4 and all(row["vs_pdftoppm"] for row in report["rows"])
        assert all(row["note"] == "" for row in report["rows"])  # pdftoppm hit the same sizes
    else:
        assert "pdftoppm not installed" in report["skipped"]
