"""``manifest.jsonl``: one line per finished document, kept by one writer (the run's driver).

A line is recorded only after the document's folder is complete, so a line implies complete
outputs. The key of a line is its ``output`` folder; the newest line of a folder counts.

Journals (how a line is made durable before the run ends), chosen by the storage:

- **Local** (:class:`~docparse.storage.AppendableStorage`): the line is appended to
  ``manifest.jsonl`` with one ``write`` and an ``fsync``. A SIGKILL can leave only the last line
  cut short; the next :meth:`Manifest.open` ignores it with a warning (the document is redone).
- **S3** (no append): each line is its own object, ``manifest.d/<sha256(output)[:32]>.json``,
  written with one put (visible whole or not at all; a re-recorded document overwrites its own
  part). :meth:`Manifest.close` compacts: it writes ``manifest.jsonl`` with every line (one put)
  and then deletes the parts. Killed before that, the parts stay; the next open merges them
  (parts win over ``manifest.jsonl``: they are always newer) and compacts again. A kill between
  the put and the deletes leaves parts whose lines are already in ``manifest.jsonl``: merging
  them again changes nothing, so no document is ever listed twice.

:meth:`Manifest.open` also repairs: when the file had a cut or unreadable line, lines without
a final newline, the same folder twice, or parts, it is rewritten atomically with one line per
folder. :meth:`Manifest.close` does the same if this run recorded a folder twice (a changed
document). ``open`` first deletes temporary files that killed writers left under the output root
(``.<name>.<random>.docparse.tmp``; see :mod:`docparse.storage.atomic`), so run it before any
document writer starts. One run per output root at a time.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Iterator, Mapping
from types import MappingProxyType, TracebackType
from typing import NamedTuple, cast

from pydantic import ValidationError

from docparse.sinks.layout import MANIFEST_NAME, MANIFEST_PARTS
from docparse.storage import AppendableStorage, Storage, join_key, map_concurrently
from schemas.manifest import ManifestEntry
from schemas.results import Status

logger = logging.getLogger(__name__)


class PreviousRun(NamedTuple):
    """What the manifest says about one output folder (all resume needs)."""

    content_hash: str | None
    status: Status
    page_count: int
    doc_id: str


class _Row(NamedTuple):
    previous: PreviousRun
    line: str  # the JSON line as stored, with its newline


def part_key(output: str) -> str:
    """The S3 journal object of the document folder ``output``."""
    digest = hashlib.sha256(output.encode("utf-8")).hexdigest()[:32]
    return join_key(MANIFEST_PARTS, f"{digest}.json")


class Manifest:
    """The manifest of one output root. Use :meth:`open`; record lines with :meth:`record`."""

    def __init__(self, storage: Storage, rows: dict[str, _Row], *, parts: set[str]) -> None:
        self.storage = storage
        self.warnings: list[str] = []
        self._rows = rows
        self._parts = parts
        self._append = isinstance(storage, AppendableStorage)
        self._dirty = False
        self._closed = False
        self._lock = threading.Lock()

    @classmethod
    def open(cls, storage: Storage, *, clean_stale: bool = True) -> Manifest:
        """Load the manifest of ``storage``'s root (none yet: empty), after deleting stale temp
        files when ``clean_stale``; repair it if needed (see the module docstring)."""
        removed = storage.remove_stale_temp() if clean_stale else 0
        warnings: list[str] = []
        if removed:
            warnings.append(f"removed {removed} temporary file(s) left by an interrupted run")
        rows, repair = _load_lines(storage, warnings)
        parts = sorted(storage.list(MANIFEST_PARTS))
        for key, data in zip(parts, map_concurrently(storage.read_bytes, parts), strict=True):
            parsed = _parse(data.rstrip(b"\n"), storage.uri(key), warnings)
            if parsed is not None:
                rows.pop(parsed.output, None)
                rows[parsed.output] = parsed.row
        manifest = cls(storage, rows, parts=set(parts))
        manifest.warnings = warnings
        for warning in warnings:
            logger.warning("%s: %s", storage.uri(MANIFEST_NAME), warning)
        if repair or parts:
            manifest.compact()
        return manifest

    def __len__(self) -> int:
        return len(self._rows)

    def __contains__(self, output: object) -> bool:
        return output in self._rows

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._rows))

    def get(self, output: str) -> ManifestEntry | None:
        """The newest line of the folder ``output``, or None."""
        row = self._rows.get(output)
        return ManifestEntry.model_validate_json(row.line) if row is not None else None

    @property
    def previous(self) -> Mapping[str, PreviousRun]:
        """Output folder -> what its newest line says (a read-only snapshot)."""
        return MappingProxyType({key: row.previous for key, row in self._rows.items()})

    def record(self, entry: ManifestEntry) -> None:
        """Make ``entry`` durable (after its document's files are written)."""
        line = entry.model_dump_json() + "\n"
        with self._lock:
            if self._closed:
                raise ValueError("the manifest is closed")
            if self._append:
                appendable = cast(AppendableStorage, self.storage)
                appendable.append_bytes(MANIFEST_NAME, line.encode("utf-8"))
                self._dirty |= entry.output in self._rows
            else:
                key = part_key(entry.output)
                self.storage.write_bytes(key, line.encode("utf-8"))
                self._parts.add(key)
                self._dirty = True
            self._rows.pop(entry.output, None)
            self._rows[entry.output] = _Row(_previous(entry), line)

    def compact(self) -> None:
        """Rewrite ``manifest.jsonl`` with one line per folder (one atomic write), then delete
        the journal parts it now holds."""
        with self._lock:
            data = "".join(row.line for row in self._rows.values()).encode("utf-8")
            self.storage.write_bytes(MANIFEST_NAME, data)
            map_concurrently(self.storage.delete, sorted(self._parts))
            self._parts.clear()
            self._dirty = False

    def close(self) -> None:
        """Compact if this run left duplicates or parts; later records are refused."""
        if self._closed:
            return
        if self._dirty:
            self.compact()
        self._closed = True

    def __enter__(self) -> Manifest:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class _Parsed(NamedTuple):
    output: str
    row: _Row


def _load_lines(storage: Storage, warnings: list[str]) -> tuple[dict[str, _Row], bool]:
    """Rows of ``manifest.jsonl`` and whether it needs rewriting."""
    if not storage.exists(MANIFEST_NAME):
        return {}, False
    lines = storage.read_bytes(MANIFEST_NAME).split(b"\n")
    tail = lines.pop()  # b"" when the file ends with a newline
    rows: dict[str, _Row] = {}
    repair = False
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            repair = True
            continue
        parsed = _parse(raw, f"line {number}", warnings)
        repair |= parsed is None or parsed.output in rows
        if parsed is not None:
            rows.pop(parsed.output, None)
            rows[parsed.output] = parsed.row
    if tail.strip():
        repair = True
        parsed = _parse(tail, "", None)
        if parsed is None:
            warnings.append(
                f"last line ({len(tail)} bytes, no newline) is cut short, ignored: an "
                "interrupted run; that document will be processed again"
            )
        else:
            rows.pop(parsed.output, None)
            rows[parsed.output] = parsed.row
    return rows, repair


def _parse(raw: bytes, where: str, warnings: list[str] | None) -> _Parsed | None:
    try:
        entry = ManifestEntry.model_validate_json(raw)
    except ValidationError as exc:
        if warnings is not None:
            reason = exc.errors()[0]["msg"] if exc.errors() else str(exc)
            warnings.append(f"{where}: unreadable manifest line ignored ({reason})")
        return None
    line = raw.decode("utf-8").strip() + "\n"
    return _Parsed(entry.output, _Row(_previous(entry), line))


def _previous(entry: ManifestEntry) -> PreviousRun:
    return PreviousRun(entry.content_hash, entry.status, entry.page_count, entry.doc_id)


def read_entries(storage: Storage) -> list[ManifestEntry]:
    """The manifest's entries, newest per output folder, WITHOUT touching anything: safe while
    a run is writing (``docparse status``). Parts not yet compacted (S3) are included."""
    warnings: list[str] = []
    rows, _ = _load_lines(storage, warnings)
    for key in sorted(storage.list(MANIFEST_PARTS)):
        try:
            data = storage.read_bytes(key)
        except Exception:  # a part compacted away between list and read: its line is in rows
            continue
        parsed = _parse(data.rstrip(b"\n"), storage.uri(key), warnings)
        if parsed is not None:
            rows.pop(parsed.output, None)
            rows[parsed.output] = parsed.row
    return [ManifestEntry.model_validate_json(row.line) for row in rows.values()]
