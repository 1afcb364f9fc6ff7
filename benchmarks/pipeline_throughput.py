"""Pipeline throughput and memory against the model stand-in with a known capacity, both runners.

**Throughput.** The stand-in (a TEST DOUBLE for a GPU model server, in its own process) serves
``--slots`` requests at once, each taking ``--latency-ms``: no client can get more than
``slots / latency`` pages/s out of it (default 16 / 2.0 s = 8 pages/s). ``docparse``'s conversion
(``pipelines.run.run_conversion``, default options apart from the runner and the endpoint) runs on
generated PDFs, and the figure is achieved pages/s divided by that capacity: how well the pipeline
keeps the server's slots full. Goal: >= 0.9. Two views, medians over ``--runs``:

- ``steady``: pages / (last page done at the driver - first request received by the server): the
  window in which the server could have been busy; start-up (Ray, actors, the first render) is
  left out, while filling the slots, every later stall and the hand-back to the driver are not.
  A perfectly fed server scores 1.0 when the pages are a multiple of the slots, and nothing can
  score more (the server logs arrival times; see ``serve_main``). Use pages >= 10 x slots, or
  the one-off filling of the slots weighs on the figure;
- ``wall``: pages / the whole ``run_conversion`` call, start-up included.

The capacity must stay below what this machine can render, or the ratio measures the CPU, not the
pipeline: the script measures the render ceiling first (same PDF, the pipeline's render options,
one core) and prints capacity / ceiling. With the default options the render step also extracts
the PDF text layer (the fallback needs it), which costs several times the rasterising (~50 ms
against ~10 ms a fixture-like page here): one core renders ~20 pages/s. The local runner renders
on one thread under the GIL, so the default capacity (8 pages/s) is well under one core's
ceiling; ``--no-fallback`` (no text layer, ~100 pages/s per core) allows 32 pages/s and more.

**Memory.** A generated ``--memory-pages`` PDFs (default 250 and 1,000 pages, one document each)
is converted against a fast stand-in while the peak memory of the WHOLE job is sampled every 0.2 s:
the conversion process and all its descendants (for Ray: raylet, GCS, workers, actors, agents).
Two sums: RSS counts a shared page (libraries, the object store in /dev/shm) again in every
process that maps it; PSS divides each shared page among them, so its sum is the memory the job
really holds. Goal (Ray runner): PSS under 1.5 GiB, and flat: the 1,000-page peak within 10 % of
the 250-page one. The JSON report lists the processes at the peak.

Each measured conversion runs in a fresh process (a fresh Ray per run); the figures are noisy on a
shared machine: the load average is printed with them.

    .venv/bin/python benchmarks/pipeline_throughput.py                  # both parts, both runners
    .venv/bin/python benchmarks/pipeline_throughput.py --part throughput --runner ray --runs 3
    .venv/bin/python benchmarks/pipeline_throughput.py --slots 16 --latency-ms 500 --json
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # tests.standin, benchmarks.render_throughput

GIB = 2**30
MIB = 2**20
THROUGHPUT_GOAL = 0.9
MEMORY_GOAL_BYTES = int(1.5 * GIB)
#: The 1,000-page peak may exceed the smallest document's peak by this share and still be "flat".
FLAT_TOLERANCE = 0.10
SAMPLE_EVERY_S = 0.2


# --- the measured conversion (runs in a child process) ---------------------------------------
def run_options(runner: str, endpoint: str, slots: int, fallback: bool):  # type: ignore[no-untyped-def]
    """Default options but for the runner, the stand-in and its slots (and the fallback)."""
    from schemas.options import AttemptOptions, EngineSettings, RunnerOptions, RunOptions

    return RunOptions(
        engine=EngineSettings(name="openai", endpoints=[endpoint], max_in_flight=slots),
        runner=RunnerOptions(kind=runner),
        attempts=AttemptOptions(fallback_to_textlayer=fallback),
    )


def child_main(spec: dict) -> int:
    """Convert ``spec['inputs']`` and print one JSON line of timings; nothing else on stdout."""
    from pipelines.run import run_conversion
    from pipelines.summary import RunTally

    options = run_options(spec["runner"], spec["endpoint"], spec["slots"], spec["fallback"])
    tally, done_at = RunTally(), []

    def tick(t: RunTally) -> None:
        if len(done_at) < t.pages:
            done_at.append(time.monotonic())

    # time.monotonic: one system-wide clock (CLOCK_MONOTONIC), the one the stand-in logs with.
    started = time.monotonic()
    summary = run_conversion(spec["inputs"], spec["output"], options, tally=tally, tick=tick)
    ended = time.monotonic()
    if spec["runner"] == "ray":
        import ray

        ray.shutdown()
    result = {
        "pages": summary.pages,
        "pages_failed": summary.pages_failed,
        "documents": summary.documents,
        "started": started,
        "wall_s": ended - started,
        "last_done": done_at[-1] if done_at else None,
    }
    print(json.dumps(result), flush=True)
    return 0


# --- the stand-in, logging arrival times (runs in its own process) ----------------------------
READY_PREFIX = "stand-in listening on "


def serve_main(spec: dict) -> int:
    """The stand-in model server (tests.standin), which on SIGTERM writes the monotonic arrival
    time of every chat request to ``spec['arrivals']``: the server's view of when work began."""
    from tests.standin.app import StandinApp, StandinConfig
    from tests.standin.http11 import HttpServer

    async def serve() -> None:
        app = StandinApp(StandinConfig(latency_s=spec["latency_s"], slots=spec["slots"]))
        http = HttpServer(app.handle)
        port = await http.start("127.0.0.1", 0)
        print(f"{READY_PREFIX}http://127.0.0.1:{port}", flush=True)
        stopped = asyncio.Event()
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stopped.set)
        await stopped.wait()
        Path(spec["arrivals"]).write_text(json.dumps([c.received_at for c in app.calls]))
        await http.stop()

    asyncio.run(serve())
    return 0


class TimedStandin:
    """The stand-in in its own process (no GIL shared with the pipeline); ``arrivals`` on exit."""

    def __init__(self, latency_s: float, slots: int, work: Path) -> None:
        self._file = work / f"arrivals-{time.monotonic_ns()}.json"
        self._spec = {"latency_s": latency_s, "slots": slots, "arrivals": str(self._file)}
        self._process: subprocess.Popen[str] | None = None
        self.url = ""
        self.arrivals: list[float] = []

    def __enter__(self) -> TimedStandin:
        self._process = subprocess.Popen(
            [sys.executable, __file__, "--serve", json.dumps(self._spec)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,  # connections cut at shutdown log tracebacks: not ours
            text=True,
        )
        assert self._process.stdout is not None
        line = self._process.stdout.readline().strip()
        if not line.startswith(READY_PREFIX):
            self._process.kill()
            raise RuntimeError(f"stand-in did not start: {line!r}")
        self.url = line[len(READY_PREFIX) :]
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._process is not None
        self._process.terminate()
        self._process.wait(timeout=30)
        self._process.stdout.close()  # type: ignore[union-attr]
        if self._file.exists():
            self.arrivals = sorted(json.loads(self._file.read_text()))
            self._file.unlink()


# --- memory of a process tree ----------------------------------------------------------------
@dataclass
class MemoryPeak:
    rss: int = 0  # peak of the summed RSS
    pss: int = 0  # peak of the summed PSS
    processes: int = 0  # most processes seen at once
    samples: int = 0
    at_peak: list[tuple[str, int]] = field(default_factory=list)  # (process, PSS MiB) at the peak


class TreeSampler:
    """Samples RSS and PSS summed over a process and all its descendants, on a thread."""

    def __init__(self, pid: int, *, pss: bool) -> None:
        import psutil

        self._root = psutil.Process(pid)
        self._pss = pss
        self._stop = threading.Event()
        self.peak = MemoryPeak()
        self._thread = threading.Thread(target=self._run, name="memory-sampler", daemon=True)

    def __enter__(self) -> TreeSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        import psutil

        while not self._stop.is_set():
            try:
                procs = [self._root, *self._root.children(recursive=True)]
            except psutil.Error:  # the root is gone
                return
            rss = pss = 0
            each: list[tuple[str, int]] = []
            for proc in procs:
                try:
                    if self._pss:
                        info = proc.memory_full_info()
                        rss, pss = rss + info.rss, pss + info.pss
                        each.append((_process_name(proc), info.pss // MIB))
                    else:
                        rss += proc.memory_info().rss
                except psutil.Error:  # exited between listing and reading
                    continue
            peak = self.peak
            if pss > peak.pss:
                peak.at_peak = sorted(each, key=lambda e: -e[1])
            peak.rss, peak.pss = max(peak.rss, rss), max(peak.pss, pss)
            peak.processes = max(peak.processes, len(procs))
            peak.samples += 1
            self._stop.wait(SAMPLE_EVERY_S)


def _process_name(proc) -> str:  # type: ignore[no-untyped-def]
    """``ray::FlatMap(_render)``, ``raylet``, ``python .../log_monitor.py``: short and telling."""
    args = proc.cmdline() or [proc.name()]
    head = Path(args[0]).name
    if head.startswith("python") and len(args) > 1:
        script = next((a for a in args[1:] if not a.startswith("-")), "")
        return f"{head} {Path(script).name}"
    return head[:60]


@dataclass
class Run:
    runner: str
    pages: int
    wall_s: float
    steady_s: float  # first request at the server -> last page done at the driver
    startup_s: float  # conversion start -> first request at the server
    memory: MemoryPeak
    documents: dict[str, int] = field(default_factory=dict)
    pages_failed: int = 0


def measured_conversion(
    runner: str, inputs: list[Path], slots: int, latency_s: float, work: Path, *, pss: bool,
    fallback: bool,
) -> Run:  # fmt: skip
    """One conversion in a fresh process against a fresh stand-in; its process tree sampled."""
    output = work / f"out-{runner}-{time.monotonic_ns()}"
    log = work / "child.log"
    with TimedStandin(latency_s, slots, work) as server, open(log, "w") as stderr:
        spec = {"runner": runner, "inputs": [str(p) for p in inputs], "output": str(output),
                "endpoint": server.url, "slots": slots, "fallback": fallback}  # fmt: skip
        child = subprocess.Popen(
            [sys.executable, __file__, "--child", json.dumps(spec)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
        )
        with TreeSampler(child.pid, pss=pss) as sampler:
            out, _ = child.communicate()
    shutil.rmtree(output, ignore_errors=True)
    if child.returncode != 0 or not out.strip():
        tail = log.read_text(errors="replace")[-4000:]
        raise RuntimeError(f"{runner} conversion failed (exit {child.returncode}):\n{tail}")
    r = json.loads(out.strip().splitlines()[-1])
    # The preflight's model check is a GET, not a chat request: arrivals are pages only.
    first = server.arrivals[0] if server.arrivals else r["started"]
    return Run(
        runner=runner,
        pages=r["pages"],
        wall_s=r["wall_s"],
        steady_s=(r["last_done"] or first) - first,
        startup_s=first - r["started"],
        memory=sampler.peak,
        documents=r["documents"],
        pages_failed=r["pages_failed"],
    )


# --- inputs ------------------------------------------------------------------------------------
def write_pdfs(folder: Path, documents: int, pages: int) -> list[Path]:
    """``documents`` distinct fixture-like PDFs of ``pages`` pages each."""
    from benchmarks.render_throughput import fixture_like_pdf

    folder.mkdir(parents=True, exist_ok=True)
    data = fixture_like_pdf(pages)
    paths = []
    for i in range(documents):
        path = folder / f"doc{i:03d}.pdf"
        path.write_bytes(data + f"\n%docparse benchmark copy {i}\n".encode())  # distinct hashes
        paths.append(path)
    return paths


def render_ceiling(pdf: Path, pages: int, fallback: bool) -> float:
    """Pages/s one core renders ``pdf`` with the render options the conversion will use."""
    from docparse.render import RenderedPage, render_pages
    from pipelines.run import effective_render_options
    from schemas.options import PageSelection

    options = run_options("local", "http://127.0.0.1:1", 1, fallback)
    render = effective_render_options(options).model_copy(
        update={"pages": PageSelection(spec=f"1-{pages}")}
    )
    data = pdf.read_bytes()
    cpu = time.process_time()
    count = sum(
        isinstance(p, RenderedPage)
        for p in render_pages(data, source=str(pdf), doc_id="ceiling", options=render)
    )
    return count / (time.process_time() - cpu)


# --- the two parts ---------------------------------------------------------------------------
def throughput(args: argparse.Namespace, work: Path) -> dict:
    latency = args.latency_ms / 1000.0
    capacity = args.slots / latency
    docs = max(1, args.pages // args.doc_pages)
    if docs * args.doc_pages < 10 * args.slots:
        print("warning: fewer pages than 10 x slots: filling the slots weighs on the ratio",
              file=sys.stderr)  # fmt: skip
    inputs = write_pdfs(work / "throughput", docs, args.doc_pages)
    ceiling = render_ceiling(inputs[0], min(args.doc_pages, 20), args.fallback)
    rows = []
    for runner in args.runner:
        runs = []
        for _ in range(args.runs):
            run = measured_conversion(
                runner, [work / "throughput"], args.slots, latency, work, pss=False,
                fallback=args.fallback,
            )  # fmt: skip
            runs.append(run)
            print(
                f"  {runner}: {run.pages} pages, wall {run.wall_s:.1f} s, start-up "
                f"{run.startup_s:.1f} s, steady {run.steady_s:.1f} s, peak RSS "
                f"{run.memory.rss / MIB:.0f} MiB, load {os.getloadavg()[0]:.1f}",
                file=sys.stderr,
            )
        steady = statistics.median(r.pages / r.steady_s for r in runs)
        wall = statistics.median(r.pages / r.wall_s for r in runs)
        rows.append({
            "runner": runner,
            "pages": runs[0].pages,
            "failed_pages": sum(r.pages_failed for r in runs),
            "steady_pages_per_s": round(steady, 2),
            "steady_ratio": round(steady / capacity, 3),
            "wall_pages_per_s": round(wall, 2),
            "wall_ratio": round(wall / capacity, 3),
            "startup_s": round(statistics.median(r.startup_s for r in runs), 1),
            "runs_steady_ratio": [round(r.pages / r.steady_s / capacity, 3) for r in runs],
            "meets_goal": steady / capacity >= THROUGHPUT_GOAL,
        })  # fmt: skip
    return {
        "capacity_pages_per_s": capacity,
        "slots": args.slots,
        "latency_ms": args.latency_ms,
        "documents": docs,
        "pages_per_document": args.doc_pages,
        "text_layer_fallback": args.fallback,
        "render_ceiling_pages_per_s_per_core": round(ceiling, 1),
        "capacity_over_render_ceiling": round(capacity / ceiling, 2),
        "goal": THROUGHPUT_GOAL,
        "rows": rows,
    }


def memory(args: argparse.Namespace, work: Path) -> dict:
    latency = args.memory_latency_ms / 1000.0
    rows = []
    for runner in args.runner:
        for pages in args.memory_pages:
            folder = work / f"memory-{pages}"
            if not folder.exists():
                write_pdfs(folder, 1, pages)
            peaks = []
            for _ in range(args.memory_runs):
                run = measured_conversion(
                    runner, [folder], args.memory_slots, latency, work, pss=True,
                    fallback=args.fallback,
                )  # fmt: skip
                peaks.append(run)
                print(
                    f"  {runner} {pages} pages: peak PSS {run.memory.pss / MIB:.0f} MiB, RSS "
                    f"{run.memory.rss / MIB:.0f} MiB, {run.memory.processes} processes, "
                    f"{run.wall_s:.1f} s, load {os.getloadavg()[0]:.1f}",
                    file=sys.stderr,
                )
            rows.append({
                "runner": runner,
                "pages": pages,
                "peak_pss_mib": round(statistics.median(r.memory.pss for r in peaks) / MIB),
                "peak_rss_mib": round(statistics.median(r.memory.rss for r in peaks) / MIB),
                "processes": max(r.memory.processes for r in peaks),
                "at_peak_pss_mib": peaks[0].memory.at_peak,
                "wall_s": round(statistics.median(r.wall_s for r in peaks), 1),
                "failed_pages": sum(r.pages_failed for r in peaks),
            })  # fmt: skip
    verdicts = {}
    for runner in args.runner:
        mine = [r for r in rows if r["runner"] == runner]
        small, large = mine[0], mine[-1]
        verdicts[runner] = {
            "under_goal": all(r["peak_pss_mib"] * MIB < MEMORY_GOAL_BYTES for r in mine),
            "flat": large["peak_pss_mib"] <= small["peak_pss_mib"] * (1 + FLAT_TOLERANCE),
            "growth_mib": large["peak_pss_mib"] - small["peak_pss_mib"],
        }
    return {
        "latency_ms": args.memory_latency_ms,
        "slots": args.memory_slots,
        "goal_gib": MEMORY_GOAL_BYTES / GIB,
        "flat_tolerance": FLAT_TOLERANCE,
        "rows": rows,
        "verdicts": verdicts,
    }


def print_report(report: dict) -> None:
    print(f"machine: {report['cpus']} CPUs, load average at start {report['load_start']:.1f}, "
          f"at end {report['load_end']:.1f}")  # fmt: skip
    t = report.get("throughput")
    if t:
        layer = (
            "extracted (text-layer fallback on, the default)"
            if t["text_layer_fallback"]
            else "not extracted (--no-fallback)"
        )
        print(
            f"\nthroughput: stand-in capacity {t['capacity_pages_per_s']:g} pages/s "
            f"({t['slots']} slots x {t['latency_ms']:g} ms); {t['documents']} PDFs x "
            f"{t['pages_per_document']} pages; render ceiling "
            f"{t['render_ceiling_pages_per_s_per_core']} pages/s per core (capacity / ceiling "
            f"{t['capacity_over_render_ceiling']}); text layer {layer}"
        )
        print(f"{'runner':<7} {'pages':>5} {'steady p/s':>10} {'ratio':>6} {'wall p/s':>9} "
              f"{'ratio':>6} {'start-up s':>10}  goal >= {t['goal']}")  # fmt: skip
        for r in t["rows"]:
            print(
                f"{r['runner']:<7} {r['pages']:>5} {r['steady_pages_per_s']:>10.1f} "
                f"{r['steady_ratio']:>6.3f} {r['wall_pages_per_s']:>9.1f} {r['wall_ratio']:>6.3f} "
                f"{r['startup_s']:>10.1f}  {'ok' if r['meets_goal'] else 'MISSED'} "
                f"(runs: {', '.join(map(str, r['runs_steady_ratio']))})"
            )
    m = report.get("memory")
    if m:
        print(
            f"\nmemory: whole job, peak of {SAMPLE_EVERY_S} s samples; stand-in {m['slots']} "
            f"slots x {m['latency_ms']:g} ms; goal PSS < {m['goal_gib']} GiB, flat"
        )
        print(
            f"{'runner':<7} {'pages':>5} {'PSS MiB':>8} {'RSS MiB':>8} {'procs':>6} {'wall s':>7}"
        )
        for r in m["rows"]:
            print(f"{r['runner']:<7} {r['pages']:>5} {r['peak_pss_mib']:>8} {r['peak_rss_mib']:>8} "
                  f"{r['processes']:>6} {r['wall_s']:>7}")  # fmt: skip
        for runner, v in m["verdicts"].items():
            print(f"{runner}: {'under' if v['under_goal'] else 'OVER'} the goal; "
                  f"{'flat' if v['flat'] else 'GROWS'} ({v['growth_mib']:+} MiB from the "
                  f"smallest to the largest document)")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    parser.add_argument("--part", choices=["throughput", "memory", "both"], default="both")
    parser.add_argument("--runner", action="append", choices=["local", "ray"],
                        help="Runner(s) to measure (repeatable; default both).")  # fmt: skip
    parser.add_argument("--slots", type=int, default=16, help="Stand-in slots (throughput).")
    parser.add_argument("--latency-ms", type=float, default=2000.0,
                        help="Stand-in service time per page (throughput).")  # fmt: skip
    parser.add_argument("--pages", type=int, default=320, help="Pages per throughput run.")
    parser.add_argument("--doc-pages", type=int, default=40, help="Pages per generated PDF.")
    parser.add_argument("--runs", type=int, default=3, help="Runs per runner; medians count.")
    parser.add_argument("--memory-pages", type=int, nargs="+", default=[250, 1000],
                        help="Pages of the single-PDF memory runs.")  # fmt: skip
    parser.add_argument("--memory-slots", type=int, default=64)
    parser.add_argument("--memory-latency-ms", type=float, default=20.0)
    parser.add_argument("--memory-runs", type=int, default=1, help="Runs per memory row.")
    parser.add_argument("--no-fallback", dest="fallback", action="store_false",
                        help="attempts.fallback_to_textlayer off (`docparse convert "
                        "--no-fallback`): pages render without their text layer.")  # fmt: skip
    parser.add_argument("--json", action="store_true", help="Print the report as JSON.")
    args = parser.parse_args()
    if args.child:
        return child_main(json.loads(args.child))
    if args.serve:
        return serve_main(json.loads(args.serve))
    args.runner = args.runner or ["local", "ray"]
    args.memory_pages = sorted(args.memory_pages)
    report: dict = {"cpus": os.cpu_count(), "load_start": os.getloadavg()[0]}
    with tempfile.TemporaryDirectory(prefix="docparse-bench-") as tmp:
        work = Path(tmp)
        if args.part in ("throughput", "both"):
            report["throughput"] = throughput(args, work)
        if args.part in ("memory", "both"):
            report["memory"] = memory(args, work)
    report["load_end"] = os.getloadavg()[0]
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print_report(report)
    ok = all(r["meets_goal"] for r in report.get("throughput", {}).get("rows", []))
    ray_memory = report.get("memory", {}).get("verdicts", {}).get("ray")
    if ray_memory is not None:
        ok = ok and ray_memory["under_goal"] and ray_memory["flat"]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
