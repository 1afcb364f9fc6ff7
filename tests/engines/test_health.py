"""check_endpoint: ok, unreachable, wrong model, not QwenVL HTML, error."""

from __future__ import annotations

import socket

from docparse.engines.health import HealthStatus, check_endpoint
from schemas.engine import FinishReason, ModelSpec
from schemas.validation import Verdict
from tests.standin.faults import PLAIN_HTML_REPLY, Fault, FaultPlan
from tests.standin.replies import RecordedReplies
from tests.standin.server import StandinServer


def test_ok(standin, options):
    health = check_endpoint(standin.url + "/v1", options=options)
    assert health.status is HealthStatus.OK and health.ok
    assert health.verdict is Verdict.VALID
    assert health.endpoint == standin.url
    assert health.served_models == ["Qwen/Qwen2.5-VL-7B-Instruct"]
    assert health.finish_reason is FinishReason.STOP
    assert health.latency_s is not None and health.latency_s > 0
    assert "data-bbox" in health.reply_excerpt
    [call] = standin.calls  # exactly one small page was sent
    assert call.prompt_text == "QwenVL HTML" and call.max_tokens <= 512


def test_unreachable(make_options):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    health = check_endpoint(url, options=make_options(url))
    assert health.status is HealthStatus.UNREACHABLE
    assert url in health.message and "ClientConnectorError" in health.message


def test_wrong_model_lists_what_is_served(make_options):
    with StandinServer(served_models=("Qwen/Qwen2.5-VL-3B-Instruct", "other")) as standin:
        health = check_endpoint(standin.url, ModelSpec(), make_options(standin.url))
        assert standin.calls == []  # no page is sent to a server that lacks the model
    assert health.status is HealthStatus.WRONG_MODEL
    assert health.served_models == ["Qwen/Qwen2.5-VL-3B-Instruct", "other"]
    assert "Qwen/Qwen2.5-VL-3B-Instruct, other" in health.message


def test_plain_html_is_not_qwenvl_html(make_options):
    with StandinServer(replies=RecordedReplies(fallback=PLAIN_HTML_REPLY)) as standin:
        health = check_endpoint(standin.url, options=make_options(standin.url))
    assert health.status is HealthStatus.NOT_QWENVL_HTML
    assert "plain_html" in health.message
    assert "<style>" in health.reply_excerpt


def test_a_failing_probe_is_an_error_with_the_code(make_options):
    with StandinServer(faults=FaultPlan({Fault.HTTP_500: 1.0})) as standin:
        health = check_endpoint(standin.url, options=make_options(standin.url))
    assert health.status is HealthStatus.ERROR
    assert "engine_unavailable" in health.message and "HTTP 500" in health.message


def test_missing_key_is_an_error(make_options):
    with StandinServer(api_key="needed") as standin:
        health = check_endpoint(standin.url, options=make_options(standin.url))
    assert health.status is HealthStatus.ERROR
    assert "HTTP 401" in health.message


def test_boxes_outside_the_probe_page_are_caught(make_options):
    # A server that resizes the image differently answers in another frame (FORMAT.md).
    far = '<html><body><p data-bbox="10 10 4000 4000">Health check</p></body></html>'
    with StandinServer(replies=RecordedReplies(fallback=far)) as standin:
        health = check_endpoint(standin.url, options=make_options(standin.url))
    assert health.status is HealthStatus.NOT_QWENVL_HTML
    assert health.verdict is Verdict.INVALID
    assert "bbox_out_of_frame" in health.message


def test_prose_is_not_qwenvl_html(make_options):
    with StandinServer(replies=RecordedReplies(fallback="Sure! The image says: Health check")) as s:
        health = check_endpoint(s.url, options=make_options(s.url))
    assert health.status is HealthStatus.NOT_QWENVL_HTML
    assert "not_qwenvl_html" in health.message


def test_a_truncated_but_repairable_reply_is_ok(make_options):
    with StandinServer() as standin:
        standin.faults.script(Fault.TRUNCATE)
        health = check_endpoint(standin.url, options=make_options(standin.url))
    assert health.status is HealthStatus.OK
    assert health.finish_reason is FinishReason.LENGTH
    assert health.verdict is Verdict.REPAIRED
