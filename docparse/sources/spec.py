"""What one command-line input names: a file, a folder, a glob, an S3 object or an S3 prefix.

Resolution checks that the input exists (a glob must match something), so a typo fails the run
before any work with an :class:`~schemas.errors.InputError` naming the input. It decides the
input's *root*: the folder relative paths (and so output keys) are taken from.

- ``a/b.pdf``: a file; root ``a`` (its folder).
- ``a/``: a folder, walked recursively; root ``a``.
- ``a/**/*.pdf``: a glob (``*``, ``?``, ``[...]``; ``**`` any depth), used only when no path of
  that name exists; root ``a`` (the components before the first one with a wildcard). Matched
  folders are walked like folder inputs.
- ``s3://b/k``: the object ``k`` when it exists (root: its folder), else every object under the
  prefix ``k/`` (root ``s3://b/k``; ``k`` is a folder, never ``k*``); ``s3://b``: the bucket.
"""

from __future__ import annotations

import glob
import os
import re
import stat
from enum import Enum

from pydantic import BaseModel, ConfigDict, Field

from docparse.storage import is_s3_uri, s3_filesystem, split_s3_uri
from schemas.errors import ErrorCode, InputError
from schemas.options import S3Options

_WILDCARD = re.compile(r"[*?[]")


class InputKind(str, Enum):
    FILE = "file"
    DIRECTORY = "directory"
    GLOB = "glob"
    S3_OBJECT = "s3-object"
    S3_PREFIX = "s3-prefix"


class SourceSpec(BaseModel):
    """One resolved input."""

    model_config = ConfigDict(frozen=True)

    text: str = Field(description="The input as given.")
    index: int = Field(ge=0, description="Position among the run's inputs.")
    kind: InputKind
    root: str = Field(description="Absolute folder or s3://bucket[/prefix] paths are taken from.")
    pattern: str = Field(
        default="",
        description="Glob: the pattern relative to root. File, S3 object: the name under root.",
    )
    size: int | None = Field(default=None, ge=0, description="File, S3 object: its size.")


def resolve_input(text: str, index: int = 0, s3: S3Options = S3Options()) -> SourceSpec:
    """Resolve one input (see the module docstring); raises :class:`InputError` naming it."""
    if is_s3_uri(text):
        return _resolve_s3(text, index, s3)
    path = os.path.abspath(os.path.expanduser(text))
    if os.path.isdir(path):
        return SourceSpec(text=text, index=index, kind=InputKind.DIRECTORY, root=path)
    if os.path.exists(path):
        _require_regular_file(path)
        root, name = os.path.split(path)
        return SourceSpec(
            text=text,
            index=index,
            kind=InputKind.FILE,
            root=root,
            pattern=name,
            size=os.path.getsize(path),
        )
    if _WILDCARD.search(text):
        return _resolve_glob(text, path, index)
    reason = "broken symbolic link" if os.path.lexists(path) else "no such file or directory"
    raise InputError(reason, code=ErrorCode.FILE_NOT_FOUND, file=text)


def _require_regular_file(path: str) -> None:
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        raise InputError(f"cannot stat: {exc}", code=ErrorCode.READ_FAILED, file=path) from exc
    if not stat.S_ISREG(mode):
        raise InputError(
            "not a regular file (device, pipe or socket)", code=ErrorCode.READ_FAILED, file=path
        )


def _resolve_glob(text: str, path: str, index: int) -> SourceSpec:
    parts = path.split(os.sep)
    first_wild = next(i for i, part in enumerate(parts) if _WILDCARD.search(part))
    root = os.sep.join(parts[:first_wild]) or os.sep
    pattern = "/".join(parts[first_wild:])
    if next(glob.iglob(path, recursive=True), None) is None:
        raise InputError("no file matches the pattern", code=ErrorCode.FILE_NOT_FOUND, file=text)
    return SourceSpec(text=text, index=index, kind=InputKind.GLOB, root=root, pattern=pattern)


def _resolve_s3(text: str, index: int, s3: S3Options) -> SourceSpec:
    from pyarrow.fs import FileType

    bucket, key = split_s3_uri(text)
    path = f"{bucket}/{key}" if key else bucket
    try:
        info = s3_filesystem(s3).get_file_info(path)
    except OSError as exc:
        raise InputError(f"cannot stat: {exc}", code=ErrorCode.READ_FAILED, file=text) from exc
    if info.type == FileType.File:
        parent, _, name = path.rpartition("/")
        return SourceSpec(
            text=text,
            index=index,
            kind=InputKind.S3_OBJECT,
            root=f"s3://{parent}",
            pattern=name,
            size=info.size,
        )
    if info.type == FileType.Directory:
        return SourceSpec(text=text, index=index, kind=InputKind.S3_PREFIX, root=f"s3://{path}")
    raise InputError(
        "no such S3 object, prefix or bucket", code=ErrorCode.FILE_NOT_FOUND, file=text
    )
