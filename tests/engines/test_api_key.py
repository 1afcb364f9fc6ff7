"""The API key travels as a Bearer header and nowhere else: not in logs, reprs or errors."""

from __future__ import annotations

import json
import logging

import pytest

from docparse.engines.health import check_endpoint
from docparse.engines.openai import OpenAIEngine
from schemas.errors import ErrorCode
from tests.standin.faults import Fault, FaultPlan
from tests.standin.http11 import HttpRequest, HttpResponse
from tests.standin.server import StandinServer

KEY_ENV = "DOCPARSE_TEST_API_KEY"
SECRET = "sk-test-5ecret-c0ffee-0123456789"


@pytest.fixture
def secret_env(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv(KEY_ENV, SECRET)
    return KEY_ENV


def test_key_is_sent_as_bearer_header(secret_env, make_options, make_requests):
    with StandinServer(api_key=SECRET) as standin:
        with OpenAIEngine(make_options(standin.url, api_key_env=secret_env)) as engine:
            [reply] = engine.infer(make_requests(1))
    assert reply.error is None
    assert standin.calls[0].authorization == f"Bearer {SECRET}"


def test_key_never_reaches_logs_reprs_or_error_records(
    secret_env, make_options, make_requests, caplog
):
    caplog.set_level(logging.DEBUG)  # HTTP client libraries log exchanges at DEBUG
    texts: list[str] = []
    with StandinServer(api_key=SECRET, faults=FaultPlan(retry_after_s=0.01)) as standin:
        standin.faults.script(Fault.HTTP_429, Fault.HTTP_500, Fault.DROP, Fault.MALFORMED)
        options = make_options(standin.url, api_key_env=secret_env, max_retries=3)
        with OpenAIEngine(options) as engine:
            replies = engine.infer(make_requests(2))
            texts += [repr(engine), str(engine), repr(options), options.model_dump_json()]
        with StandinServer(api_key="a-different-key") as wrong:  # 401: the key is refused
            with OpenAIEngine(make_options(wrong.url, api_key_env=secret_env)) as engine:
                refused = engine.infer(make_requests(1))
        health = check_endpoint(standin.url, options=options)
    assert refused[0].error.code is ErrorCode.ENGINE_ERROR
    assert health.ok
    texts += [r.model_dump_json() for r in replies + refused] + [health.model_dump_json()]
    texts.append(caplog.text)
    assert "retry 1 of doc" in caplog.text  # the retries were logged ...
    assert all(SECRET not in text for text in texts)  # ... without the key


def test_a_server_echoing_the_key_is_scrubbed(secret_env, make_options, make_requests, serve):
    async def handler(request: HttpRequest) -> HttpResponse:
        echoed = request.headers["authorization"].removeprefix("Bearer ")
        body = {"error": {"message": f"Incorrect API key: {echoed}"}}
        return HttpResponse(401, json.dumps(body).encode())

    with serve(handler) as url:
        with OpenAIEngine(make_options(url, api_key_env=secret_env)) as engine:
            [reply] = engine.infer(make_requests(1))
    assert reply.error.code is ErrorCode.ENGINE_ERROR
    assert "Incorrect API key: ***" in reply.error.message
    assert SECRET not in reply.model_dump_json()


def test_no_key_no_header(standin, engine, make_requests):
    engine.infer(make_requests(1))
    assert standin.calls[0].authorization is None
