"""Records of a whole evaluation run: per page, per document, and the flat summary the gate reads."""

from __future__ import annotations

from pydantic import BaseModel, Field

from docparse.evaluate.report_models import (
    FactResult,
    FactsSummary,
    FieldsDocReport,
    FieldsSummary,
    LayoutReport,
    TablePageReport,
    TableSummary,
    TextPageReport,
    TextSummary,
)

__all__ = ["SUMMARY_METRICS", "DocEval", "EvalReport", "EvalSummary", "PageEval"]

#: Summary metrics, all "higher is better", in [0, 1]. The regression gate compares these.
SUMMARY_METRICS: tuple[str, ...] = (
    "text",
    "reading_order",
    "layout_f1@0.5",
    "layout_f1@0.75",
    "layout_mean_iou",
    "teds",
    "teds_s",
    "facts",
    "fields_f1",
    "fields_exact_docs",
    "page_coverage",
)


class PageEval(BaseModel):
    doc: str
    page: int
    missing: bool = Field(
        default=False, description="The prediction has no such page (scores 0)."
    )
    text: TextPageReport
    layout: LayoutReport
    tables: TablePageReport
    facts: list[FactResult] = Field(default_factory=list)
    score: float = Field(
        description="Mean of the page's defined metrics: sorts the worst first."
    )
    metrics: dict[str, float | None] = Field(default_factory=dict)


class DocEval(BaseModel):
    doc: str
    pages: int
    missing: bool = Field(
        default=False, description="No prediction for this document at all."
    )
    fields: FieldsDocReport | None = None


class EvalSummary(BaseModel):
    documents: int
    pages: int
    missing_documents: list[str] = Field(default_factory=list)
    extra_documents: list[str] = Field(default_factory=list)
    text: TextSummary
    layout: LayoutReport
    tables: TableSummary
    facts: FactsSummary
    fields: FieldsSummary | None = None
    metrics: dict[str, float | None] = Field(
        default_factory=dict,
        description=f"Flat metrics for the gate: {', '.join(SUMMARY_METRICS)}.",
    )


class EvalReport(BaseModel):
    pred: str
    truth: str
    summary: EvalSummary
    documents: list[DocEval] = Field(default_factory=list)
    pages: list[PageEval] = Field(
        default_factory=list, description="Worst pages first."
    )
