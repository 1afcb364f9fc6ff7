"""Sources (stage 1): command-line inputs -> :class:`SourceRef` records -> bytes.

``list_sources(inputs)`` expands local files, folders (recursive), globs and ``s3://`` objects or
prefixes, several at once, into a lazy stream of :class:`SourceRef`; ``read_source(ref)`` reads
one source's bytes; ``content_hash(data)`` is their sha256 and ``ref.document_id(hash)`` the
stable document id ``<key>@<sha256[:12]>``. A ref's ``key`` (its sanitised relative path, with a
root label when there are several roots) names its output folder and is the resume key; see
:mod:`docparse.sources.keys`. Type detection is not done here: the render stage judges bytes.
"""

from docparse.sources.keys import (
    content_hash,
    document_id,
    make_key,
    root_labels,
    sanitize_component,
    sanitize_rel_path,
)
from docparse.sources.listing import SourceRef, list_sources, read_source
from docparse.sources.spec import InputKind, SourceSpec, resolve_input

__all__ = [
    "InputKind",
    "SourceRef",
    "SourceSpec",
    "content_hash",
    "document_id",
    "list_sources",
    "make_key",
    "read_source",
    "resolve_input",
    "root_labels",
    "sanitize_component",
    "sanitize_rel_path",
]
