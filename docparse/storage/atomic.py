"""Writing local files so that no reader ever sees a half-written file.

A write goes to a temporary file in the destination folder, named ``.<name>.<random>.docparse.tmp``
(dot-prefixed, so listings and globs skip it), is flushed to disk, then renamed over the target
(``os.replace`` is atomic on POSIX within one filesystem). A failed write removes its temporary
file. Only a killed process (SIGKILL, power loss) can leave one behind: :func:`is_temp_name`
recognises them and :meth:`docparse.storage.LocalStorage.remove_stale_temp` deletes them.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from schemas.errors import ErrorCode, OutputError

#: Suffix of every temporary file this module creates.
TEMP_SUFFIX = ".docparse.tmp"
_TEMP_NAME = re.compile(r"^\..+" + re.escape(TEMP_SUFFIX) + "$", re.DOTALL)


def is_temp_name(name: str) -> bool:
    """True for the file name of a temporary file made by :func:`atomic_write_bytes`."""
    return _TEMP_NAME.match(name) is not None


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` atomically, creating parent folders.

    Raises :class:`OutputError` (``WRITE_FAILED``) naming the file; the target is then unchanged
    and no temporary file remains.
    """
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=TEMP_SUFFIX, dir=target.parent)
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
        raise OutputError(
            f"cannot write output: {exc}", code=ErrorCode.WRITE_FAILED, file=str(target)
        ) from exc


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    """:func:`atomic_write_bytes` of ``text`` encoded as UTF-8."""
    atomic_write_bytes(path, text.encode("utf-8"))
