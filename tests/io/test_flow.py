"""Sources -> (a stand-in conversion) -> sinks, run twice and three times: resume end to end,
with local inputs and outputs, and with inputs in one S3 bucket and outputs in another."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from docparse.sinks import DocumentWriter, Manifest, ResumePlan
from docparse.sources import content_hash, list_sources, read_source
from docparse.storage import open_storage
from schemas.errors import ErrorCode, ErrorRecord, InputError
from schemas.manifest import ManifestEntry
from schemas.options import OutputOptions, StorageOptions
from schemas.results import DocumentResult, Status
from tests.io.builders import report_document

INPUTS = {"a.pdf": b"%PDF-1.7 a", "sub/b.pdf": b"%PDF-1.7 b", "sub/c.pdf": b"%PDF-1.7 c"}


def _convert(
    doc_id: str, source: str, digest: str, broken: bool
) -> tuple[DocumentResult, dict[int, str]]:
    """Stand-in for render + engine + postprocess: example a for one page, or a failure."""
    if broken:
        error = ErrorRecord(code=ErrorCode.CORRUPT_PDF, message="no xref", file=source)
        failed = DocumentResult(
            doc_id=doc_id, source=source, content_hash=digest, status=Status.FAILED, errors=[error]
        )
        return failed, {}
    result, raw = report_document(doc_id, content_hash=digest, pages=1)
    return result.model_copy(update={"source": source}), raw


def _run(
    inputs: Sequence[str],
    out_uri: str,
    storage: StorageOptions,
    output: OutputOptions = OutputOptions(),
    broken: frozenset[str] = frozenset(),
) -> dict[str, str]:
    """What a pipeline driver does with these stages; returns key -> status of this run."""
    out = open_storage(out_uri, storage)
    report: dict[str, str] = {}
    with Manifest.open(out) as manifest:
        plan = ResumePlan.from_manifest(manifest, output)
        writer = DocumentWriter(out)
        for ref in list_sources(inputs, storage=storage):
            digest = content_hash(read_source(ref, storage))
            doc_id = ref.document_id(digest)
            decision = plan.decide(ref.key, digest)
            if not decision.process:
                skipped = decision.skipped_result(
                    doc_id=doc_id, source=ref.uri, content_hash=digest
                )
                report[ref.key] = skipped.status.value
                continue
            result, raw = _convert(doc_id, ref.uri, digest, ref.key in broken)
            writer.write(ref.key, result, raw_replies=raw)
            manifest.record(ManifestEntry.from_result(result, output=ref.key, size=ref.size))
            report[ref.key] = result.status.value
    return report


def _check_resume(
    inputs: Sequence[str],
    out_uri: str,
    storage: StorageOptions,
    edit: Callable[[str, bytes], None],
) -> None:
    first = _run(inputs, out_uri, storage, broken=frozenset({"sub/c.pdf"}))
    assert first == {"a.pdf": "ok", "sub/b.pdf": "ok", "sub/c.pdf": "failed"}
    assert _run(inputs, out_uri, storage) == dict.fromkeys(first, "skipped")
    edit("sub/b.pdf", b"%PDF-1.7 b, edited")
    third = _run(inputs, out_uri, storage)
    assert third == {"a.pdf": "skipped", "sub/b.pdf": "ok", "sub/c.pdf": "skipped"}
    retried = _run(inputs, out_uri, storage, OutputOptions(retry_failed=True))
    assert retried == {"a.pdf": "skipped", "sub/b.pdf": "skipped", "sub/c.pdf": "ok"}
    forced = _run(inputs, out_uri, storage, OutputOptions(force=True))
    assert forced == dict.fromkeys(first, "ok")
    out = open_storage(out_uri, storage)
    lines = [
        ManifestEntry.model_validate_json(line)
        for line in out.read_bytes("manifest.jsonl").splitlines()
    ]
    assert sorted(e.output for e in lines) == ["a.pdf", "sub/b.pdf", "sub/c.pdf"]  # one each
    edited = next(e for e in lines if e.output == "sub/b.pdf")
    assert edited.content_hash == content_hash(b"%PDF-1.7 b, edited")
    assert edited.doc_id == f"sub/b.pdf@{edited.content_hash[:12]}"
    assert {k.rsplit("/", 1)[-1] for k in out.list("sub/c.pdf")} == {
        "document.html",
        "document.json",
        "0001.html",
    }


def test_local_inputs_to_local_outputs(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    for rel, data in INPUTS.items():
        (corpus / rel).parent.mkdir(parents=True, exist_ok=True)
        (corpus / rel).write_bytes(data)

    def edit(rel: str, data: bytes) -> None:
        (corpus / rel).write_bytes(data)

    _check_resume([str(corpus)], str(tmp_path / "out"), StorageOptions(), edit)
    assert not [p for p in (tmp_path / "out").rglob(".*")]  # no temp file left visible


def test_s3_inputs_in_one_bucket_outputs_in_another(
    s3_options: StorageOptions, make_bucket: Callable[[], str], s3_client: object
) -> None:
    inputs, outputs = make_bucket(), make_bucket()

    def edit(rel: str, data: bytes) -> None:
        s3_client.put_object(Bucket=inputs, Key=f"scans/{rel}", Body=data)  # type: ignore[attr-defined]

    for rel, data in INPUTS.items():
        edit(rel, data)
    _check_resume([f"s3://{inputs}/scans"], f"s3://{outputs}/run", s3_options, edit)
    listed = s3_client.list_objects_v2(Bucket=outputs)  # type: ignore[attr-defined]
    keys = {o["Key"] for o in listed["Contents"]}
    assert "run/manifest.jsonl" in keys and "run/a.pdf/document.json" in keys
    assert not [k for k in keys if k.startswith("run/manifest.d/") and k.endswith(".json")]
    assert all(k.startswith("run/") for k in keys)


def test_a_missing_input_stops_the_run_before_anything_is_written(tmp_path: Path) -> None:
    (tmp_path / "ok.pdf").write_bytes(b"%PDF-1.7")
    with pytest.raises(InputError) as caught:
        _run(
            [str(tmp_path / "ok.pdf"), str(tmp_path / "missing")],
            str(tmp_path / "out"),
            StorageOptions(),
        )
    assert caught.value.code is ErrorCode.FILE_NOT_FOUND
    assert caught.value.file == str(tmp_path / "missing")
    assert not (tmp_path / "out").exists()
