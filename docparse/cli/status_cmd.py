"""``docparse status OUTPUT``: what a run's manifest says, also while the run goes on."""

from __future__ import annotations

from collections import Counter

import typer
from rich.markup import escape
from rich.table import Table

from docparse.cli.common import ExitCode, console, err_console


def status(
    output: str = typer.Argument(..., help="A conversion output folder or s3:// prefix."),
    s3_endpoint: str = typer.Option(None, "--s3-endpoint", help="S3-compatible endpoint."),
    failed: bool = typer.Option(False, "--failed", help="List every failed or partial document."),
) -> None:
    """Summarise manifest.jsonl: documents by status, pages, tokens, the latest and the failed."""
    from docparse.sinks import read_entries
    from docparse.storage import open_storage
    from schemas.options import S3Options, StorageOptions

    storage = open_storage(output, StorageOptions(s3=S3Options(endpoint_url=s3_endpoint)))
    entries = read_entries(storage)
    if not entries:
        err_console.print(f"no finished documents recorded under {escape(output)}")
        raise typer.Exit(ExitCode.FAILURES)
    by_status = Counter(e.status.value for e in entries)
    table = Table("status", "documents")
    for name in ("ok", "partial", "failed"):
        table.add_row(name, str(by_status.get(name, 0)))
    console.print(table)
    pages = sum(e.pages for e in entries)
    console.print(
        f"{len(entries)} documents, {pages} pages ({sum(e.pages_failed for e in entries)} failed, "
        f"{sum(e.pages_fallback for e in entries)} from the text-layer fallback), "
        f"{sum(e.output_tokens for e in entries)} output tokens; "
        f"latest finished {max(e.finished_at for e in entries):%Y-%m-%d %H:%M:%S} UTC"
    )
    bad = [e for e in entries if e.status.value in ("failed", "partial")]
    for entry in bad if failed else bad[:10]:
        why = str(entry.errors[0]) if entry.errors else entry.status.value
        console.print(f"[red]{entry.status.value}[/] {escape(entry.source)}: {escape(why)}")
    if not failed and len(bad) > 10:
        console.print(f"... {len(bad) - 10} more (--failed lists all)")
