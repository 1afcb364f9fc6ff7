"""Resume through the CLI: a rerun skips what the manifest records as done and rewrites nothing;
a changed input is the only one redone; ``--retry-failed`` redoes failed and partial documents
only; ``--force`` redoes everything. One manifest line per document throughout."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import Result

from schemas.engine import DEFAULT_TEMPERATURE_LADDER
from tests.e2e.support import (
    CORPUS,
    Replies,
    assert_converted,
    by_output,
    cli,
    copy_documents,
    file_states,
    manifest_lines,
    summary_counts,
)
from tests.standin.faults import Fault
from tests.standin.server import StandinServer

DOCS = {
    "invoice.pdf": "invoices/invoice_en_gbp.pdf",
    "tables/inventory.pdf": "tables/inventory_multipage.pdf",  # 3 pages, born digital
    "scans/invoice.jpg": "scans/rechnung_de_eur_scan.jpg",
    "scans/inventory.tif": "scans/inventory_multipage_scan.tif",  # 3 pages
}


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    copy_documents(tmp_path / "in", DOCS)
    return tmp_path / "in"


def _convert(inputs: Path, out: Path, server: StandinServer, *flags: str) -> Result:
    return cli(
        "convert", inputs, "-o", out, "--runner", "local",
        "--engine", "openai", "--endpoint", server.url, *flags,
    )  # fmt: skip


def _counts(result: Result) -> dict[str, int]:
    counts = summary_counts(result.output)
    return {status: n for status, n in counts.items() if n}


def _first_run(inputs: Path, out: Path, standin: StandinServer) -> None:
    result = _convert(inputs, out, standin)
    assert result.exit_code == 0, result.output
    assert _counts(result) == {"ok": len(DOCS)}
    standin.calls.clear()


def test_rerun_skips_everything_and_rewrites_nothing(
    inputs: Path, tmp_path: Path, standin: StandinServer
) -> None:
    out = tmp_path / "out"
    _first_run(inputs, out, standin)
    before = file_states(out)
    manifest = (out / "manifest.jsonl").read_bytes()

    result = _convert(inputs, out, standin)
    assert result.exit_code == 0, result.output
    assert _counts(result) == {"skipped": len(DOCS)}
    assert standin.calls == [], "no page of a finished document goes to the model again"
    assert file_states(out) == before, "no output file was rewritten"
    assert (out / "manifest.jsonl").read_bytes() == manifest


def test_a_changed_input_is_the_only_one_redone(
    inputs: Path, tmp_path: Path, standin: StandinServer, replies: Replies
) -> None:
    """The 3-page inventory is replaced by a 1-page invoice: only it is converted again, and
    its folder loses the pages the new content does not have."""
    out, changed = tmp_path / "out", "tables/inventory.pdf"
    _first_run(inputs, out, standin)
    before = file_states(out)
    old = by_output(manifest_lines(out))
    shutil.copyfile(CORPUS / "invoices" / "invoice_ch_chf.pdf", inputs / changed)

    result = _convert(inputs, out, standin)
    assert result.exit_code == 0, result.output
    assert _counts(result) == {"ok": 1, "skipped": len(DOCS) - 1}
    new_pages = replies.pages["invoices/invoice_ch_chf.pdf"]
    assert [c.image_sha256 for c in standin.calls] == [sha for sha, _ in new_pages]
    assert_converted(out / changed, new_pages)  # pages/ and raw/ hold page 1 only
    after = file_states(out)
    for path, state in before.items():
        if not path.startswith(f"{changed}/") and path != "manifest.jsonl":
            assert after[path] == state, f"{path} was rewritten"
    lines = by_output(manifest_lines(out))  # one line per document, the new one for the change
    assert set(lines) == set(DOCS)
    assert lines[changed]["content_hash"] != old[changed]["content_hash"]
    assert (lines[changed]["page_count"], old[changed]["page_count"]) == (1, 3)
    assert {k: v for k, v in lines.items() if k != changed} == {
        k: v for k, v in old.items() if k != changed
    }


def test_retry_failed_redoes_failed_and_partial_documents_only(
    inputs: Path, tmp_path: Path, standin: StandinServer, replies: Replies
) -> None:
    out = tmp_path / "out"
    (inputs / "notes.pdf").write_text("not a PDF\n", encoding="utf-8")  # fails every time
    inventory = replies.pages["tables/inventory_multipage.pdf"]
    ladder = len(DEFAULT_TEMPERATURE_LADDER)  # every model attempt of page 2: ordinary HTML
    standin.faults.script(*[Fault.PLAIN_HTML] * ladder, key=inventory[1][0])

    first = _convert(inputs, out, standin, "--no-fallback")
    assert first.exit_code == 1, first.output
    assert _counts(first) == {"ok": 3, "partial": 1, "failed": 1}
    line = by_output(manifest_lines(out))["tables/inventory.pdf"]
    assert (line["status"], line["pages_failed"], line["pages_fallback"]) == ("partial", 1, 0)
    assert [(e["code"], e["page"]) for e in line["errors"]] == [("plain_html", 2)]
    assert not (out / "tables" / "inventory.pdf" / "pages" / "0002.html").exists()
    assert sum(c.image_sha256 == inventory[1][0] for c in standin.calls) == ladder

    # Without --retry-failed the failed and partial documents stay as they are.
    standin.calls.clear()
    again = _convert(inputs, out, standin)
    assert again.exit_code == 0, again.output
    assert _counts(again) == {"skipped": 5}
    assert standin.calls == []

    # The stand-in is healthy now: --retry-failed redoes the partial and the failed document.
    before = file_states(out)
    retried = _convert(inputs, out, standin, "--retry-failed")
    assert retried.exit_code == 1, retried.output  # notes.pdf is still not a PDF
    assert _counts(retried) == {"ok": 1, "failed": 1, "skipped": 3}
    assert sorted(c.image_sha256 for c in standin.calls) == sorted(sha for sha, _ in inventory)
    assert_converted(out / "tables" / "inventory.pdf", inventory)
    lines = by_output(manifest_lines(out))
    assert {k: v["status"] for k, v in lines.items()} == {
        **dict.fromkeys(DOCS, "ok"),
        "notes.pdf": "failed",
    }
    after = file_states(out)
    for key in ("invoice.pdf", "scans/invoice.jpg", "scans/inventory.tif"):
        assert after[f"{key}/document.json"] == before[f"{key}/document.json"]
    assert after["notes.pdf/document.json"] != before["notes.pdf/document.json"]


def test_force_redoes_everything(
    inputs: Path, tmp_path: Path, standin: StandinServer, replies: Replies
) -> None:
    out = tmp_path / "out"
    _first_run(inputs, out, standin)
    before = file_states(out)

    result = _convert(inputs, out, standin, "--force")
    assert result.exit_code == 0, result.output
    assert _counts(result) == {"ok": len(DOCS)}
    assert sorted(c.image_sha256 for c in standin.calls) == sorted(replies.shas(*DOCS.values()))
    after = file_states(out)
    for key, rel in DOCS.items():
        assert after[f"{key}/document.json"] != before[f"{key}/document.json"]
        assert_converted(out / key, replies.pages[rel])
    assert set(by_output(manifest_lines(out))) == set(DOCS)
