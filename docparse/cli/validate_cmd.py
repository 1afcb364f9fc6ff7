"""``docparse validate REPLY.html --image-size WxH``: the validation report of one model reply."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.table import Table

from docparse.cli.common import ExitCode, console, err_console, parse_size
from postprocess import parse_reply
from schemas.geometry import PageTransform, Unit
from schemas.options import PostprocessOptions
from schemas.validation import Verdict


def validate(
    reply: Path = typer.Argument(
        ..., help="A model reply (raw text, fenced or not).", exists=False
    ),
    image_size: str = typer.Option(
        ...,
        "--image-size",
        help="WIDTHxHEIGHT of the image the model received, e.g. 1008x1540.",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
) -> None:
    """Validate a QwenVL HTML reply. Exit 0 when valid or repaired, 1 when invalid."""
    width, height = parse_size(image_size)
    try:
        text = reply.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        err_console.print(f"cannot read {reply}: {exc.strerror or exc}")
        raise typer.Exit(ExitCode.USAGE) from None
    # No page frame is known here: the page frame is the model frame itself.
    transform = PageTransform(
        model_width=width,
        model_height=height,
        page_width=width,
        page_height=height,
        unit=Unit.PX,
    )
    parsed = parse_reply(text, transform, doc_id=reply.stem, options=PostprocessOptions())
    report = parsed.report
    if as_json:
        payload = report.model_dump(mode="json")
        payload["blocks"] = len(parsed.blocks)
        typer.echo(json.dumps(payload, indent=2, ensure_ascii=False))
    else:
        colour = {"valid": "green", "repaired": "yellow", "invalid": "red"}[report.verdict.value]
        console.print(
            f"{reply}: [bold {colour}]{report.verdict.value}[/] — {len(parsed.blocks)} blocks"
            + (", truncated" if report.truncated else "")
            + (", fenced" if report.fenced else "")
        )
        if report.issues:
            table = Table("severity", "code", "message", "where")
            for issue in report.issues:
                table.add_row(
                    issue.severity.value,
                    issue.code.value,
                    issue.message,
                    issue.path or "",
                )
            console.print(table)
    raise typer.Exit(ExitCode.FAILURES if report.verdict is Verdict.INVALID else ExitCode.OK)
