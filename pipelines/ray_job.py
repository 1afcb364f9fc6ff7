"""The Ray Data job (default runner): the same steps as the local runner, streamed.

    listing (driver) -> plan (CPU task; one block per render task) -> render (CPU task, one
      row per page) -> engine (actor pool: GPU actors for vllm; for openai one HTTP actor
      running several batches at once)
      -> rows streamed back to the driver, which assembles and writes each document as soon as
         its pages are in (no global barrier; Ray Data's backpressure bounds memory).

Rows carry one pickled record (plain data: bytes and values) and its kind, so a document that
failed to open or was skipped travels through the later stages untouched.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from docparse.sinks import ResumePlan
from docparse.sources import SourceRef
from pipelines.assemble import DocumentAssembler
from pipelines.engine_step import EngineStep, engine_workers
from pipelines.records import DocDone, RenderTask
from schemas.errors import DocparseError, ErrorCode
from schemas.options import RenderOptions, RunOptions

if TYPE_CHECKING:
    from ray.data import Dataset

#: Row kinds: a listed source, a render task, a rendered page, a settled document, a done page.
_REF, _TASK, _PAGE, _SETTLED, _DONE = "ref", "task", "page", "settled", "done"


def _row(kind: str, record: object) -> dict[str, Any]:
    return {
        "kind": kind,
        "payload": pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL),
    }


def _plan(
    row: dict[str, Any],
    *,
    resume: ResumePlan,
    render: RenderOptions,
    options: RunOptions,
) -> list[dict[str, Any]]:
    from pipelines.steps import failed_document, plan_document  # see _render

    ref: SourceRef = pickle.loads(row["payload"])
    try:
        planned = plan_document(
            ref,
            resume=resume,
            render=render,
            storage=options.storage,
            pages_per_task=options.runner.pages_per_task,
        )
    except Exception as exc:  # a bug fails one document, never the job
        error = DocparseError(f"{type(exc).__name__}: {exc}", code=ErrorCode.INTERNAL)
        planned = [DocDone(ref=ref, result=failed_document(ref, error), write_outputs=False)]
    return [_row(_SETTLED if isinstance(p, DocDone) else _TASK, p) for p in planned]


def _render(
    row: dict[str, Any], *, render: RenderOptions, options: RunOptions
) -> Iterable[dict[str, Any]]:
    # Imported here, not at the top: the steps load PyMuPDF (~100 MB per process), which only
    # the plan and render workers need; the driver and the engine actors import this module too.
    from pipelines.steps import render_task

    if row["kind"] != _TASK:
        yield row
        return
    task: RenderTask = pickle.loads(row["payload"])
    for item in render_task(task, render=render, storage=options.storage):
        yield _row(_PAGE, item)


class _EngineActor:
    """One per worker: owns its engines for the actor's life."""

    def __init__(self, options: RunOptions) -> None:
        self.step = EngineStep(options)

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[Any]]:
        kinds, payloads = list(batch["kind"]), list(batch["payload"])
        pages = [
            (i, pickle.loads(p))
            for i, (k, p) in enumerate(zip(kinds, payloads, strict=False))
            if k == _PAGE
        ]
        done = self.step([item for _, item in pages]) if pages else []
        for (i, _), page_done in zip(pages, done, strict=True):
            kinds[i], payloads[i] = (
                _DONE,
                pickle.dumps(page_done, protocol=pickle.HIGHEST_PROTOCOL),
            )
        return {"kind": kinds, "payload": payloads}


def _one_row_per_block(ds: Any) -> Any:
    """Give each render task its own block, so that it becomes its own Ray task.

    Ray Data hands a map task whole blocks, and a plan task puts all of one document's render
    tasks in one block: without this, one Ray task renders a whole document on one core and
    releases its pages only at the end (a 1,000-page PDF: minutes before the first request, and
    every page held at once). Streaming repartition splits blocks as they come (no barrier).
    """
    try:
        return ds.repartition(target_num_rows_per_block=1)
    except TypeError:  # Ray without streaming repartition: documents render whole
        return ds


def _engine_pool(ray_data: Any, workers: int, calls: int) -> tuple[Any, dict[str, Any]]:
    """An actor pool of ``workers`` actors, each running ``calls`` batches at once (EngineStep is
    thread-safe), and the remote args that go with it on this Ray version."""
    if calls == 1:
        return ray_data.ActorPoolStrategy(size=workers), {}
    try:  # Ray >= 2.50 runs an actor's calls one at a time unless told otherwise
        pool = ray_data.ActorPoolStrategy(
            size=workers, max_concurrent_calls_per_actor=calls, enable_true_multi_threading=True
        )
        return pool, {}
    except TypeError:  # older Ray: a threaded actor runs its calls concurrently
        return ray_data.ActorPoolStrategy(size=workers), {"max_concurrency": calls}


def _init_ray(options: RunOptions) -> None:
    import ray

    if ray.is_initialized():
        return
    address = options.runner.ray_address or os.environ.get("RAY_ADDRESS")
    if address:
        ray.init(address=address, log_to_driver=False)
    else:
        ray.init(
            object_store_memory=options.runner.object_store_mb * 2**20,
            include_dashboard=False,
            log_to_driver=False,
            configure_logging=False,
        )


def run_ray(
    refs: Iterable[SourceRef],
    options: RunOptions,
    render: RenderOptions,
    resume: ResumePlan,
    assembler: DocumentAssembler,
    tick: Callable[[], None] | None = None,
) -> None:
    import ray.data

    _init_ray(options)
    ctx = ray.data.DataContext.get_current()
    ctx.enable_progress_bars = False
    ctx.execution_options.preserve_order = False
    ctx.print_on_execution_start = False

    gpu = options.engine.name == "vllm"
    workers = engine_workers(options) if not gpu else max(1, options.runner.engine_workers or 1)
    batch, calls = options.runner.batch_size, 1
    if options.engine.name == "openai":
        # One actor is enough: its engine keeps every endpoint's slots busy over HTTP (another
        # actor is another ~150 MB process). It runs several batches at once: a call returns
        # only when its last page is back, and Ray Data cuts batches at block ends, so calls
        # come in full and in small sizes (a 40-page document: 16 + 16 + 8). Twice the calls
        # that full batches would need, plus two, keep the slots full meanwhile (measured:
        # 64 slots, 40-page documents: 0.78 of capacity with 3 calls of 32 pages, 0.94 so).
        slots = options.engine.max_in_flight * len(options.engine.endpoints)
        workers = options.runner.engine_workers or 1
        calls = 2 * -(-slots // (batch * workers)) + 2
    compute, remote_args = _engine_pool(ray.data, workers, calls)
    ds: Dataset = ray.data.from_items([_row(_REF, ref) for ref in refs])
    common = {"render": render, "options": options}
    # Ray's types for flat_map's function leave out fn_kwargs: they take (row) alone.
    ds = ds.flat_map(_plan, fn_kwargs={"resume": resume, **common}, num_cpus=0.5)  # type: ignore[arg-type]
    ds = _one_row_per_block(ds)
    ds = ds.flat_map(_render, fn_kwargs=common, num_cpus=1)  # type: ignore[arg-type]
    ds = ds.map_batches(
        _EngineActor,
        fn_constructor_args=(options,),
        batch_size=batch,
        compute=compute,
        num_cpus=0 if not gpu else 1,
        num_gpus=options.engine.tensor_parallel_size if gpu else 0,
        batch_format="numpy",
        **remote_args,
    )
    for row in ds.iter_rows():
        record = pickle.loads(row["payload"])
        if isinstance(record, DocDone):
            assembler.add_document(record)
        else:
            assembler.add_page(record)
        if tick is not None:
            tick()
