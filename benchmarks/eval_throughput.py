"""Evaluation throughput: ``evaluate_dirs`` on 1,000 pages, fast TEDS path vs the apted reference.

The target: evaluating 1,000 pages takes under a minute on this machine. The data set is built
from the fixture corpus (``fixtures/corpus``): its documents are cycled under distinct keys
(``c0000/invoices/invoice_en_gbp``, ``c0001/...``) until there are ``--pages`` pages, written as
ground truth (``<key>.gt/page-NNNN.html`` with the facts and field files) and as predictions (the
same pages with realistic damage, seeded):

- about 2% of the letters and digits in the text changed (tags, attributes and entities intact);
- every box (``data-bbox``) jittered by up to 3 points per coordinate;
- one cell of every table changed (a character inserted), so no predicted table equals its truth;
- every 7th page missing one non-table block.

Rows, each timing ``evaluate_dirs`` end to end (loading the folders included):

- ``apted (sample)``: the reference TED (``ted_fast.ENABLED = False``), in-process, on a SAMPLE of
  ``--sample`` pages (every k-th page, so every document kind is in it) because apted takes
  minutes for the full set; its time for all pages is EXTRAPOLATED linearly from the sample;
- ``fast (sample)``: the fast path on the same sample, for a like-for-like ratio;
- ``fast, jobs=1`` / ``fast, jobs=2``: the fast path (numba Zhang–Shasha) on all pages,
  in-process and with two worker processes.

numba's one-off cost (importing it and compiling the kernel, or loading it from its on-disk
cache) is measured separately as ``jit_load_s`` and paid before the timed rows; a cold compile
happens once per machine and kernel version.

    .venv/bin/python benchmarks/eval_throughput.py [--pages 1000] [--sample 40] [--json]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from docparse.evaluate import ted_fast  # noqa: E402
from docparse.evaluate.corpus_report import EvalReport  # noqa: E402
from docparse.evaluate.dataset import load_documents  # noqa: E402
from docparse.evaluate.run import evaluate_dirs  # noqa: E402

CORPUS = ROOT / "fixtures" / "corpus"
TARGET_PAGES = 1000
TARGET_SECONDS = 60.0
SIDE_FILES = ("facts.jsonl", "invoice.json", "form.json")
NOISE_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789"


@dataclass
class Row:
    name: str
    pages: int
    seconds: float
    note: str = ""

    @property
    def pages_per_s(self) -> float:
        return self.pages / self.seconds if self.seconds > 0 else 0.0

    def seconds_for(self, pages: int) -> float:
        """Time for ``pages`` pages at this row's rate (linear extrapolation)."""
        return self.seconds * pages / self.pages


# --- the data set ----------------------------------------------------------------------------


def _noisy_text(text: str, rng: random.Random, rate: float) -> str:
    """Change about ``rate`` of the letters/digits of a text run; entities are kept whole."""
    parts = re.split(r"(&#?\w+;)", text)
    for i, part in enumerate(parts):
        if i % 2:  # an entity
            continue
        chars = list(part)
        for k, char in enumerate(chars):
            if char.isalnum() and rng.random() < rate:
                chars[k] = rng.choice(NOISE_CHARS)
        parts[i] = "".join(chars)
    return "".join(parts)


def _jitter_box(match: re.Match[str], rng: random.Random) -> str:
    x1, y1, x2, y2 = (int(float(v)) for v in match.group(1).split())
    x1, y1 = max(0, x1 + rng.randint(-3, 3)), max(0, y1 + rng.randint(-3, 3))
    x2, y2 = max(x1 + 1, x2 + rng.randint(-3, 3)), max(y1 + 1, y2 + rng.randint(-3, 3))
    return f'data-bbox="{x1} {y1} {x2} {y2}"'


def _change_one_cell(table: str, rng: random.Random) -> str:
    cells = list(re.finditer(r"(<t[dh][^>]*>)([^<]*)(</t[dh]>)", table))
    cell = rng.choice(cells)
    text = cell.group(2)
    at = rng.randint(0, len(text))
    changed = text[:at] + rng.choice("abcdefghijklmnopqrstuvwxyz") + text[at:]
    return table[: cell.start(2)] + changed + table[cell.end(2) :]


def damage(html: str, rng: random.Random, *, drop_block: bool) -> str:
    """A prediction for a truth page: text noise, jittered boxes, one changed cell per table."""
    html = re.sub(r">([^<]+)<", lambda m: f">{_noisy_text(m.group(1), rng, 0.02)}<", html)
    html = re.sub(r'data-bbox="([^"]*)"', lambda m: _jitter_box(m, rng), html)
    html = re.sub(
        r"<table.*?</table>",
        lambda m: _change_one_cell(m.group(0), rng),
        html,
        flags=re.DOTALL,
    )
    if drop_block:
        lines = html.splitlines()
        blocks = [i for i, line in enumerate(lines) if "data-bbox" in line and "<table" not in line]
        del lines[rng.choice(blocks)]
        html = "\n".join(lines) + "\n"
    return html


def build_dataset(root: Path, pages: int, seed: int) -> tuple[Path, Path, list[tuple[str, int]]]:
    """Write ``pages`` truth pages and their predictions under ``root``; (pred, truth, page ids)."""
    rng = random.Random(seed)
    corpus = sorted(load_documents(CORPUS).values(), key=lambda d: d.key)
    truth, pred = root / "truth", root / "pred"
    ids: list[tuple[str, int]] = []
    copy = 0
    while len(ids) < pages:
        for doc in corpus:
            if len(ids) >= pages:
                break
            key = f"c{copy:04d}/{doc.key}"
            true_dir, pred_dir = truth / f"{key}.gt", pred / key
            true_dir.mkdir(parents=True)
            pred_dir.mkdir(parents=True)
            for name in SIDE_FILES:
                if (doc.folder / name).is_file():
                    shutil.copy(doc.folder / name, true_dir / name)
                    if name != "facts.jsonl":
                        shutil.copy(doc.folder / name, pred_dir / name)
            for number, html in doc.pages.items():
                if len(ids) >= pages:
                    break
                name = f"page-{number:04d}.html"
                (true_dir / name).write_text(html, encoding="utf-8")
                predicted = damage(html, rng, drop_block=len(ids) % 7 == 0)
                (pred_dir / name).write_text(predicted, encoding="utf-8")
                ids.append((key, number))
        copy += 1
    return pred, truth, ids


def sample_dataset(
    pred: Path, truth: Path, ids: list[tuple[str, int]], size: int, root: Path
) -> tuple[Path, Path, int]:
    """Copy every k-th page (with its document's side files) into a sample pred/truth pair."""
    step = max(1, len(ids) // size)
    chosen = ids[::step][:size]
    sample_pred, sample_truth = root / "sample_pred", root / "sample_truth"
    for key, number in chosen:
        name = f"page-{number:04d}.html"
        for src, dest in (
            (pred / key, sample_pred / key),
            (truth / f"{key}.gt", sample_truth / f"{key}.gt"),
        ):
            dest.mkdir(parents=True, exist_ok=True)
            shutil.copy(src / name, dest / name)
            for side in SIDE_FILES:
                if (src / side).is_file() and not (dest / side).exists():
                    shutil.copy(src / side, dest / side)
    return sample_pred, sample_truth, len(chosen)


# --- timing ----------------------------------------------------------------------------------


def timed(
    name: str, pred: Path, truth: Path, pages: int, *, jobs: int, note: str = ""
) -> tuple[Row, EvalReport]:
    start = time.perf_counter()
    report = evaluate_dirs(pred, truth, jobs=jobs)
    seconds = time.perf_counter() - start
    assert report.summary.pages == pages, (report.summary.pages, pages)
    return Row(name, pages, seconds, note), report


def _page_teds(
    report: EvalReport,
) -> dict[tuple[str, int], tuple[float | None, float | None]]:
    return {(p.doc, p.page): (p.tables.teds, p.tables.teds_s) for p in report.pages}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--pages", type=int, default=TARGET_PAGES, help="pages in the set")
    parser.add_argument("--sample", type=int, default=40, help="pages timed with apted")
    parser.add_argument("--seed", type=int, default=0, help="seed of the damage")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args()

    start = time.perf_counter()
    if not ted_fast.available():
        raise SystemExit("numba is not installed: pip install -e '.[eval]'")
    jit_load_s = time.perf_counter() - start

    with tempfile.TemporaryDirectory(prefix="eval-bench-") as tmp:
        root = Path(tmp)
        pred, truth, ids = build_dataset(root, args.pages, args.seed)
        sample_pred, sample_truth, sample_pages = sample_dataset(
            pred, truth, ids, args.sample, root
        )
        tables = sum(
            p.read_text(encoding="utf-8").count("<table") for p in truth.rglob("page-*.html")
        )

        ted_fast.ENABLED = False
        try:
            apted_row, apted_report = timed(
                "apted (sample)",
                sample_pred,
                sample_truth,
                sample_pages,
                jobs=1,
                note="reference, in-process",
            )
        finally:
            ted_fast.ENABLED = True
        fast_sample_row, fast_sample_report = timed(
            "fast (sample)",
            sample_pred,
            sample_truth,
            sample_pages,
            jobs=1,
            note="same sample",
        )
        fast1, report1 = timed("fast, jobs=1", pred, truth, len(ids), jobs=1, note="in-process")
        fast2, report2 = timed(
            "fast, jobs=2", pred, truth, len(ids), jobs=2, note="2 worker processes"
        )

    reference, fast = _page_teds(apted_report), _page_teds(fast_sample_report)
    max_teds_diff = max(
        (
            abs(a - b)
            for key in reference
            for a, b in zip(reference[key], fast[key], strict=True)
            if a is not None and b is not None
        ),
        default=0.0,
    )
    apted_full_s = apted_row.seconds_for(args.pages)
    results = {
        "pages": args.pages,
        "tables": tables,
        "sample_pages": sample_pages,
        "jit_load_s": round(jit_load_s, 3),
        "rows": [
            {**asdict(r), "pages_per_s": round(r.pages_per_s, 2)}
            for r in (apted_row, fast_sample_row, fast1, fast2)
        ],
        "apted_extrapolated_s": round(apted_full_s, 1),
        "speedup_fast_jobs1_vs_apted": round(fast1.pages_per_s / apted_row.pages_per_s, 1),
        "speedup_fast_jobs2_vs_apted": round(fast2.pages_per_s / apted_row.pages_per_s, 1),
        "speedup_on_sample": round(fast_sample_row.pages_per_s / apted_row.pages_per_s, 1),
        "jobs2_vs_jobs1": round(fast2.pages_per_s / fast1.pages_per_s, 2),
        "max_page_teds_diff_fast_vs_apted_on_sample": max_teds_diff,
        "jobs1_equals_jobs2": report1.model_dump(exclude={"pred", "truth"})
        == report2.model_dump(exclude={"pred", "truth"}),
        "summary_teds": report1.summary.metrics["teds"],
        "summary_teds_s": report1.summary.metrics["teds_s"],
        f"under_{TARGET_SECONDS:.0f}s_for_{TARGET_PAGES}_pages": {
            "fast, jobs=1": fast1.seconds_for(TARGET_PAGES) < TARGET_SECONDS,
            "fast, jobs=2": fast2.seconds_for(TARGET_PAGES) < TARGET_SECONDS,
        },
    }
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(f"{args.pages} pages ({tables} truth tables), apted on a sample of {sample_pages} pages")
    print(f"numba import + kernel load before timing: {jit_load_s:.2f} s")
    print(f"{'row':<16} {'pages':>6} {'seconds':>9} {'pages/s':>9}  note")
    for row in (apted_row, fast_sample_row, fast1, fast2):
        print(
            f"{row.name:<16} {row.pages:>6} {row.seconds:>9.2f} {row.pages_per_s:>9.1f}  {row.note}"
        )
    print(
        f"apted extrapolated to {args.pages} pages: {apted_full_s:.0f} s"
        f" (from {sample_pages} pages: linear extrapolation, not measured)"
    )
    print(
        f"fast/apted pages/s: jobs=1 {results['speedup_fast_jobs1_vs_apted']}x,"
        f" jobs=2 {results['speedup_fast_jobs2_vs_apted']}x"
        f" (same sample: {results['speedup_on_sample']}x);"
        f" jobs=2/jobs=1: {results['jobs2_vs_jobs1']}x"
    )
    print(f"max |TEDS fast - TEDS apted| per page on the sample: {max_teds_diff:.2e}")
    print(f"jobs=1 and jobs=2 reports identical: {results['jobs1_equals_jobs2']}")
    for name, row in (("fast, jobs=1", fast1), ("fast, jobs=2", fast2)):
        seconds = row.seconds_for(TARGET_PAGES)
        verdict = "yes" if seconds < TARGET_SECONDS else "NO"
        target = f"{TARGET_PAGES} pages under {TARGET_SECONDS:.0f} s with {name}"
        print(f"{target}: {verdict} ({seconds:.1f} s)")


if __name__ == "__main__":
    main()
