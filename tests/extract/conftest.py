"""Prints the field-level scores of the invoice tests at the end of the run (see REPORTS)."""

from __future__ import annotations

from typing import Any

from tests.extract.support import REPORTS


def pytest_terminal_summary(terminalreporter: Any) -> None:
    for title, lines in REPORTS.items():
        terminalreporter.write_sep("-", title)
        for line in lines:
            terminalreporter.write_line(line)
