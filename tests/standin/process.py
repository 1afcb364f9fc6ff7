"""Run the stand-in in its own process (no GIL shared with the client under test)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from types import TracebackType

REPO_ROOT = Path(__file__).resolve().parents[2]
READY_PREFIX = "stand-in listening on "


class StandinProcess:
    """``python -m tests.standin.server --port 0 ARGS...`` as a context manager; ``url`` once up."""

    def __init__(self, *args: str, stop_timeout_s: float = 10.0) -> None:
        self._args = ["--port", "0", *args]
        self._timeout = stop_timeout_s
        self._process: subprocess.Popen[str] | None = None
        self.url = ""

    def __enter__(self) -> StandinProcess:
        self._process = subprocess.Popen(
            [sys.executable, "-m", "tests.standin.server", *self._args],
            cwd=REPO_ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self._process.stdout is not None
        line = self._process.stdout.readline().strip()  # the server prints one line when ready
        if not line.startswith(READY_PREFIX):
            self.__exit__(None, None, None)
            raise RuntimeError(f"stand-in did not start (first line: {line!r})")
        self.url = line[len(READY_PREFIX) :]
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._process is None:
            return
        self._process.terminate()
        try:
            self._process.wait(timeout=self._timeout)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        if self._process.stdout is not None:
            self._process.stdout.close()
        self._process = None
