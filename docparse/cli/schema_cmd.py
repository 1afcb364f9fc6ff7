"""``docparse schema NAME``: print a data-contract model's JSON Schema."""

from __future__ import annotations

import json

import typer

from docparse.cli.common import ExitCode, err_console
from schemas import SCHEMAS


def schema(
    name: str = typer.Argument(..., help=f"One of: {', '.join(sorted(SCHEMAS))}."),
) -> None:
    """Print the JSON Schema of a docparse data model."""
    model = SCHEMAS.get(name)
    if model is None:
        err_console.print(f"unknown schema {name!r}; choose one of: {', '.join(sorted(SCHEMAS))}")
        raise typer.Exit(ExitCode.USAGE)
    typer.echo(json.dumps(model.model_json_schema(), indent=2))
