"""The ``openai`` engine: ``vllm serve`` endpoints or any OpenAI-compatible chat-completions API.

All network work runs on one private event loop (:mod:`docparse.engines.loop`): ``infer`` blocks
on it from any thread, ``ainfer`` awaits it from any other loop, and the concurrency bound and
endpoint health are shared by every caller. Transient failures (429, 5xx, dropped connections,
timeouts) are retried with back-off and never spend a page attempt; when the retry budget is
spent the reply is an error record naming the endpoint and the page. HTTP is aiohttp, one
session per endpoint (:mod:`docparse.engines.sessions`). Imports aiohttp: reach this module through
the registry (``create_engine("openai", ...)``).
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import logging
import random
import time
from collections.abc import Callable, Sequence

from docparse.engines.backoff import RetryBudget
from docparse.engines.base import AsyncEngine, error_reply
from docparse.engines.credentials import ApiKey
from docparse.engines.endpoints import AllEndpointsDown, Balancer, EndpointState
from docparse.engines.exchange import Failure, post_chat
from docparse.engines.loop import LoopThread
from docparse.engines.openai_options import OpenAIEngineOptions
from docparse.engines.openai_wire import ChatResult, chat_payload
from docparse.engines.sessions import EndpointSession, client_timeout, tls_context
from docparse.engines.workers import run_jobs
from schemas.engine import EngineReply, EngineRequest
from schemas.errors import EngineError, ErrorCode
from schemas.page import ImageEncoding

logger = logging.getLogger(__name__)


class OpenAIEngine(AsyncEngine):
    """Async HTTP engine with bounded concurrency, load balancing, back-off and circuits."""

    name = "openai"

    def __init__(self, options: OpenAIEngineOptions | None = None) -> None:
        self.options = opts = options or OpenAIEngineOptions()
        self._api_key = ApiKey.from_env(opts.api_key_env)
        self._balancer = Balancer(
            opts.endpoints,
            opts.max_in_flight_per_endpoint,
            circuit_failures=opts.circuit_failures,
            circuit_reset_s=opts.circuit_reset_s,
        )
        self._slots = opts.max_in_flight_per_endpoint * len(opts.endpoints)
        self._rng = random.Random(opts.jitter_seed)
        self._loop = LoopThread(name="docparse-openai-engine")
        self._closed = False
        try:
            self._sessions = self._loop.run(self._open_sessions())
        except BaseException:
            self._loop.stop()
            raise
        # Built once: a URL object is not parsed again on every request.
        self._chat_urls = [s.url("/v1/chat/completions") for s in self._sessions]

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
            for session in self._sessions:
                self._loop.run(session.aclose())
        finally:
            self._loop.stop()

    async def _open_sessions(self) -> list[EndpointSession]:
        """One session per endpoint, made on the engine's loop (aiohttp binds them to it)."""
        opts = self.options
        tls = tls_context() if any(r.startswith("https:") for r in opts.endpoints) else None
        return [
            EndpointSession(
                root,
                connections=opts.max_in_flight_per_endpoint,
                timeout=client_timeout(opts.timeout_s, opts.connect_timeout_s),
                headers={"Content-Type": "application/json", **self._api_key.headers()},
                tls=tls,
            )
            for root in opts.endpoints
        ]

    def _check_open(self) -> None:
        if self._closed:
            raise EngineError("the openai engine is closed", code=ErrorCode.ENGINE_ERROR)

    async def _infer_all(self, requests: list[EngineRequest]) -> list[EngineReply]:
        """Replies in request order, from one worker per request slot taking requests in turn
        (:mod:`docparse.engines.workers`). A worker about to sleep in back-off starts another, so
        requests waiting to be retried never keep the others from free slots."""
        return await run_jobs(requests, self._slots, self._infer_one)

    async def _infer_one(
        self, request: EngineRequest, before_backoff: Callable[[], None] | None = None
    ) -> EngineReply:
        """Send ``request`` until it gets a reply, a permanent error, or its budget is spent;
        ``before_backoff`` is called before each back-off sleep."""
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
            if before_backoff is not None:
                before_backoff()
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
        """One POST on the endpoint's session; failure reasons come out key-free."""
        index = endpoint.index
        outcome = await post_chat(
            self._sessions[index], self._chat_urls[index], body, timeout_s=self.options.timeout_s
        )
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
