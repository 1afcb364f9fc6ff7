"""Where bytes live: local folders and S3, behind one :class:`Storage` protocol.

Shared infrastructure of the stages (sources read through it, sinks write through it); it holds
no stage logic. pyarrow (the ``s3`` extra) is imported only when an ``s3://`` URI is used.
"""

from __future__ import annotations

import os

from docparse.storage.atomic import TEMP_SUFFIX, atomic_write_bytes, atomic_write_text, is_temp_name
from docparse.storage.base import (
    DEFAULT_IO_WORKERS,
    AppendableStorage,
    Storage,
    StorageKeyError,
    check_key,
    join_key,
    map_concurrently,
)
from docparse.storage.local import LocalStorage
from docparse.storage.s3 import (
    S3Storage,
    is_s3_uri,
    read_s3_object,
    s3_filesystem,
    split_s3_uri,
)
from schemas.options import StorageOptions


def open_storage(
    uri: str | os.PathLike[str], options: StorageOptions = StorageOptions()
) -> Storage:
    """The storage rooted at ``uri``: ``s3://bucket/prefix``, ``file:///path`` or a local path."""
    text = os.fspath(uri)
    if is_s3_uri(text):
        return S3Storage.from_uri(text, options.s3)
    if text.startswith("file://"):
        text = text[len("file://") :]
    return LocalStorage(text)


__all__ = [
    "DEFAULT_IO_WORKERS",
    "TEMP_SUFFIX",
    "AppendableStorage",
    "LocalStorage",
    "S3Storage",
    "Storage",
    "StorageKeyError",
    "atomic_write_bytes",
    "atomic_write_text",
    "check_key",
    "is_s3_uri",
    "is_temp_name",
    "join_key",
    "map_concurrently",
    "open_storage",
    "read_s3_object",
    "s3_filesystem",
    "split_s3_uri",
]
