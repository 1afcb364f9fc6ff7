"""``docparse extract INPUT... -o OUTPUT --schema S``: conversion plus extraction.json per document,
or, with ``--from-output DIR``, extraction from an existing conversion output (no model run)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.markup import escape

from docparse.cli import convert_cmd as c
from docparse.cli.common import ExitCode, console, err_console
from schemas.errors import DocparseError, OptionsError

if TYPE_CHECKING:  # the pipeline loads only when a command runs
    from pipelines.extract_step import ExtractFn, Payload
    from schemas.options import RunOptions
    from schemas.results import DocumentResult

SCHEMA_HELP = "invoice, form, tables, module:Class (a pydantic model) or a JSON Schema file."


def summary_line(source: str, payload: dict[str, Any]) -> str:
    s = payload.get("summary") or {}
    if s:
        return (
            f"{source}: {s.get('fields_found', 0)}/{s.get('fields_total', 0)} fields "
            f"({s.get('required_found', 0)}/{s.get('required_total', 0)} required), "
            f"{s.get('line_items', 0)} line items, checks {s.get('checks_passed', 0)} passed / "
            f"{s.get('checks_failed', 0)} failed" + ("" if payload.get("valid") else " [invalid]")
        )
    data = payload.get("data", {})
    if "tables" in data:
        return f"{source}: {len(data['tables'])} tables"
    pairs, boxes = len(data.get("pairs", [])), len(data.get("checkboxes", []))
    return f"{source}: {pairs} pairs, {boxes} check boxes"


def _reporting(extract_fn: ExtractFn) -> ExtractFn:
    def run(doc: DocumentResult) -> Payload:
        payload = extract_fn(doc)
        console.print(escape(summary_line(doc.source, payload)))
        return payload

    return run


def _from_output(source_root: str, output: str, extract_fn: ExtractFn, options: RunOptions) -> int:
    from docparse.sinks import DOCUMENT_JSON, EXTRACTION_JSON
    from docparse.storage import join_key, open_storage
    from pipelines.worker_gc import tune_gc
    from schemas.results import DocumentResult

    storage_options = options.storage
    tune_gc(options.runner.tune_gc)

    src = open_storage(source_root, storage_options)
    dst = open_storage(output, storage_options)
    keys = [k for k in src.list("") if k == DOCUMENT_JSON or k.endswith("/" + DOCUMENT_JSON)]
    if not keys:
        err_console.print(f"[red]cannot start[/] no {DOCUMENT_JSON} under {escape(source_root)}")
        return ExitCode.CANNOT_START
    invalid = 0
    for key in sorted(keys):
        folder = key[: -len(DOCUMENT_JSON)].rstrip("/")
        doc = DocumentResult.model_validate_json(src.read_bytes(key))
        payload = extract_fn(doc)
        invalid += not payload.get("valid", True)
        dst.write_bytes(
            join_key(folder, EXTRACTION_JSON) if folder else EXTRACTION_JSON,
            json.dumps(payload, indent=2, ensure_ascii=False).encode(),
        )
        console.print(escape(summary_line(doc.source, payload)))
    return ExitCode.FAILURES if invalid else ExitCode.OK


def extract(
    inputs: list[str] = typer.Argument(
        None, help="Documents to convert (omit with --from-output)."
    ),
    output: str = typer.Option(..., "-o", "--output", help="Output folder or s3:// prefix."),
    schema: str = typer.Option("invoice", "--schema", help=SCHEMA_HELP),
    from_output: str = typer.Option(
        None, "--from-output", help="Extract from this conversion output; no model run."
    ),
    engine: str = c.ENGINE,
    model: str = c.MODEL,
    endpoints: list[str] = c.ENDPOINTS,
    min_pixels: int = c.MIN_PIXELS,
    max_pixels: int = c.MAX_PIXELS,
    pages: str = c.PAGES,
    password: str = c.PASSWORD,
    runner: str = c.RUNNER,
    ray_address: str = c.RAY_ADDRESS,
    concurrency: int = c.CONCURRENCY,
    retry_failed: bool = c.RETRY_FAILED,
    force: bool = c.FORCE,
    s3_endpoint: str = c.S3_ENDPOINT,
    config: Path = c.CONFIG,
    no_fallback: bool = c.NO_FALLBACK,
) -> None:
    """Convert and extract: extraction.json per document (schema data, provenance, checks).

    Exit codes as for convert; with --from-output, 1 when some extraction is invalid.
    """
    from pipelines.extract_step import make_extractor

    flags = {
        k: v for k, v in locals().items() if k not in ("inputs", "output", "schema", "from_output")
    }
    options = c.run_options_from_flags(**flags)
    try:
        extract_fn = make_extractor(schema)
    except OptionsError as exc:
        raise typer.BadParameter(exc.message, param_hint="--schema") from None
    if from_output:
        if inputs:
            raise typer.BadParameter("give INPUT... or --from-output, not both")
        try:
            code = _from_output(from_output, output, extract_fn, options)
        except DocparseError as exc:
            err_console.print(f"[red]cannot start[/] {escape(str(exc))}")
            raise typer.Exit(ExitCode.CANNOT_START) from None
        raise typer.Exit(code)
    if not inputs:
        raise typer.BadParameter("give INPUT... to convert, or --from-output DIR")
    c.run_and_report(inputs, output, options, extractor=_reporting(extract_fn))
