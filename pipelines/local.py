"""The in-process runner: the same steps as the Ray job, on threads, for small jobs and tests.

render threads --(bounded page queue)--> engine worker threads --> driver (assemble, write)

The page queue is bounded, so memory holds at most a few batches of rendered pages however
large the corpus. Engine workers keep ``pages_in_flight`` pages at the engine at once, so an
OpenAI-compatible server's slots stay full across batch boundaries.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable

from docparse.sinks import ResumePlan
from docparse.sources import SourceRef
from pipelines.assemble import DocumentAssembler
from pipelines.engine_step import EngineStep, engine_workers
from pipelines.records import DocDone, PageDone, PageItem, RenderTask
from pipelines.steps import failed_document, plan_document, render_task
from schemas.errors import DocparseError, ErrorCode, ErrorRecord
from schemas.options import RenderOptions, RunOptions
from schemas.results import PageResult, PageSource, Status

_STOP = object()


class _WorkerDone:
    pass


def _internal(message: str) -> DocparseError:
    return DocparseError(message, code=ErrorCode.INTERNAL)


class LocalRunner:
    def __init__(
        self, options: RunOptions, render_options: RenderOptions, resume: ResumePlan
    ) -> None:
        self.options = options
        self.render = render_options
        self.resume = resume
        self.workers = engine_workers(options)
        capacity = max(options.runner.batch_size * (self.workers + 1), 4)
        self.pages: queue.Queue[object] = queue.Queue(maxsize=capacity)
        self.results: queue.Queue[_WorkerDone | DocDone | list[PageDone]] = queue.Queue()
        self.refs: queue.Queue[object] = queue.Queue(maxsize=64)
        self.stop = threading.Event()

    # --- producers -------------------------------------------------------------------------
    def _feed(self, refs: Iterable[SourceRef]) -> None:
        try:
            for ref in refs:
                if self.stop.is_set():
                    break
                self.refs.put(ref)
        finally:
            for _ in range(self.options.runner.render_workers):
                self.refs.put(_STOP)

    def _render_worker(self) -> None:
        while (ref := self.refs.get()) is not _STOP:
            assert isinstance(ref, SourceRef)
            try:
                planned = plan_document(
                    ref,
                    resume=self.resume,
                    render=self.render,
                    storage=self.options.storage,
                    pages_per_task=self.options.runner.pages_per_task,
                )
                for item in planned:
                    if isinstance(item, DocDone):
                        self.results.put(item)
                        continue
                    assert isinstance(item, RenderTask)
                    for page in render_task(item, render=self.render, storage=self.options.storage):
                        if self.stop.is_set():
                            return
                        self.pages.put(page)
            except Exception as exc:  # a bug must fail one document, not hang the run
                result = failed_document(ref, _internal(f"{type(exc).__name__}: {exc}"))
                self.results.put(DocDone(ref=ref, result=result, write_outputs=False))

    # --- engine workers --------------------------------------------------------------------
    def _batch(self) -> list[PageItem] | None:
        first = self.pages.get()
        if first is _STOP:
            self.pages.put(_STOP)  # every worker must see it
            return None
        batch = [first]
        while len(batch) < self.options.runner.batch_size:
            try:
                nxt = self.pages.get_nowait()
            except queue.Empty:
                break
            if nxt is _STOP:
                self.pages.put(_STOP)  # leave it for the next turn
                break
            batch.append(nxt)
        return batch  # type: ignore[return-value]

    def _engine_worker(self, step: EngineStep) -> None:
        try:
            while (batch := self._batch()) is not None:
                try:
                    self.results.put(step(batch))
                except Exception as exc:  # engine bug: fail these pages, keep going
                    self.results.put([_failed_page(item, exc) for item in batch])
        finally:
            self.results.put(_WorkerDone())

    # --- driver ----------------------------------------------------------------------------
    def run(
        self,
        refs: Iterable[SourceRef],
        assembler: DocumentAssembler,
        tick: Callable[[], None] | None = None,
    ) -> None:
        step = EngineStep(self.options)
        threads = [
            threading.Thread(target=self._feed, args=(refs,), name="docparse-list", daemon=True)
        ]
        render_threads = [
            threading.Thread(target=self._render_worker, name=f"docparse-render-{i}", daemon=True)
            for i in range(self.options.runner.render_workers)
        ]
        engine_threads = [
            threading.Thread(
                target=self._engine_worker,
                args=(step,),
                name=f"docparse-engine-{i}",
                daemon=True,
            )
            for i in range(self.workers)
        ]
        for t in threads + render_threads + engine_threads:
            t.start()

        def close_pages() -> None:
            for t in render_threads:
                t.join()
            self.pages.put(_STOP)

        closer = threading.Thread(target=close_pages, name="docparse-close", daemon=True)
        closer.start()
        finished = 0
        try:
            while finished < self.workers:
                item = self.results.get()
                if isinstance(item, _WorkerDone):
                    finished += 1
                elif isinstance(item, DocDone):
                    assembler.add_document(item)
                else:
                    for done in item:
                        assembler.add_page(done)
                if tick is not None:
                    tick()
        except BaseException:
            self.stop.set()
            raise
        finally:
            step.close()


def _failed_page(item: PageItem, exc: Exception) -> PageDone:
    record = ErrorRecord(
        code=ErrorCode.INTERNAL,
        message=f"{type(exc).__name__}: {exc}",
        file=item.meta.ref.uri,
        page=item.page.page_index + 1,
    )
    result = PageResult(
        page_number=item.page.page_index + 1,
        status=Status.FAILED,
        source=PageSource.NONE,
        errors=[record],
    )
    return PageDone(meta=item.meta, result=result)
