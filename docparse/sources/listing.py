"""Inputs -> a lazy stream of :class:`SourceRef`, and reading a source's bytes.

Sources only list and read: what a file *is* (PDF, image, neither) is judged from its bytes by
the render stage. Listing is lazy per input and deterministic (sorted by name), yields each file
once even when inputs overlap, skips dot-files and dot-folders unless
:attr:`SourceOptions.include_hidden`, does not follow symbolic links to folders (no cycles) and
skips devices, pipes and sockets. A broken link inside a folder is listed (with no size): reading
it fails, so the run records it as a failed document instead of losing it silently.
"""

from __future__ import annotations

import glob
import logging
import os
import stat
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from docparse.sources.keys import document_id, make_key, root_labels
from docparse.sources.spec import InputKind, SourceSpec, resolve_input
from docparse.storage import S3Storage, is_s3_uri, read_s3_object, s3_filesystem, split_s3_uri
from schemas.errors import ErrorCode, InputError
from schemas.options import SourceOptions, StorageOptions

logger = logging.getLogger(__name__)


class SourceRef(BaseModel):
    """One input document, listed but not read: plain data, cheap to ship to Ray workers."""

    model_config = ConfigDict(frozen=True)

    uri: str = Field(description="Absolute local path or s3://bucket/key.")
    key: str = Field(description="Output folder under the output root; the resume key.")
    rel_path: str = Field(description="Path relative to the input's root, as found.")
    root: str = Field(description="The input's root folder or s3:// prefix.")
    input_index: int = Field(ge=0, description="Which input listed it.")
    size: int | None = Field(default=None, ge=0, description="Bytes, when listing knew it.")

    def document_id(self, digest: str) -> str:
        """The document id for content with sha256 ``digest``: ``<key>@<digest[:12]>``."""
        return document_id(self.key, digest)


def list_sources(
    inputs: Sequence[str],
    *,
    options: SourceOptions = SourceOptions(),
    storage: StorageOptions = StorageOptions(),
) -> Iterator[SourceRef]:
    """Every document the inputs name, lazily, in input order.

    All inputs are resolved before this returns, so a missing path, an empty glob or an unknown
    bucket raises :class:`InputError` (``FILE_NOT_FOUND``) naming it before any listing.
    """
    if not inputs:
        raise InputError("no inputs given", code=ErrorCode.FILE_NOT_FOUND)
    specs = [resolve_input(text, index, storage.s3) for index, text in enumerate(inputs)]
    labels = root_labels(spec.root for spec in specs)
    return _stream(specs, labels, options, storage)


def read_source(ref: SourceRef | str, storage: StorageOptions = StorageOptions()) -> bytes:
    """The bytes of a source (a :class:`SourceRef` or a path / s3:// URI).

    Raises :class:`InputError`: ``FILE_NOT_FOUND`` (gone, broken link) or ``READ_FAILED``
    (permissions, not a regular file, I/O error), naming the file.
    """
    uri = ref.uri if isinstance(ref, SourceRef) else ref
    if is_s3_uri(uri):
        return read_s3_object(uri, storage.s3)
    try:
        if not stat.S_ISREG(os.stat(uri).st_mode):  # never open a pipe: it would block
            raise InputError("not a regular file", code=ErrorCode.READ_FAILED, file=uri)
        return Path(uri).read_bytes()
    except FileNotFoundError:
        raise InputError("no such file", code=ErrorCode.FILE_NOT_FOUND, file=uri) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc}", code=ErrorCode.READ_FAILED, file=uri) from exc


def _stream(
    specs: list[SourceSpec],
    labels: dict[str, str],
    options: SourceOptions,
    storage: StorageOptions,
) -> Iterator[SourceRef]:
    seen: set[str] = set()
    for spec in specs:
        for rel_path, uri, size in _expand(spec, options, storage):
            if uri in seen or not _wanted(spec, rel_path, options):
                continue
            seen.add(uri)
            yield SourceRef(
                uri=uri,
                key=make_key(labels[spec.root], rel_path),
                rel_path=rel_path,
                root=spec.root,
                input_index=spec.index,
                size=size,
            )


Found = tuple[str, str, int | None]  # (relative path, uri, size)


def _expand(spec: SourceSpec, options: SourceOptions, storage: StorageOptions) -> Iterator[Found]:
    if spec.kind is InputKind.FILE:
        yield spec.pattern, os.path.join(spec.root, spec.pattern), spec.size
    elif spec.kind is InputKind.DIRECTORY:
        yield from _walk(spec.root, "", options.include_hidden)
    elif spec.kind is InputKind.GLOB:
        yield from _glob(spec, options.include_hidden)
    elif spec.kind is InputKind.S3_OBJECT:
        yield spec.pattern, f"{spec.root}/{spec.pattern}", spec.size
    else:
        bucket, prefix = split_s3_uri(spec.root)
        listing = S3Storage(bucket, prefix, s3_filesystem(storage.s3)).list_sized()
        for key, size in listing:
            if options.include_hidden or not _hidden(key.split("/")):
                yield key, f"{spec.root}/{key}", size


def _walk(folder: str, rel: str, include_hidden: bool) -> Iterator[Found]:
    try:
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as exc:
        logger.warning("cannot list %s (skipped): %s", folder, exc)
        return
    for entry in entries:
        if not include_hidden and entry.name.startswith("."):
            continue
        child = f"{rel}/{entry.name}" if rel else entry.name
        if entry.is_dir(follow_symlinks=False):
            yield from _walk(entry.path, child, include_hidden)
        elif entry.is_file() or (entry.is_symlink() and not os.path.exists(entry.path)):
            yield child, entry.path, _size(entry.path)


def _glob(spec: SourceSpec, include_hidden: bool) -> Iterator[Found]:
    pattern = os.path.join(spec.root, *spec.pattern.split("/"))
    if include_hidden and sys.version_info >= (3, 11):
        matches = sorted(glob.iglob(pattern, recursive=True, include_hidden=True))
    else:
        matches = sorted(glob.iglob(pattern, recursive=True))
    for match in matches:
        rel = Path(os.path.relpath(match, spec.root)).as_posix()
        if os.path.isdir(match) and not os.path.islink(match):
            yield from _walk(match, rel, include_hidden)
        elif os.path.isfile(match):
            yield rel, match, _size(match)


def _wanted(spec: SourceSpec, rel_path: str, options: SourceOptions) -> bool:
    """Files named one by one are always taken; expansions keep document extensions only."""
    if spec.kind in (InputKind.FILE, InputKind.S3_OBJECT) or options.extensions is None:
        return True
    return rel_path.lower().endswith(tuple(e.lower() for e in options.extensions))


def _hidden(parts: Sequence[str]) -> bool:
    return any(part.startswith(".") for part in parts)


def _size(path: str) -> int | None:
    try:
        return os.stat(path).st_size
    except OSError:
        return None
