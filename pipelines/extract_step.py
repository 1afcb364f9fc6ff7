"""The extract step: a finished document -> its ``extraction.json`` payload, for one schema.

Schemas: ``invoice`` (built in), ``form`` (key-value pairs and check boxes), ``tables`` (every
table as columns, records and CSV), ``module:Class`` (a pydantic model) or a JSON Schema file
(``*.json``, with ``x-aliases`` per property). The schema is resolved once, before the run, so
a bad schema stops the command before any document is converted.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from postprocess.extract import extract, extract_document, resolve_schema
from postprocess.tables import table_records, table_to_csv
from schemas.errors import ErrorCode, OptionsError
from schemas.results import DocumentResult

#: Built-in schema names besides the pydantic ones (``invoice``).
LAYOUT_SCHEMAS = ("form", "tables")

Payload = dict[str, Any]
ExtractFn = Callable[[DocumentResult], Payload]


def _tables(doc: DocumentResult) -> Payload:
    found = extract_document(doc, None)
    tables: list[Payload] = [
        {
            "id": t.id,
            "page": t.page,
            "columns": t.columns,
            "records": table_records(t),
            "csv": table_to_csv(t),
            "errors": [e.model_dump(mode="json") for e in t.errors],
        }
        for t in found.tables
    ]
    errors = [e for t in tables for e in t["errors"]]
    return {
        "schema_name": "tables",
        "valid": not errors,
        "data": {"tables": tables},
        "errors": errors,
    }


def _form(doc: DocumentResult) -> Payload:
    form = extract_document(doc, None).form
    return {
        "schema_name": "form",
        "valid": True,
        "data": form.model_dump(mode="json"),
        "errors": [],
    }


def load_schema_ref(schema: str) -> Any:
    """A schema argument -> what ``resolve_schema`` takes (a JSON Schema file is read here)."""
    if schema.endswith(".json"):
        try:
            return json.loads(Path(schema).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise OptionsError(
                f"cannot read schema {schema}: {exc}", code=ErrorCode.SCHEMA_INVALID
            ) from None
    return schema


def make_extractor(schema: str) -> ExtractFn:
    """The extraction function for ``schema``; raises OptionsError (SCHEMA_INVALID) early."""
    if schema == "tables":
        return _tables
    if schema == "form":
        return _form
    spec = resolve_schema(load_schema_ref(schema))

    def fields(doc: DocumentResult) -> Payload:
        return extract(doc, spec).model_dump(mode="json")

    return fields
