"""Parsing-quality metrics: predicted QwenVL HTML / blocks / JSON against ground truth.

Each metric follows a published reference so its numbers mean what readers expect:

* tables: TEDS and TEDS-S (PubTabNet, Zhong et al. 2020), optional OmniDocBench normalisation,
  Hungarian matching of a page's tables (:mod:`.teds`);
* text: block-matched normalised edit distance and reading order (OmniDocBench) (:mod:`.text`);
* layout: per-kind precision/recall/F1 at IoU 0.5 and 0.75, mean IoU (:mod:`.layout`);
* fields: per-field exact match after type-aware normalisation, micro P/R/F1 (:mod:`.fields`);
* facts: olmOCR-Bench-style pass/fail checks from a JSONL file (:mod:`.facts`).

Inputs are HTML strings and ``schemas.Block`` lists; results are pydantic models
(:mod:`.report_models`). Needs the ``eval`` extra (apted, rapidfuzz, scipy, numba); ``import docparse``
never imports this package.
"""

from docparse.evaluate.fact_checks import check_fact, run_facts, summarize_facts
from docparse.evaluate.facts import (
    AbsentFact,
    Fact,
    OrderFact,
    PageContent,
    PresentFact,
    TableFact,
    load_facts,
)
from docparse.evaluate.fields import FieldKind, compare_fields, flatten_fields, summarize_fields
from docparse.evaluate.htmltables import extract_tables
from docparse.evaluate.layout import DEFAULT_IOU_THRESHOLDS, layout_page, summarize_layout
from docparse.evaluate.normalize import normalize_table_html, normalize_text
from docparse.evaluate.report_models import (
    Counts,
    FactCategory,
    FactResult,
    FactsSummary,
    FieldComparison,
    FieldsDocReport,
    FieldsSummary,
    LayoutReport,
    LayoutScores,
    TablePageReport,
    TablePair,
    TableSummary,
    TextMatch,
    TextPageReport,
    TextSummary,
)
from docparse.evaluate.teds import match_tables, summarize_tables, tables_from_blocks, teds
from docparse.evaluate.text import (
    DEFAULT_MAX_DISTANCE,
    is_page_furniture,
    reading_order_score,
    summarize_text,
    text_page,
)
from docparse.evaluate.values import parse_amount, parse_date

__all__ = [
    "DEFAULT_IOU_THRESHOLDS",
    "DEFAULT_MAX_DISTANCE",
    "AbsentFact",
    "Counts",
    "Fact",
    "FactCategory",
    "FactResult",
    "FactsSummary",
    "FieldComparison",
    "FieldKind",
    "FieldsDocReport",
    "FieldsSummary",
    "LayoutReport",
    "LayoutScores",
    "OrderFact",
    "PageContent",
    "PresentFact",
    "TableFact",
    "TablePageReport",
    "TablePair",
    "TableSummary",
    "TextMatch",
    "TextPageReport",
    "TextSummary",
    "check_fact",
    "compare_fields",
    "extract_tables",
    "flatten_fields",
    "is_page_furniture",
    "layout_page",
    "load_facts",
    "match_tables",
    "normalize_table_html",
    "normalize_text",
    "parse_amount",
    "parse_date",
    "reading_order_score",
    "run_facts",
    "summarize_facts",
    "summarize_fields",
    "summarize_layout",
    "summarize_tables",
    "summarize_text",
    "tables_from_blocks",
    "teds",
    "text_page",
]
