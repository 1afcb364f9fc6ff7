"""Extraction (layer 1): tables, form key-value pairs and schema-driven fields from blocks.

Public API (tables and forms also have their own modules, :mod:`postprocess.tables` and
:mod:`postprocess.forms`):

- :func:`extract` ``(document, schema="invoice", *, options) -> ExtractionResult``;
- :func:`extract_document` ``(document, schema="invoice" | None, *, options) ->
  DocumentExtraction``: tables, form pairs and schema fields, reading the document once;
- :func:`resolve_schema` a built-in name (``"invoice"``), ``"module:Class"``, a pydantic model
  class or a JSON Schema dict -> :class:`SchemaSpec`;
- normalisers shared with other layers: :func:`parse_date`, :func:`parse_amount`,
  :func:`parse_percent`, :func:`currency_of`, :func:`norm_key`, :func:`iban_valid`.

Names are loaded on first use, so that ``postprocess.tables`` and ``postprocess.forms`` can use
the helper modules of this package without importing the whole extractor.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "extract": "postprocess.extract.extractor",
    "extract_document": "postprocess.extract.extractor",
    "extract_view": "postprocess.extract.extractor",
    "build_view": "postprocess.extract.document",
    "BUILTIN_SCHEMAS": "postprocess.extract.resolve",
    "SchemaRef": "postprocess.extract.resolve",
    "import_model": "postprocess.extract.resolve",
    "resolve_schema": "postprocess.extract.resolve",
    "FieldSpec": "postprocess.extract.schema_spec",
    "ObjectSpec": "postprocess.extract.schema_spec",
    "SchemaSpec": "postprocess.extract.schema_spec",
    "TableSpec": "postprocess.extract.schema_spec",
    "spec_from_model": "postprocess.extract.schema_spec",
    "currency_of": "postprocess.extract.normalise",
    "parse_amount": "postprocess.extract.normalise",
    "parse_date": "postprocess.extract.normalise",
    "parse_percent": "postprocess.extract.normalise",
    "norm_key": "postprocess.extract.labels",
    "compact_iban": "postprocess.extract.patterns",
    "iban_valid": "postprocess.extract.patterns",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'postprocess.extract' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
