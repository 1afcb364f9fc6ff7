"""Form key-value pairs and check boxes read from a page's blocks, with boxes in the page frame."""

from __future__ import annotations

from enum import Enum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from schemas.errors import ErrorRecord
from schemas.geometry import BBox


class PairRule(str, Enum):
    """How a key-value pair was recognised."""

    COLON = "colon"  # "Label: value" inside one block
    TABLE = "table"  # a row of a two-column label/value table
    SPATIAL = "spatial"  # a label block and the nearest value block right of it or below it
    BOX = "box"  # a label above a drawn box, both read as one tall block ("Start date 04/01/2025")


class KeyValue(BaseModel):
    """One key-value pair.

    Boxes are in the page frame. Where key and value share one block (rules ``colon`` and
    ``box``), their boxes are estimates (``estimated_boxes``): for a one-line block, proportional
    to the character offsets along the block's width; for ``box``, the upper and lower part.
    """

    model_config = ConfigDict(frozen=True)

    key: str
    value: str
    norm_key: str = Field(
        description="Key case-folded, punctuation (colon included) stripped, spaces collapsed."
    )
    page: int = Field(ge=1)
    rule: PairRule
    key_bbox: BBox | None = None
    value_bbox: BBox | None = None
    estimated_boxes: bool = False
    key_block_id: str | None = None
    value_block_id: str | None = None


class Checkbox(BaseModel):
    """One check box and its label (``☐ ☑ ☒ ✓ ✔ [x] [ ]``)."""

    model_config = ConfigDict(frozen=True)

    group: str | None = Field(
        default=None, description="The question: the line's key or the section heading."
    )
    label: str
    checked: bool
    page: int = Field(ge=1)
    bbox: BBox | None = Field(default=None, description="Mark and label, estimated in the block.")
    block_id: str | None = None


class FormResult(BaseModel):
    """Pairs and check boxes of one or more pages, in reading order."""

    pairs: list[KeyValue] = Field(default_factory=list)
    checkboxes: list[Checkbox] = Field(default_factory=list)
    errors: list[ErrorRecord] = Field(default_factory=list)


#: The adapters' validators, called directly: ``TypeAdapter.validate_python`` adds a Python
#: call that passes its defaults on (neither model has forward references: never rebuilt).
_VALIDATE_PAIRS = TypeAdapter(list[KeyValue]).validator.validate_python
_VALIDATE_CHECKBOXES = TypeAdapter(list[Checkbox]).validator.validate_python


def pairs_from_dicts(pairs: list[dict[str, Any]]) -> list[KeyValue]:
    """Validate many pairs in one call (much faster than one model at a time); their boxes may
    be given as field dicts, validated along."""
    if not pairs:
        return []
    validated: list[KeyValue] = _VALIDATE_PAIRS(pairs)
    return validated


def checkboxes_from_dicts(checkboxes: list[dict[str, Any]]) -> list[Checkbox]:
    """Validate many check boxes in one call, like :func:`pairs_from_dicts`."""
    if not checkboxes:
        return []
    validated: list[Checkbox] = _VALIDATE_CHECKBOXES(checkboxes)
    return validated
