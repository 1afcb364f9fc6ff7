"""Sinks (last stage): per-document output folders, the manifest, and resume decisions.

A run's driver: ``storage = open_storage(out_uri, options.storage)``; ``manifest =
Manifest.open(storage)`` (cleans stale temp files, repairs the manifest); ``plan =
ResumePlan.from_manifest(manifest, options.output)``. Per source: hash its bytes,
``plan.decide(ref.key, digest)``; skip (report ``decision.skipped_result(...)``) or process,
then ``DocumentWriter(storage).write(ref.key, result, raw_replies=..., extraction=...)`` (may
run in a worker) and, in the driver, ``manifest.record(ManifestEntry.from_result(result,
output=ref.key, size=ref.size))``. Finally ``manifest.close()``.
"""

from docparse.sinks.layout import (
    DOCUMENT_HTML,
    DOCUMENT_JSON,
    EXTRACTION_JSON,
    MANIFEST_NAME,
    MANIFEST_PARTS,
    page_key,
    raw_key,
)
from docparse.sinks.manifest import Manifest, PreviousRun, part_key, read_entries
from docparse.sinks.resume import ResumeDecision, ResumePlan, ResumeReason
from docparse.sinks.writer import DocumentWriter, WrittenDocument

__all__ = [
    "DOCUMENT_HTML",
    "DOCUMENT_JSON",
    "EXTRACTION_JSON",
    "MANIFEST_NAME",
    "MANIFEST_PARTS",
    "DocumentWriter",
    "Manifest",
    "PreviousRun",
    "ResumeDecision",
    "ResumePlan",
    "ResumeReason",
    "WrittenDocument",
    "page_key",
    "part_key",
    "raw_key",
    "read_entries",
]
