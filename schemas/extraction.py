"""Schema-driven extraction results: the data, where each value came from, checks and errors.

``ExtractionResult.errors`` holds :class:`~schemas.errors.ErrorRecord` s whose ``path`` is the
field's JSON path (``$.line_items[2].amount``), not an HTML element path.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from schemas.errors import ErrorRecord
from schemas.forms import FormResult
from schemas.geometry import BBox
from schemas.tables import Table

#: Tolerance of ``amount = quantity x unit_price`` per line (currency units).
DEFAULT_LINE_TOLERANCE = 0.01
#: Tolerance of the document-level sums (lines -> subtotal, subtotal + tax -> total).
DEFAULT_TOTAL_TOLERANCE = 0.02


class ExtractOptions(BaseModel):
    """Options of schema-driven extraction."""

    model_config = ConfigDict(frozen=True)

    dayfirst: bool = Field(
        default=True, description="Read 03/04/2025 as 3 April (day first) rather than 4 March."
    )
    line_tolerance: float = Field(default=DEFAULT_LINE_TOLERANCE, ge=0)
    total_tolerance: float = Field(default=DEFAULT_TOTAL_TOLERANCE, ge=0)
    join_tables: bool = Field(
        default=True, description="Join a table continued on the next page (same header)."
    )
    fuzzy_labels: float = Field(
        default=0.88,
        ge=0,
        le=1,
        description="Least similarity (difflib ratio) of a printed key to an alias to count as a "
        "match; 1 turns fuzzy matching off.",
    )


class FieldRule(str, Enum):
    """How a field value was found."""

    PAIR = "pair"  # a form key-value pair (colon, table or spatial) whose key is an alias
    LABEL = "label"  # a line beginning with an alias, the value after it
    SUM = "sum"  # the sum of several labelled amounts (per-rate tax lines)
    TABLE = "table"  # a table column matched by header aliases
    PATTERN = "pattern"  # a text pattern (x-patterns, IBAN checksum) without a label
    PARTY_LABEL = "party-label"  # a party block introduced by a label ("Bill to")
    SENDER_LINE = "sender-line"  # DIN 5008 sender line above the address window
    POSITION = "position"  # an unlabelled address block, by its place on the page
    DERIVED = "derived"  # derived from other values (currency from amount symbols)


class FieldSource(BaseModel):
    """One piece of evidence for a value: where it is printed."""

    model_config = ConfigDict(frozen=True)

    page: int | None = Field(default=None, ge=1)
    block_id: str | None = None
    bbox: BBox | None = Field(default=None, description="Page frame.")
    text: str = Field(default="", description="The source text the value was read from.")


class ExtractedField(BaseModel):
    """A value with its provenance and a confidence in 0..1."""

    path: str = Field(description="JSON path without '$.': seller.name, line_items[0].amount.")
    value: Any = Field(default=None, description="JSON-ready value.")
    raw: str | None = Field(default=None, description="The printed value before normalisation.")
    rule: FieldRule
    confidence: float = Field(ge=0, le=1)
    label: str | None = Field(default=None, description="The printed label that matched.")
    sources: list[FieldSource] = Field(default_factory=list)
    estimated_box: bool = Field(
        default=False, description="The box is the whole block or a proportional estimate."
    )


class CheckResult(BaseModel):
    """One arithmetic cross-check. ``passed`` is None when an input was missing (skipped)."""

    name: str
    passed: bool | None
    expected: float | None = None
    actual: float | None = None
    tolerance: float = 0.0
    paths: list[str] = Field(default_factory=list, description="Fields the check reads.")
    message: str = ""


class ExtractionSummary(BaseModel):
    fields_found: int = 0
    fields_total: int = 0
    required_found: int = 0
    required_total: int = 0
    line_items: int = 0
    checks_passed: int = 0
    checks_failed: int = 0
    checks_skipped: int = 0


class ExtractionResult(BaseModel):
    """What :func:`postprocess.extract.extract` returns for one document and one schema."""

    schema_name: str
    valid: bool = Field(description="``data`` validates against the schema.")
    data: dict[str, Any] = Field(
        default_factory=dict, description="The extracted object, JSON-ready (ISO dates, numbers)."
    )
    fields: dict[str, ExtractedField] = Field(default_factory=dict)
    checks: list[CheckResult] = Field(default_factory=list)
    errors: list[ErrorRecord] = Field(default_factory=list)
    summary: ExtractionSummary = Field(default_factory=ExtractionSummary)


class DocumentExtraction(BaseModel):
    """Everything extraction reads from one document: tables, form pairs, schema fields."""

    tables: list[Table] = Field(default_factory=list)
    form: FormResult = Field(default_factory=FormResult)
    extraction: ExtractionResult | None = Field(
        default=None, description="Schema-driven fields, when a schema was given."
    )


_SOURCES = TypeAdapter(list[FieldSource])


def field_sources_from_dicts(sources: list[dict[str, Any]]) -> list[FieldSource]:
    """Validate many field sources in one call (much faster than one model at a time; the rest
    of a result is validated with it, :meth:`ExtractionResult.model_validate` of plain data)."""
    return _SOURCES.validate_python(sources)
