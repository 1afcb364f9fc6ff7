"""Writing outputs so that no reader ever sees a half-written file.

Local writes go to a temporary file in the destination folder, are flushed to disk, then
renamed over the target (``os.replace`` is atomic on POSIX within one filesystem).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from schemas.errors import ErrorCode, OutputError


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` atomically, creating parent folders."""
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise OutputError(f"cannot write output: {exc}", code=ErrorCode.WRITE_FAILED, file=str(target)) from exc


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))
