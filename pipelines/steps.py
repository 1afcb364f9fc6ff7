"""The step functions. The local runner and the Ray Data job run exactly these.

sources -> plan (read, hash, resume, count pages) -> render -> engine + postprocess -> assemble
"""

from __future__ import annotations

import time
from collections.abc import Iterator

from docparse.render import count_pages, detect_kind, open_document
from docparse.sinks import ResumePlan
from docparse.sources import SourceRef, content_hash, read_source
from pipelines.records import DocDone, DocMeta, PageItem, RenderTask
from schemas.errors import DocparseError, ErrorCode, InputError
from schemas.options import RenderOptions, StorageOptions
from schemas.page import PageRenderFailure
from schemas.results import DocumentResult, Status


def failed_document(
    ref: SourceRef, error: DocparseError, *, digest: str | None = None
) -> DocumentResult:
    record = error.record()
    if record.file is None:
        record = record.model_copy(update={"file": ref.uri})
    doc_id = ref.document_id(digest) if digest else ref.key
    return DocumentResult(
        doc_id=doc_id,
        source=ref.uri,
        content_hash=digest,
        status=Status.FAILED,
        errors=[record],
    )


def plan_document(
    ref: SourceRef,
    *,
    resume: ResumePlan,
    render: RenderOptions,
    storage: StorageOptions,
    pages_per_task: int,
) -> list[RenderTask | DocDone]:
    """Read and hash one source, decide resume, and cut its selected pages into render tasks."""
    started = time.time()
    try:
        data = read_source(ref, storage)
    except DocparseError as exc:
        # Unreadable: report it, but write nothing (a vanished file must not clobber outputs).
        return [DocDone(ref=ref, result=failed_document(ref, exc), write_outputs=False)]
    digest = content_hash(data)
    decision = resume.decide(ref.key, digest)
    if not decision.process:
        skipped = decision.skipped_result(
            doc_id=ref.document_id(digest), source=ref.uri, content_hash=digest
        )
        return [DocDone(ref=ref, result=skipped, size=len(data))]
    try:
        kind = detect_kind(data, source=ref.uri)
        page_count = count_pages(data, source=ref.uri, options=render)
        indices = render.pages.indices(page_count)
        if not indices:
            raise InputError(
                f"page selection {render.pages.spec!r} picks none of the document's {page_count} page(s)",
                code=ErrorCode.PAGE_OUT_OF_RANGE,
                file=ref.uri,
            )
    except DocparseError as exc:
        return [DocDone(ref=ref, result=failed_document(ref, exc, digest=digest), size=len(data))]
    meta = DocMeta(
        ref=ref,
        doc_id=ref.document_id(digest),
        digest=digest,
        kind=kind,
        size=len(data),
        page_count=page_count,
        expected_pages=len(indices),
        started_at=started,
    )
    return [
        RenderTask(meta=meta, indices=tuple(indices[i : i + pages_per_task]))
        for i in range(0, len(indices), pages_per_task)
    ]


def render_task(
    task: RenderTask, *, render: RenderOptions, storage: StorageOptions
) -> Iterator[PageItem]:
    """Render a task's pages one at a time (lazily: memory holds one page per step)."""
    meta = task.meta
    try:
        data = read_source(meta.ref, storage)
        doc = open_document(data, source=meta.ref.uri, doc_id=meta.doc_id, options=render)
    except DocparseError as exc:
        # The file changed or vanished since planning: every page of the task fails, named.
        for index in task.indices:
            yield PageItem(meta=meta, page=_page_failure(meta, index, exc))
        return
    with doc:
        del data
        for index in task.indices:
            try:
                yield PageItem(meta=meta, page=doc.render_page(index))
            except DocparseError as exc:
                yield PageItem(meta=meta, page=_page_failure(meta, index, exc))


def _page_failure(meta: DocMeta, index: int, exc: DocparseError) -> PageRenderFailure:
    record = exc.record().model_copy(update={"file": meta.ref.uri, "page": index + 1})
    return PageRenderFailure(
        doc_id=meta.doc_id,
        source=meta.ref.uri,
        source_kind=meta.kind,
        page_index=index,
        page_count=meta.page_count,
        error=record,
    )
