"""``docparse convert --config run.toml``: the file's options apply; flags override them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.e2e.support import Replies, by_output, cli, copy_documents, free_port, manifest_lines
from tests.standin.faults import Fault
from tests.standin.replies import RecordedReplies
from tests.standin.server import StandinServer

DOCS = {"inventory.pdf": "tables/inventory_multipage.pdf"}  # 3 pages, born digital


@pytest.fixture
def config(tmp_path: Path) -> Path:
    """textlayer engine, local runner, pages 2-3; a model ladder of two temperatures and no
    text-layer fallback (what the flags cannot say); an endpoint where nothing listens."""
    path = tmp_path / "run.toml"
    path.write_text(
        f"""
[engine]
name = "textlayer"
endpoints = ["http://127.0.0.1:{free_port()}"]

[runner]
kind = "local"

[render.pages]
spec = "2-3"

[model]
temperature_ladder = [0.0, 0.5]

[attempts]
fallback_to_textlayer = false
""",
        encoding="utf-8",
    )
    return path


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    copy_documents(tmp_path / "in", DOCS)
    return tmp_path / "in"


def test_options_from_the_file_apply(config: Path, inputs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = cli("convert", inputs, "-o", out, "--config", config)
    assert result.exit_code == 0, result.output  # textlayer: the endpoint is never contacted
    line = by_output(manifest_lines(out))["inventory.pdf"]
    assert (line["status"], line["page_count"], line["pages"]) == ("ok", 3, 2)
    assert sorted(p.name for p in (out / "inventory.pdf" / "pages").iterdir()) == [
        "0002.html",
        "0003.html",
    ]
    document = json.loads((out / "inventory.pdf" / "document.json").read_text(encoding="utf-8"))
    assert {p["source"] for p in document["pages"]} == {"textlayer"}


def test_flags_override_the_file(
    config: Path, inputs: Path, tmp_path: Path, replies: Replies
) -> None:
    """--engine, --endpoint and --pages win over the file; the file's ladder and no-fallback
    still apply: page 1 answered with plain HTML fails after exactly two attempts."""
    out = tmp_path / "out"
    [(page1, _), *_] = replies.pages["tables/inventory_multipage.pdf"]
    with StandinServer(replies=RecordedReplies(replies.by_sha)) as server:
        server.faults.script(Fault.PLAIN_HTML, Fault.PLAIN_HTML, key=page1)
        result = cli(
            "convert", inputs, "-o", out, "--config", config,
            "--engine", "openai", "--endpoint", server.url, "--pages", "1",
        )  # fmt: skip
        calls = list(server.calls)
    assert result.exit_code == 1, result.output
    assert [c.image_sha256 for c in calls] == [page1, page1]
    assert [c.temperature for c in calls] == [0.0, 0.5]
    line = by_output(manifest_lines(out))["inventory.pdf"]
    assert (line["status"], line["pages"], line["pages_failed"]) == ("failed", 1, 1)
    assert (line["attempts"], line["pages_fallback"]) == (2, 0)
    assert {e["code"] for e in line["errors"]} == {"plain_html"}


@pytest.mark.parametrize(
    ("text", "message"),
    [("[runner]\nkind = 'bogus'\n", "runner.kind"), ("[runner\n", "run.toml")],
)
def test_a_bad_config_file_exits_2(inputs: Path, tmp_path: Path, text: str, message: str) -> None:
    config = tmp_path / "run.toml"
    config.write_text(text, encoding="utf-8")
    result = cli("convert", inputs, "-o", tmp_path / "out", "--config", config)
    assert result.exit_code == 2, result.output
    assert message in " ".join(result.output.split())
