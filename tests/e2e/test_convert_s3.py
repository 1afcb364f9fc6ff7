"""``docparse convert s3://in/prefix -o s3://out/run`` against moto's S3 server on loopback
(credentials are dummies in the environment, set by the ``s3_endpoint`` fixture): outputs and
manifest land in the other bucket, a rerun resumes from the S3 manifest, ``docparse status``
reads it."""

from __future__ import annotations

import json
from collections.abc import Callable

from tests.e2e.support import CORPUS, Replies, cli, summary_counts
from tests.standin.server import StandinServer

DOCS = {
    "invoice_en_gbp.pdf": "invoices/invoice_en_gbp.pdf",
    "scans/rechnung_de_eur_scan.jpg": "scans/rechnung_de_eur_scan.jpg",
    "scans/inventory_multipage_scan.tif": "scans/inventory_multipage_scan.tif",
}
BROKEN = "notes.pdf"


def _objects(client, bucket: str, prefix: str) -> dict[str, bytes]:  # type: ignore[no-untyped-def]
    """Every object under ``prefix`` (keys relative to it) and its bytes, read with boto3."""
    found: dict[str, bytes] = {}
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for item in page.get("Contents", []):
            body = client.get_object(Bucket=bucket, Key=item["Key"])["Body"].read()
            found[item["Key"][len(prefix) :]] = body
    return found


def test_s3_in_s3_out_resume_and_status(
    s3_endpoint: str,
    make_bucket: Callable[[], str],
    s3_client,  # type: ignore[no-untyped-def]
    standin: StandinServer,
    replies: Replies,
) -> None:
    source, target = make_bucket(), make_bucket()
    for key, rel in DOCS.items():
        s3_client.put_object(Bucket=source, Key=f"batch/{key}", Body=(CORPUS / rel).read_bytes())
    s3_client.put_object(Bucket=source, Key=f"batch/{BROKEN}", Body=b"plain text\n")
    inputs, output = f"s3://{source}/batch", f"s3://{target}/run"

    def convert():  # type: ignore[no-untyped-def]
        return cli(
            "convert", inputs, "-o", output, "--s3-endpoint", s3_endpoint, "--runner", "local",
            "--engine", "openai", "--endpoint", standin.url,
        )  # fmt: skip

    first = convert()
    assert first.exit_code == 1, first.output
    assert summary_counts(first.output) == {"ok": 3, "partial": 0, "failed": 1, "skipped": 0}
    objects = _objects(s3_client, target, "run/")
    manifest = [json.loads(line) for line in objects["manifest.jsonl"].decode().splitlines()]
    lines = {line["output"]: line for line in manifest}
    assert len(manifest) == len(lines) == len(DOCS) + 1
    assert lines[BROKEN]["status"] == "failed"
    assert [e["code"] for e in lines[BROKEN]["errors"]] == ["unsupported_format"]
    assert lines[BROKEN]["source"] == f"{inputs}/{BROKEN}"
    # The journal is compacted: no part left (pyarrow may leave the empty folder marker).
    expected = {"manifest.jsonl", f"{BROKEN}/document.json", f"{BROKEN}/document.html"}
    for key, rel in DOCS.items():
        expected |= {f"{key}/document.json", f"{key}/document.html"}
        for number in range(1, len(replies.pages[rel]) + 1):
            expected |= {f"{key}/pages/{number:04d}.html", f"{key}/raw/{number:04d}.html"}
    assert set(objects) - {"manifest.d/"} == expected
    for key, rel in DOCS.items():
        assert lines[key]["status"] == "ok"
        assert lines[key]["source"] == f"{inputs}/{key}"
        document = json.loads(objects[f"{key}/document.json"])
        assert document["status"] == "ok"
        assert document["content_hash"] == lines[key]["content_hash"]
        assert f"{key}/document.html" in objects
        for number, (_, reply) in enumerate(replies.pages[rel], start=1):
            assert objects[f"{key}/raw/{number:04d}.html"] == reply.encode("utf-8")
            assert b"data-bbox" in objects[f"{key}/pages/{number:04d}.html"]
    assert sorted(c.image_sha256 for c in standin.calls) == sorted(replies.shas(*DOCS.values()))
    assert _objects(s3_client, source, "batch/").keys() == {*DOCS, BROKEN}, "inputs untouched"

    standin.calls.clear()
    again = convert()
    assert again.exit_code == 0, again.output
    assert summary_counts(again.output) == {"ok": 0, "partial": 0, "failed": 0, "skipped": 4}
    assert standin.calls == []
    assert _objects(s3_client, target, "run/") == objects, "nothing rewritten"

    status = cli("status", output, "--s3-endpoint", s3_endpoint, "--failed")
    assert status.exit_code == 0, status.output
    assert summary_counts(status.output) == {"ok": 3, "partial": 0, "failed": 1}
    assert f"failed {inputs}/{BROKEN}: [unsupported_format]" in status.output


def test_missing_output_bucket_exits_3(
    s3_endpoint: str,
    make_bucket: Callable[[], str],
    s3_client,  # type: ignore[no-untyped-def]
) -> None:
    source = make_bucket()
    s3_client.put_object(
        Bucket=source, Key="a.pdf", Body=(CORPUS / "invoices" / "invoice_en_gbp.pdf").read_bytes()
    )
    result = cli(
        "convert", f"s3://{source}/a.pdf", "-o", "s3://no-such-bucket-e2e/run",
        "--s3-endpoint", s3_endpoint, "--runner", "local", "--engine", "textlayer",
    )  # fmt: skip
    assert result.exit_code == 3, result.output
    text = " ".join(result.output.split())
    assert "cannot start" in text and "[write_failed]" in text and "no-such-bucket-e2e" in text
