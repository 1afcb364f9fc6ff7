"""Finding documents to evaluate in a folder: ground-truth corpora and conversion outputs alike.

A *document folder* is recognised by its page files, in either layout:

* ground truth / plain folders: ``<name>.gt/page-0001.html`` ... (``name.gt`` or any folder of
  ``page-NNNN.html`` files), optionally with ``facts.jsonl`` and ``invoice.json``/``form.json``;
* conversion outputs: ``<rel path>/pages/0001.html`` ... beside ``document.json``, optionally
  with ``extraction.json`` (fields under its ``data`` key).

Page HTML is QwenVL HTML in the page frame. Documents are paired by *key*: the folder's path
relative to the root, without a ``.gt`` suffix or a document file extension, so
``invoices/a.gt`` (truth) meets ``invoices/a.pdf`` (a conversion output folder).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docparse.evaluate.facts import Fact, load_facts

__all__ = ["EvalDocument", "document_key", "load_documents"]

_PAGE_FILE = re.compile(r"^(?:page-)?(\d{1,6})\.html?$", re.IGNORECASE)
_DOC_SUFFIXES = (
    ".gt",
    ".pdf",
    ".png",
    ".jpg",
    ".jpeg",
    ".tif",
    ".tiff",
    ".webp",
    ".bmp",
    ".gif",
)
_FIELD_FILES = ("extraction.json", "invoice.json", "form.json")
_SOURCE_SUFFIXES = _DOC_SUFFIXES[1:]


@dataclass
class EvalDocument:
    """One document's pages (page number -> QwenVL HTML in page frame) and optional truth data."""

    key: str
    folder: Path
    pages: dict[int, str]
    facts: list[Fact] = field(default_factory=list)
    fields: dict[str, Any] | None = None
    source: Path | None = None


def document_key(rel: str) -> str:
    """``"invoices/a.pdf.gt"`` -> ``"invoices/a"``: strip ``.gt`` and document extensions."""
    key = rel.replace("\\", "/").strip("/")
    changed = True
    while changed:
        changed = False
        for suffix in _DOC_SUFFIXES:
            if key.lower().endswith(suffix) and len(key) > len(suffix):
                key, changed = key[: -len(suffix)], True
    return key


def _page_files(folder: Path) -> dict[int, Path]:
    pages_dir = folder / "pages"
    where = pages_dir if pages_dir.is_dir() and (folder / "document.json").is_file() else folder
    found: dict[int, Path] = {}
    for path in where.iterdir():
        match = _PAGE_FILE.match(path.name)
        if match and path.is_file():
            found[int(match.group(1))] = path
    return found


def _form_fields(data: dict[str, Any]) -> dict[str, Any]:
    """A form, truth (``fields``) or extraction (``pairs``), keyed by field name rather than by
    list position, so a missed or extra pair does not shift every comparison after it."""
    pairs = data.get("pairs", data.get("fields", []))
    fields = {" ".join(str(p["key"]).casefold().split()): p.get("value") for p in pairs}
    boxes = {
        " ".join(f"{c.get('group') or ''} {c['label']}".casefold().split()): bool(c["checked"])
        for c in data.get("checkboxes", [])
    }
    return {"fields": fields, "checkboxes": boxes}


def _fields(folder: Path) -> dict[str, Any] | None:
    for name in _FIELD_FILES:
        path = folder / name
        if path.is_file():
            data = json.loads(path.read_text(encoding="utf-8"))
            if name == "extraction.json" and isinstance(data, dict):
                kind = data.get("schema_name")
                data = data.get("data")
                if kind == "form" and isinstance(data, dict):
                    return _form_fields(data)
            elif name == "form.json" and isinstance(data, dict):
                return _form_fields(data)
            return data if isinstance(data, dict) else None
    return None


def _source(folder: Path) -> Path | None:
    """The document the pages came from: document.json's source, or a sibling of a .gt folder."""
    meta = folder / "document.json"
    if meta.is_file():
        src = json.loads(meta.read_text(encoding="utf-8")).get("source")
        if isinstance(src, str) and Path(src).is_file():
            return Path(src)
    if folder.name.endswith(".gt"):
        stem = folder.with_name(folder.name[: -len(".gt")])
        for suffix in _SOURCE_SUFFIXES:
            candidate = stem.with_name(stem.name + suffix)
            if candidate.is_file():
                return candidate
    return None


def load_documents(root: Path) -> dict[str, EvalDocument]:
    """Every document folder under ``root`` (``root`` itself may be one), by key."""
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"not a folder: {root}")
    docs: dict[str, EvalDocument] = {}
    for folder in sorted([root, *(p for p in root.rglob("*") if p.is_dir())]):
        if folder.name == "pages" and (folder.parent / "document.json").is_file():
            continue
        files = _page_files(folder)
        if not files:
            continue
        rel = folder.relative_to(root).as_posix()
        key = document_key(rel) if rel != "." else document_key(root.name)
        facts_file = folder / "facts.jsonl"
        docs[key] = EvalDocument(
            key=key,
            folder=folder,
            pages={n: p.read_text(encoding="utf-8") for n, p in sorted(files.items())},
            facts=load_facts(facts_file) if facts_file.is_file() else [],
            fields=_fields(folder),
            source=_source(folder),
        )
    return docs
