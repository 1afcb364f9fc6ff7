"""Per-document outputs: one folder per input under the output root (see :mod:`.layout`).

Every file is written atomically through the injected :class:`~docparse.storage.Storage`:
page HTML, raw replies and extraction first (on a few threads: S3 puts wait on the network),
then ``document.html``, then ``document.json`` (last: its presence means the folder is
complete). Files of an earlier run that this one did not write
(pages beyond the new page count, an extraction no longer asked for) are deleted afterwards.
The manifest line comes after all of this, from the driver (:class:`.manifest.Manifest`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from docparse.sinks.layout import (
    DOCUMENT_HTML,
    DOCUMENT_JSON,
    EXTRACTION_JSON,
    PAGES_DIR,
    RAW_DIR,
    is_page_output,
    page_key,
    raw_key,
)
from docparse.storage import (
    DEFAULT_IO_WORKERS,
    Storage,
    check_key,
    join_key,
    map_concurrently,
)
from postprocess.merge import document_html, page_html
from schemas.errors import ErrorCode, OutputError
from schemas.results import DocumentResult, Status

#: What ``extraction.json`` can be made from.
Extraction = BaseModel | Mapping[str, Any]


@dataclass(frozen=True)
class WrittenDocument:
    """What :meth:`DocumentWriter.write` did: keys relative to the output root."""

    output: str
    files: tuple[str, ...]
    removed: tuple[str, ...] = ()


class DocumentWriter:
    """Writes one document's folder. Stateless apart from the storage: safe to share between
    threads and to pickle to Ray workers (two writers must not write the same folder at once)."""

    def __init__(self, storage: Storage, *, max_workers: int = DEFAULT_IO_WORKERS) -> None:
        self.storage = storage
        self.max_workers = max_workers

    def write(
        self,
        output: str,
        result: DocumentResult,
        *,
        raw_replies: Mapping[int, str | bytes | None] | None = None,
        extraction: Extraction | None = None,
    ) -> WrittenDocument:
        """Write the folder ``output`` (a source key) for ``result``.

        ``raw_replies`` maps page numbers to the model's reply for that page as the engine
        returned it (str is stored as UTF-8, lone surrogates kept with ``surrogatepass``; bytes
        as they are). Raises :class:`OutputError` (``WRITE_FAILED``) naming the file.
        """
        check_key(output)
        if result.status is Status.SKIPPED:
            raise ValueError(f"{result.doc_id}: a skipped document has no outputs to write")
        files: list[tuple[str, bytes]] = []
        for page in sorted(result.pages, key=lambda p: p.page_number):
            if page.status is not Status.FAILED:
                files.append((page_key(output, page.page_number), page_html(page).encode()))
        for number, reply in sorted((raw_replies or {}).items()):
            if reply is None:  # the engine gave no text for this page
                continue
            data = reply if isinstance(reply, bytes) else reply.encode("utf-8", "surrogatepass")
            files.append((raw_key(output, number), data))
        if extraction is not None:
            extraction_json = self._extraction_json(output, extraction)
            files.append((join_key(output, EXTRACTION_JSON), extraction_json))
        merged = document_html(result.pages, title=result.doc_id)
        files.append((join_key(output, DOCUMENT_HTML), merged.encode()))
        files.append((join_key(output, DOCUMENT_JSON), result.model_dump_json(indent=2).encode()))
        *body, summary, result_json = files
        map_concurrently(lambda item: self.storage.write_bytes(*item), body, self.max_workers)
        for key, data in (summary, result_json):
            self.storage.write_bytes(key, data)
        written = tuple(key for key, _ in files)
        removed = self._remove_stale(output, written)
        return WrittenDocument(output=output, files=written, removed=removed)

    def _extraction_json(self, output: str, extraction: Extraction) -> bytes:
        if isinstance(extraction, BaseModel):
            return extraction.model_dump_json(indent=2).encode()
        try:
            return json.dumps(extraction, indent=2, ensure_ascii=False).encode()
        except (TypeError, ValueError) as exc:
            raise OutputError(
                f"extraction is not JSON-serialisable: {exc}",
                code=ErrorCode.WRITE_FAILED,
                file=self.storage.uri(join_key(output, EXTRACTION_JSON)),
            ) from exc

    def _remove_stale(self, output: str, written: tuple[str, ...]) -> tuple[str, ...]:
        keep = set(written)
        stale = [
            key
            for folder in (PAGES_DIR, RAW_DIR)
            for key in self.storage.list(join_key(output, folder))
            if is_page_output(output, key) and key not in keep
        ]
        extraction = join_key(output, EXTRACTION_JSON)
        if extraction not in keep and self.storage.exists(extraction):
            stale.append(extraction)
        map_concurrently(self.storage.delete, stale, self.max_workers)
        return tuple(stale)
