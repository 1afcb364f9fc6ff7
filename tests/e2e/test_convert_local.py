"""``docparse convert --runner local`` end to end: a folder of born-digital PDFs, scans, a
multi-page TIFF and broken files, through the stand-in model server; then ``docparse status``
on its output. Also a clean run in a real ``python -m docparse`` process (exit 0) and the
``textlayer`` engine, which needs no server at all."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.support import (
    BROKEN,
    MIXED_GOOD,
    ROOT,
    MixedRun,
    Replies,
    assert_converted,
    by_output,
    check_mixed_run,
    cli,
    convert_mixed,
    copy_documents,
    free_port,
    manifest_lines,
    subprocess_env,
    summary_counts,
)
from tests.standin.replies import RecordedReplies
from tests.standin.server import StandinServer


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory, replies: Replies) -> MixedRun:
    return convert_mixed(tmp_path_factory.mktemp("mixed-local"), replies, "local")


def test_good_documents_convert_and_broken_ones_are_recorded(
    mixed: MixedRun, replies: Replies
) -> None:
    check_mixed_run(mixed, replies)


def test_status_counts_match_the_manifest(mixed: MixedRun) -> None:
    lines = manifest_lines(mixed.out)
    result = cli("status", mixed.out)
    assert result.exit_code == 0, result.output
    counts = summary_counts(result.output)
    assert counts == {
        status: sum(line["status"] == status for line in lines)
        for status in ("ok", "partial", "failed")
    }
    assert counts == {"ok": len(MIXED_GOOD), "partial": 0, "failed": len(BROKEN)}
    pages = sum(line["pages"] for line in lines)
    tokens = sum(line["output_tokens"] for line in lines)
    assert f"{len(lines)} documents, {pages} pages (1 failed" in result.output  # corrupt.png
    assert f"{tokens} output tokens" in result.output and tokens > 0


def test_status_failed_lists_every_failed_document(mixed: MixedRun) -> None:
    result = cli("status", mixed.out, "--failed")
    assert result.exit_code == 0, result.output
    listed = dict(re.findall(r"^failed (.+?): \[([a-z_]+)\]", result.output, re.MULTILINE))
    assert listed == {str(mixed.inputs / name): code.value for name, code in BROKEN.items()}


def test_status_of_a_folder_without_a_manifest(tmp_path: Path) -> None:
    result = cli("status", tmp_path)
    assert result.exit_code == 1
    assert "no finished documents" in result.output


def test_clean_run_in_a_subprocess_exits_0(tmp_path: Path, replies: Replies) -> None:
    """A real ``python -m docparse convert`` process, every document ok: exit code 0."""
    documents = {
        "a/invoice.pdf": "invoices/rechnung_de_eur.pdf",
        "b/scan.jpg": "scans/two_column_article_scan.jpg",
    }
    copy_documents(tmp_path / "in", documents)
    out = tmp_path / "out"
    with StandinServer(replies=RecordedReplies(replies.by_sha)) as server:
        done = subprocess.run(
            [sys.executable, "-m", "docparse", "convert", str(tmp_path / "in"), "-o", str(out),
             "--runner", "local", "--engine", "openai", "--endpoint", server.url],
            cwd=ROOT, env=subprocess_env(os.environ), capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        sent = [call.image_sha256 for call in server.calls]
    assert done.returncode == 0, done.stdout + done.stderr
    assert summary_counts(done.stdout) == {"ok": 2, "partial": 0, "failed": 0, "skipped": 0}
    lines = by_output(manifest_lines(out))
    assert set(lines) == set(documents)
    for key, rel in documents.items():
        assert_converted(out / key, replies.pages[rel], sent=sent)
    assert sorted(sent) == sorted(replies.shas(*documents.values()))


def test_textlayer_engine_needs_no_server(tmp_path: Path) -> None:
    documents = {
        "invoice.pdf": "invoices/invoice_ch_chf.pdf",
        "inventory.pdf": "tables/inventory_multipage.pdf",
        "article.pdf": "report/two_column_article.pdf",
    }
    copy_documents(tmp_path / "in", documents)
    out = tmp_path / "out"
    nothing_listens = f"http://127.0.0.1:{free_port()}"
    result = cli(
        "convert", tmp_path / "in", "-o", out, "--runner", "local",
        "--engine", "textlayer", "--endpoint", nothing_listens,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    lines = by_output(manifest_lines(out))
    assert {key: line["status"] for key, line in lines.items()} == dict.fromkeys(documents, "ok")
    assert lines["inventory.pdf"]["pages"] == 3
    for key in documents:
        document = (out / key / "document.json").read_text(encoding="utf-8")
        assert '"source": "textlayer"' in document and '"source": "model"' not in document
        pages = sorted(p.name for p in (out / key / "pages").iterdir())
        assert pages == [f"{n:04d}.html" for n in range(1, lines[key]["pages"] + 1)]
        assert "data-bbox" in (out / key / "pages" / "0001.html").read_text(encoding="utf-8")
