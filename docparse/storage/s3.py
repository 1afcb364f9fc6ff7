"""S3 and S3-compatible stores through ``pyarrow.fs.S3FileSystem`` (the filesystem Ray Data uses).

pyarrow is imported lazily (the ``s3`` extra). Endpoint: :attr:`S3Options.endpoint_url`, else
``AWS_ENDPOINT_URL_S3``, else ``AWS_ENDPOINT_URL``, else AWS; buckets are addressed path-style
when an endpoint is set. Credentials come from the standard AWS chain (environment variables,
``~/.aws``, instance metadata). Each write is one object put, which S3 makes visible whole or not
at all: there are no temporary objects.
"""

from __future__ import annotations

import builtins
import functools
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from docparse.storage.base import check_key, check_prefix
from schemas.errors import ErrorCode, InputError, OptionsError, OutputError
from schemas.options import S3Options

if TYPE_CHECKING:
    from pyarrow.fs import S3FileSystem

SCHEME = "s3://"


def is_s3_uri(text: str) -> bool:
    """True for ``s3://...`` (case-insensitive scheme)."""
    return text[:5].lower() == SCHEME


def split_s3_uri(uri: str) -> tuple[str, str]:
    """``s3://bucket/some/prefix/`` -> ``("bucket", "some/prefix")``."""
    bucket, _, key = uri[len(SCHEME) :].partition("/") if is_s3_uri(uri) else ("", "", "")
    if not bucket:
        raise InputError("not an s3://bucket[/prefix] URI", code=ErrorCode.FILE_NOT_FOUND, file=uri)
    return bucket, key.strip("/")


@dataclass(frozen=True)
class _Connection:
    """Resolved connection settings: the options with the environment applied (a cache key)."""

    endpoint: str | None
    scheme: str | None
    region: str | None
    anonymous: bool
    connect_timeout: float | None
    request_timeout: float | None


def _resolve(options: S3Options) -> _Connection:
    endpoint_url = (
        options.endpoint_url
        or os.environ.get("AWS_ENDPOINT_URL_S3")
        or os.environ.get("AWS_ENDPOINT_URL")
        or None
    )
    endpoint = scheme = None
    if endpoint_url:
        parts = urlsplit(endpoint_url if "://" in endpoint_url else f"https://{endpoint_url}")
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise OptionsError(
                f"bad S3 endpoint {endpoint_url!r}: expected http(s)://host[:port]",
                code=ErrorCode.READ_FAILED,
            )
        endpoint, scheme = parts.netloc, parts.scheme
    region = options.region or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
    return _Connection(
        endpoint=endpoint,
        scheme=scheme,
        region=region or None,
        anonymous=options.anonymous,
        connect_timeout=options.connect_timeout_s,
        request_timeout=options.request_timeout_s,
    )


def s3_filesystem(options: S3Options = S3Options()) -> S3FileSystem:
    """A (cached) pyarrow S3 filesystem for ``options`` and the current environment."""
    return _filesystem(_resolve(options))


@functools.lru_cache(maxsize=8)
def _filesystem(conn: _Connection) -> S3FileSystem:
    try:
        from pyarrow.fs import S3FileSystem
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise OptionsError(
            "s3:// needs pyarrow: pip install 'docparse[s3]'", code=ErrorCode.READ_FAILED
        ) from exc
    return S3FileSystem(
        anonymous=conn.anonymous,
        region=conn.region,
        endpoint_override=conn.endpoint,
        scheme=conn.scheme,
        connect_timeout=conn.connect_timeout,
        request_timeout=conn.request_timeout,
        allow_delayed_open=True,  # a small object is then one PutObject at close
    )


def read_s3_object(uri: str, options: S3Options = S3Options()) -> bytes:
    """The bytes of the object at ``s3://bucket/key`` (errors as in :class:`S3Storage`)."""
    bucket, key = split_s3_uri(uri)
    return _read(s3_filesystem(options), f"{bucket}/{key}", uri)


def _read(fs: S3FileSystem, path: str, uri: str) -> bytes:
    try:
        with fs.open_input_stream(path) as stream:
            return bytes(stream.read())
    except FileNotFoundError:
        raise InputError("no such object", code=ErrorCode.FILE_NOT_FOUND, file=uri) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc}", code=ErrorCode.READ_FAILED, file=uri) from exc


class S3Storage:
    """Objects under ``s3://bucket/prefix``. Picklable (pyarrow filesystems pickle)."""

    def __init__(self, bucket: str, prefix: str, filesystem: S3FileSystem) -> None:
        self.bucket = bucket
        self.prefix = check_prefix(prefix)
        self.fs = filesystem

    @classmethod
    def from_uri(cls, uri: str, options: S3Options = S3Options()) -> S3Storage:
        bucket, prefix = split_s3_uri(uri)
        return cls(bucket, prefix, s3_filesystem(options))

    def __repr__(self) -> str:
        return f"S3Storage({self.root_uri!r})"

    @property
    def root_uri(self) -> str:
        return f"{SCHEME}{self.bucket}/{self.prefix}".rstrip("/")

    def _path(self, key: str) -> str:
        """``bucket/prefix/key``: pyarrow's path of ``key``."""
        return "/".join(p for p in (self.bucket, self.prefix, check_key(key)) if p)

    def uri(self, key: str) -> str:
        return SCHEME + self._path(key)

    def write_bytes(self, key: str, data: bytes) -> None:
        path = self._path(key)
        try:
            with self.fs.open_output_stream(path) as stream:
                stream.write(data)
        except OSError as exc:
            raise OutputError(
                f"cannot write: {exc}", code=ErrorCode.WRITE_FAILED, file=SCHEME + path
            ) from exc

    def read_bytes(self, key: str) -> bytes:
        path = self._path(key)
        return _read(self.fs, path, SCHEME + path)

    def exists(self, key: str) -> bool:
        from pyarrow.fs import FileType

        path = self._path(key)
        try:
            return bool(self.fs.get_file_info(path).type == FileType.File)
        except OSError as exc:
            raise InputError(
                f"cannot stat: {exc}", code=ErrorCode.READ_FAILED, file=SCHEME + path
            ) from exc

    def list(self, prefix: str = "") -> Iterator[str]:
        """Object keys under ``prefix``, sorted; S3 folder markers (``dir/``) are not objects."""
        yield from (key for key, _ in self.list_sized(prefix))

    def list_sized(self, prefix: str = "") -> builtins.list[tuple[str, int]]:
        """``(key, size)`` of the objects under ``prefix``, sorted by key."""
        from pyarrow.fs import FileSelector, FileType

        folder = check_prefix(prefix)
        base = "/".join(p for p in (self.bucket, self.prefix, folder) if p)
        try:
            infos = self.fs.get_file_info(FileSelector(base, recursive=True, allow_not_found=True))
        except OSError as exc:
            raise InputError(
                f"cannot list: {exc}", code=ErrorCode.READ_FAILED, file=SCHEME + base
            ) from exc
        skip = len(self.bucket) + 1 + (len(self.prefix) + 1 if self.prefix else 0)
        return sorted(
            (info.path[skip:], int(info.size or 0))
            for info in infos
            if info.type == FileType.File and not info.path.endswith("/")
        )

    def delete(self, key: str) -> None:
        path = self._path(key)
        try:
            self.fs.delete_file(path)
        except FileNotFoundError:
            return
        except OSError as exc:
            raise OutputError(
                f"cannot delete: {exc}", code=ErrorCode.WRITE_FAILED, file=SCHEME + path
            ) from exc

    def remove_stale_temp(self, prefix: str = "") -> int:
        """S3 writes leave no temporary objects (an unfinished put is never visible): 0."""
        check_prefix(prefix)
        return 0
