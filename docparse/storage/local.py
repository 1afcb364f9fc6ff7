"""Storage in a local folder: atomic writes by temp-then-rename, appends with fsync."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from docparse.storage.atomic import atomic_write_bytes, is_temp_name
from docparse.storage.base import check_key, check_prefix
from schemas.errors import ErrorCode, InputError, OutputError


class LocalStorage:
    """Objects are files under ``root`` (created on the first write)."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(os.path.abspath(root))

    def __repr__(self) -> str:
        return f"LocalStorage({str(self.root)!r})"

    @property
    def root_uri(self) -> str:
        return str(self.root)

    def path(self, key: str) -> Path:
        """The file that holds ``key``."""
        return self.root.joinpath(*check_key(key).split("/"))

    def uri(self, key: str) -> str:
        return str(self.path(key))

    def write_bytes(self, key: str, data: bytes) -> None:
        atomic_write_bytes(self.path(key), data)

    def append_bytes(self, key: str, data: bytes) -> None:
        path = self.path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view) :]
                os.fsync(fd)
            finally:
                os.close(fd)
        except OSError as exc:
            raise OutputError(
                f"cannot append: {exc}", code=ErrorCode.WRITE_FAILED, file=str(path)
            ) from exc

    def read_bytes(self, key: str) -> bytes:
        path = self.path(key)
        try:
            return path.read_bytes()
        except FileNotFoundError:
            raise InputError(
                "no such file", code=ErrorCode.FILE_NOT_FOUND, file=str(path)
            ) from None
        except OSError as exc:
            raise InputError(
                f"cannot read: {exc}", code=ErrorCode.READ_FAILED, file=str(path)
            ) from exc

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def list(self, prefix: str = "") -> Iterator[str]:
        folder = check_prefix(prefix)
        base = self.root.joinpath(*folder.split("/")) if folder else self.root
        yield from (key for key, temp in _walk(base, folder) if not temp)

    def delete(self, key: str) -> None:
        path = self.path(key)
        try:
            path.unlink(missing_ok=True)
        except OSError as exc:
            raise OutputError(
                f"cannot delete: {exc}", code=ErrorCode.WRITE_FAILED, file=str(path)
            ) from exc

    def remove_stale_temp(self, prefix: str = "") -> int:
        """Delete ``.*.docparse.tmp`` files under ``prefix``. Run it when no writer is active."""
        folder = check_prefix(prefix)
        base = self.root.joinpath(*folder.split("/")) if folder else self.root
        removed = 0
        for key, temp in _walk(base, folder):
            if temp:
                self.root.joinpath(*key.split("/")).unlink(missing_ok=True)
                removed += 1
        return removed


def _walk(folder: Path, key_prefix: str) -> Iterator[tuple[str, bool]]:
    """``(key, is_temp)`` for every regular file under ``folder``, sorted, not following links
    to folders. A missing folder holds nothing."""
    try:
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: e.name)
    except (FileNotFoundError, NotADirectoryError):
        return
    except OSError as exc:
        raise InputError(
            f"cannot list: {exc}", code=ErrorCode.READ_FAILED, file=str(folder)
        ) from exc
    for entry in entries:
        key = f"{key_prefix}/{entry.name}" if key_prefix else entry.name
        if entry.is_dir(follow_symlinks=False):
            yield from _walk(Path(entry.path), key)
        elif entry.is_file():
            yield key, is_temp_name(entry.name)
