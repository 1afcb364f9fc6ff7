"""A ``docparse convert`` process killed with SIGKILL mid-run, then run again to completion:
every document ends up exactly once in the manifest with complete outputs, no temporary file
is left, and the documents finished before the kill are not sent to the model again."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.e2e.support import (
    ROOT,
    Replies,
    assert_converted,
    by_output,
    cli,
    copy_documents,
    corpus_documents,
    manifest_lines,
    subprocess_env,
    summary_counts,
    temp_files,
)
from tests.standin.process import StandinProcess
from tests.standin.replies import RecordedReplies
from tests.standin.server import StandinServer

#: One page at a time, one page per engine call: documents finish one after another.
SERIAL_CONFIG = """
[runner]
kind = "local"
batch_size = 1
engine_workers = 1

[engine]
max_in_flight = 1
"""
LATENCY_MS = 250  # 16 pages one at a time: about 4 s of model time


def _complete_lines(manifest: Path) -> list[str]:
    """Lines of a manifest being appended to: a line without its newline yet is left out."""
    try:
        text = manifest.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    return text.splitlines()[: text.count("\n")]


def _wait_for_lines(manifest: Path, process: subprocess.Popen[bytes], count: int) -> None:
    deadline = time.monotonic() + 60
    while len(_complete_lines(manifest)) < count:
        assert process.poll() is None, "the conversion ended before it could be killed"
        assert time.monotonic() < deadline, "no progress in the conversion"
        time.sleep(0.02)


def test_sigkill_mid_run_then_rerun(tmp_path: Path, replies: Replies) -> None:
    documents = {rel: rel for rel in corpus_documents()}  # 12 documents, 16 pages
    assert len(documents) >= 12
    inputs, out = tmp_path / "in", tmp_path / "out"
    copy_documents(inputs, documents)
    recorded = tmp_path / "replies"
    recorded.mkdir()
    for sha, reply in replies.by_sha.items():
        (recorded / f"{sha}.html").write_text(reply, encoding="utf-8")
    config = tmp_path / "serial.toml"
    config.write_text(SERIAL_CONFIG, encoding="utf-8")
    log = tmp_path / "killed-run.log"

    # 1. A conversion in its own process against a stand-in in another one, killed mid-run.
    with (
        StandinProcess(
            "--latency-ms", str(LATENCY_MS), "--slots", "1", "--replies", str(recorded)
        ) as model,
        log.open("wb") as sink,
    ):
        process = subprocess.Popen(
            [sys.executable, "-m", "docparse", "convert", str(inputs), "-o", str(out),
             "--config", str(config), "--engine", "openai", "--endpoint", model.url],
            cwd=ROOT, env=subprocess_env(os.environ), stdout=sink, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            _wait_for_lines(out / "manifest.jsonl", process, 2)
            # ``docparse status`` works on the output of a run still in progress.
            status = cli("status", out)
            assert status.exit_code == 0, status.output
            assert summary_counts(status.output)["ok"] >= 2
            os.kill(process.pid, signal.SIGKILL)
        finally:
            process.kill()  # no-op when already dead; never leave it running on a failure
            process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL, log.read_text()

    finished = by_output(json.loads(line) for line in _complete_lines(out / "manifest.jsonl"))
    assert 2 <= len(finished) < len(documents), "killed mid-run"
    for key in finished:  # a manifest line implies the document's outputs are complete
        assert (out / key / "document.json").is_file(), key

    # 2. Run again to completion (a stand-in in this process, to see what is asked of it).
    with StandinServer(replies=RecordedReplies(replies.by_sha)) as model:
        result = cli(
            "convert", inputs, "-o", out, "--config", config,
            "--engine", "openai", "--endpoint", model.url,
        )  # fmt: skip
        sent = [call.image_sha256 for call in model.calls]
    assert result.exit_code == 0, result.output
    counts = summary_counts(result.output)
    assert counts == {"ok": len(documents) - len(finished), "partial": 0, "failed": 0,
                      "skipped": len(finished)}  # fmt: skip

    lines = by_output(manifest_lines(out))  # exactly one line per document
    assert set(lines) == set(documents)
    assert temp_files(out) == []
    for key, rel in documents.items():
        assert lines[key]["status"] == "ok"
        assert_converted(out / key, replies.pages[rel])
    stray = [
        path
        for path in (p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
        if path != "manifest.jsonl" and not any(path.startswith(f"{k}/") for k in documents)
    ]
    assert stray == [], "every file belongs to a document's folder or is the manifest"

    # Documents finished before the kill were not redone; every other page was sent once.
    for key, line in finished.items():
        assert lines[key] == line, f"{key} was processed again"
    unfinished = [documents[key] for key in documents if key not in finished]
    assert not replies.shas(*finished) & set(sent)
    assert sorted(sent) == sorted(replies.shas(*unfinished))
