"""Render throughput on one core: docparse (PyMuPDF) raw pixels and PNG bytes vs per-page pdftoppm.

Every row renders the same pages at the same pixel sizes (docparse's smart_resize targets,
~1.3 MP for a Letter page by default), in one run, pinned to one CPU, best of ``--repeat``:

- ``docparse raw RGB``: ``render_pages(..., encode_png=False)``, pixels for in-process engines;
- ``docparse PNG``: the same with PNG bytes, as sent to HTTP engines;
- ``pdftoppm -ppm`` / ``pdftoppm -png``: poppler's ``pdftoppm`` started once per page with
  ``-scale-to-x/-scale-to-y`` at that page's target size (how a per-page worker would use it).
  Skipped, with the reason, when ``pdftoppm`` is not installed (``apt-get install poppler-utils``).

The ratio column compares rows with the same output: raw RGB with PPM, PNG with PNG.

Inputs: ``fixtures/corpus/**/*.pdf`` when present, else a generated fixture-like PDF (two text
columns, headings, a table grid and a vector figure per Letter page); ``--pdf`` names others.

    .venv/bin/python benchmarks/render_throughput.py [--pages 30] [--repeat 3] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pymupdf  # noqa: E402

from docparse.render import RenderedPage, render_pages  # noqa: E402
from schemas.errors import DocparseError  # noqa: E402
from schemas.options import RenderOptions  # noqa: E402
from schemas.resize import DEFAULT_MAX_PIXELS  # noqa: E402

#: min_pixels that puts a US Letter page at 1008 x 1316 = 1.33 MP (about 1,700 visual tokens).
TARGET_MIN_PIXELS = 1_300_000
WORDS = "layout model reading order table figure caption column page budget token pixel frame".split()


@dataclass
class Row:
    name: str
    output: str  # "raw" (packed pixels: RGB / PPM) or "png": rows with the same output compare
    pages: int
    seconds: float
    note: str = ""

    @property
    def pages_per_s(self) -> float:
        return self.pages / self.seconds if self.seconds > 0 else 0.0


def fixture_like_pdf(pages: int) -> bytes:
    """Letter pages with a heading, two justified text columns, a ruled table and a drawing."""
    doc = pymupdf.open()
    for number in range(pages):
        page = doc.new_page(width=612, height=792)
        text = " ".join(WORDS[(number + i * 7) % len(WORDS)] for i in range(520))
        page.insert_text((54, 60), f"Section {number + 1}: rendering at native resolution", fontsize=15)
        left = page.insert_textbox(pymupdf.Rect(54, 80, 300, 740), text, fontsize=8.5, align=3)
        right = page.insert_textbox(pymupdf.Rect(312, 80, 558, 380), text[: len(text) * 2 // 5], fontsize=8.5)
        if min(left, right) < 0:  # PyMuPDF writes nothing when the text does not fit
            raise RuntimeError("benchmark text overflows its column")
        for row in range(9):  # a ruled table
            y = 400 + row * 18
            page.draw_line((312, y), (558, y), color=(0, 0, 0), width=0.5)
            for col in range(4):
                page.insert_text((316 + col * 61, y + 13), f"{(row * 4 + col) * 17 % 997}", fontsize=8)
        shape = page.new_shape()  # a vector figure
        for k in range(24):
            shape.draw_line((330, 720 - k * 4), (330 + k * 9, 720 - (k * k) % 90))
        shape.draw_circle((500, 680), 40)
        shape.finish(color=(0.1, 0.2, 0.8), fill=(0.85, 0.9, 1.0), width=0.8)
        shape.commit()
        page.insert_text((300, 770), f"{number + 1}", fontsize=9)
    return doc.tobytes(deflate=True)


def pin_to_one_core(cpu: int | None) -> str:
    if not hasattr(os, "sched_setaffinity"):
        return "not pinned (no sched_setaffinity on this platform)"
    chosen = cpu if cpu is not None else min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {chosen})  # inherited by pdftoppm children
    return f"pinned to cpu {chosen}"


def time_docparse(inputs: list[Path], options: RenderOptions) -> tuple[float, list[list[tuple[int, int]]]]:
    """Seconds to render every page of every input; and each page's (width, height)."""
    sizes: list[list[tuple[int, int]]] = []
    start = time.perf_counter()
    for path in inputs:
        data = path.read_bytes()
        doc_sizes = []
        for page in render_pages(data, source=str(path), doc_id=path.stem, options=options):
            if not isinstance(page, RenderedPage):
                raise RuntimeError(f"benchmark input failed to render: {page.error}")
            doc_sizes.append((page.image.width, page.image.height))
        sizes.append(doc_sizes)
    return time.perf_counter() - start, sizes


def renderable(inputs: list[Path], options: RenderOptions) -> tuple[list[Path], list[str]]:
    """The inputs whose every page renders (fixtures may hold deliberately broken files)."""
    kept, dropped = [], []
    for path in inputs:
        try:
            time_docparse([path], options)
        except (DocparseError, RuntimeError) as exc:
            dropped.append(f"{path.name} ({exc})")
        else:
            kept.append(path)
    return kept, dropped


def time_pdftoppm(exe: str, inputs: list[Path], sizes: list[list[tuple[int, int]]], fmt: str, work: Path) -> tuple[float, str]:
    """Seconds for one pdftoppm process per page at the given sizes; note on size mismatches."""
    mismatches = 0
    start = time.perf_counter()
    for path, doc_sizes in zip(inputs, sizes):
        for number, (width, height) in enumerate(doc_sizes, start=1):
            out = work / "page"
            args = [exe, "-f", str(number), "-l", str(number), "-scale-to-x", str(width),
                    "-scale-to-y", str(height), "-singlefile"]
            subprocess.run([*args, *(["-png"] if fmt == "png" else []), str(path), str(out)], check=True)
            if fmt == "ppm":
                with open(work / "page.ppm", "rb") as ppm:
                    header = ppm.read(32).split()
                mismatches += (int(header[1]), int(header[2])) != (width, height)
    elapsed = time.perf_counter() - start
    return elapsed, f"{mismatches} pages not at the target size" if mismatches else ""


def _ratio(row: Row, baselines: dict[str, float]) -> float | None:
    """Pages/s relative to pdftoppm writing the same kind of output (raw PPM or PNG)."""
    baseline = baselines.get(row.output)
    return round(row.pages_per_s / baseline, 2) if baseline else None


def best(repeat: int, run):  # type: ignore[no-untyped-def]
    results = [run() for _ in range(repeat)]
    return min(results, key=lambda r: r[0])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pdf", type=Path, action="append", help="PDF to render (repeatable).")
    parser.add_argument("--pages", type=int, default=30, help="Pages in the generated PDF.")
    parser.add_argument("--generated", action="store_true", help="Ignore fixtures/corpus.")
    parser.add_argument("--repeat", type=int, default=3, help="Runs per row; the best counts.")
    parser.add_argument("--cpu", type=int, default=None, help="CPU to pin to (default: lowest allowed).")
    parser.add_argument("--json", action="store_true", help="Print JSON instead of a table.")
    args = parser.parse_args()

    pinned = pin_to_one_core(args.cpu)
    options = RenderOptions(min_pixels=TARGET_MIN_PIXELS, max_pixels=DEFAULT_MAX_PIXELS)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        corpus = sorted((ROOT / "fixtures" / "corpus").glob("**/*.pdf"))
        if args.pdf:
            inputs, label = args.pdf, "given PDFs"
        elif corpus and not args.generated:
            inputs, label = corpus, "fixtures/corpus PDFs"
        else:
            inputs, label = [work / "generated.pdf"], f"generated fixture-like PDF ({args.pages} Letter pages)"
            inputs[0].write_bytes(fixture_like_pdf(args.pages))

        inputs, dropped = renderable(inputs, options.model_copy(update={"encode_png": False}))  # + warm-up
        if not inputs:
            raise SystemExit(f"no input renders: {dropped}")
        raw_s, sizes = best(args.repeat, lambda: time_docparse(inputs, options.model_copy(update={"encode_png": False})))
        png_s, _ = best(args.repeat, lambda: time_docparse(inputs, options))
        count = sum(len(s) for s in sizes)
        rows = [Row("docparse raw RGB", "raw", count, raw_s), Row("docparse PNG", "png", count, png_s)]
        exe = shutil.which("pdftoppm")
        skipped = None
        if exe is None:
            skipped = "pdftoppm not installed (apt-get install -y poppler-utils): rows skipped"
        else:
            for fmt in ("ppm", "png"):
                seconds, note = best(args.repeat, lambda: time_pdftoppm(exe, inputs, sizes, fmt, work))
                output = "raw" if fmt == "ppm" else "png"
                rows.append(Row(f"pdftoppm -{fmt}, one process per page", output, count, seconds, note))

    megapixels = sum(w * h for doc in sizes for w, h in doc) / count / 1e6
    baselines = {r.output: r.pages_per_s for r in rows if r.name.startswith("pdftoppm")}
    report = {
        "inputs": label,
        "pages": count,
        "mean_megapixels": round(megapixels, 3),
        "cpu": pinned,
        "repeat": args.repeat,
        "skipped": skipped,
        "inputs_dropped": dropped,
        "rows": [
            {**asdict(r), "pages_per_s": round(r.pages_per_s, 2), "vs_pdftoppm": _ratio(r, baselines)}
            for r in rows
        ],
    }
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    print(f"render throughput: {label}, {count} pages, mean {megapixels:.2f} MP/page, {pinned}, best of {args.repeat}")
    print(f"{'row':<38} {'pages/s':>9} {'ms/page':>9} {'vs pdftoppm, same output':>25}")
    for r in rows:
        ratio = _ratio(r, baselines)
        shown = f"{ratio:.1f}x" if ratio is not None else "-"
        print(f"{r.name:<38} {r.pages_per_s:>9.1f} {1000 / r.pages_per_s:>9.1f} {shown:>25}  {r.note}")
    if skipped:
        print(skipped)
    if dropped:
        print("inputs left out (they do not render):", "; ".join(dropped))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
