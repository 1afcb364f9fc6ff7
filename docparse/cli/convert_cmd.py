"""``docparse convert INPUT... -o OUTPUT``: the bulk conversion job."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, cast

import typer
from rich.markup import escape
from rich.table import Table

from docparse.cli.common import ExitCode, console, err_console
from docparse.cli.progress import RunProgress
from docparse.cli.run_options import build_run_options
from schemas.errors import DocparseError, EngineError, InputError, OutputError

if TYPE_CHECKING:  # the pipeline loads only when a command runs
    from pipelines.assemble import Extractor
    from pipelines.summary import RunSummary
    from schemas.options import RunOptions

# Options shared with ``docparse extract`` (same names, same meaning).
ENGINE = typer.Option(None, "--engine", help="openai (default), vllm or textlayer.")
MODEL = typer.Option(None, "--model", help="Model name (default Qwen/Qwen2.5-VL-7B-Instruct).")
ENDPOINTS = typer.Option(
    None, "--endpoint", help="OpenAI-compatible server URL; repeat for several."
)
MIN_PIXELS = typer.Option(None, "--min-pixels", help="smart_resize min_pixels (default 512*28*28).")
MAX_PIXELS = typer.Option(
    None, "--max-pixels", help="smart_resize max_pixels (default 2048*28*28)."
)
PAGES = typer.Option(None, "--pages", help="Pages per document, 1-based: '1-3,7'.")
PASSWORD = typer.Option(None, "--password", envvar="DOCPARSE_PDF_PASSWORD", help="PDF password.")
RUNNER = typer.Option(None, "--runner", help="ray (default) or local (in-process).")
RAY_ADDRESS = typer.Option(
    None, "--ray-address", envvar="RAY_ADDRESS", help="Existing Ray cluster."
)
CONCURRENCY = typer.Option(
    None, "--concurrency", min=1, help="Requests in flight per endpoint (64)."
)
RETRY_FAILED = typer.Option(False, "--retry-failed", help="Reprocess failed/partial documents.")
FORCE = typer.Option(False, "--force", help="Reprocess everything, done or not.")
S3_ENDPOINT = typer.Option(
    None, "--s3-endpoint", help="S3-compatible endpoint (else AWS_ENDPOINT_URL)."
)
CONFIG = typer.Option(None, "--config", exists=True, dir_okay=False, help="TOML file of options.")
NO_FALLBACK = typer.Option(False, "--no-fallback", help="Never fall back to the PDF text layer.")


def run_options_from_flags(**flags: object) -> RunOptions:
    """The flags above, mapped onto the options tree (None: keep config/default)."""
    endpoints = cast("list[str] | None", flags["endpoints"]) or None
    return build_run_options(
        flags["config"],  # type: ignore[arg-type]
        {
            "engine.name": flags["engine"],
            "engine.endpoints": list(endpoints) if endpoints else None,
            "engine.max_in_flight": flags["concurrency"],
            "model.model": flags["model"],
            "render.min_pixels": flags["min_pixels"],
            "render.max_pixels": flags["max_pixels"],
            "render.pages": {"spec": flags["pages"]} if flags["pages"] else None,
            "render.password": flags["password"],
            "runner.kind": flags["runner"],
            "runner.ray_address": flags["ray_address"],
            "output.retry_failed": flags["retry_failed"] or None,
            "output.force": flags["force"] or None,
            "storage.s3.endpoint_url": flags["s3_endpoint"],
            "attempts.fallback_to_textlayer": False if flags["no_fallback"] else None,
        },
    )


def print_summary(summary: RunSummary) -> None:
    table = Table("documents", "count", show_header=True)
    for status, count in summary.documents.items():
        table.add_row(status, str(count))
    console.print(table)
    attempts = ", ".join(f"{c} in {n}" for n, c in summary.attempts.items()) or "none"
    console.print(
        f"pages {summary.pages} ({summary.pages_failed} failed) in {summary.elapsed_s:.1f}s: "
        f"{summary.pages_per_s:.2f} pages/s, {summary.tokens_per_s:.0f} output tokens/s; "
        f"attempts per page: {attempts}; text-layer fallbacks: {summary.fallbacks}"
    )
    for line in summary.failed[:20]:
        err_console.print(f"[red]failed[/] {escape(line)}")
    if len(summary.failed) > 20:
        err_console.print(f"... and {len(summary.failed) - 20} more: see manifest.jsonl")
    console.print(f"outputs: {escape(summary.output)} (manifest.jsonl lists every document)")


def run_and_report(
    inputs: list[str], output: str, options: RunOptions, extractor: Extractor | None = None
) -> None:
    from pipelines.run import run_conversion
    from pipelines.summary import RunTally

    tally = RunTally()
    try:
        with RunProgress(err_console) as progress:
            summary = run_conversion(
                inputs, output, options, extractor=extractor, tick=progress.update, tally=tally
            )
    except (InputError, EngineError, OutputError) as exc:
        err_console.print(f"[red]cannot start[/] {escape(str(exc))}")
        raise typer.Exit(ExitCode.CANNOT_START) from None
    except DocparseError as exc:
        err_console.print(f"[red]cannot start[/] {escape(str(exc))}")
        raise typer.Exit(ExitCode.CANNOT_START) from None
    print_summary(summary)
    raise typer.Exit(ExitCode.FAILURES if summary.any_failed else ExitCode.OK)


def convert(
    inputs: list[str] = typer.Argument(..., help="Files, folders, globs or s3://bucket/prefix."),
    output: str = typer.Option(..., "-o", "--output", help="Output folder or s3://bucket/prefix."),
    engine: str = ENGINE,
    model: str = MODEL,
    endpoints: list[str] = ENDPOINTS,
    min_pixels: int = MIN_PIXELS,
    max_pixels: int = MAX_PIXELS,
    pages: str = PAGES,
    password: str = PASSWORD,
    runner: str = RUNNER,
    ray_address: str = RAY_ADDRESS,
    concurrency: int = CONCURRENCY,
    retry_failed: bool = RETRY_FAILED,
    force: bool = FORCE,
    s3_endpoint: str = S3_ENDPOINT,
    config: Path = CONFIG,
    no_fallback: bool = NO_FALLBACK,
) -> None:
    """Convert documents to QwenVL HTML and JSON, one output folder per document.

    Exit 0: every document ok or skipped; 1: some failed or partial; 3: the run could not
    start (no inputs, engine unreachable, output unwritable); 2: bad arguments.
    """
    options = run_options_from_flags(**locals())
    run_and_report(inputs, output, options)
