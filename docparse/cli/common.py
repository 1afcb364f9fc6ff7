"""Shared CLI pieces: exit codes, consoles, argument parsers."""

from __future__ import annotations

import re
from enum import IntEnum

import typer
from rich.console import Console
from rich.markup import escape

console = Console(soft_wrap=True)
err_console = Console(stderr=True, soft_wrap=True)


class ExitCode(IntEnum):
    """Process exit codes, documented in the README."""

    OK = 0
    FAILURES = 1  # ran, but some inputs/pages failed (or a reply is invalid)
    USAGE = 2  # bad arguments (typer/click use 2 as well)
    CANNOT_START = 3  # the run could not start: engine unreachable, output unwritable, ...
    REGRESSION = 4  # eval: a metric regressed beyond the tolerance against the baseline


_SIZE = re.compile(r"^\s*(\d+)\s*[xX×]\s*(\d+)\s*$")


def parse_size(text: str) -> tuple[int, int]:
    """``"1008x1540"`` -> ``(1008, 1540)`` (width, height)."""
    match = _SIZE.match(text)
    if not match or int(match.group(1)) <= 0 or int(match.group(2)) <= 0:
        raise typer.BadParameter(f"expected WIDTHxHEIGHT in pixels, e.g. 1008x1540, got {text!r}")
    return int(match.group(1)), int(match.group(2))


def report_error(error: object) -> None:
    """Print an error record or exception on stderr; its ``[code]`` prefix must not read as markup."""
    err_console.print(f"[red]error[/] {escape(str(error))}")
