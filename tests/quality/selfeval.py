"""docparse on its own fixture corpus: convert it as CI does, then score it with ``docparse eval``.

Shared by ``tests/quality/test_self_eval.py`` (the gate) and ``fixtures/baseline/update.py``
(which writes the baseline the gate compares with), so both run exactly the same thing:

- born-digital PDFs: ``docparse convert FILES -o OUT --engine textlayer --runner local``;
- scans: ``docparse convert FILES -o OUT/scans --engine openai --endpoint URL --runner local``
  against the stand-in model server (a TEST DOUBLE for a GPU model server) answering replies
  DERIVED FROM GROUND TRUTH (``tests.standin.gt_replies``): what a perfect model would say about
  each page image. The scan half therefore measures the pipeline's own losses (rendering, HTTP,
  post-processing, box mapping to the page frame), not a model's;
- ``docparse eval OUT fixtures/corpus --json ... --html ... [--baseline ... --tolerance ...]``.

Commands go through the real CLI (typer's in-process runner), so flags, exit codes and printed
reports are what a user gets.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from typer.testing import CliRunner

from docparse.cli import app
from tests.standin.gt_replies import corpus_replies
from tests.standin.replies import RecordedReplies
from tests.standin.server import StandinServer

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "fixtures" / "corpus"
BASELINE = ROOT / "fixtures" / "baseline" / "eval.json"
#: Allowed drop per metric before the gate fails. The run is deterministic (no model, no clock in
#: the outputs), so metrics only move when the code does; this leaves room for float noise only.
TOLERANCE = 0.005
#: Stand-in slots and client concurrency for the scans (6 pages: anything above 6 is idle).
SCAN_CONCURRENCY = 8
#: The CLI's exit code for a regression against the baseline (docparse.cli.common.ExitCode).
EXIT_REGRESSION = 4

_cli = CliRunner()


@dataclass(frozen=True)
class CliRun:
    args: list[str]
    exit_code: int
    output: str  # stdout and stderr, as the user would see them

    def describe(self) -> str:
        return f"$ docparse {' '.join(self.args)}\n(exit {self.exit_code})\n{self.output}"


def docparse(args: Sequence[str]) -> CliRun:
    """Run one ``docparse`` command in-process; never raises for a non-zero exit."""
    result = _cli.invoke(app, list(args), catch_exceptions=False)
    return CliRun(list(args), result.exit_code, result.output)


def corpus_documents(*, born_digital: bool) -> list[Path]:
    """The corpus documents of one kind, from its manifest (the corpus's own index)."""
    manifest = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
    return [CORPUS / d["path"] for d in manifest["documents"] if d["born_digital"] is born_digital]


def _output_root(out: Path, files: list[Path]) -> Path:
    """Where one run must write so that output keys equal ground-truth keys.

    A run with one input root labels nothing (``scans/a.jpg`` -> ``OUT/a.jpg``), so its outputs
    go under that root's own path in the corpus; files from several folders are labelled with
    their folder's name already (``invoices/a.pdf`` -> ``OUT/invoices/a.pdf``).
    """
    parents = {f.parent for f in files}
    if len(parents) == 1:
        return out / parents.pop().relative_to(CORPUS)
    return out


def convert_born_digital(out: Path) -> CliRun:
    files = corpus_documents(born_digital=True)
    args = ["convert", *map(str, files), "-o", str(_output_root(out, files))]
    return docparse([*args, "--engine", "textlayer", "--runner", "local"])


def convert_scans(out: Path) -> CliRun:
    """The scans through the openai engine, against the stand-in with GT-derived replies."""
    files = corpus_documents(born_digital=False)
    replies = RecordedReplies(corpus_replies(CORPUS))
    with StandinServer(slots=SCAN_CONCURRENCY, replies=replies) as server:
        args = ["convert", *map(str, files), "-o", str(_output_root(out, files))]
        return docparse(
            [
                *args,
                "--engine",
                "openai",
                "--endpoint",
                server.url,
                "--runner",
                "local",
                "--concurrency",
                str(SCAN_CONCURRENCY),
            ]  # fmt: skip
        )


def evaluate(
    out: Path,
    report_dir: Path,
    *,
    baseline: Path | None = BASELINE,
    tolerance: float = TOLERANCE,
) -> CliRun:
    """``docparse eval OUT fixtures/corpus``, reports in ``report_dir`` (eval.json, eval.html)."""
    args = ["eval", str(out), str(CORPUS), "--json", str(report_dir / "eval.json"),
            "--html", str(report_dir / "eval.html")]  # fmt: skip
    if baseline is not None:
        args += ["--baseline", str(baseline), "--tolerance", str(tolerance)]
    return docparse(args)


def summary_metrics(report_json: Path) -> dict[str, float | None]:
    """The summary metrics of an eval JSON report."""
    report = json.loads(report_json.read_text(encoding="utf-8"))
    return dict(report["summary"]["metrics"])
