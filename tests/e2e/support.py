"""Helpers of the end-to-end ``docparse convert`` / ``docparse status`` tests.

Inputs are copies of fixture-corpus documents plus deliberately broken files; the model is the
stand-in server (a TEST DOUBLE FOR A GPU MODEL SERVER) answering each page image with the reply
derived from that page's ground truth (:mod:`tests.standin.gt_replies`), so what a test expects
in ``raw/NNNN.html`` is known byte for byte.
"""

from __future__ import annotations

import json
import re
import shutil
import socket
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pymupdf
from click.testing import Result
from typer.testing import CliRunner

from docparse.cli import app
from docparse.storage import is_temp_name
from schemas.errors import ErrorCode
from tests.standin.gt_replies import replies_for_document

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "fixtures" / "corpus"

#: Good inputs of the mixed run: file name in the input folder -> document in the corpus.
MIXED_GOOD = {
    "invoice_en_gbp.pdf": "invoices/invoice_en_gbp.pdf",
    "inventory_multipage.pdf": "tables/inventory_multipage.pdf",
    "rechnung_de_eur_scan.jpg": "scans/rechnung_de_eur_scan.jpg",
    "parking_permit_application_scan.png": "scans/parking_permit_application_scan.png",
    "inventory_multipage_scan.tif": "scans/inventory_multipage_scan.tif",
}
#: The broken inputs written by :func:`write_broken_files` and the code each must fail with.
BROKEN = {
    "empty.pdf": ErrorCode.EMPTY_FILE,
    "truncated.pdf": ErrorCode.CORRUPT_PDF,
    "notes.pdf": ErrorCode.UNSUPPORTED_FORMAT,
    "corrupt.png": ErrorCode.CORRUPT_IMAGE,
    "encrypted.pdf": ErrorCode.ENCRYPTED_PDF,
}

#: Wide enough that rich never wraps a summary line (paths under tmp_path are long).
_CLI_ENV = {"COLUMNS": "2000", "NO_COLOR": "1"}
_runner = CliRunner()


# --- inputs ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Replies:
    """Ground-truth-derived replies: per corpus document its pages' ``(png sha256, reply)``."""

    pages: Mapping[str, tuple[tuple[str, str], ...]]

    @property
    def by_sha(self) -> dict[str, str]:
        return {sha: reply for pages in self.pages.values() for sha, reply in pages}

    def shas(self, *documents: str) -> set[str]:
        """Page-image hashes of corpus documents (``"scans/x.tif"``)."""
        return {sha for doc in documents for sha, _ in self.pages[doc]}


def corpus_documents() -> list[str]:
    """Every document of the fixture corpus (relative paths), in manifest order."""
    manifest = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
    return [doc["path"] for doc in manifest["documents"]]


def load_replies() -> Replies:
    """Replies for every corpus document, pages rendered exactly as ``convert`` renders them."""
    pages = {}
    for rel in corpus_documents():
        path = CORPUS / rel
        pages[rel] = tuple(replies_for_document(path, path.with_suffix(".gt")).items())
    return Replies(pages)


def copy_documents(folder: Path, documents: Mapping[str, str]) -> None:
    """Copy corpus documents into ``folder`` under the given names (sub-folders allowed)."""
    for name, rel in documents.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(CORPUS / rel, folder / name)


def write_broken_files(folder: Path) -> dict[str, ErrorCode]:
    """The files of :data:`BROKEN` in ``folder``; returns name -> expected code."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "empty.pdf").write_bytes(b"")
    article = (CORPUS / "report" / "two_column_article.pdf").read_bytes()
    (folder / "truncated.pdf").write_bytes(article[:5000])  # header kept, xref and pages gone
    (folder / "notes.pdf").write_text("meeting notes, not a PDF at all\n", encoding="utf-8")
    scan = (CORPUS / "scans" / "parking_permit_application_scan.png").read_bytes()
    (folder / "corrupt.png").write_bytes(scan[:300])  # a valid header, image data cut off
    secret = pymupdf.open()
    secret.new_page().insert_text((72, 72), "confidential")
    secret.save(
        folder / "encrypted.pdf",
        encryption=pymupdf.PDF_ENCRYPT_AES_256,
        user_pw="user-secret",
        owner_pw="owner-secret",
    )
    secret.close()
    return dict(BROKEN)


def free_port() -> int:
    """A TCP port on 127.0.0.1 nothing listens on (bound once, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- running the CLI ---------------------------------------------------------------------------


def cli(*args: str | Path) -> Result:
    """``docparse ARGS`` in-process (typer's CliRunner); stdout and stderr in ``.output``."""
    return _runner.invoke(app, [str(a) for a in args], env=_CLI_ENV)


def subprocess_env(base: Mapping[str, str]) -> dict[str, str]:
    """The environment for a ``python -m docparse`` subprocess: no line wrapping."""
    return {**base, **_CLI_ENV}


def summary_counts(output: str) -> dict[str, int]:
    """Document counts by status from the table ``convert`` and ``status`` print."""
    rows = re.findall(r"^\W*(ok|partial|failed|skipped)\W+(\d+)\W*$", output, re.MULTILINE)
    return {status: int(count) for status, count in rows}


def failed_lines(output: str) -> dict[str, str]:
    """``source -> code`` of the ``failed SOURCE: [code] ...`` lines of the exit summary."""
    return dict(re.findall(r"^failed (.+?): \[([a-z_]+)\]", output, re.MULTILINE))


# --- reading outputs ---------------------------------------------------------------------------


def manifest_lines(out: Path) -> list[dict]:
    """The lines of ``out/manifest.jsonl``, parsed (each must be a complete JSON line)."""
    text = (out / "manifest.jsonl").read_text(encoding="utf-8")
    assert text.endswith("\n"), "the manifest ends with a complete line"
    return [json.loads(line) for line in text.splitlines()]


def by_output(lines: Iterable[dict]) -> dict[str, dict]:
    """Manifest lines keyed by output folder; fails on a folder listed twice."""
    keyed: dict[str, dict] = {}
    for line in lines:
        assert line["output"] not in keyed, f"{line['output']} is in the manifest twice"
        keyed[line["output"]] = line
    return keyed


def error_codes(line: dict) -> set[str]:
    return {error["code"] for error in line["errors"]}


def assert_converted(
    folder: Path, pages: Sequence[tuple[str, str]], *, sent: Iterable[str] | None = None
) -> dict:
    """``folder`` holds a complete ok conversion of a document whose pages the stand-in answered
    with ``pages`` (``(sha256, reply)`` in page order): document.html with one section per page,
    document.json, pages/NNNN.html and raw/NNNN.html byte-identical to the reply sent.
    ``sent`` (the stand-in's log of page-image hashes) must include every page. Returns the
    parsed document.json."""
    document = json.loads((folder / "document.json").read_text(encoding="utf-8"))
    assert document["status"] == "ok", document
    assert [p["page_number"] for p in document["pages"]] == list(range(1, len(pages) + 1))
    assert all(p["status"] == "ok" and p["source"] == "model" for p in document["pages"])
    merged = (folder / "document.html").read_text(encoding="utf-8")
    sent_set = set(sent) if sent is not None else None
    for number, (sha, reply) in enumerate(pages, start=1):
        name = f"{number:04d}.html"
        assert (folder / "raw" / name).read_bytes() == reply.encode("utf-8"), (folder, name)
        page_html = (folder / "pages" / name).read_text(encoding="utf-8")
        assert "data-bbox" in page_html, (folder, name)
        assert f'data-page="{number}"' in merged, (folder, number)
        if sent_set is not None:
            assert sha in sent_set, f"{folder.name} page {number} never reached the stand-in"
    expected = {f"{n:04d}.html" for n in range(1, len(pages) + 1)}
    assert {p.name for p in (folder / "pages").iterdir()} == expected
    assert {p.name for p in (folder / "raw").iterdir()} == expected
    return document


def file_states(root: Path) -> dict[str, tuple[int, int]]:
    """``relative path -> (mtime_ns, size)`` of every file under ``root``."""
    return {
        p.relative_to(root).as_posix(): (p.stat().st_mtime_ns, p.stat().st_size)
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def temp_files(root: Path) -> list[Path]:
    """Temporary files of interrupted atomic writes (``.<name>.<random>.docparse.tmp``)."""
    return [p for p in root.rglob("*") if is_temp_name(p.name)]


# --- the mixed run: good documents and broken files, on either runner ------------------------


@dataclass(frozen=True)
class MixedRun:
    """A ``convert`` of a folder of :data:`MIXED_GOOD` and :data:`BROKEN` files."""

    inputs: Path
    out: Path
    result: Result
    sent: tuple[str, ...]  # page-image hashes of the chat requests the stand-in received


def convert_mixed(tmp: Path, replies: Replies, runner: str) -> MixedRun:
    """Build the mixed input folder under ``tmp`` and convert it on ``runner`` (local, ray)."""
    from tests.standin.replies import RecordedReplies
    from tests.standin.server import StandinServer

    inputs, out = tmp / "in", tmp / "out"
    copy_documents(inputs, MIXED_GOOD)
    write_broken_files(inputs)
    with StandinServer(replies=RecordedReplies(replies.by_sha)) as server:
        result = cli(
            "convert", inputs, "-o", out, "--runner", runner,
            "--engine", "openai", "--endpoint", server.url,
        )  # fmt: skip
        sent = tuple(call.image_sha256 for call in server.calls)
    return MixedRun(inputs=inputs, out=out, result=result, sent=sent)


def check_mixed_run(run: MixedRun, replies: Replies) -> None:
    """Every good document converted (outputs complete, raw replies as sent), every broken one
    recorded failed with its code in the manifest and the exit summary; exit code 1."""
    assert run.result.exit_code == 1, run.result.output
    lines = by_output(manifest_lines(run.out))
    assert set(lines) == set(MIXED_GOOD) | set(BROKEN)
    for name, rel in MIXED_GOOD.items():
        assert lines[name]["status"] == "ok", lines[name]
        assert lines[name]["pages"] == lines[name]["page_count"] == len(replies.pages[rel])
        assert lines[name]["errors"] == []
        document = assert_converted(run.out / name, replies.pages[rel], sent=run.sent)
        assert document["content_hash"] == lines[name]["content_hash"]
    for name, code in BROKEN.items():
        assert lines[name]["status"] == "failed", lines[name]
        assert error_codes(lines[name]) == {code.value}, (name, lines[name]["errors"])
        assert lines[name]["source"] == str(run.inputs / name)
        assert not (run.out / name / "raw").exists(), "no page of a broken file reached the model"
    # Nothing but the good documents' pages went to the model, each page exactly once.
    assert sorted(run.sent) == sorted(replies.shas(*MIXED_GOOD.values()))
    output = run.result.output
    assert summary_counts(output) == {
        "ok": len(MIXED_GOOD), "partial": 0, "failed": len(BROKEN), "skipped": 0,
    }  # fmt: skip
    assert failed_lines(output) == {str(run.inputs / n): c.value for n, c in BROKEN.items()}
    assert temp_files(run.out) == []
