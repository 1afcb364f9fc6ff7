"""``docparse convert`` refuses to start: exit 3 when the run cannot start (engine unreachable,
input missing, output unwritable), exit 2 for bad arguments. Nothing is converted either way."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.support import cli, copy_documents, free_port
from tests.standin.server import StandinServer

DOCS = {"invoice.pdf": "invoices/invoice_en_gbp.pdf"}


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    copy_documents(tmp_path / "in", DOCS)
    return tmp_path / "in"


def _one_line(output: str) -> str:
    return " ".join(output.split())


def test_unreachable_endpoint_exits_3_and_writes_nothing(inputs: Path, tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    out = tmp_path / "out"
    result = cli("convert", inputs, "-o", out, "--runner", "local", "--endpoint", url)
    assert result.exit_code == 3, result.output
    text = _one_line(result.output)
    assert "cannot start" in text and "[engine_unavailable]" in text and url in text
    assert not out.exists()


def test_missing_input_exits_3(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-folder"
    result = cli("convert", missing, "-o", tmp_path / "out", "--engine", "textlayer")
    assert result.exit_code == 3, result.output
    text = _one_line(result.output)
    assert "[file_not_found]" in text and str(missing) in text
    assert not (tmp_path / "out").exists()


def test_output_that_is_a_file_exits_3(inputs: Path, tmp_path: Path) -> None:
    """The output path is an existing file: no document can be written, so the run must not
    start (it used to convert every page and then fail each document with write_failed)."""
    out = tmp_path / "results.txt"
    out.write_text("not a folder\n")
    with StandinServer() as server:
        result = cli(
            "convert", inputs, "-o", out, "--runner", "local",
            "--engine", "openai", "--endpoint", server.url,
        )  # fmt: skip
        calls = len(server.calls)
    assert result.exit_code == 3, result.output
    text = _one_line(result.output)
    assert "cannot start" in text and "[write_failed]" in text and str(out) in text
    assert calls == 0, "no page was sent to the model"
    assert out.read_text() == "not a folder\n"


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--pages", "3-1"], "bad page spec '3-1'"),
        (["--runner", "bogus"], "runner.kind"),
        (["--concurrency", "0"], "--concurrency"),
        (["--config", "no-such-config.toml"], "no-such-config.toml"),
    ],
)
def test_bad_flags_exit_2(inputs: Path, tmp_path: Path, flags: list[str], message: str) -> None:
    result = cli("convert", inputs, "-o", tmp_path / "out", "--engine", "textlayer", *flags)
    assert result.exit_code == 2, result.output
    assert message in _one_line(result.output)
    assert not (tmp_path / "out").exists()
