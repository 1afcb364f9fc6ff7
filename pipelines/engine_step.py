"""The engine step: pages in, post-processed page results out, through the attempt policy.

One instance per worker (thread or Ray actor) owns its engines: the primary engine from the
options and, unless the primary is the text layer itself, the ``textlayer`` engine as fallback.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from docparse.attempts import AttemptRunner
from docparse.engines import Engine, create_engine
from pipelines.records import PageDone, PageItem
from pipelines.worker_gc import tune_gc
from schemas.options import RunOptions
from schemas.page import PageRenderFailure, RenderedPage
from schemas.results import PageResult, PageSource, Status

TEXTLAYER = "textlayer"


def engine_section(options: RunOptions) -> dict[str, object]:
    """The options section for the chosen engine, from the one options tree."""
    e = options.engine
    if e.name == "openai":
        return {"endpoints": e.endpoints, "max_in_flight_per_endpoint": e.max_in_flight,
                "api_key_env": e.api_key_env, "timeout_s": e.timeout_s}  # fmt: skip
    if e.name == "vllm":
        r = options.render
        return {"dtype": e.dtype, "gpu_memory_utilization": e.gpu_memory_utilization,
                "tensor_parallel_size": e.tensor_parallel_size,
                "min_pixels": r.min_pixels, "max_pixels": r.max_pixels}  # fmt: skip
    return {}


def needs_text_layer(options: RunOptions) -> bool:
    """The render step extracts PDF text layers when the textlayer engine may be used."""
    return options.engine.name == TEXTLAYER or options.attempts.fallback_to_textlayer


def pages_in_flight(options: RunOptions) -> int:
    """Pages to keep in flight so every endpoint slot stays busy (openai), else a few batches."""
    if options.engine.name == "openai":
        return options.engine.max_in_flight * max(1, len(options.engine.endpoints))
    return options.runner.batch_size * 2


def engine_workers(options: RunOptions) -> int:
    if options.runner.engine_workers is not None:
        return options.runner.engine_workers
    # One extra batch in flight so a finishing batch never leaves the slots idle.
    return math.ceil(pages_in_flight(options) / options.runner.batch_size) + 1


class EngineStep:
    """Callable over a batch of :class:`PageItem`; thread-safe (the runner keeps no state)."""

    def __init__(self, options: RunOptions) -> None:
        self.options = options
        self.engine: Engine = create_engine(options.engine.name, engine_section(options))
        self.fallback: Engine | None = None
        if options.engine.name != TEXTLAYER and options.attempts.fallback_to_textlayer:
            self.fallback = create_engine(TEXTLAYER, {})
        self.runner = AttemptRunner(
            self.engine,
            options.model,
            fallback=self.fallback,
            options=options.attempts,
            postprocess=options.postprocess,
        )
        tune_gc(options.runner.tune_gc)  # this worker post-processes every page it gets

    def __call__(self, items: Sequence[PageItem]) -> list[PageDone]:
        pages = [(i, it) for i, it in enumerate(items) if isinstance(it.page, RenderedPage)]
        parsed = self.runner.run([it.page for _, it in pages])  # type: ignore[misc]
        done: list[PageDone | None] = [None] * len(items)
        for (i, item), outcome in zip(pages, parsed, strict=True):
            done[i] = PageDone(meta=item.meta, result=outcome.result, raw_reply=outcome.raw_reply)
        for i, item in enumerate(items):
            if isinstance(item.page, PageRenderFailure):
                failure = item.page
                result = PageResult(
                    page_number=failure.page_number,
                    status=Status.FAILED,
                    source=PageSource.NONE,
                    errors=[failure.error],
                )
                done[i] = PageDone(meta=item.meta, result=result)
        return [d for d in done if d is not None]

    def close(self) -> None:
        self.engine.close()
        if self.fallback is not None:
            self.fallback.close()
