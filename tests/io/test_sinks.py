"""Sinks: per-document output folders, the manifest and resume, on a local folder and on S3."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import lxml.html
import pytest

from docparse.sinks import (
    DocumentWriter,
    Manifest,
    ResumePlan,
    ResumeReason,
    part_key,
)
from docparse.storage import LocalStorage, Storage, open_storage
from postprocess.merge import page_html
from schemas.errors import ErrorCode, ErrorRecord, OutputError
from schemas.manifest import ManifestEntry
from schemas.options import OutputOptions, StorageOptions
from schemas.results import DocumentResult, Status
from tests.io.builders import report_document

KEY = "docs/report.pdf"


@pytest.fixture(params=["local", "s3"])
def out(request: pytest.FixtureRequest, tmp_path: Path) -> Storage:
    """An empty output root: a local folder, or a prefix in a fresh bucket on the moto server."""
    if request.param == "local":
        return LocalStorage(tmp_path / "out")
    options: StorageOptions = request.getfixturevalue("s3_options")
    bucket = request.getfixturevalue("make_bucket")()
    return open_storage(f"s3://{bucket}/runs/out", options)


def _entry(result: DocumentResult, output: str = KEY) -> ManifestEntry:
    return ManifestEntry.from_result(result, output=output, size=1234)


def _manifest_lines(storage: Storage) -> list[dict[str, object]]:
    text = storage.read_bytes("manifest.jsonl").decode()
    assert text.endswith("\n")
    return [json.loads(line) for line in text.splitlines()]


# --- the document folder --------------------------------------------------------------------------


def test_document_folder_layout_and_contents(out: Storage) -> None:
    result, raw = report_document()
    raw[2] = (
        raw[2] + "\r\n<!-- é ✓ 😀 -->\x00 trailing  "
    )  # a reply is stored as the model wrote it
    extraction = {"invoice_number": "INV-1", "total": "12.50", "lines": [{"qty": 1}]}
    written = DocumentWriter(out).write(KEY, result, raw_replies=raw, extraction=extraction)
    expected = [
        f"{KEY}/pages/0001.html",
        f"{KEY}/pages/0002.html",
        f"{KEY}/raw/0001.html",
        f"{KEY}/raw/0002.html",
        f"{KEY}/extraction.json",
        f"{KEY}/document.html",
        f"{KEY}/document.json",  # last: a complete folder
    ]
    assert list(written.files) == expected and written.removed == ()
    assert sorted(out.list()) == sorted(expected)
    assert DocumentResult.model_validate_json(out.read_bytes(f"{KEY}/document.json")) == result
    assert out.read_bytes(f"{KEY}/raw/0001.html") == raw[1].encode()
    assert out.read_bytes(f"{KEY}/raw/0002.html") == raw[2].encode()  # byte for byte
    assert json.loads(out.read_bytes(f"{KEY}/extraction.json")) == extraction
    assert out.read_bytes(f"{KEY}/pages/0002.html").decode() == page_html(result.pages[1])
    document = lxml.html.fromstring(out.read_bytes(f"{KEY}/document.html"))
    sections = document.findall(".//section")
    assert [s.get("data-page") for s in sections] == ["1", "2"]
    title_box = sections[1][0].get("data-bbox")
    assert title_box == "188.21 48.34 399.5 67.89"  # page frame (model 310 94 658 132)


def test_failed_page_has_a_raw_reply_but_no_page_html(out: Storage) -> None:
    result, raw = report_document(pages=2, fail_last=True)
    assert result.status is Status.PARTIAL
    DocumentWriter(out).write(KEY, result, raw_replies=raw)
    assert sorted(out.list()) == [
        f"{KEY}/document.html",
        f"{KEY}/document.json",
        f"{KEY}/pages/0001.html",
        f"{KEY}/raw/0001.html",
        f"{KEY}/raw/0002.html",
    ]
    document = lxml.html.fromstring(out.read_bytes(f"{KEY}/document.html"))
    assert [s.get("data-status") for s in document.findall(".//section")] == ["ok", "failed"]


def test_rewriting_a_document_removes_files_of_the_earlier_run(out: Storage) -> None:
    writer = DocumentWriter(out)
    three, raw3 = report_document(pages=3)
    writer.write(KEY, three, raw_replies=raw3, extraction={"a": 1})
    out.write_bytes(f"{KEY}/pages/nested.pdf/document.json", b"{}")  # another document's folder
    out.write_bytes("docs/other.pdf/raw/0003.html", b"other")  # another document
    one, raw1 = report_document(pages=1)
    written = writer.write(KEY, one, raw_replies=raw1)
    assert sorted(written.removed) == [
        f"{KEY}/extraction.json",
        f"{KEY}/pages/0002.html",
        f"{KEY}/pages/0003.html",
        f"{KEY}/raw/0002.html",
        f"{KEY}/raw/0003.html",
    ]
    assert sorted(out.list()) == [
        "docs/other.pdf/raw/0003.html",
        f"{KEY}/document.html",
        f"{KEY}/document.json",
        f"{KEY}/pages/0001.html",
        f"{KEY}/pages/nested.pdf/document.json",
        f"{KEY}/raw/0001.html",
    ]


def test_skipped_documents_write_nothing(out: Storage) -> None:
    result, _ = report_document()
    skipped = result.model_copy(update={"status": Status.SKIPPED, "pages": []})
    with pytest.raises(ValueError, match="skipped"):
        DocumentWriter(out).write(KEY, skipped)
    with pytest.raises(ValueError, match="skipped"):
        ManifestEntry.from_result(skipped, output=KEY)
    assert list(out.list()) == []


# --- the manifest ---------------------------------------------------------------------------------


def test_manifest_line_describes_the_finished_document(out: Storage) -> None:
    result, _ = report_document(pages=2, fail_last=True)
    with Manifest.open(out) as manifest:
        manifest.record(_entry(result))
    (line,) = _manifest_lines(out)
    assert line["output"] == KEY and line["doc_id"] == result.doc_id
    assert line["source"] == "/data/docs/report.pdf" and line["content_hash"] == "ab" * 32
    assert line["status"] == "partial" and line["size"] == 1234
    assert (line["page_count"], line["pages"], line["pages_failed"]) == (2, 2, 1)
    assert (line["attempts"], line["prompt_tokens"], line["output_tokens"]) == (2, 1200, 640 + 8192)
    assert line["elapsed_s"] == 7.25 and line["engine_s"] == 2.5
    assert [(e["code"], e["page"]) for e in line["errors"]] == [("truncated", 2)]  # type: ignore[index]
    assert not [k for k in out.list() if k.startswith("manifest.d/")]  # compacted on close


def test_local_manifest_is_appended_live_one_line_per_document(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path)
    manifest = Manifest.open(storage)
    first, _ = report_document("a@1", content_hash="11" * 32)
    manifest.record(_entry(first, "a.pdf"))
    assert [line["output"] for line in _manifest_lines(storage)] == ["a.pdf"]  # before close
    second, _ = report_document("b@2", content_hash="22" * 32)
    manifest.record(_entry(second, "b.pdf"))
    changed, _ = report_document("a@3", content_hash="33" * 32)
    manifest.record(_entry(changed, "a.pdf"))  # a changed document recorded again this run
    assert len(_manifest_lines(storage)) == 3  # appended: the newest line of a folder counts
    manifest.close()
    lines = _manifest_lines(storage)
    assert [(line["output"], line["content_hash"]) for line in lines] == [
        ("b.pdf", "22" * 32),
        ("a.pdf", "33" * 32),
    ]
    with pytest.raises(ValueError, match="closed"):
        manifest.record(_entry(first, "a.pdf"))


def test_s3_manifest_journal_parts_then_one_compacted_object(
    s3_options: StorageOptions, make_bucket: Callable[[], str]
) -> None:
    storage = open_storage(f"s3://{make_bucket()}/out", s3_options)
    manifest = Manifest.open(storage)
    result, _ = report_document()
    manifest.record(_entry(result))
    assert not storage.exists("manifest.jsonl")
    assert list(storage.list("manifest.d")) == [part_key(KEY)]
    manifest.close()
    assert [line["output"] for line in _manifest_lines(storage)] == [KEY]
    assert list(storage.list("manifest.d")) == []


def test_parts_left_by_a_killed_s3_run_are_merged_without_duplicates(
    s3_options: StorageOptions, make_bucket: Callable[[], str]
) -> None:
    storage = open_storage(f"s3://{make_bucket()}/out", s3_options)
    a1, _ = report_document("a@1", content_hash="11" * 32)
    a2, _ = report_document("a@2", content_hash="22" * 32)
    b3, _ = report_document("b@3", content_hash="33" * 32)
    with Manifest.open(storage) as run1:
        run1.record(_entry(a1, "a.pdf"))
    with Manifest.open(storage) as run2:
        run2.record(_entry(a2, "a.pdf"))
        run2.record(_entry(b3, "b.pdf"))
    # run 2 was killed between writing manifest.jsonl and deleting b's part
    storage.write_bytes(part_key("b.pdf"), (_entry(b3, "b.pdf").model_dump_json() + "\n").encode())
    # run 3 is killed after recording a changed a.pdf: its part is never compacted
    a4, _ = report_document("a@4", content_hash="44" * 32)
    Manifest.open(storage).record(_entry(a4, "a.pdf"))
    run4 = Manifest.open(storage)  # merges the parts (newer) over manifest.jsonl, compacts
    assert sorted(run4) == ["a.pdf", "b.pdf"]
    assert run4.previous["a.pdf"].content_hash == "44" * 32
    lines = _manifest_lines(storage)
    assert sorted((line["output"], line["content_hash"]) for line in lines) == [
        ("a.pdf", "44" * 32),
        ("b.pdf", "33" * 32),
    ]
    assert list(storage.list("manifest.d")) == []


def test_a_cut_last_line_is_ignored_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    storage = LocalStorage(tmp_path)
    good, _ = report_document("a@1", content_hash="11" * 32)
    lost, _ = report_document("b@2", content_hash="22" * 32)
    full = _entry(good, "a.pdf").model_dump_json() + "\n"
    cut = (_entry(lost, "b.pdf").model_dump_json() + "\n")[:57]
    (tmp_path / "manifest.jsonl").write_text(full + cut)
    with caplog.at_level("WARNING", logger="docparse.sinks.manifest"):
        manifest = Manifest.open(storage)
    assert list(manifest) == ["a.pdf"]
    assert any("cut short" in w for w in manifest.warnings)
    assert "cut short" in caplog.text
    assert (tmp_path / "manifest.jsonl").read_text() == full  # repaired before any append
    manifest.record(_entry(lost, "b.pdf"))
    manifest.close()
    assert [line["output"] for line in _manifest_lines(storage)] == ["a.pdf", "b.pdf"]


def test_unreadable_lines_duplicates_and_a_missing_newline_are_repaired(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path)
    old, _ = report_document("a@1", content_hash="11" * 32)
    new, _ = report_document("a@2", content_hash="22" * 32)
    other, _ = report_document("b@3", content_hash="33" * 32)
    lines = [
        _entry(old, "a.pdf").model_dump_json(),
        '{"output": "broken"',
        "",
        _entry(new, "a.pdf").model_dump_json(),
        _entry(other, "b.pdf").model_dump_json(),  # complete, but the newline was never written
    ]
    (tmp_path / "manifest.jsonl").write_text("\n".join(lines))
    manifest = Manifest.open(storage)
    assert list(manifest) == ["a.pdf", "b.pdf"]
    assert manifest.previous["a.pdf"].content_hash == "22" * 32
    assert any("line 2" in w for w in manifest.warnings)
    assert [line["output"] for line in _manifest_lines(storage)] == ["a.pdf", "b.pdf"]
    entry = manifest.get("b.pdf")
    assert entry is not None and entry.doc_id == "b@3"


def test_opening_the_manifest_removes_stale_temp_files(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path)
    DocumentWriter(storage).write(KEY, report_document()[0])
    stale = tmp_path / "docs" / "report.pdf" / ".document.json.a1b2.docparse.tmp"
    stale.write_bytes(b'{"half')
    assert f"{KEY}/.document.json.a1b2.docparse.tmp" not in list(storage.list())  # never an output
    manifest = Manifest.open(storage)
    assert not stale.exists()
    assert any("temporary" in w for w in manifest.warnings)


# --- resume ---------------------------------------------------------------------------------------


def _plan(storage: Storage, **options: bool) -> ResumePlan:
    return ResumePlan.from_manifest(Manifest.open(storage), OutputOptions(**options))


def test_resume_decisions(out: Storage) -> None:
    ok, _ = report_document("ok@1", content_hash="11" * 32)
    partial, _ = report_document("partial@2", content_hash="22" * 32, fail_last=True)
    failed, _ = report_document("failed@3", content_hash="33" * 32, pages=1, fail_last=True)
    assert failed.status is Status.FAILED
    with Manifest.open(out) as manifest:
        for result, key in ((ok, "ok.pdf"), (partial, "partial.pdf"), (failed, "failed.pdf")):
            manifest.record(_entry(result, key))

    cases = {  # what this run finds: output folder -> content hash
        "ok.pdf": "11" * 32,
        "partial.pdf": "22" * 32,
        "failed.pdf": "33" * 32,
        "new.pdf": "44" * 32,
        "ok.pdf (edited)": "99" * 32,
    }

    def decisions(plan: ResumePlan) -> dict[str, tuple[bool, ResumeReason]]:
        made = {case: plan.decide(case.split(" ")[0], digest) for case, digest in cases.items()}
        return {case: (d.process, d.reason) for case, d in made.items()}

    assert decisions(_plan(out)) == {
        "ok.pdf": (False, ResumeReason.DONE),
        "partial.pdf": (False, ResumeReason.NOT_RETRIED),
        "failed.pdf": (False, ResumeReason.NOT_RETRIED),
        "new.pdf": (True, ResumeReason.NEW),
        "ok.pdf (edited)": (True, ResumeReason.CHANGED),
    }
    assert decisions(_plan(out, retry_failed=True)) == {
        "ok.pdf": (False, ResumeReason.DONE),
        "partial.pdf": (True, ResumeReason.RETRY),
        "failed.pdf": (True, ResumeReason.RETRY),
        "new.pdf": (True, ResumeReason.NEW),
        "ok.pdf (edited)": (True, ResumeReason.CHANGED),
    }
    forced = decisions(_plan(out, force=True))
    assert set(forced.values()) == {(True, ResumeReason.FORCED)}


def test_a_skipped_source_yields_a_skipped_record(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path)
    result, _ = report_document()
    with Manifest.open(storage) as manifest:
        manifest.record(_entry(result))
    decision = _plan(storage).decide(KEY, "ab" * 32)
    record = decision.skipped_result(
        doc_id=result.doc_id, source=result.source, content_hash="ab" * 32
    )
    assert record.status is Status.SKIPPED and record.page_count == 2 and not record.errors
    new = _plan(storage).decide("new.pdf", "cd" * 32)
    with pytest.raises(ValueError):
        new.skipped_result(doc_id="x", source="y", content_hash="cd" * 32)


def test_error_codes_of_a_failed_write_name_the_file(tmp_path: Path) -> None:
    (tmp_path / "docs").write_bytes(b"a file where the folder should be")
    with pytest.raises(OutputError) as caught:
        DocumentWriter(LocalStorage(tmp_path)).write(KEY, report_document()[0])
    assert caught.value.code is ErrorCode.WRITE_FAILED
    assert caught.value.file is not None and caught.value.file.startswith(str(tmp_path / "docs"))


def test_an_unreadable_source_is_recorded_and_never_skipped_later(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path)
    error = ErrorRecord(code=ErrorCode.FILE_NOT_FOUND, message="no such file", file="/in/x.pdf")
    unread = DocumentResult(
        doc_id="x.pdf", source="/in/x.pdf", status=Status.FAILED, errors=[error]
    )
    written = DocumentWriter(storage).write("x.pdf", unread, raw_replies={1: None})
    assert list(written.files) == ["x.pdf/document.html", "x.pdf/document.json"]
    with Manifest.open(storage) as manifest:
        manifest.record(_entry(unread, "x.pdf"))
    (line,) = _manifest_lines(storage)
    assert line["content_hash"] is None and line["errors"][0]["code"] == "file_not_found"  # type: ignore[index]
    decision = _plan(storage).decide("x.pdf", "ef" * 32)
    assert (decision.process, decision.reason) == (True, ResumeReason.CHANGED)
