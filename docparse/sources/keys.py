"""Output keys and document ids: where a source's outputs go, and what it is called.

A source's key is its path relative to its input root, sanitised, prefixed by a root label when
a run has several roots. It names the document's output folder and is the resume key.

Sanitising never merges two different names: empty and ``.`` components are dropped (a file
system path has none; S3 keys differing only by them are the one exception), and a component
that has to change (``..``, a leading dot, control characters, one of ``<>:"|?*\\``,
undecodable bytes, surrounding spaces, more than 200 UTF-8 bytes) gets ``~`` and 8 hex digits
of the original's sha256 appended. A first component that is a name the output root reserves
(``manifest.jsonl``, ``manifest.d``) is suffixed the same way.

Root labels: one distinct root -> no label (``docparse run docs/`` writes ``out/a.pdf/``, and
``docparse run docs/*.pdf`` has the one root ``docs``). Several -> each root's sanitised folder
name (``s3://bucket/prefix`` -> ``prefix``; a bucket -> its name), ``-2``, ``-3``... appended to
repeats in input order, so ``a/docs b/docs`` -> ``docs/`` and ``docs-2/``. Keys are therefore
stable across reruns with the same inputs in the same order.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

#: Names the output root holds itself; a source key never starts with one.
RESERVED_ROOT_NAMES = frozenset({"manifest.jsonl", "manifest.d"})
#: Longest output path component kept, in UTF-8 bytes (file systems allow 255).
MAX_COMPONENT_BYTES = 200
#: Hex digits of the content hash in a document id.
DOC_ID_HASH_DIGITS = 12

_ODD_CHARS = re.compile(r'[\x00-\x1f\x7f<>:"|?*\\\ud800-\udfff]')


def content_hash(data: bytes) -> str:
    """sha256 of ``data`` as 64 lowercase hex digits (recorded in full in the manifest)."""
    return hashlib.sha256(data).hexdigest()


def document_id(key: str, digest: str) -> str:
    """The stable document id: ``<key>@<sha256[:12]>``, e.g. ``docs/a.pdf@9f86d081884c``."""
    return f"{key}@{digest[:DOC_ID_HASH_DIGITS]}"


def sanitize_component(name: str) -> str | None:
    """One safe path component for ``name``; None for an empty or ``.`` component."""
    if name in ("", "."):
        return None
    clean = _ODD_CHARS.sub("_", name).strip()
    if clean.startswith("."):
        clean = "_" + clean[1:]
    clean = _truncate(clean or "_", MAX_COMPONENT_BYTES)
    return clean if clean == name else _tagged(clean, name)


def sanitize_rel_path(rel_path: str) -> str:
    """A relative path (``/``-separated) made into a safe key; never empty, never absolute."""
    parts = [c for c in (sanitize_component(p) for p in rel_path.split("/")) if c is not None]
    return "/".join(parts) or "_"


def make_key(label: str, rel_path: str) -> str:
    """The output key of ``rel_path`` under a root labelled ``label`` (``""``: no label)."""
    key = "/".join(p for p in (label, sanitize_rel_path(rel_path)) if p)
    first, sep, rest = key.partition("/")
    if first in RESERVED_ROOT_NAMES:
        key = _tagged(first, first) + sep + rest
    return key


def root_labels(roots: Iterable[str]) -> dict[str, str]:
    """Label of each distinct root (see the module docstring)."""
    unique = list(dict.fromkeys(roots))
    if len(unique) <= 1:
        return {root: "" for root in unique}
    labels: dict[str, str] = {}
    used: set[str] = set()
    for root in unique:
        base = sanitize_component(_root_name(root)) or "root"
        label, n = base, 1
        while label in used or label in RESERVED_ROOT_NAMES:
            n += 1
            label = f"{base}-{n}"
        used.add(label)
        labels[root] = label
    return labels


def _root_name(root: str) -> str:
    """Last component of a folder path or ``s3://bucket[/prefix]``; ``root`` for ``/``."""
    name = root.rstrip("/").rsplit("/", 1)[-1]
    return name if name and not name.endswith(":") else "root"


def _tagged(clean: str, original: str) -> str:
    return f"{clean}~{hashlib.sha256(original.encode('utf-8', 'surrogatepass')).hexdigest()[:8]}"


def _truncate(text: str, max_bytes: int) -> str:
    data = text.encode("utf-8", "surrogatepass")
    if len(data) <= max_bytes:
        return text
    return data[:max_bytes].decode("utf-8", "ignore")
