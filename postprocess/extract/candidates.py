"""A candidate value of a field and its evidence, as plain data.

Sources become :class:`~schemas.extraction.FieldSource` models only when the result is built:
one model per distinct source (a line item's cells share their row's), all validated in one
call (much cheaper than a model at a time for the rows of a long table).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

from schemas.extraction import FieldRule
from schemas.geometry import BBox


class Source(NamedTuple):
    """Evidence as plain data (page, block, page-frame box, text); it becomes a field source
    model in one batch validation when the result is built. A named tuple: one is made per
    table row, and tuples are the cheapest records Python builds."""

    page: int | None
    block_id: str | None
    bbox: BBox | tuple[float, float, float, float] | None
    text: str

    def as_dict(self) -> dict[str, Any]:
        box: Any = self.bbox
        if isinstance(box, tuple):
            box = {"x1": box[0], "y1": box[1], "x2": box[2], "y2": box[3]}
        return {"page": self.page, "block_id": self.block_id, "bbox": box, "text": self.text}


@dataclass(slots=True)
class Candidate:
    """One possible value of one field, with its evidence."""

    value: Any
    raw: str
    rule: FieldRule
    confidence: float
    order: tuple[int, int]
    label: str | None = None
    sources: list[Source] = field(default_factory=list)
    estimated: bool = True


Candidates = dict[str, list[Candidate]]
