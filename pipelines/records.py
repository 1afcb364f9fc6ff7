"""What flows between the steps: plain, picklable records (bytes and values, no handles)."""

from __future__ import annotations

from dataclasses import dataclass, field

from docparse.sources import SourceRef
from schemas.page import PageRenderFailure, RenderedPage, SourceKind
from schemas.results import DocumentResult, PageResult


@dataclass(frozen=True)
class DocMeta:
    """One document being processed: where it came from and how many pages to expect."""

    ref: SourceRef
    doc_id: str
    digest: str
    kind: SourceKind
    size: int
    page_count: int
    expected_pages: int  # pages selected for this run
    started_at: float


@dataclass(frozen=True)
class RenderTask:
    """Render these 0-based pages of a planned document."""

    meta: DocMeta
    indices: tuple[int, ...]


@dataclass(frozen=True)
class PageItem:
    """A rendered page (or its render failure) on its way to the engine."""

    meta: DocMeta
    page: RenderedPage | PageRenderFailure


@dataclass(frozen=True)
class PageDone:
    """A page after the engine and post-processing."""

    meta: DocMeta
    result: PageResult
    raw_reply: str | None = None


@dataclass(frozen=True)
class DocDone:
    """A document settled before reaching the engine: skipped, or failed to open."""

    ref: SourceRef
    result: DocumentResult
    size: int | None = None
    write_outputs: bool = field(default=True)
