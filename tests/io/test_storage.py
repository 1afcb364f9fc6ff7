"""Storage: atomic local writes, stale temp files, key checks, and S3 against a moto server."""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable
from pathlib import Path

import pytest

from docparse.storage import (
    AppendableStorage,
    LocalStorage,
    S3Storage,
    Storage,
    StorageKeyError,
    atomic_write_bytes,
    atomic_write_text,
    is_temp_name,
    open_storage,
    s3_filesystem,
    split_s3_uri,
)
from schemas.errors import ErrorCode, InputError, OutputError
from schemas.options import S3Options, StorageOptions


def _files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


# --- local: atomic writes -------------------------------------------------------------------------


def test_reader_never_sees_a_partial_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "out" / "document.json"
    atomic_write_text(target, "old")
    seen: list[tuple[str, list[str]]] = []
    real_fsync = os.fsync

    def fsync_and_look(fd: int) -> None:  # the moment the new bytes are on disk, not yet renamed
        real_fsync(fd)
        seen.append((target.read_text(), sorted(p.name for p in target.parent.iterdir())))

    monkeypatch.setattr(os, "fsync", fsync_and_look)
    atomic_write_bytes(target, b"new content " * 10_000)
    ((old_text, names),) = seen
    assert old_text == "old"  # readers still get the whole old file
    temp_names = [n for n in names if n != "document.json"]
    assert len(temp_names) == 1 and is_temp_name(temp_names[0])
    assert temp_names[0].startswith(".document.json.")
    assert target.read_bytes() == b"new content " * 10_000
    assert _files(tmp_path) == ["out/document.json"]


def test_failed_write_leaves_neither_file_nor_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OutputError) as caught:
        LocalStorage(tmp_path).write_bytes("a/b.html", b"<html/>")
    assert caught.value.code is ErrorCode.WRITE_FAILED
    assert caught.value.file == str(tmp_path / "a" / "b.html")
    assert "No space left" in caught.value.message
    assert _files(tmp_path) == []


def test_failed_overwrite_keeps_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    storage = LocalStorage(tmp_path)
    storage.write_bytes("doc/document.json", b"{}")

    def broken_fsync(fd: int) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OutputError):
        storage.write_bytes("doc/document.json", b'{"new": true}')
    assert storage.read_bytes("doc/document.json") == b"{}"
    assert _files(tmp_path) == ["doc/document.json"]


def test_local_storage_round_trip_list_and_delete(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path / "root")
    assert isinstance(storage, Storage) and isinstance(storage, AppendableStorage)
    assert list(storage.list()) == []  # a root that does not exist yet holds nothing
    for key in ("b/2.html", "a/1.html", "a/sub/3.html", "top.json"):
        storage.write_bytes(key, key.encode())
    (tmp_path / "root" / "a" / ".1.html.x1y2.docparse.tmp").write_bytes(b"half")
    assert list(storage.list()) == ["a/1.html", "a/sub/3.html", "b/2.html", "top.json"]
    assert list(storage.list("a")) == ["a/1.html", "a/sub/3.html"]
    assert list(storage.list("nothing/here")) == []
    assert storage.exists("a/1.html") and not storage.exists("a") and not storage.exists("zz")
    assert storage.read_bytes("a/sub/3.html") == b"a/sub/3.html"
    storage.delete("a/1.html")
    storage.delete("a/1.html")  # deleting what is gone is fine
    assert not storage.exists("a/1.html")
    assert storage.uri("a/sub/3.html") == str(tmp_path / "root" / "a" / "sub" / "3.html")


def test_local_read_errors_are_typed_and_name_the_file(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path)
    with pytest.raises(InputError) as missing:
        storage.read_bytes("no/such.json")
    assert missing.value.code is ErrorCode.FILE_NOT_FOUND
    assert missing.value.file == str(tmp_path / "no" / "such.json")
    (tmp_path / "folder").mkdir()
    with pytest.raises(InputError) as folder:
        storage.read_bytes("folder")
    assert folder.value.code is ErrorCode.READ_FAILED


def test_append_adds_lines_to_the_end(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path)
    storage.append_bytes("m/manifest.jsonl", b"one\n")
    storage.append_bytes("m/manifest.jsonl", b"two\n")
    assert storage.read_bytes("m/manifest.jsonl") == b"one\ntwo\n"


def test_stale_temp_files_are_removed_and_nothing_else(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path)
    storage.write_bytes("d/pages/0001.html", b"page")
    stale = [
        tmp_path / "d" / "pages" / ".0002.html.k3j4.docparse.tmp",
        tmp_path / ".manifest.jsonl.abcd.docparse.tmp",
    ]
    for path in stale:
        path.write_bytes(b"partial")
    kept = [tmp_path / "d" / ".keep", tmp_path / "d" / "notes.tmp"]
    for path in kept:
        path.write_bytes(b"user file")
    assert storage.remove_stale_temp() == 2
    assert not any(p.exists() for p in stale)
    assert all(p.exists() for p in kept)
    assert storage.remove_stale_temp() == 0


@pytest.mark.parametrize(
    "key", ["", "/abs", "a/../b", "../up", "a//b", "./a", "a/.", "a\\b", "nul\x00"]
)
def test_keys_that_could_escape_the_root_are_refused(tmp_path: Path, key: str) -> None:
    with pytest.raises(StorageKeyError):
        LocalStorage(tmp_path).write_bytes(key, b"x")
    assert _files(tmp_path) == []


def test_open_storage_picks_the_backend(tmp_path: Path) -> None:
    assert isinstance(open_storage(tmp_path), LocalStorage)
    local = open_storage(f"file://{tmp_path}/out")
    assert isinstance(local, LocalStorage) and local.root_uri == str(tmp_path / "out")
    assert split_s3_uri("s3://bucket/a/b/") == ("bucket", "a/b")
    assert split_s3_uri("S3://bucket") == ("bucket", "")
    with pytest.raises(InputError) as bad:
        split_s3_uri("s3:///key")
    assert bad.value.code is ErrorCode.FILE_NOT_FOUND


# --- S3 (moto server) -----------------------------------------------------------------------------


def test_s3_put_get_list_delete(
    s3_options: StorageOptions, make_bucket: Callable[[], str], s3_client: object
) -> None:
    bucket = make_bucket()
    storage = open_storage(f"s3://{bucket}/runs/one", s3_options)
    assert isinstance(storage, S3Storage) and isinstance(storage, Storage)
    assert not isinstance(storage, AppendableStorage)  # S3 has no append
    assert storage.root_uri == f"s3://{bucket}/runs/one"
    payload = bytes(range(256)) * 100
    storage.write_bytes("doc.pdf/raw/0001.html", payload)
    storage.write_bytes("doc.pdf/document.json", b"{}")
    storage.write_bytes("other/x.json", b"[]")
    assert storage.read_bytes("doc.pdf/raw/0001.html") == payload
    assert list(storage.list()) == [
        "doc.pdf/document.json",
        "doc.pdf/raw/0001.html",
        "other/x.json",
    ]
    assert list(storage.list("doc.pdf/raw")) == ["doc.pdf/raw/0001.html"]
    assert storage.exists("doc.pdf/document.json") and not storage.exists("doc.pdf")
    # the objects are where the URI says, seen through another client
    listed = s3_client.list_objects_v2(Bucket=bucket, Prefix="runs/one/")  # type: ignore[attr-defined]
    assert sorted(o["Key"] for o in listed["Contents"]) == [
        "runs/one/doc.pdf/document.json",
        "runs/one/doc.pdf/raw/0001.html",
        "runs/one/other/x.json",
    ]
    storage.delete("other/x.json")
    storage.delete("other/x.json")
    assert list(storage.list()) == ["doc.pdf/document.json", "doc.pdf/raw/0001.html"]
    assert storage.remove_stale_temp() == 0


def test_s3_errors_are_typed_and_name_the_object(
    s3_options: StorageOptions, make_bucket: Callable[[], str]
) -> None:
    bucket = make_bucket()
    storage = open_storage(f"s3://{bucket}/p", s3_options)
    with pytest.raises(InputError) as missing:
        storage.read_bytes("nope.json")
    assert missing.value.code is ErrorCode.FILE_NOT_FOUND
    assert missing.value.file == f"s3://{bucket}/p/nope.json"
    no_bucket = open_storage("s3://no-such-bucket-here/p", s3_options)
    with pytest.raises(OutputError) as write:
        no_bucket.write_bytes("a.json", b"{}")
    assert write.value.code is ErrorCode.WRITE_FAILED
    assert write.value.file == "s3://no-such-bucket-here/p/a.json"
    with pytest.raises(StorageKeyError):
        storage.write_bytes("../escape", b"x")


def test_s3_storage_pickles_for_workers(
    s3_options: StorageOptions, make_bucket: Callable[[], str]
) -> None:
    storage = open_storage(f"s3://{make_bucket()}", s3_options)
    storage.write_bytes("k.txt", b"v")
    clone = pickle.loads(pickle.dumps(storage))
    assert clone.read_bytes("k.txt") == b"v"


def test_endpoint_comes_from_aws_endpoint_url(
    s3_endpoint: str, make_bucket: Callable[[], str], monkeypatch: pytest.MonkeyPatch
) -> None:
    bucket = make_bucket()
    monkeypatch.setenv("AWS_ENDPOINT_URL", s3_endpoint)
    storage = open_storage(f"s3://{bucket}/env")  # default options: endpoint from the environment
    storage.write_bytes("a.txt", b"via env")
    assert storage.read_bytes("a.txt") == b"via env"
    # an explicit option wins over the environment
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    explicit = StorageOptions(s3=S3Options(endpoint_url=s3_endpoint))
    assert open_storage(f"s3://{bucket}/env", explicit).read_bytes("a.txt") == b"via env"


def test_filesystems_are_cached_per_connection(s3_endpoint: str) -> None:
    options = S3Options(endpoint_url=s3_endpoint, region="us-east-1")
    assert s3_filesystem(options) is s3_filesystem(options)
    assert s3_filesystem(options) is not s3_filesystem(
        options.model_copy(update={"region": "eu-west-1"})
    )
