"""The ``vllm`` engine: Qwen2.5-VL in process on this machine's GPU(s) (optional extra ``vllm``).

Why the async engine and not ``LLM.generate``: ``LLM.generate(batch)`` returns when the batch's
longest page is done, so every call ends with the GPU running a shrinking batch while finished
pages wait, and nothing new can join until the caller's next call. Here every request goes to one
``vllm.AsyncLLMEngine`` (vLLM >= 0.10: the V1 ``AsyncLLM``) living on a private event loop
thread (:class:`~docparse.engines.loop.LoopThread`). vLLM schedules sequences continuously, so
requests from different ``infer``/``ainfer`` calls share the running batch: a caller that keeps
more than one batch in flight (threads, a Ray actor with ``max_concurrency`` > 1, ``ainfer``
tasks, attempt-policy retries beside new pages) keeps the GPU busy across batch boundaries.

The model is ``ModelSpec.model`` (what to ask); this module's options say where and how it runs.
It loads when :meth:`VLLMEngine.start` is called or with the first batch. Pages arrive as raw RGB
(or PNG/JPEG) already at a ``smart_resize`` size; the processor's ``min/max_pixels`` must leave
them unchanged (checked per page), so boxes come back in the page's known model frame. Importing
this module does not import vllm: the pure helpers below are tested on CPU.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import threading
import time
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel

from docparse.engines.base import AsyncEngine, error_reply
from docparse.engines.loop import LoopThread
from docparse.engines.vllm_mapping import (
    ENGINE_NAME,
    INSTALL_HINT,
    VLLMEngineOptions,
    build_qwen_prompt,
    engine_kwargs,
    error_code_for,
    frame_issue,
    reply_from_output,
    required_model_len,
    sampling_kwargs,
    to_pil,
)
from schemas.engine import EngineReply, EngineRequest, ModelSpec
from schemas.errors import EngineError, ErrorCode

logger = logging.getLogger(__name__)


def _import_vllm() -> Any:
    try:
        import vllm
    except ImportError as exc:
        raise EngineError(f"{INSTALL_HINT} ({exc})", code=ErrorCode.ENGINE_UNAVAILABLE) from None
    return vllm


class VLLMEngine(AsyncEngine):
    """In-process vLLM engine: one model, continuous batching across calls (module docstring)."""

    name = ENGINE_NAME

    def __init__(
        self, options: VLLMEngineOptions | None = None, *, spec: ModelSpec | None = None
    ) -> None:
        self.options = options or VLLMEngineOptions()
        self._vllm = _import_vllm()
        self._loop = LoopThread(name="docparse-vllm-engine")
        self._lock = threading.Lock()
        self._ids = itertools.count()
        self._engine: Any = None
        self._spec: ModelSpec | None = None
        self._closed = False
        if spec is not None:
            try:
                self.start(spec)
            except BaseException:
                self._loop.stop()
                raise

    def start(self, spec: ModelSpec) -> None:
        """Load ``spec.model`` now (takes minutes); later calls are no-ops.

        A model that cannot be loaded raises :class:`EngineError` ``ENGINE_UNAVAILABLE``.
        """
        with self._lock:
            if self._closed:
                raise EngineError("the vllm engine is closed", code=ErrorCode.ENGINE_ERROR)
            if self._engine is not None:
                return
            try:
                self._engine = self._loop.run(self._build(spec))
            except Exception as exc:
                why = f"vllm could not load {spec.model!r}: {type(exc).__name__}: {exc}"
                raise EngineError(why, code=ErrorCode.ENGINE_UNAVAILABLE) from exc
            self._spec = spec

    async def _build(self, spec: ModelSpec) -> Any:
        """Built on the loop thread, so the engine's output handling runs on that loop."""
        kwargs = engine_kwargs(spec, self.options)
        needed = required_model_len(self.options.max_pixels, spec.max_tokens)
        if kwargs["max_model_len"] < needed:
            logger.warning(
                "max_model_len %d < %d: big pages may be refused", kwargs["max_model_len"], needed
            )
        engine_class = getattr(self._vllm, "AsyncLLMEngine", None)
        if engine_class is None:  # guarded: releases that only export the V1 class
            from vllm.v1.engine.async_llm import AsyncLLM

            engine_class = AsyncLLM
        return engine_class.from_engine_args(self._vllm.AsyncEngineArgs(**kwargs))

    def infer(self, requests: Sequence[EngineRequest]) -> list[EngineReply]:
        self._check_open()
        batch = list(requests)
        if batch:
            self.start(batch[0].spec)
        return self._loop.run(self._infer_all(batch))

    async def ainfer(self, requests: Sequence[EngineRequest]) -> list[EngineReply]:
        self._check_open()
        batch = list(requests)
        if batch:
            await asyncio.to_thread(self.start, batch[0].spec)
        return await asyncio.wrap_future(self._loop.submit(self._infer_all(batch)))

    def _check_open(self) -> None:
        if self._closed:
            raise EngineError("the vllm engine is closed", code=ErrorCode.ENGINE_ERROR)

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
            engine, self._engine = self._engine, None
        try:
            if engine is not None:
                self._loop.run(_shutdown(engine))
        finally:
            self._loop.stop()

    async def _infer_all(self, requests: list[EngineRequest]) -> list[EngineReply]:
        return list(await asyncio.gather(*(self._generate(r) for r in requests)))

    async def _generate(self, request: EngineRequest) -> EngineReply:
        """One page: checks, image, sampling, then vLLM's stream down to its final output."""
        started = time.perf_counter()
        page, loaded = request.page, self._spec
        if loaded is not None and request.spec.model != loaded.model:
            why = f"engine serves {loaded.model!r}; request asks for {request.spec.model!r}"
            return error_reply(request, self.name, ErrorCode.ENGINE_ERROR, why)
        issue = frame_issue(page.image.width, page.image.height, self.options)
        if issue is not None:
            return error_reply(request, self.name, ErrorCode.ENGINE_ERROR, issue)
        request_id = f"{request.request_id}@{next(self._ids)}"  # unique within the engine
        try:
            image = await asyncio.to_thread(to_pil, page.image)  # decoding off the loop
            params = self._sampling_params(request)
            prompt = {
                "prompt": build_qwen_prompt(request.spec),
                "multi_modal_data": {"image": image},
            }
            final = None
            async for output in self._engine.generate(prompt, params, request_id):
                final = output
        except Exception as exc:  # one page's failure is data, not a lost batch
            why = f"vllm failed on page {page.page_id}: {type(exc).__name__}: {exc}"
            latency = time.perf_counter() - started
            return error_reply(request, self.name, error_code_for(exc), why, latency_s=latency)
        if final is None or not final.outputs:
            return error_reply(request, self.name, ErrorCode.ENGINE_ERROR, "vllm gave no output")
        completion = final.outputs[0]
        return reply_from_output(
            request,
            text=completion.text,
            finish_reason=completion.finish_reason,
            prompt_token_ids=final.prompt_token_ids,
            output_token_ids=completion.token_ids,
            latency_s=time.perf_counter() - started,
        )

    def _sampling_params(self, request: EngineRequest) -> Any:
        kwargs = sampling_kwargs(request.sampling, request.spec.max_tokens)
        try:  # only the final output is needed: no incremental detokenised deltas
            from vllm.sampling_params import RequestOutputKind

            kwargs["output_kind"] = RequestOutputKind.FINAL_ONLY
        except ImportError:
            pass
        return self._vllm.SamplingParams(**kwargs)


async def _shutdown(engine: Any) -> None:
    """Stop the engine's background work (V1: ``shutdown``; V0: ``shutdown_background_loop``)."""
    for method in ("shutdown", "shutdown_background_loop"):
        stop = getattr(engine, method, None)
        if callable(stop):
            stop()
            return


def vllm_factory(options: BaseModel | Mapping[str, Any] | None) -> VLLMEngine:
    """Registry factory: options as a model, a mapping, or None (defaults)."""
    if isinstance(options, VLLMEngineOptions) or options is None:
        return VLLMEngine(options)
    data = options.model_dump() if isinstance(options, BaseModel) else dict(options)
    return VLLMEngine(VLLMEngineOptions.model_validate(data))
