"""One line of ``manifest.jsonl``: what a run finished for one input document.

The manifest at the output root is the index of finished documents and the key of resume: a line
means the document's output folder is complete. ``output`` (the folder, relative to the root) is
the key: one line per folder, the newest one counting.
"""

from __future__ import annotations

from datetime import datetime, timezone

from pydantic import BaseModel, ConfigDict, Field

from schemas.errors import ErrorRecord, Severity
from schemas.results import DocumentResult, PageSource, Status

#: Version of the manifest line format; bumped on an incompatible change.
MANIFEST_VERSION = 1


class ManifestEntry(BaseModel):
    """A finished document: source, content hash, status, pages, timings, tokens, errors."""

    model_config = ConfigDict(frozen=True)

    output: str = Field(
        description="Output folder relative to the output root ('/'-separated); the resume key."
    )
    doc_id: str = Field(description="Stable document id ('<output>@<sha256[:12]>').")
    source: str = Field(description="Path or s3:// URI the document was read from.")
    content_hash: str | None = Field(
        description="sha256 of the input's bytes, 64 hex digits; None when they could not be "
        "read (such a line never makes a rerun skip the source)."
    )
    size: int | None = Field(default=None, ge=0, description="Input size in bytes.")
    status: Status
    page_count: int = Field(default=0, ge=0, description="Pages in the document.")
    pages: int = Field(default=0, ge=0, description="Pages processed (the page selection).")
    pages_failed: int = Field(default=0, ge=0)
    pages_fallback: int = Field(default=0, ge=0, description="Pages from the text-layer fallback.")
    attempts: int = Field(default=0, ge=0, description="Engine attempts over all pages.")
    prompt_tokens: int = Field(default=0, ge=0)
    output_tokens: int = Field(default=0, ge=0)
    elapsed_s: float = Field(default=0.0, ge=0, description="Wall time spent on the document.")
    engine_s: float = Field(default=0.0, ge=0, description="Sum of the engine attempts' latencies.")
    errors: list[ErrorRecord] = Field(
        default_factory=list,
        description="Error-severity records of the document and its pages (warnings: see "
        "document.json).",
    )
    finished_at: datetime = Field(description="When the line was made (UTC).")
    version: int = Field(default=MANIFEST_VERSION, description="Manifest line format version.")

    @classmethod
    def from_result(
        cls,
        result: DocumentResult,
        *,
        output: str,
        size: int | None = None,
        finished_at: datetime | None = None,
    ) -> ManifestEntry:
        """The line for ``result`` written under ``output``. A skipped result has no line."""
        if result.status is Status.SKIPPED:
            raise ValueError(f"{result.doc_id}: a skipped document gets no manifest line")
        attempts = [a for page in result.pages for a in page.attempts]
        errors = [e for e in result.errors if e.severity is Severity.ERROR] + [
            e.model_copy(update={"page": e.page or page.page_number})
            for page in result.pages
            for e in page.errors
            if e.severity is Severity.ERROR
        ]
        return cls(
            output=output,
            doc_id=result.doc_id,
            source=result.source,
            content_hash=result.content_hash,
            size=size,
            status=result.status,
            page_count=result.page_count,
            pages=len(result.pages),
            pages_failed=sum(p.status is Status.FAILED for p in result.pages),
            pages_fallback=sum(p.source is PageSource.TEXTLAYER_FALLBACK for p in result.pages),
            attempts=len(attempts),
            prompt_tokens=sum(a.prompt_tokens for a in attempts),
            output_tokens=sum(a.output_tokens for a in attempts),
            elapsed_s=result.elapsed_s,
            engine_s=round(sum(a.latency_s for a in attempts), 6),
            errors=errors,
            finished_at=finished_at or datetime.now(timezone.utc),
        )
