"""Fact tests in the style of olmOCR-Bench: small pass/fail checks about a parsed page.

olmOCR-Bench (Poznanski et al. 2025, "olmOCR: Unlocking Trillions of Tokens in PDFs with Vision
Language Models", arXiv 2502.18443) checks simple, unambiguous facts instead of soft similarity.
A JSONL file holds one fact per line, each for a 1-based ``page``, discriminated by ``type``:

* ``present`` / ``absent``: ``text`` appears (does not appear) in the page text, optionally only
  within its ``first_n`` or ``last_n`` characters.
* ``order``: an occurrence of ``before`` starts strictly before an occurrence of ``after``
  (same start, e.g. identical strings found once, is a failure).
* ``table``: some table cell matches ``cell`` and every neighbour given matches: ``up``, ``down``,
  ``left``, ``right`` (the adjacent cell(s) on the grid with spans expanded: a cell spanning two
  columns has up to two cells above it, any of which may match), ``top_heading`` (alias
  ``heading``: a header cell above it in its columns, header = ``th`` or a ``thead``/all-``th``
  row; the first row when the table declares no header) and ``left_heading`` (the first cell of
  its row). A neighbour that does not exist (edge of the table) fails the check.

How facts are checked against a page: ``fact_checks.py``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    model_validator,
)

from schemas.blocks import Block

__all__ = [
    "AbsentFact",
    "Fact",
    "FactBase",
    "OrderFact",
    "PageContent",
    "PresentFact",
    "TableFact",
    "load_facts",
]

#: A page as QwenVL HTML or as blocks in reading order.
PageContent = str | Sequence[Block]


class FactBase(BaseModel):
    """Fields every fact has."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    id: str | None = Field(default=None, description="Optional stable id of the fact.")
    doc: str | None = Field(default=None, description="Optional document the page belongs to.")
    page: int = Field(ge=1, description="1-based page number.")
    threshold: float = Field(default=1.0, gt=0.0, le=1.0, description="Fuzzy match, 1 = exact.")
    case_sensitive: bool = True


class _TextFact(FactBase):
    text: str = Field(min_length=1)
    first_n: int | None = Field(default=None, gt=0, description="Search the first N characters.")
    last_n: int | None = Field(default=None, gt=0, description="Search the last N characters.")

    @model_validator(mode="after")
    def _one_window(self) -> _TextFact:
        if self.first_n is not None and self.last_n is not None:
            raise ValueError("give first_n or last_n, not both")
        return self


class PresentFact(_TextFact):
    type: Literal["present"]


class AbsentFact(_TextFact):
    type: Literal["absent"]


class OrderFact(FactBase):
    type: Literal["order"]
    before: str = Field(min_length=1)
    after: str = Field(min_length=1)


class TableFact(FactBase):
    type: Literal["table"]
    cell: str = Field(min_length=1)
    up: str | None = None
    down: str | None = None
    left: str | None = None
    right: str | None = None
    top_heading: str | None = Field(default=None, alias="heading")
    left_heading: str | None = None


Fact = Annotated[PresentFact | AbsentFact | OrderFact | TableFact, Field(discriminator="type")]
_FACT = TypeAdapter(Fact)


def load_facts(path: str | Path) -> list[Fact]:
    """Read a JSONL file of facts (blank lines skipped); errors name the file and line."""
    facts: list[Fact] = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            facts.append(_FACT.validate_python(json.loads(line)))
        except (json.JSONDecodeError, ValidationError) as exc:
            raise ValueError(f"{path}:{number}: invalid fact: {exc}") from exc
    return facts
