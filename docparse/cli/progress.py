"""Progress while a run goes: a live bar on a terminal, plain periodic log lines otherwise."""

from __future__ import annotations

import sys
import time
from types import TracebackType

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from pipelines.summary import RunTally

#: Seconds between plain progress lines when stderr is not a terminal.
LOG_EVERY_S = 10.0


def _line(tally: RunTally) -> str:
    docs = sum(tally.documents.values())
    rate = tally.pages / max(tally.elapsed, 1e-9)
    failed = tally.documents.get("failed", 0)
    return f"{docs} documents, {tally.pages} pages ({rate:.1f} pages/s), {failed} failed"


class RunProgress:
    """Call :meth:`update` often; it redraws or logs only as often as it should."""

    def __init__(self, console: Console, *, live: bool | None = None) -> None:
        self.console = console
        self.live = console.is_terminal if live is None else live
        self._last = 0.0
        self._bar: Progress | None = None
        self._task: TaskID | None = None

    def __enter__(self) -> RunProgress:
        if self.live:
            self._bar = Progress(
                TextColumn("[bold]converting"),
                BarColumn(),
                TextColumn("{task.description}"),
                TimeElapsedColumn(),
                console=self.console,
                transient=True,
            )
            self._bar.start()
            self._task = self._bar.add_task("starting", total=None)
        return self

    def update(self, tally: RunTally) -> None:
        now = time.monotonic()
        if self._bar is not None and self._task is not None:
            if now - self._last >= 0.1:
                self._bar.update(self._task, description=_line(tally))
                self._last = now
        elif now - self._last >= LOG_EVERY_S:
            print(f"progress: {_line(tally)}", file=sys.stderr, flush=True)
            self._last = now

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._bar is not None:
            self._bar.stop()
