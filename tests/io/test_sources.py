"""Sources: listing files, folders, globs and S3 prefixes; typed errors; keys and stable ids."""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Callable
from pathlib import Path

import pytest

from docparse.sources import (
    InputKind,
    SourceRef,
    content_hash,
    list_sources,
    make_key,
    read_source,
    resolve_input,
    root_labels,
    sanitize_component,
    sanitize_rel_path,
)
from schemas.errors import ErrorCode, InputError
from schemas.options import SourceOptions, StorageOptions


def _tree(root: Path, files: dict[str, bytes]) -> None:
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    _tree(
        root,
        {
            "a.pdf": b"%PDF-1.7 a",
            "scans/b.png": b"\x89PNG b",
            "scans/deep/c.tif": b"II*\x00 c",
            "notes.txt": b"text",
            ".DS_Store": b"junk",
            ".git/config": b"[core]",
            "scans/.hidden.pdf": b"%PDF hidden",
        },
    )
    return root


def test_folder_is_walked_recursively_sorted_without_hidden_files(corpus: Path) -> None:
    refs = list(list_sources([str(corpus)]))
    assert [r.rel_path for r in refs] == ["a.pdf", "scans/b.png", "scans/deep/c.tif"]
    assert [r.key for r in refs] == [r.rel_path for r in refs]  # one root: no label
    first = refs[0]
    assert first.uri == str(corpus / "a.pdf") and first.root == str(corpus)
    assert first.size == len(b"%PDF-1.7 a") and first.input_index == 0
    hidden = list(list_sources([str(corpus)], options=SourceOptions(include_hidden=True)))
    assert "scans/.hidden.pdf" in {r.rel_path for r in hidden}
    every = SourceOptions(include_hidden=True, extensions=None)
    assert {".DS_Store", ".git/config"} <= {r.rel_path for r in list_sources([str(corpus)], options=every)}


def test_glob_with_double_star_keeps_paths_below_its_fixed_part(corpus: Path) -> None:
    refs = list(list_sources([str(corpus / "**" / "*.p*")]))
    assert [r.rel_path for r in refs] == ["a.pdf", "scans/b.png"]
    assert all(r.root == str(corpus) for r in refs)
    spec = resolve_input(str(corpus / "scans" / "*"))
    assert spec.kind is InputKind.GLOB and spec.root == str(corpus / "scans")
    # a matched folder is walked like a folder input
    assert [r.rel_path for r in list_sources([spec.text])] == ["b.png", "deep/c.tif"]


def test_relative_inputs_resolve_against_the_working_folder(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(corpus)
    refs = list(list_sources(["*.pdf", "scans"]))
    assert [r.uri for r in refs] == [
        str(corpus / "a.pdf"),
        str(corpus / "scans" / "b.png"),
        str(corpus / "scans" / "deep" / "c.tif"),
    ]


def test_several_inputs_each_file_once_and_roots_labelled(tmp_path: Path) -> None:
    _tree(tmp_path / "x" / "docs", {"a.pdf": b"1", "sub/b.pdf": b"2"})
    _tree(tmp_path / "y" / "docs", {"a.pdf": b"3"})
    _tree(tmp_path / "z", {"single.pdf": b"4"})
    inputs = [
        str(tmp_path / "x" / "docs"),
        str(tmp_path / "y" / "docs"),
        str(tmp_path / "x" / "docs" / "a.pdf"),  # already listed: not listed twice
        str(tmp_path / "z" / "single.pdf"),
    ]
    refs = list(list_sources(inputs))
    assert [(r.key, r.input_index) for r in refs] == [
        ("docs/a.pdf", 0),
        ("docs/sub/b.pdf", 0),
        ("docs-2/a.pdf", 1),  # same relative path, another root: no collision
        ("z/single.pdf", 3),
    ]
    assert len({r.key for r in refs}) == len(refs)


def test_files_of_one_folder_share_its_root_and_get_no_label(tmp_path: Path) -> None:
    _tree(tmp_path, {"a.pdf": b"1", "b.pdf": b"2"})  # as a shell expands docs/*.pdf
    refs = list(list_sources([str(tmp_path / "a.pdf"), str(tmp_path / "b.pdf")]))
    assert [r.key for r in refs] == ["a.pdf", "b.pdf"]


def test_missing_inputs_raise_typed_errors_naming_them(tmp_path: Path) -> None:
    _tree(tmp_path, {"ok.pdf": b"1"})
    cases = {
        str(tmp_path / "nope.pdf"): "no such file",
        str(tmp_path / "*.docx"): "no file matches",
        str(tmp_path / "missing" / "*.pdf"): "no file matches",
    }
    for text, message in cases.items():
        with pytest.raises(InputError) as caught:
            list_sources([str(tmp_path / "ok.pdf"), text])  # raises before listing anything
        assert caught.value.code is ErrorCode.FILE_NOT_FOUND
        assert caught.value.file == text
        assert message in caught.value.message
    with pytest.raises(InputError) as none:
        list_sources([])
    assert none.value.code is ErrorCode.FILE_NOT_FOUND


def test_special_files_and_broken_links(tmp_path: Path) -> None:
    _tree(tmp_path / "in", {"a.pdf": b"1"})
    os.mkfifo(tmp_path / "in" / "pipe")
    os.symlink(tmp_path / "gone.pdf", tmp_path / "in" / "broken.pdf")
    os.symlink(tmp_path / "in", tmp_path / "in" / "loop")  # a link to a folder is not followed
    refs = list(list_sources([str(tmp_path / "in")]))
    assert [r.rel_path for r in refs] == ["a.pdf", "broken.pdf"]  # the pipe is skipped
    broken = refs[1]
    assert broken.size is None
    with pytest.raises(InputError) as gone:  # the run records it as a failed document
        read_source(broken)
    assert gone.value.code is ErrorCode.FILE_NOT_FOUND and gone.value.file == broken.uri
    with pytest.raises(InputError) as pipe:
        list_sources([str(tmp_path / "in" / "pipe")])
    assert pipe.value.code is ErrorCode.READ_FAILED
    with pytest.raises(InputError) as link:
        list_sources([str(tmp_path / "in" / "broken.pdf")])
    assert link.value.code is ErrorCode.FILE_NOT_FOUND and "broken" in link.value.message


def test_read_source_returns_the_bytes_and_typed_errors(tmp_path: Path) -> None:
    _tree(tmp_path, {"a.pdf": b"%PDF-1.4 bytes"})
    (ref,) = list_sources([str(tmp_path / "a.pdf")])
    assert read_source(ref) == b"%PDF-1.4 bytes"
    (tmp_path / "a.pdf").unlink()
    with pytest.raises(InputError) as caught:
        read_source(ref)
    assert caught.value.code is ErrorCode.FILE_NOT_FOUND and caught.value.file == ref.uri
    os.mkfifo(tmp_path / "fifo")
    with pytest.raises(InputError) as fifo:  # never blocks on a pipe
        read_source(str(tmp_path / "fifo"))
    assert fifo.value.code is ErrorCode.READ_FAILED


def test_ids_are_stable_and_follow_the_content(tmp_path: Path) -> None:
    _tree(tmp_path / "one", {"r.pdf": b"same bytes"})
    _tree(tmp_path / "two", {"r.pdf": b"same bytes", "s.pdf": b"other bytes"})
    one, two, other = (
        *list_sources([str(tmp_path / "one")]),
        *list_sources([str(tmp_path / "two")]),
    )
    h1, h2 = content_hash(read_source(one)), content_hash(read_source(two))
    assert h1 == h2 == hashlib.sha256(b"same bytes").hexdigest()  # the full hex digest
    assert one.document_id(h1) == f"r.pdf@{h1[:12]}"
    assert content_hash(read_source(other)) != h1
    # listing again gives the same refs
    assert list(list_sources([str(tmp_path / "two")])) == [two, other]
    assert pickle.loads(pickle.dumps(two)) == two


@pytest.mark.parametrize(
    ("rel", "expected_prefix"),
    [
        ("a/b/c.pdf", "a/b/c.pdf"),
        ("/etc/passwd", "etc/passwd"),
        ("a/./b//c.pdf", "a/b/c.pdf"),
    ],
)
def test_clean_relative_paths_are_kept(rel: str, expected_prefix: str) -> None:
    assert sanitize_rel_path(rel) == expected_prefix


def test_odd_components_are_made_safe_without_collisions() -> None:
    dotdot = sanitize_rel_path("../../x.pdf")
    assert ".." not in dotdot.split("/") and dotdot.endswith("/x.pdf")
    assert not dotdot.startswith("/")
    hidden = sanitize_component(".secret")
    assert hidden is not None and hidden.startswith("_secret~")
    odd = sanitize_component('a:b*c?"d<e>|\x01.pdf')
    assert odd is not None and odd.startswith("a_b_c__d_e___.pdf~")
    # two names that sanitise alike still get different keys
    assert sanitize_component("a:b.pdf") != sanitize_component("a?b.pdf")
    assert sanitize_component("a_b.pdf") == "a_b.pdf"
    long_name = "é" * 300 + ".pdf"
    safe = sanitize_component(long_name)
    assert safe is not None and len(safe.encode()) <= 200 + 9
    assert sanitize_component(" padded ") != "padded"
    assert sanitize_component("bad\udcffbyte.pdf") is not None
    assert "\udcff" not in (sanitize_component("bad\udcffbyte.pdf") or "")
    # names the output root reserves are never a document folder
    assert make_key("", "manifest.jsonl").startswith("manifest.jsonl~")
    assert make_key("", "manifest.d/x.pdf").startswith("manifest.d~")
    assert make_key("", "sub/manifest.jsonl") == "sub/manifest.jsonl"


def test_root_labels() -> None:
    assert root_labels(["/a/docs"]) == {"/a/docs": ""}
    assert root_labels(["/a/docs", "/a/docs"]) == {"/a/docs": ""}
    assert root_labels(["/a/docs", "/b/docs", "s3://bkt", "s3://bkt/in/scans", "/"]) == {
        "/a/docs": "docs",
        "/b/docs": "docs-2",
        "s3://bkt": "bkt",
        "s3://bkt/in/scans": "scans",
        "/": "root",
    }


def test_odd_names_on_disk_become_safe_keys(tmp_path: Path) -> None:
    _tree(tmp_path, {"weird:name?.pdf": b"1", "ok.pdf": b"2"})
    refs = list(list_sources([str(tmp_path)]))
    assert [r.rel_path for r in refs] == ["ok.pdf", "weird:name?.pdf"]
    assert refs[1].key.startswith("weird_name_.pdf~")


# --- S3 -------------------------------------------------------------------------------------------


def _put(client: object, bucket: str, objects: dict[str, bytes]) -> None:
    for key, data in objects.items():
        client.put_object(Bucket=bucket, Key=key, Body=data)  # type: ignore[attr-defined]


def test_s3_prefixes_objects_and_buckets(
    s3_options: StorageOptions, make_bucket: Callable[[], str], s3_client: object
) -> None:
    bucket = make_bucket()
    _put(
        s3_client,
        bucket,
        {
            "in/a.pdf": b"%PDF a",
            "in/sub/b.png": b"\x89PNG b",
            "in/.hidden/c.pdf": b"hidden",
            "in/dir-marker/": b"",
            "inbox/not-under-in.pdf": b"x",
            "top.pdf": b"top",
        },
    )
    refs = list(list_sources([f"s3://{bucket}/in"], storage=s3_options))
    assert [(r.key, r.uri, r.size) for r in refs] == [
        ("a.pdf", f"s3://{bucket}/in/a.pdf", 6),
        ("sub/b.png", f"s3://{bucket}/in/sub/b.png", 6),
    ]
    assert read_source(refs[1], s3_options) == b"\x89PNG b"
    (single,) = list_sources([f"s3://{bucket}/in/sub/b.png"], storage=s3_options)
    assert single.key == "b.png" and single.size == 6
    whole = list(list_sources([f"s3://{bucket}"], storage=s3_options))
    assert [r.key for r in whole] == [
        "in/a.pdf",
        "in/sub/b.png",
        "inbox/not-under-in.pdf",
        "top.pdf",
    ]


def test_s3_and_local_inputs_together(
    tmp_path: Path,
    s3_options: StorageOptions,
    make_bucket: Callable[[], str],
    s3_client: object,
) -> None:
    bucket = make_bucket()
    _put(s3_client, bucket, {"docs/a.pdf": b"remote"})
    _tree(tmp_path / "docs", {"a.pdf": b"local"})
    refs = list(list_sources([f"s3://{bucket}/docs", str(tmp_path / "docs")], storage=s3_options))
    assert [r.key for r in refs] == ["docs/a.pdf", "docs-2/a.pdf"]
    assert [read_source(r, s3_options) for r in refs] == [b"remote", b"local"]


def test_s3_missing_inputs_raise_typed_errors(
    s3_options: StorageOptions, make_bucket: Callable[[], str], s3_client: object
) -> None:
    bucket = make_bucket()
    _put(s3_client, bucket, {"in/a.pdf": b"1"})
    for uri in (f"s3://{bucket}/nothing-here", f"s3://{bucket}/in/a", "s3://no-such-bucket-x"):
        with pytest.raises(InputError) as caught:
            list_sources([uri], storage=s3_options)
        assert caught.value.code is ErrorCode.FILE_NOT_FOUND and caught.value.file == uri
    ref = SourceRef(
        uri=f"s3://{bucket}/in/gone.pdf",
        key="gone.pdf",
        rel_path="gone.pdf",
        root=f"s3://{bucket}/in",
        input_index=0,
    )
    with pytest.raises(InputError) as gone:
        read_source(ref, s3_options)
    assert gone.value.code is ErrorCode.FILE_NOT_FOUND and gone.value.file == ref.uri


def test_expansions_take_document_extensions_but_named_files_always_count(corpus: Path) -> None:
    (corpus / "UPPER.PDF").write_bytes(b"%PDF-1.7 upper")
    walked = [r.rel_path for r in list_sources([str(corpus)])]
    assert "notes.txt" not in walked and "UPPER.PDF" in walked
    globbed = [r.rel_path for r in list_sources([str(corpus / "*")])]
    assert "notes.txt" not in globbed
    named = list(list_sources([str(corpus / "notes.txt")]))
    assert [r.rel_path for r in named] == ["notes.txt"], "a file named by the user is always read"
    everything = [
        r.rel_path for r in list_sources([str(corpus)], options=SourceOptions(extensions=None))
    ]
    assert "notes.txt" in everything
