"""The ``openai`` engine: ``vllm serve`` endpoints or any OpenAI-compatible chat-completions API.

All network work runs on one private event loop (:mod:`docparse.engines.loop`): ``infer`` blocks
on it from any thread, ``ainfer`` awaits it from any other loop, and the concurrency bound and
endpoint health are shared by every caller. Transient failures (429, 5xx, dropped connections,
timeouts) are retried with back-off and never spend a page attempt; when the retry budget is
spent the reply is an error record naming the endpoint and the page. Imports httpx: reach this
module through the registry (``create_engine("openai", ...)``).
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import logging
import random
import time
from collections.abc import Sequence

import httpx

from docparse.engines.backoff import RetryBudget
from docparse.engines.base import AsyncEngine, error_reply
from docparse.engines.credentials import ApiKey
from docparse.engines.endpoints import AllEndpointsDown, Balancer, EndpointState
from docparse.engines.exchange import Failure, post_chat
from docparse.engines.lanes import EndpointLanes
from docparse.engines.loop import LoopThread
from docparse.engines.openai_options import OpenAIEngineOptions
from docparse.engines.openai_wire import ChatResult, chat_payload
from schemas.engine import EngineReply, EngineRequest
from schemas.errors import EngineError, ErrorCode
from schemas.page import ImageEncoding

logger = logging.getLogger(__name__)


class OpenAIEngine(AsyncEngine):
    """Async HTTP engine with bounded concurrency, load balancing, back-off and circuits.

    ``transport`` is httpx's seam for tests (e.g. ``httpx.MockTransport``); production code and
    the main tests leave it None and talk real HTTP.
    """

    name = "openai"

    def __init__(
        self,
        options: OpenAIEngineOptions | None = None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.options = opts = options or OpenAIEngineOptions()
        self._api_key = ApiKey.from_env(opts.api_key_env)
        ssl_context = httpx.create_ssl_context()  # loaded once, shared by every lane
        self._lanes = [
            EndpointLanes(
                opts.max_in_flight_per_endpoint,
                transport=transport,
                headers={"Content-Type": "application/json", **self._api_key.headers()},
                timeout=httpx.Timeout(opts.timeout_s, connect=opts.connect_timeout_s),
                verify=ssl_context,
            )
            for _ in opts.endpoints
        ]
        self._balancer = Balancer(
            opts.endpoints,
            opts.max_in_flight_per_endpoint,
            circuit_failures=opts.circuit_failures,
            circuit_reset_s=opts.circuit_reset_s,
        )
        # Parsed once: httpx would otherwise parse the URL string on every request.
        self._chat_urls = [httpx.URL(e.chat_url) for e in self._balancer.endpoints]
        self._rng = random.Random(opts.jitter_seed)
        self._loop = LoopThread(name="docparse-openai-engine")
        self._closed = False

    def __repr__(self) -> str:
        labels = ", ".join(e.label for e in self._balancer.endpoints)
        return f"OpenAIEngine(endpoints=[{labels}], closed={self._closed})"

    @property
    def endpoints(self) -> list[EndpointState]:
        """Live endpoint state (for inspection: outstanding requests, circuit)."""
        return list(self._balancer.endpoints)

    def infer(self, requests: Sequence[EngineRequest]) -> list[EngineReply]:
        self._check_open()
        return self._loop.run(self._infer_all(list(requests)))

    async def ainfer(self, requests: Sequence[EngineRequest]) -> list[EngineReply]:
        self._check_open()
        return await asyncio.wrap_future(self._loop.submit(self._infer_all(list(requests))))

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            for lanes in self._lanes:
                self._loop.run(lanes.aclose())
        finally:
            self._loop.stop()

    def _check_open(self) -> None:
        if self._closed:
            raise EngineError("the openai engine is closed", code=ErrorCode.ENGINE_ERROR)

    async def _infer_all(self, requests: list[EngineRequest]) -> list[EngineReply]:
        return list(await asyncio.gather(*(self._infer_one(r) for r in requests)))

    async def _infer_one(self, request: EngineRequest) -> EngineReply:
        """Send ``request`` until it gets a reply, a permanent error, or its budget is spent."""
        opts = self.options
        started = time.perf_counter()
        budget = RetryBudget(
            opts.max_retries,
            opts.backoff_base_s,
            opts.backoff_max_s,
            opts.backoff_total_s,
            self._rng,
        )
        failed_on: set[EndpointState] = set()
        body: bytes | None = None
        while True:
            try:
                endpoint = await self._balancer.acquire(avoid=failed_on)
            except AllEndpointsDown as down:
                message = f"no endpoint available: {down.message}"
                return self._error(request, down.code, message, started, None, budget)
            try:
                if body is None:  # built once, when a slot is free: a big batch stays small
                    body = await self._payload(request)
                sent = time.perf_counter()
                outcome = await self._exchange(endpoint, body)
            finally:
                self._balancer.release(endpoint)
            if isinstance(outcome, ChatResult):
                self._balancer.record_success(endpoint)
                return self._reply(request, outcome, time.perf_counter() - sent, endpoint, budget)
            if not outcome.transient:
                message = f"{endpoint.label}: {outcome.reason}"
                return self._error(request, outcome.code, message, started, endpoint, budget)
            if outcome.counts_for_circuit:
                self._balancer.record_failure(endpoint, outcome.code, outcome.reason)
            failed_on.add(endpoint)
            delay = budget.next_delay(outcome.retry_after)
            if delay is None:
                self._balancer.mark_down(endpoint, outcome.code, outcome.reason)
                message = (
                    f"{endpoint.label} gave no reply after {budget.retries} retries "
                    f"({budget.slept_s:.2f}s back-off): {outcome.reason}"
                )
                return self._error(request, outcome.code, message, started, endpoint, budget)
            logger.info(
                "retry %d of %s in %.2fs (%s: %s)",
                budget.retries, request.request_id, delay, endpoint.label, outcome.reason,
            )
            await asyncio.sleep(delay)

    async def _payload(self, request: EngineRequest) -> bytes:
        """The request body. Raw pixels are PNG-encoded on a worker thread: tens of milliseconds
        of compression on the event loop would stall every request in flight."""
        model = self.options.served_model_name or request.spec.model
        build = functools.partial(
            chat_payload, request, model, vllm_extras=self.options.vllm_extras
        )
        if request.page.image.encoding is ImageEncoding.RAW:
            return await asyncio.to_thread(build)
        return build()

    async def _exchange(self, endpoint: EndpointState, body: bytes) -> ChatResult | Failure:
        """One POST on the endpoint's least busy lane; failure reasons come out key-free."""
        lane = self._lanes[endpoint.index].pick()
        lane.outstanding += 1
        try:
            outcome = await post_chat(
                lane.client,
                self._chat_urls[endpoint.index],
                body,
                timeout_s=self.options.timeout_s,
            )
        finally:
            lane.outstanding -= 1
        if isinstance(outcome, Failure):
            return dataclasses.replace(outcome, reason=self._api_key.scrub(outcome.reason))
        return outcome

    def _reply(
        self,
        request: EngineRequest,
        result: ChatResult,
        latency_s: float,
        endpoint: EndpointState,
        budget: RetryBudget,
    ) -> EngineReply:
        return EngineReply(
            request_id=request.request_id,
            engine=self.name,
            text=result.text,
            finish_reason=result.finish_reason,
            prompt_tokens=result.prompt_tokens,
            output_tokens=result.output_tokens,
            latency_s=latency_s,
            attempt=request.attempt,
            endpoint=endpoint.label,
            transport_retries=budget.retries,
        )

    def _error(
        self,
        request: EngineRequest,
        code: ErrorCode,
        message: str,
        started: float,
        endpoint: EndpointState | None,
        budget: RetryBudget,
    ) -> EngineReply:
        """An error reply naming the page and request (``message`` names the endpoint)."""
        text = f"page {request.page.page_id} (request {request.request_id}): {message}"
        return error_reply(
            request,
            self.name,
            code,
            self._api_key.scrub(text),
            latency_s=time.perf_counter() - started,
            endpoint=endpoint.label if endpoint else None,
            transport_retries=budget.retries,
        )
