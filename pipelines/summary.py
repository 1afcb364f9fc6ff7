"""Counting a run as it goes, and the final summary a user reads."""

from __future__ import annotations

import threading
import time
from collections import Counter

from pydantic import BaseModel, Field

from schemas.results import DocumentResult, PageResult, PageSource, Status


class RunSummary(BaseModel):
    """What a run did: per-status document counts, pages, throughput, attempts, fallbacks."""

    documents: dict[str, int] = Field(
        description="Documents by status: ok, partial, failed, skipped."
    )
    pages: int = Field(description="Pages processed (skipped documents not counted).")
    pages_failed: int = 0
    elapsed_s: float
    pages_per_s: float
    output_tokens: int = 0
    tokens_per_s: float = 0.0
    attempts: dict[int, int] = Field(
        default_factory=dict, description="Pages by number of engine attempts they took."
    )
    fallbacks: int = Field(
        default=0, description="Pages built from the text layer after the model failed."
    )
    output: str = Field(description="Where outputs and manifest.jsonl are.")
    failed: list[str] = Field(
        default_factory=list,
        description="'source: [code] message' per failed document.",
    )

    @property
    def any_failed(self) -> bool:
        return self.documents.get("failed", 0) > 0 or self.documents.get("partial", 0) > 0


class RunTally:
    """Thread-safe running counts (the progress display reads them while the run goes on)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.started = time.monotonic()
        self.documents: Counter[str] = Counter()
        self.pages = 0
        self.pages_failed = 0
        self.output_tokens = 0
        self.attempts: Counter[int] = Counter()
        self.fallbacks = 0
        self.failed: list[str] = []

    def page(self, result: PageResult) -> None:
        with self._lock:
            self.pages += 1
            self.pages_failed += result.status is Status.FAILED
            self.output_tokens += sum(a.output_tokens for a in result.attempts)
            # Attempts by the run's own engine; a fallback attempt is counted in ``fallbacks``.
            fallback = result.source is PageSource.TEXTLAYER_FALLBACK
            self.attempts[len(result.attempts) - int(fallback)] += 1
            self.fallbacks += result.source is PageSource.TEXTLAYER_FALLBACK

    def document(self, result: DocumentResult) -> None:
        with self._lock:
            self.documents[result.status.value] += 1
            if result.status is Status.FAILED:
                why = next((str(e) for e in result.errors), None)
                if why is None:
                    why = next(
                        (str(e) for p in result.pages for e in p.errors),
                        "all pages failed",
                    )
                self.failed.append(f"{result.source}: {why}")

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def summary(self, output: str) -> RunSummary:
        with self._lock:
            elapsed = max(self.elapsed, 1e-9)
            return RunSummary(
                documents={s.value: self.documents.get(s.value, 0) for s in Status},
                pages=self.pages,
                pages_failed=self.pages_failed,
                elapsed_s=round(elapsed, 3),
                pages_per_s=round(self.pages / elapsed, 3),
                output_tokens=self.output_tokens,
                tokens_per_s=round(self.output_tokens / elapsed, 1),
                attempts=dict(sorted(self.attempts.items())),
                fallbacks=self.fallbacks,
                output=output,
                failed=list(self.failed),
            )
