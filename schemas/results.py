"""Page and document results: one record per input, never "ok" with an error recorded."""

from __future__ import annotations

from enum import Enum

from pydantic import BaseModel, Field, model_validator

from schemas.blocks import Block
from schemas.errors import ErrorRecord, Severity
from schemas.geometry import PageTransform
from schemas.validation import Verdict


class Status(str, Enum):
    OK = "ok"
    PARTIAL = "partial"  # some pages failed or fell back; per-page reasons recorded
    FAILED = "failed"
    SKIPPED = "skipped"  # already done (resume)


class PageSource(str, Enum):
    MODEL = "model"
    TEXTLAYER = "textlayer"  # the textlayer engine was the chosen engine
    TEXTLAYER_FALLBACK = "textlayer-fallback"  # model attempts failed, text layer used
    NONE = "none"  # the page failed


class Attempt(BaseModel):
    """One try at one page with one engine."""

    number: int = Field(ge=1)
    engine: str
    temperature: float | None = None
    repetition_penalty: float | None = None
    finish_reason: str | None = None
    prompt_tokens: int = 0
    output_tokens: int = 0
    latency_s: float = 0.0
    verdict: Verdict | None = None
    error: ErrorRecord | None = None
    transport_retries: int = Field(
        default=0, ge=0, description="HTTP retries behind this attempt (they spend no attempt)."
    )
    endpoint: str | None = Field(default=None, description="Server that answered, if any.")


class PageResult(BaseModel):
    page_number: int = Field(ge=1)
    status: Status
    source: PageSource = PageSource.NONE
    transform: PageTransform | None = None
    blocks: list[Block] = Field(default_factory=list)
    attempts: list[Attempt] = Field(default_factory=list)
    repaired: bool = False
    truncated: bool = False
    errors: list[ErrorRecord] = Field(default_factory=list)

    @model_validator(mode="after")
    def _no_ok_with_errors(self) -> "PageResult":
        if self.status is Status.OK and any(e.severity is Severity.ERROR for e in self.errors):
            raise ValueError("a page with error records cannot be ok")
        return self


class DocumentResult(BaseModel):
    doc_id: str
    source: str
    content_hash: str | None = None
    status: Status
    page_count: int = 0
    pages: list[PageResult] = Field(default_factory=list)
    errors: list[ErrorRecord] = Field(default_factory=list)
    elapsed_s: float = 0.0

    @model_validator(mode="after")
    def _no_ok_with_errors(self) -> "DocumentResult":
        if self.status is Status.OK and (
            any(e.severity is Severity.ERROR for e in self.errors)
            or any(p.status is not Status.OK for p in self.pages)
        ):
            raise ValueError("a document with failed pages or error records cannot be ok")
        return self


def document_status(pages: list[PageResult], errors: list[ErrorRecord]) -> Status:
    """The one rule for a document's status from its pages and document-level errors."""
    if any(e.severity is Severity.ERROR for e in errors) and not pages:
        return Status.FAILED
    if not pages or all(p.status is Status.FAILED for p in pages):
        return Status.FAILED
    if any(p.status is not Status.OK for p in pages) or any(
        p.source is PageSource.TEXTLAYER_FALLBACK for p in pages
    ):
        return Status.PARTIAL
    if any(e.severity is Severity.ERROR for e in errors):
        return Status.PARTIAL
    return Status.OK
