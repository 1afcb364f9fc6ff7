"""The storage seam: a flat namespace of objects under one root, addressed by relative keys.

A key is a relative, ``/``-separated path with no empty, ``.`` or ``..`` component and no
backslash or NUL: ``docs/a.pdf/pages/0001.html``. Keys are sanitised where they are made
(:mod:`docparse.sources`); storage only refuses bad ones, so nothing is ever written outside the
root. Writes are atomic: a reader sees the old object or the new one, never a part.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, wait
from typing import Protocol, TypeVar, runtime_checkable

T = TypeVar("T")
R = TypeVar("R")

#: Threads for storage calls made in bulk (one document's files, manifest parts).
DEFAULT_IO_WORKERS = 8


class StorageKeyError(ValueError):
    """A key that could escape the root or is not a plain relative path (a caller's bug)."""


def check_key(key: str) -> str:
    """Return ``key`` when it is a valid object key, else raise :class:`StorageKeyError`."""
    if not key or key.startswith("/") or "\\" in key or "\x00" in key:
        raise StorageKeyError(f"not a relative object key: {key!r}")
    if any(part in ("", ".", "..") for part in key.split("/")):
        raise StorageKeyError(f"empty, '.' or '..' component in key {key!r}")
    return key


def check_prefix(prefix: str) -> str:
    """A folder prefix for :meth:`Storage.list`: ``""`` (everything) or a valid key."""
    prefix = prefix.strip("/")
    return check_key(prefix) if prefix else ""


def join_key(*parts: str) -> str:
    """Join key parts with ``/`` (empty parts dropped) and check the result."""
    return check_key("/".join(p.strip("/") for p in parts if p.strip("/")))


@runtime_checkable
class Storage(Protocol):
    """Objects under one root: a local folder or an ``s3://bucket/prefix``.

    Implementations are picklable (they travel to Ray workers) and safe to share between
    threads. Errors are typed: reads raise :class:`~schemas.errors.InputError`
    (``FILE_NOT_FOUND``, ``READ_FAILED``), writes and deletes raise
    :class:`~schemas.errors.OutputError` (``WRITE_FAILED``), each naming the object's URI.
    """

    @property
    def root_uri(self) -> str:
        """The root as a path or ``s3://`` URI."""
        ...

    def uri(self, key: str) -> str:
        """The path or URI of ``key``."""
        ...

    def write_bytes(self, key: str, data: bytes) -> None:
        """Create or replace ``key`` atomically (local: temp then rename; S3: one put)."""
        ...

    def read_bytes(self, key: str) -> bytes:
        """The whole object."""
        ...

    def exists(self, key: str) -> bool:
        """True when ``key`` is an object (folders are not)."""
        ...

    def list(self, prefix: str = "") -> Iterator[str]:
        """Keys of the objects under the folder ``prefix`` (recursive), in a deterministic order;
        temporary files of writes in progress are not listed."""
        ...

    def delete(self, key: str) -> None:
        """Remove ``key``; a missing object is not an error."""
        ...

    def remove_stale_temp(self, prefix: str = "") -> int:
        """Delete temporary files left by a killed writer under ``prefix``; return how many."""
        ...


@runtime_checkable
class AppendableStorage(Storage, Protocol):
    """Storage that can append to an object in place (local files; S3 cannot)."""

    def append_bytes(self, key: str, data: bytes) -> None:
        """Append ``data`` to ``key`` (created when missing) and flush it to disk."""
        ...


def map_concurrently(
    fn: Callable[[T], R], items: Sequence[T], max_workers: int = DEFAULT_IO_WORKERS
) -> list[R]:
    """``[fn(item) for item in items]`` on a few threads (storage calls wait on the network or
    the disk). Every call finishes before this returns; the first exception is re-raised."""
    if max_workers <= 1 or len(items) <= 1:
        return [fn(item) for item in items]
    with ThreadPoolExecutor(max_workers=min(max_workers, len(items))) as pool:
        futures = [pool.submit(fn, item) for item in items]
        wait(futures)
    return [future.result() for future in futures]
