"""Checking olmOCR-Bench-style facts (``facts.py``) against a parsed page.

A page is QwenVL HTML (its text: each top-level element of ``<body>`` on its own line; its tables:
every outermost ``<table>``) or blocks in reading order (text: the blocks' text joined by
newlines; tables: every ``<table>`` in the blocks' HTML, charts included).

Matching: both sides go through :func:`normalize_text` (NFKC, typographic quotes and dashes to
ASCII, whitespace collapsed; case folded unless ``case_sensitive``). ``threshold`` (0-1, default
1.0 = exact) is compared, inclusively, with rapidfuzz scores / 100: ``fuzz.partial_ratio`` for
present/absent (``fuzz.ratio`` when the page text is shorter than the needle, so a short page is
not "found" inside the needle), ``fuzz.ratio`` of needle and every same-length window of the page
for order positions (rapidfuzz reports only the best window, order needs all of them; the windows
are scored in one ``process.cdist`` call), and ``fuzz.ratio`` of whole cell texts for tables.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from rapidfuzz import fuzz, process

from docparse.evaluate.facts import (
    AbsentFact,
    Fact,
    FactBase,
    OrderFact,
    PageContent,
    PresentFact,
    TableFact,
)
from docparse.evaluate.htmltables import (
    GridCell,
    TableGrid,
    extract_tables,
    outermost_tables,
    page_text_from_html,
    parse_html,
    table_grid,
)
from docparse.evaluate.normalize import normalize_text
from docparse.evaluate.report_models import FactCategory, FactResult, FactsSummary

__all__ = ["check_fact", "run_facts", "summarize_facts"]

_EPSILON = 1e-9  # rapidfuzz scores are floats: 90.0 may come back as 89.99999999999999


def _norm(text: str, fact: FactBase) -> str:
    return normalize_text(text, casefold=not fact.case_sensitive, fold_punctuation=True)


def _passes(score: float, threshold: float) -> bool:
    return score / 100.0 >= threshold - _EPSILON


def _found(needle: str, haystack: str, threshold: float) -> bool:
    scorer = fuzz.ratio if len(haystack) < len(needle) else fuzz.partial_ratio
    return _passes(scorer(needle, haystack), threshold)


def _starts(needle: str, haystack: str, threshold: float) -> list[int]:
    """Start offsets of windows of ``len(needle)`` characters matching ``needle``."""
    width = len(needle)
    if len(haystack) <= width:
        return [0] if _passes(fuzz.ratio(needle, haystack), threshold) else []
    windows = [haystack[i : i + width] for i in range(len(haystack) - width + 1)]
    scores = process.cdist([needle], windows, scorer=fuzz.ratio, dtype=np.float64)[0]
    return [i for i, score in enumerate(scores) if _passes(float(score), threshold)]


def _page_text(page: PageContent) -> str:
    if isinstance(page, str):
        return page_text_from_html(page)
    return "\n".join(b.text for b in page if b.text)


def _grids(page: PageContent) -> list[TableGrid]:
    htmls = [page] if isinstance(page, str) else [t for b in page for t in extract_tables(b.html)]
    roots = [r for r in (parse_html(h) for h in htmls) if r is not None]
    return [table_grid(t) for root in roots for t in outermost_tables(root)]


def _neighbours(grid: TableGrid, cell: GridCell, relation: str) -> list[GridCell]:
    last_row, last_col = cell.row + cell.rowspan - 1, cell.col + cell.colspan - 1
    if relation == "up":
        slots = [(cell.row - 1, c) for c in cell.cols]
    elif relation == "down":
        slots = [(last_row + 1, c) for c in cell.cols]
    elif relation == "left":
        slots = [(r, cell.col - 1) for r in cell.rows]
    elif relation == "right":
        slots = [(r, last_col + 1) for r in cell.rows]
    elif relation == "left_heading":
        slots = [(r, 0) for r in cell.rows] if cell.col > 0 else []
    else:  # top_heading
        header_rows = sorted(grid.header_rows) or [0]
        slots = [(r, c) for r in header_rows if r < cell.row for c in cell.cols]
    found = [grid.at(r, c) for r, c in slots]
    unique = {id(n): n for n in found if n is not None and n is not cell}
    return list(unique.values())


def _check_table(fact: TableFact, page: PageContent) -> str:
    relations = {
        name: getattr(fact, name)
        for name in ("up", "down", "left", "right", "top_heading", "left_heading")
        if getattr(fact, name) is not None
    }
    target = _norm(fact.cell, fact)
    candidates = 0
    for grid in _grids(page):
        for cell in grid.cells:
            if not _passes(fuzz.ratio(target, _norm(cell.text, fact)), fact.threshold):
                continue
            candidates += 1
            if all(
                any(
                    _passes(fuzz.ratio(_norm(want, fact), _norm(n.text, fact)), fact.threshold)
                    for n in _neighbours(grid, cell, name)
                )
                for name, want in relations.items()
            ):
                return ""
    if candidates:
        return f"{candidates} cell(s) match {fact.cell!r} but not their neighbours {relations}"
    return f"no table cell matches {fact.cell!r}"


def check_fact(fact: Fact, page: PageContent) -> FactResult:
    """Run one fact against one page."""
    reason = ""
    if isinstance(fact, TableFact):
        reason = _check_table(fact, page)
    else:
        text = _norm(_page_text(page), fact)
        if isinstance(fact, OrderFact):
            before = _starts(_norm(fact.before, fact), text, fact.threshold)
            after = _starts(_norm(fact.after, fact), text, fact.threshold)
            if not before or not after:
                reason = f"{'before' if not before else 'after'} text not found"
            elif min(before) >= max(after):
                reason = "'before' text does not start before 'after' text"
        else:
            if fact.first_n is not None:
                text = text[: fact.first_n]
            elif fact.last_n is not None:
                text = text[-fact.last_n :]
            found = _found(_norm(fact.text, fact), text, fact.threshold)
            if isinstance(fact, PresentFact) and not found:
                reason = "text not found"
            elif isinstance(fact, AbsentFact) and found:
                reason = "text found"
    return FactResult(id=fact.id, type=fact.type, page=fact.page, passed=not reason, reason=reason)


def run_facts(facts: Sequence[Fact], pages: Mapping[int, PageContent]) -> list[FactResult]:
    """Run every fact against its page (``pages`` by 1-based number); a missing page fails.

    ``pages`` belong to one document: with a multi-document file, group facts by ``fact.doc``
    and call once per document.
    """
    results = []
    for fact in facts:
        if fact.page not in pages:
            results.append(
                FactResult(
                    id=fact.id, type=fact.type, page=fact.page, passed=False, reason="no such page"
                )
            )
        else:
            results.append(check_fact(fact, pages[fact.page]))
    return results


def summarize_facts(results: Sequence[FactResult]) -> FactsSummary:
    """Pass rate per fact type and overall."""
    summary = FactsSummary()
    for result in results:
        category = summary.per_type.setdefault(result.type, FactCategory())
        category.total += 1
        summary.overall.total += 1
        if result.passed:
            category.passed += 1
            summary.overall.passed += 1
    return summary
