"""``docparse engine check`` against the stand-in model server (a test double for `vllm serve`)."""

from __future__ import annotations

import json
import socket

from typer.testing import CliRunner

from docparse.cli import app
from schemas.engine import DEFAULT_MODEL
from tests.standin.faults import Fault
from tests.standin.server import StandinServer

runner = CliRunner()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_healthy_endpoint() -> None:
    with StandinServer() as server:
        result = runner.invoke(app, ["engine", "check", "--endpoint", server.url])
        assert result.exit_code == 0, result.output
        assert "ok" in result.output and "QwenVL HTML" in result.output
        assert len(server.calls) == 1, "exactly one probe page sent"


def test_unreachable_endpoint_is_explained() -> None:
    url = f"http://127.0.0.1:{_free_port()}"
    result = runner.invoke(
        app, ["engine", "check", "--endpoint", url, "--timeout", "2"]
    )
    assert result.exit_code == 3
    out = " ".join(result.output.split())
    assert "unreachable" in out and url in out and "vllm serve" in out


def test_endpoint_serving_another_model() -> None:
    with StandinServer(served_models=("Qwen/Qwen2.5-VL-72B-Instruct",)) as server:
        result = runner.invoke(app, ["engine", "check", "--endpoint", server.url])
        assert result.exit_code == 3
        out = " ".join(result.output.split())
        assert "wrong_model" in out and DEFAULT_MODEL in out
        assert "Qwen/Qwen2.5-VL-72B-Instruct" in out
        assert not server.calls, "no page is sent to a server without the model"


def test_endpoint_answering_plain_html_json_report() -> None:
    with StandinServer() as server:
        server.faults.script(Fault.PLAIN_HTML)
        result = runner.invoke(
            app, ["engine", "check", "--endpoint", server.url, "--json"]
        )
        assert result.exit_code == 3
        [health] = json.loads(result.output)
        assert health["status"] == "not_qwenvl_html"
        assert health["verdict"] == "invalid" and "<" in health["reply_excerpt"]


def test_several_endpoints_one_down() -> None:
    with StandinServer() as server:
        down = f"http://127.0.0.1:{_free_port()}"
        result = runner.invoke(
            app,
            [
                "engine",
                "check",
                "--endpoint",
                server.url,
                "--endpoint",
                down,
                "--timeout",
                "2",
            ],
        )
        assert result.exit_code == 3
        assert result.output.count("ok") >= 1 and "unreachable" in result.output
