"""Endpoint state and the balancer: least outstanding requests first, ties round-robin.

Lives on the engine's event loop (no locks: one thread touches it). An endpoint that keeps
failing is taken out for ``circuit_reset_s`` (circuit open) while others are up; the last endpoint
standing is taken out only when a request has spent its whole retry budget on it. When every
endpoint is out, :meth:`Balancer.acquire` fails fast with :class:`AllEndpointsDown`.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

from docparse.engines.openai_options import redact_url
from schemas.errors import ErrorCode

logger = logging.getLogger(__name__)


@dataclass(eq=False)
class EndpointState:
    """One server: where it is, how busy it is, whether it is taken out."""

    index: int
    root: str
    capacity: int
    outstanding: int = 0
    consecutive_failures: int = 0
    down_until: float = float("-inf")
    down_code: ErrorCode | None = None
    down_reason: str = ""

    @property
    def label(self) -> str:
        """The root URL without credentials: safe for messages and logs."""
        return redact_url(self.root)

    def is_up(self, now: float) -> bool:
        return now >= self.down_until


class AllEndpointsDown(Exception):
    """Every endpoint is taken out: callers turn this into an error reply without waiting."""

    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class Balancer:
    """Hands out endpoints with a free slot; requests beyond every endpoint's capacity wait."""

    def __init__(
        self,
        roots: Sequence[str],
        capacity: int,
        *,
        circuit_failures: int,
        circuit_reset_s: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.endpoints = [EndpointState(i, root, capacity) for i, root in enumerate(roots)]
        self._circuit_failures = circuit_failures
        self._circuit_reset_s = circuit_reset_s
        self._clock = clock
        self._next = 0  # round-robin start for ties
        self._waiters: deque[asyncio.Future[None]] = deque()
        self._last_down: EndpointState | None = None

    async def acquire(self, avoid: Collection[EndpointState] = ()) -> EndpointState:
        """An up endpoint with a free slot, preferring those not in ``avoid``; waits while all are
        busy; raises :class:`AllEndpointsDown` when none is up. Pair with :meth:`release`."""
        while True:
            chosen = self._pick(avoid)
            if chosen is not None:
                chosen.outstanding += 1
                return chosen
            waiter = asyncio.get_running_loop().create_future()
            self._waiters.append(waiter)
            try:
                await waiter
            except asyncio.CancelledError:
                if waiter.done() and not waiter.cancelled():
                    self._wake(1)  # we were woken but will not use the slot: pass it on
                else:
                    waiter.cancel()
                raise

    def release(self, endpoint: EndpointState) -> None:
        endpoint.outstanding -= 1
        self._wake(1)

    def record_success(self, endpoint: EndpointState) -> None:
        endpoint.consecutive_failures = 0

    def record_failure(self, endpoint: EndpointState, code: ErrorCode, reason: str) -> None:
        """Count a failure toward the circuit; open it if others can take the load."""
        endpoint.consecutive_failures += 1
        if endpoint.consecutive_failures >= self._circuit_failures and self._others_up(endpoint):
            self.mark_down(endpoint, code, reason)

    def mark_down(self, endpoint: EndpointState, code: ErrorCode, reason: str) -> None:
        """Take ``endpoint`` out for ``circuit_reset_s``; once back, one failure takes it out.
        Already out: nothing changes (requests in flight when it went down report late)."""
        now = self._clock()
        if not endpoint.is_up(now):
            return
        endpoint.down_until = now + self._circuit_reset_s
        endpoint.down_code = code
        endpoint.down_reason = reason
        endpoint.consecutive_failures = self._circuit_failures
        self._last_down = endpoint
        logger.warning(
            "endpoint %s marked down for %.0fs: %s", endpoint.label, self._circuit_reset_s, reason
        )
        self._wake(len(self._waiters))  # waiters re-check: another endpoint, or fail fast

    def _others_up(self, endpoint: EndpointState) -> bool:
        now = self._clock()
        return any(e is not endpoint and e.is_up(now) for e in self.endpoints)

    def _pick(self, avoid: Collection[EndpointState]) -> EndpointState | None:
        now = self._clock()
        count = len(self.endpoints)
        best: EndpointState | None = None
        best_key: tuple[bool, int] | None = None
        any_up = False
        for offset in range(count):
            endpoint = self.endpoints[(self._next + offset) % count]
            if not endpoint.is_up(now):
                continue
            any_up = True
            if endpoint.outstanding >= endpoint.capacity:
                continue
            key = (endpoint in avoid, endpoint.outstanding)
            if best_key is None or key < best_key:
                best, best_key = endpoint, key
        if not any_up:
            raise self._all_down()
        if best is not None:
            self._next = (best.index + 1) % count
        return best

    def _all_down(self) -> AllEndpointsDown:
        latest = self._last_down.down_code if self._last_down else None
        detail = "; ".join(f"{e.label} ({e.down_reason})" for e in self.endpoints)
        code = latest or ErrorCode.ENGINE_UNAVAILABLE
        return AllEndpointsDown(code, f"all endpoints down: {detail}")

    def _wake(self, count: int) -> None:
        while count > 0 and self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                count -= 1
