"""Driver side: gather each document's pages, and as soon as all are in, write its outputs and
its manifest line (outputs first, manifest line last: a line implies complete outputs)."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from docparse.sinks import DocumentWriter, Manifest
from docparse.storage import Storage
from pipelines.records import DocDone, DocMeta, PageDone
from pipelines.summary import RunTally
from schemas.errors import DocparseError, ErrorCode, ErrorRecord
from schemas.manifest import ManifestEntry
from schemas.results import DocumentResult, PageResult, document_status

#: Optional extraction run on each finished document (``docparse extract``).
Extractor = Callable[[DocumentResult], BaseModel | Mapping[str, Any] | None]


@dataclass
class _Pending:
    meta: DocMeta
    pages: dict[int, PageResult] = field(default_factory=dict)
    raw: dict[int, str | None] = field(default_factory=dict)


class DocumentAssembler:
    """Collects :class:`PageDone` and :class:`DocDone` records in any order; one writer."""

    def __init__(
        self,
        storage: Storage,
        manifest: Manifest,
        *,
        tally: RunTally,
        extractor: Extractor | None = None,
        on_document: Callable[[DocumentResult], None] | None = None,
    ) -> None:
        self.writer = DocumentWriter(storage)
        self.manifest = manifest
        self.tally = tally
        self.extractor = extractor
        self.on_document = on_document
        self._pending: dict[str, _Pending] = {}

    @property
    def open_documents(self) -> int:
        return len(self._pending)

    def add_page(self, done: PageDone) -> None:
        key = done.meta.ref.key
        pending = self._pending.setdefault(key, _Pending(meta=done.meta))
        pending.pages[done.result.page_number] = done.result
        pending.raw[done.result.page_number] = done.raw_reply
        self.tally.page(done.result)
        if len(pending.pages) == done.meta.expected_pages:
            del self._pending[key]
            self._finish(pending)

    def add_document(self, done: DocDone) -> None:
        result = done.result
        if done.write_outputs and result.status.value != "skipped":
            result = self._write(done.ref.key, result, {}, done.size)
        self._report(result)

    def _finish(self, pending: _Pending) -> None:
        meta = pending.meta
        pages = [pending.pages[n] for n in sorted(pending.pages)]
        result = DocumentResult(
            doc_id=meta.doc_id,
            source=meta.ref.uri,
            content_hash=meta.digest,
            status=document_status(pages, []),
            page_count=meta.page_count,
            pages=pages,
            elapsed_s=round(time.time() - meta.started_at, 3),
        )
        self._report(self._write(meta.ref.key, result, pending.raw, meta.size))

    def _write(
        self,
        key: str,
        result: DocumentResult,
        raw: dict[int, str | None],
        size: int | None,
    ) -> DocumentResult:
        extraction: BaseModel | Mapping[str, Any] | None = None
        if self.extractor is not None and result.pages:
            try:
                extraction = self.extractor(result)
            except Exception as exc:  # an extraction bug must not lose the conversion
                error = ErrorRecord(
                    code=ErrorCode.INTERNAL,
                    message=f"extraction failed: {type(exc).__name__}: {exc}",
                    file=result.source,
                )
                extraction = {"valid": False, "data": {}, "errors": [error.model_dump(mode="json")]}
        try:
            self.writer.write(key, result, raw_replies=raw, extraction=extraction)
            self.manifest.record(ManifestEntry.from_result(result, output=key, size=size))
        except DocparseError as exc:
            # Outputs could not be written: the document is failed, and says why.
            result = result.model_copy(
                update={"status": "failed", "errors": [*result.errors, exc.record()]}
            )
            result = DocumentResult.model_validate(result.model_dump())
        return result

    def _report(self, result: DocumentResult) -> None:
        self.tally.document(result)
        if self.on_document is not None:
            self.on_document(result)
