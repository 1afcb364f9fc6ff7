"""Pick one value per field from its candidates; derive the currency from the amounts.

The candidate with the highest confidence wins; among equals, the first in reading order. When
an equally confident candidate disagrees, the field gets a ``FIELD_CONFLICT`` warning (the first
is kept). A ``currency`` field with no labelled value takes the currency most often printed with
the chosen amounts and item cells (``€`` -> EUR, ``£`` -> GBP, ``CHF``, ...) at 0.8, or the most
frequent currency mark on the page at 0.6.
"""

from __future__ import annotations

from collections.abc import Iterable
from operator import itemgetter

from postprocess.extract.candidates import Candidate, Source
from postprocess.extract.document import DocView
from postprocess.extract.normalise import currencies_of
from schemas.errors import ErrorCode, ErrorRecord, Severity
from schemas.extraction import FieldRule

AMOUNTS_CONFIDENCE = 0.8
PAGE_CONFIDENCE = 0.6


def choose(path: str, candidates: list[Candidate]) -> tuple[Candidate | None, list[ErrorRecord]]:
    """The best candidate and any conflict warning (see the module docstring)."""
    if not candidates:
        return None, []
    ranked = sorted(candidates, key=lambda c: (-c.confidence, c.order))
    best = ranked[0]
    rivals = {str(c.value) for c in ranked[1:] if c.confidence == best.confidence}
    rivals.discard(str(best.value))
    if not rivals:
        return best, []
    warning = ErrorRecord(
        code=ErrorCode.FIELD_CONFLICT,
        severity=Severity.WARNING,
        path=f"$.{path}",
        message=f"{path}: kept {best.value!s} ({best.raw!r}); "
        f"also printed: {', '.join(sorted(rivals))}",
    )
    return best, [warning]


def derive_currency(view: DocView, amounts: Iterable[Candidate]) -> Candidate | None:
    """The currency of the chosen amounts, else the page's most frequent currency mark."""
    # a plain dict, not a Counter: a Counter's constructor and missing keys are Python calls
    counts: dict[str, int] = {}
    sources: dict[str, Source] = {}
    cands = list(amounts)
    for i, code in currencies_of([cand.raw for cand in cands]):
        counts[code] = counts.get(code, 0) + 1
        if cands[i].sources:
            sources.setdefault(code, cands[i].sources[0])
    confidence = AMOUNTS_CONFIDENCE
    if not counts:
        confidence = PAGE_CONFIDENCE
        blocks = view.text_blocks()
        for i, code in currencies_of([block.text for _, block in blocks]):
            page, block = blocks[i]
            counts[code] = counts.get(code, 0) + 1
            if code not in sources:  # the block's source made once, for its first mark
                sources[code] = Source(page, block.id, block.bbox_page, block.text)
    if not counts:
        return None
    # as Counter.most_common orders them: by count, the first counted first among equals
    (code, n), *others = sorted(counts.items(), key=itemgetter(1), reverse=True)
    if others and others[0][1] == n:
        confidence *= 0.5
    source = sources.get(code)
    if source is None:
        return Candidate(code, code, FieldRule.DERIVED, confidence, (0, 0))
    return Candidate(code, source.text, FieldRule.DERIVED, confidence, (source.page or 0, 0),
                     sources=[source])  # fmt: skip
