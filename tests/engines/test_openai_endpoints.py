"""Several endpoints: load balancing, a dead endpoint, all endpoints down, bounded in-flight."""

from __future__ import annotations

import socket
import time

from docparse.engines.openai import OpenAIEngine
from schemas.errors import ErrorCode
from tests.standin.faults import Fault, FaultPlan
from tests.standin.server import StandinServer


def _dead_url() -> str:
    """A loopback URL where nothing listens (connection refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def test_two_endpoints_share_the_load(make_options, make_requests):
    with StandinServer(latency_s=0.02) as first, StandinServer(latency_s=0.02) as second:
        with OpenAIEngine(make_options(first.url, second.url)) as engine:
            replies = engine.infer(make_requests(20))
    assert all(r.error is None for r in replies)
    assert len(first.calls) > 0 and len(second.calls) > 0
    assert len(first.calls) + len(second.calls) == 20
    assert {r.endpoint for r in replies} == {first.url, second.url}


def test_a_dead_endpoint_is_taken_out_and_the_other_takes_all(make_options, make_requests):
    dead = _dead_url()
    with StandinServer() as alive:
        options = make_options(dead, alive.url, circuit_failures=2)
        with OpenAIEngine(options) as engine:
            replies = engine.infer(make_requests(10))
            more = engine.infer(make_requests(10))
            dead_state, alive_state = engine.endpoints
            assert not dead_state.is_up(time.monotonic())
            assert alive_state.is_up(time.monotonic())
    assert all(r.error is None for r in replies + more)
    assert {r.endpoint for r in replies + more} == {alive.url}
    assert len(alive.calls) == 20
    assert all(r.transport_retries == 0 for r in more)  # once out, the dead one costs nothing


def test_all_endpoints_down_fails_every_request_with_the_endpoint_named(
    make_options, make_requests
):
    always_500 = {Fault.HTTP_500: 1.0}
    with StandinServer(faults=FaultPlan(always_500)) as first, StandinServer(
        faults=FaultPlan(always_500)
    ) as second:
        options = make_options(first.url, second.url, max_retries=2, circuit_failures=2)
        with OpenAIEngine(options) as engine:
            replies = engine.infer(make_requests(6))
            calls = len(first.calls) + len(second.calls)
            later = engine.infer(make_requests(4))
            assert not any(e.is_up(time.monotonic()) for e in engine.endpoints)
    assert [r.error.code for r in replies] == [ErrorCode.ENGINE_UNAVAILABLE] * 6
    assert all(first.url in r.error.message or second.url in r.error.message for r in replies)
    assert [r.error.code for r in later] == [ErrorCode.ENGINE_UNAVAILABLE] * 4
    assert all("all endpoints down" in r.error.message for r in later)
    assert len(first.calls) + len(second.calls) == calls  # failing fast: no new HTTP requests


def test_requests_in_flight_never_exceed_the_bound(make_options, make_requests):
    with StandinServer(latency_s=0.05, slots=64) as standin:
        options = make_options(standin.url, max_in_flight_per_endpoint=3)
        with OpenAIEngine(options) as engine:
            replies = engine.infer(make_requests(20))
    assert all(r.error is None for r in replies)
    assert len(standin.calls) == 20
    assert 2 <= standin.max_concurrent <= 3


def test_connections_are_kept_alive_and_bounded(make_options, make_requests):
    with StandinServer(latency_s=0.01) as standin:
        with OpenAIEngine(make_options(standin.url, max_in_flight_per_endpoint=8)) as engine:
            first = engine.infer(make_requests(40))
            opened = standin.connections_opened
            second = engine.infer(make_requests(40))
    assert all(r.error is None for r in first + second)
    assert 1 <= opened <= 8  # never more connections than requests in flight
    assert standin.connections_opened == opened  # the second batch reused them all


def test_every_slot_gets_a_connection_and_none_waits_for_one(make_options, make_requests):
    capacity = 9
    with StandinServer(latency_s=0.05) as standin:
        options = make_options(standin.url, max_in_flight_per_endpoint=capacity)
        with OpenAIEngine(options) as engine:
            replies = engine.infer(make_requests(3 * capacity))
    assert all(r.error is None for r in replies)
    assert standin.max_concurrent == capacity  # all slots busy at once: no request held back
    assert standin.connections_opened == capacity  # one kept-alive connection per slot


def test_the_bound_is_per_endpoint(make_options, make_requests):
    with StandinServer(latency_s=0.05) as first, StandinServer(latency_s=0.05) as second:
        options = make_options(first.url, second.url, max_in_flight_per_endpoint=2)
        with OpenAIEngine(options) as engine:
            replies = engine.infer(make_requests(16))
    assert all(r.error is None for r in replies)
    assert first.max_concurrent <= 2 and second.max_concurrent <= 2
