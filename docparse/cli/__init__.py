"""The ``docparse`` command line (layer 4): arguments -> options -> stages/pipelines."""

from __future__ import annotations

import typer

from docparse.cli.convert_cmd import convert
from docparse.cli.engine_cmd import engine_app
from docparse.cli.eval_cmd import evaluate
from docparse.cli.extract_cmd import extract
from docparse.cli.inspect_cmd import inspect
from docparse.cli.render_cmd import render
from docparse.cli.schema_cmd import schema
from docparse.cli.status_cmd import status
from docparse.cli.validate_cmd import validate

app = typer.Typer(
    name="docparse",
    help="PDFs and scans -> QwenVL HTML (Qwen2.5-VL) -> validated JSON.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("convert")(convert)
app.command("status")(status)
app.command("extract")(extract)
app.command("render")(render)
app.command("validate")(validate)
app.command("inspect")(inspect)
app.command("schema")(schema)
app.command("eval")(evaluate)
app.add_typer(engine_app, name="engine")

__all__ = ["app"]
