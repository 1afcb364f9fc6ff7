"""The balancer alone: least outstanding first, ties round-robin, waiting, circuits."""

from __future__ import annotations

import asyncio

import pytest

from docparse.engines.endpoints import AllEndpointsDown, Balancer
from schemas.errors import ErrorCode


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _balancer(count: int = 3, capacity: int = 2, clock: FakeClock | None = None) -> Balancer:
    roots = [f"http://h{i}:8000" for i in range(count)]
    return Balancer(
        roots, capacity, circuit_failures=2, circuit_reset_s=30.0, clock=clock or FakeClock()
    )


def test_ties_go_round_robin_then_least_outstanding_wins():
    async def scenario() -> list[int]:
        balancer = _balancer(capacity=5)
        picked = [(await balancer.acquire()).index for _ in range(3)]  # all idle: 0, 1, 2
        balancer.release(balancer.endpoints[1])  # 1 is now the least busy
        picked.append((await balancer.acquire()).index)
        return picked

    assert asyncio.run(scenario()) == [0, 1, 2, 1]


def test_avoided_endpoints_are_used_only_when_nothing_else_is_free():
    async def scenario() -> list[int]:
        balancer = _balancer(count=2, capacity=1)
        first, second = balancer.endpoints
        picked = [(await balancer.acquire(avoid={first})).index]
        picked.append((await balancer.acquire(avoid={first})).index)  # only `first` is free
        return picked

    assert asyncio.run(scenario()) == [1, 0]


def test_requests_beyond_capacity_wait_for_a_release():
    async def scenario() -> tuple[bool, int]:
        balancer = _balancer(count=1, capacity=1)
        held = await balancer.acquire()
        waiting = asyncio.ensure_future(balancer.acquire())
        await asyncio.sleep(0.01)
        was_waiting = not waiting.done()
        balancer.release(held)
        return was_waiting, (await waiting).outstanding

    assert asyncio.run(scenario()) == (True, 1)


def test_circuit_opens_only_while_another_endpoint_is_up():
    clock = FakeClock()
    balancer = _balancer(count=2, clock=clock)
    first, second = balancer.endpoints
    balancer.record_failure(first, ErrorCode.ENGINE_UNAVAILABLE, "HTTP 500")
    assert first.is_up(clock.now)
    balancer.record_failure(first, ErrorCode.ENGINE_UNAVAILABLE, "HTTP 500")
    assert not first.is_up(clock.now)
    for _ in range(5):  # the last endpoint standing is not shed by the circuit
        balancer.record_failure(second, ErrorCode.ENGINE_UNAVAILABLE, "HTTP 500")
    assert second.is_up(clock.now)
    clock.now += 31
    assert first.is_up(clock.now)  # half-open after the reset


def test_marking_a_down_endpoint_again_changes_nothing(caplog):
    clock = FakeClock()
    balancer = _balancer(count=2, clock=clock)
    first = balancer.endpoints[0]
    balancer.mark_down(first, ErrorCode.ENGINE_TIMEOUT, "slow")
    until = first.down_until
    clock.now += 10
    balancer.mark_down(first, ErrorCode.ENGINE_UNAVAILABLE, "late failure")
    assert (first.down_until, first.down_code, first.down_reason) == (
        until, ErrorCode.ENGINE_TIMEOUT, "slow",
    )
    assert caplog.text.count("marked down") == 1


def test_success_resets_the_failure_count():
    balancer = _balancer(count=2)
    first = balancer.endpoints[0]
    balancer.record_failure(first, ErrorCode.ENGINE_UNAVAILABLE, "HTTP 500")
    balancer.record_success(first)
    balancer.record_failure(first, ErrorCode.ENGINE_UNAVAILABLE, "HTTP 500")
    assert first.is_up(0.0 + 100.0)


def test_all_down_fails_fast_with_the_code_and_reasons():
    async def scenario() -> None:
        balancer = _balancer(count=2)
        first, second = balancer.endpoints
        balancer.mark_down(first, ErrorCode.ENGINE_UNAVAILABLE, "connection refused")
        balancer.mark_down(second, ErrorCode.ENGINE_TIMEOUT, "no reply within 5s")
        await balancer.acquire()

    with pytest.raises(AllEndpointsDown) as caught:
        asyncio.run(scenario())
    assert caught.value.code is ErrorCode.ENGINE_TIMEOUT  # the most recent one
    assert "http://h0:8000 (connection refused)" in caught.value.message
    assert "http://h1:8000 (no reply within 5s)" in caught.value.message


def test_waiters_fail_fast_when_the_last_endpoint_goes_down():
    async def scenario() -> None:
        balancer = _balancer(count=1, capacity=1)
        held = await balancer.acquire()
        waiting = asyncio.ensure_future(balancer.acquire())
        await asyncio.sleep(0.01)
        balancer.mark_down(held, ErrorCode.ENGINE_UNAVAILABLE, "HTTP 503")
        await waiting

    with pytest.raises(AllEndpointsDown):
        asyncio.run(scenario())


def test_a_cancelled_waiter_passes_its_wake_up_on():
    async def scenario() -> int:
        balancer = _balancer(count=1, capacity=1)
        held = await balancer.acquire()
        doomed = asyncio.ensure_future(balancer.acquire())
        patient = asyncio.ensure_future(balancer.acquire())
        await asyncio.sleep(0.01)
        balancer.release(held)  # wakes `doomed` ...
        doomed.cancel()  # ... which is cancelled before it runs
        return (await asyncio.wait_for(patient, 1.0)).outstanding

    assert asyncio.run(scenario()) == 1
