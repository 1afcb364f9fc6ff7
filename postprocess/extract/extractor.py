"""Schema-driven extraction: a document's blocks + a schema -> :class:`ExtractionResult`.

Steps: read the document once (tables joined across pages, form pairs, text pieces) -> field
candidates from labels (:mod:`.fields`), parties (:mod:`.parties`), line items (:mod:`.lines`),
single-valued table columns, then, for a field still without any, text patterns, sums of
per-rate lines, the amounts' currency -> one value per field (:mod:`.choose`) -> arithmetic
checks (:mod:`.checks`) -> the schema's object validated by its pydantic model
(:mod:`.assemble`, :mod:`.result`). Every field not found is reported ``FIELD_MISSING`` (an error
when required, a note otherwise) and left null: nothing is guessed.
"""

from __future__ import annotations

from postprocess.extract.candidates import Candidate, Candidates
from postprocess.extract.choose import choose, derive_currency
from postprocess.extract.document import DocView, Pages, build_view
from postprocess.extract.fields import label_candidates, pattern_candidates, sum_candidate
from postprocess.extract.lines import find_items
from postprocess.extract.parties import party_candidates
from postprocess.extract.resolve import SchemaRef, cached_index, resolve_schema
from postprocess.extract.result import build_result
from postprocess.extract.schema_spec import SchemaSpec
from postprocess.extract.table_fields import column_candidates
from schemas.errors import ErrorRecord
from schemas.extraction import DocumentExtraction, ExtractionResult, ExtractOptions
from schemas.forms import FormResult

__all__ = ["extract", "extract_document", "extract_view"]

DEFAULT_OPTIONS = ExtractOptions()


def extract(
    document: Pages, schema: SchemaRef = "invoice", *, options: ExtractOptions | None = None
) -> ExtractionResult:
    """Extract ``schema``'s fields from ``document`` (pages of blocks or a DocumentResult)."""
    options = options or DEFAULT_OPTIONS
    spec = resolve_schema(schema)
    known = cached_index(spec).by_key.__contains__
    return extract_view(
        build_view(document, join=options.join_tables, known_key=known), spec, options
    )


def extract_document(
    document: Pages,
    schema: SchemaRef | None = "invoice",
    *,
    options: ExtractOptions | None = None,
) -> DocumentExtraction:
    """Tables, form pairs and (when ``schema`` is given) schema fields, reading the document once.

    What ``docparse extract`` needs: the tables are joined across pages when
    ``options.join_tables``; the form holds every page's pairs and check boxes.
    """
    options = options or DEFAULT_OPTIONS
    spec = resolve_schema(schema) if schema is not None else None
    known = cached_index(spec).by_key.__contains__ if spec is not None else None
    view = build_view(document, join=options.join_tables, known_key=known)
    form = FormResult(pairs=view.pairs, checkboxes=view.checkboxes)
    fields = extract_view(view, spec, options) if spec is not None else None
    return DocumentExtraction(tables=view.tables, form=form, extraction=fields)


def extract_view(view: DocView, spec: SchemaSpec, options: ExtractOptions) -> ExtractionResult:
    """Extraction on a document already read by :func:`build_view`."""
    index = cached_index(spec)
    found, parts = label_candidates(view, spec, index, options)
    candidates: Candidates = {path: list(c) for path, c in found.items()}
    candidates.update(party_candidates(view, spec.objects, index))
    for path, extra in column_candidates(view, spec.fields, index, options).items():
        candidates.setdefault(path, []).extend(extra)
    top_index = cached_index(spec.top_level)
    items: dict[str, list[dict[str, Candidate]]] = {}
    for tspec in spec.tables:
        found_items = find_items(view, tspec, top_index, options)
        if found_items is not None:
            items[tspec.path] = found_items.rows
            for path, extra in found_items.summary.items():
                candidates.setdefault(path, []).extend(extra)
    errors: list[ErrorRecord] = []
    chosen: dict[str, Candidate] = {}
    for fspec in spec.fields:
        options_for = candidates.get(fspec.path, [])
        if (fspec.patterns or fspec.kind == "iban") and not options_for:
            options_for = pattern_candidates(view, fspec, options)
        if not options_for and parts.get(fspec.path):
            total = sum_candidate(parts[fspec.path])
            options_for = [total] if total is not None else []
        best, warnings = choose(fspec.path, options_for)
        errors.extend(warnings)
        if best is not None:
            chosen[fspec.path] = best
    for obj in spec.objects:
        for fspec in obj.fields:
            best, _ = choose(fspec.path, candidates.get(fspec.path, []))
            if best is not None:
                chosen[fspec.path] = best
    for fspec in spec.fields:
        if fspec.kind == "currency" and fspec.path not in chosen:
            amounts = [
                chosen[f.path] for f in spec.fields if f.type == "number" and f.path in chosen
            ]
            amounts += [c for rows in items.values() for row in rows for c in row.values()]
            currency = derive_currency(view, amounts)
            if currency is not None:
                chosen[fspec.path] = currency
    return build_result(spec, chosen, items, errors, options)
