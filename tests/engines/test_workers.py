"""run_jobs: a few workers take a batch's jobs in turn; results in job order; failures stop all."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

from docparse.engines.workers import run_jobs


class Probe:
    """Counts jobs running at once."""

    def __init__(self) -> None:
        self.running = 0
        self.peak = 0

    async def job(self, value: int, delay: float) -> int:
        self.running += 1
        self.peak = max(self.peak, self.running)
        try:
            await asyncio.sleep(delay)
            return value * 10
        finally:
            self.running -= 1


def test_results_come_in_job_order_with_at_most_the_workers_running():
    probe = Probe()

    async def handle(value: int, add_worker: Callable[[], None]) -> int:
        return await probe.job(value, 0.001 * (value % 3))

    results = asyncio.run(run_jobs(list(range(20)), 4, handle))
    assert results == [value * 10 for value in range(20)]
    assert probe.peak == 4


def test_no_jobs_no_workers():
    async def handle(value: int, add_worker: Callable[[], None]) -> int:
        raise AssertionError("not called")

    assert asyncio.run(run_jobs([], 4, handle)) == []


def test_a_worker_can_add_another_while_it_waits():
    probe = Probe()

    async def handle(value: int, add_worker: Callable[[], None]) -> int:
        if value == 0:
            add_worker()  # job 0 waits long: the others go on beside it
            return await probe.job(value, 0.05)
        return await probe.job(value, 0.001)

    results = asyncio.run(run_jobs(list(range(6)), 1, handle))
    assert results == [value * 10 for value in range(6)]
    assert probe.peak == 2


def test_a_failing_job_cancels_the_others_and_is_raised():
    cancelled: list[int] = []

    async def handle(value: int, add_worker: Callable[[], None]) -> int:
        if value == 1:
            raise ValueError("job 1 failed")
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            cancelled.append(value)
            raise
        return value

    async def main() -> None:
        with pytest.raises(ValueError, match="job 1 failed"):
            await asyncio.wait_for(run_jobs(list(range(5)), 3, handle), timeout=5)

    asyncio.run(main())
    assert sorted(cancelled) == [0, 2]


def test_cancelling_the_caller_cancels_every_worker():
    cancelled: list[int] = []

    async def handle(value: int, add_worker: Callable[[], None]) -> int:
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            cancelled.append(value)
            raise
        return value

    async def main() -> None:
        batch = asyncio.ensure_future(run_jobs(list(range(5)), 3, handle))
        await asyncio.sleep(0.01)
        batch.cancel()
        with pytest.raises(asyncio.CancelledError):
            await batch

    asyncio.run(main())
    assert sorted(cancelled) == [0, 1, 2]
