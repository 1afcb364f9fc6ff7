"""Resume: for each listed source, process it or skip it, from what the manifest records.

The key is the source's output folder (its :attr:`SourceRef.key`) and its content hash (read
the bytes, hash them, then decide: rendering is what resume saves, not reading):

=====================================  ============================  =========================
manifest says about the folder         default                       ``retry_failed``
=====================================  ============================  =========================
nothing                                process (``new``)             process
another content hash                   process (``changed``)         process
same hash, ``ok``                      skip (``done``)               skip
same hash, ``failed`` or ``partial``   skip (``not-retried``)        process (``retry``)
=====================================  ============================  =========================

``force`` processes everything (``forced``). A skipped source still yields one record in the
run's report: :meth:`ResumeDecision.skipped_result` (status ``skipped``); it writes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum

from docparse.sinks.manifest import Manifest, PreviousRun
from schemas.options import OutputOptions
from schemas.results import DocumentResult, Status


class ResumeReason(str, Enum):
    NEW = "new"
    CHANGED = "changed"
    FORCED = "forced"
    RETRY = "retry"
    DONE = "done"
    NOT_RETRIED = "not-retried"


@dataclass(frozen=True)
class ResumeDecision:
    """Whether to process one source, why, and what the manifest had."""

    process: bool
    reason: ResumeReason
    previous: PreviousRun | None = None

    def skipped_result(self, *, doc_id: str, source: str, content_hash: str) -> DocumentResult:
        """The run-report record of a skipped source."""
        if self.process:
            raise ValueError(f"{doc_id} is to be processed, not skipped")
        return DocumentResult(
            doc_id=doc_id,
            source=source,
            content_hash=content_hash,
            status=Status.SKIPPED,
            page_count=self.previous.page_count if self.previous is not None else 0,
        )


class ResumePlan:
    """Decisions against a snapshot of the manifest; plain data, picklable."""

    def __init__(
        self, previous: Mapping[str, PreviousRun], options: OutputOptions = OutputOptions()
    ) -> None:
        self.previous = dict(previous)
        self.options = options

    @classmethod
    def from_manifest(
        cls, manifest: Manifest, options: OutputOptions = OutputOptions()
    ) -> ResumePlan:
        return cls(manifest.previous, options)

    def __len__(self) -> int:
        return len(self.previous)

    def decide(self, output: str, content_hash: str) -> ResumeDecision:
        """Process or skip the source whose output folder is ``output`` (see the table)."""
        previous = self.previous.get(output)
        if self.options.force:
            return ResumeDecision(True, ResumeReason.FORCED, previous)
        if previous is None:
            return ResumeDecision(True, ResumeReason.NEW)
        if previous.content_hash != content_hash:
            return ResumeDecision(True, ResumeReason.CHANGED, previous)
        if previous.status is Status.OK:
            return ResumeDecision(False, ResumeReason.DONE, previous)
        if self.options.retry_failed:
            return ResumeDecision(True, ResumeReason.RETRY, previous)
        return ResumeDecision(False, ResumeReason.NOT_RETRIED, previous)
