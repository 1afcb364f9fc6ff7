"""Transient failures are retried without spending a page attempt; permanent ones are not."""

from __future__ import annotations

import time

import pytest

from docparse.engines.openai import OpenAIEngine
from schemas.engine import FinishReason, ModelSpec
from schemas.errors import ErrorCode
from tests.standin.faults import Fault, FaultPlan
from tests.standin.replies import sha256_hex
from tests.standin.server import StandinServer


def _assert_ok_after(reply, standin, http_requests: int, attempt: int) -> None:
    assert reply.error is None
    assert reply.finish_reason is FinishReason.STOP
    assert reply.attempt == attempt  # transport retries never spend a page attempt
    assert reply.transport_retries == http_requests - 1
    assert len(standin.calls) == http_requests


def test_429_waits_for_retry_after_then_succeeds(make_options, make_requests):
    with StandinServer(faults=FaultPlan(retry_after_s=0.2)) as standin:
        standin.faults.script(Fault.HTTP_429)
        with OpenAIEngine(make_options(standin.url)) as engine:
            [reply] = engine.infer(make_requests(1, attempt=3))
    _assert_ok_after(reply, standin, http_requests=2, attempt=3)
    first, second = standin.calls
    # Back-off alone would wait ~10 ms; the server asked for 200 ms.
    assert second.received_at - first.received_at >= 0.19


def test_a_request_in_back_off_does_not_hold_up_the_others(make_options, make_requests):
    requests = make_requests(4)
    slow = sha256_hex(requests[0].page.image.data)
    with StandinServer(faults=FaultPlan(retry_after_s=0.5)) as standin:
        standin.faults.script(Fault.HTTP_429, key=slow)
        with OpenAIEngine(make_options(standin.url, max_in_flight_per_endpoint=1)) as engine:
            replies = engine.infer(requests)
    assert all(r.error is None for r in replies)
    _, retried = [c for c in standin.calls if c.image_sha256 == slow]
    others = [c for c in standin.calls if c.image_sha256 != slow]
    assert len(others) == 3
    assert all(c.received_at < retried.received_at for c in others)  # served while it waited


def test_retry_after_beyond_the_budget_gives_up_at_once(make_options, make_requests):
    with StandinServer(faults=FaultPlan(retry_after_s=60)) as standin:
        standin.faults.script(Fault.HTTP_429)
        with OpenAIEngine(make_options(standin.url, backoff_total_s=1.0)) as engine:
            started = time.monotonic()
            [reply] = engine.infer(make_requests(1))
            assert time.monotonic() - started < 30  # did not sleep the 60 s asked for
    assert reply.finish_reason is FinishReason.ERROR
    assert reply.error.code is ErrorCode.ENGINE_UNAVAILABLE
    assert "HTTP 429" in reply.error.message
    assert len(standin.calls) == 1


def test_500s_then_success(standin, engine, make_requests):
    standin.faults.script(Fault.HTTP_500, Fault.HTTP_500)
    [reply] = engine.infer(make_requests(1, attempt=2))
    _assert_ok_after(reply, standin, http_requests=3, attempt=2)


def test_dropped_connection_then_success(standin, engine, make_requests):
    standin.faults.script(Fault.DROP)
    [reply] = engine.infer(make_requests(1))
    _assert_ok_after(reply, standin, http_requests=2, attempt=1)


def test_timeout_then_success(make_options, make_requests):
    with StandinServer(faults=FaultPlan(hang_s=10)) as standin:
        standin.faults.script(Fault.HANG)
        with OpenAIEngine(make_options(standin.url, timeout_s=0.2)) as engine:
            [reply] = engine.infer(make_requests(1))
    _assert_ok_after(reply, standin, http_requests=2, attempt=1)


def test_timeouts_beyond_the_cap_give_engine_timeout(make_options, make_requests):
    with StandinServer(faults=FaultPlan(hang_s=10)) as standin:
        standin.faults.script(Fault.HANG, Fault.HANG)
        with OpenAIEngine(make_options(standin.url, timeout_s=0.2, max_retries=1)) as engine:
            [reply] = engine.infer(make_requests(1, attempt=2))
    assert reply.finish_reason is FinishReason.ERROR
    assert reply.attempt == 2
    assert reply.error.code is ErrorCode.ENGINE_TIMEOUT
    assert standin.url in reply.error.message and "doc0/p1" in reply.error.message
    assert (reply.error.file, reply.error.page) == ("inputs/doc0.png", 1)
    assert len(standin.calls) == 2


def test_cap_exceeded_marks_endpoint_down_and_later_requests_fail_fast(
    standin, make_options, make_requests
):
    standin.faults.script(Fault.HTTP_500, Fault.HTTP_500, Fault.HTTP_500)
    with OpenAIEngine(make_options(standin.url, max_retries=2)) as engine:
        [reply] = engine.infer(make_requests(1))
        assert reply.error.code is ErrorCode.ENGINE_UNAVAILABLE
        assert standin.url in reply.error.message and "doc0/p1" in reply.error.message
        assert "after 2 retries" in reply.error.message and "HTTP 500" in reply.error.message
        assert reply.transport_retries == 2
        assert len(standin.calls) == 3
        assert not engine.endpoints[0].is_up(time.monotonic())

        later = engine.infer(make_requests(3))  # the server would answer now, but it is down
    assert len(standin.calls) == 3
    assert [r.error.code for r in later] == [ErrorCode.ENGINE_UNAVAILABLE] * 3
    assert all("all endpoints down" in r.error.message for r in later)
    assert [f"doc{i}/p1" in r.error.message for i, r in enumerate(later)] == [True] * 3


def test_down_endpoint_is_tried_again_after_the_reset(standin, make_options, make_requests):
    standin.faults.script(Fault.HTTP_500)
    options = make_options(standin.url, max_retries=0, circuit_reset_s=0.1)
    with OpenAIEngine(options) as engine:
        [down] = engine.infer(make_requests(1))
        time.sleep(0.15)
        [back] = engine.infer(make_requests(1))
    assert down.error.code is ErrorCode.ENGINE_UNAVAILABLE
    assert back.error is None


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        (ModelSpec(max_tokens=20_000), "maximum context length"),  # 400 from the server
        (ModelSpec(model="not/served"), "does not exist"),  # 404 from the server
    ],
)
def test_4xx_is_an_engine_error_without_retry(standin, engine, make_requests, spec, expected):
    [reply] = engine.infer(make_requests(1, spec=spec))
    assert reply.finish_reason is FinishReason.ERROR
    assert reply.error.code is ErrorCode.ENGINE_ERROR
    assert expected in reply.error.message and standin.url in reply.error.message
    assert reply.transport_retries == 0
    assert len(standin.calls) == 1
    assert engine.endpoints[0].is_up(time.monotonic())  # a bad request says nothing about health


def test_malformed_response_is_an_engine_error(standin, engine, make_requests):
    standin.faults.script(Fault.MALFORMED)
    [reply] = engine.infer(make_requests(1))
    assert reply.error.code is ErrorCode.ENGINE_ERROR
    assert "malformed response" in reply.error.message and "502 Bad Gateway" in reply.error.message
    assert len(standin.calls) == 1
