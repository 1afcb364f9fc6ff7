"""A run killed with SIGKILL at the worst moments leaves nothing that the next run misreads."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from docparse.sinks import Manifest, ResumePlan, ResumeReason
from docparse.storage import LocalStorage, is_temp_name

REPO = Path(__file__).resolve().parents[2]

#: Writes and records document a, then writes document b and is killed (``mode``): just before
#: b's document.json is renamed into place, or halfway through appending b's manifest line.
_RUN = textwrap.dedent(
    """
    import os, signal, sys
    from docparse.sinks import DocumentWriter, Manifest
    from docparse.storage import LocalStorage
    from schemas.manifest import ManifestEntry
    from tests.io.builders import report_document

    root, mode = sys.argv[1], sys.argv[2]
    storage = LocalStorage(root)
    manifest, writer = Manifest.open(storage), DocumentWriter(storage)
    a, raw_a = report_document("a.pdf@111111111111", content_hash="11" * 32)
    writer.write("a.pdf", a, raw_replies=raw_a)
    manifest.record(ManifestEntry.from_result(a, output="a.pdf"))
    b, raw_b = report_document("b.pdf@222222222222", content_hash="22" * 32)
    if mode == "rename":
        real_replace = os.replace
        def replace(src, dst):
            if str(dst).endswith("document.json"):
                os.kill(os.getpid(), signal.SIGKILL)
            real_replace(src, dst)
        os.replace = replace
        writer.write("b.pdf", b, raw_replies=raw_b)
    else:
        writer.write("b.pdf", b, raw_replies=raw_b)
        real_write = os.write
        def write(fd, data):
            real_write(fd, bytes(data)[: len(data) // 2])
            os.kill(os.getpid(), signal.SIGKILL)
        os.write = write
        manifest.record(ManifestEntry.from_result(b, output="b.pdf"))
    raise SystemExit("not killed")
    """
)


def _killed_run(root: Path, mode: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", _RUN, str(root), mode],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == -signal.SIGKILL, done.stderr


@pytest.mark.parametrize("mode", ["rename", "append"])
def test_the_next_run_after_a_kill_redoes_exactly_the_unfinished_document(
    tmp_path: Path, mode: str
) -> None:
    _killed_run(tmp_path, mode)
    temps = [p for p in tmp_path.rglob("*") if is_temp_name(p.name)]
    manifest_text = (tmp_path / "manifest.jsonl").read_text()
    if mode == "rename":
        assert [p.name.startswith(".document.json.") for p in temps] == [True]
        assert not (tmp_path / "b.pdf" / "document.json").exists()
        assert manifest_text.count("\n") == 1 and manifest_text.endswith("\n")
    else:
        assert temps == []
        assert (tmp_path / "b.pdf" / "document.json").exists()
        assert manifest_text.count("\n") == 1 and not manifest_text.endswith("\n")  # cut line

    storage = LocalStorage(tmp_path)
    manifest = Manifest.open(storage)
    assert not [p for p in tmp_path.rglob("*") if is_temp_name(p.name)]
    assert list(manifest) == ["a.pdf"]
    plan = ResumePlan.from_manifest(manifest)
    assert plan.decide("a.pdf", "11" * 32).reason is ResumeReason.DONE
    assert plan.decide("b.pdf", "22" * 32).reason is ResumeReason.NEW
    assert (tmp_path / "manifest.jsonl").read_text().count("\n") == 1
    assert (tmp_path / "manifest.jsonl").read_text().endswith("\n")
