"""Several small httpx connection pools per endpoint ("lanes") instead of one large one.

httpcore 1.0's pool rescans its connections for every queued request and every state change
(``_assign_requests_to_connections``; encode/httpx#3215, encode/httpcore#1035), so its cost per
request grows with the pool. On benchmarks/openai_engine_throughput.py (64 slots, 50 ms) one
pool of 64 connections managed ~100 requests/s; pools of 4 to 8 manage ~900-1000 on the same
2-core machine. The balancer already bounds an endpoint's requests in flight and each request
takes the least busy lane, so no lane ever has a request waiting for a connection.
"""

from __future__ import annotations

import math
from typing import Any

import httpx

#: Connections per pool: the pool's rescans stay cheap, and 64 slots need 16 clients.
LANE_CONNECTIONS = 4


class Lane:
    """One httpx client with its own small pool, and the requests it has in flight."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client
        self.outstanding = 0


class EndpointLanes:
    """The lanes serving one endpoint: ``ceil(capacity / LANE_CONNECTIONS)`` clients."""

    def __init__(
        self,
        capacity: int,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        **client_options: Any,
    ) -> None:
        # An injected transport (tests) owns its own connections: one lane is enough.
        count = 1 if transport is not None else math.ceil(capacity / LANE_CONNECTIONS)
        per_lane = min(capacity, LANE_CONNECTIONS) if transport is None else capacity
        limits = httpx.Limits(max_connections=per_lane, max_keepalive_connections=per_lane)
        self.lanes = [
            Lane(httpx.AsyncClient(limits=limits, transport=transport, **client_options))
            for _ in range(count)
        ]

    def pick(self) -> Lane:
        """The lane with the fewest requests in flight (first on ties)."""
        return min(self.lanes, key=lambda lane: lane.outstanding)

    async def aclose(self) -> None:
        for lane in self.lanes:
            await lane.client.aclose()
