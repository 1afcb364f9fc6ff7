"""Layout blocks: what one QwenVL HTML element becomes."""

from __future__ import annotations

from enum import Enum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from schemas.geometry import BBox


class BlockKind(str, Enum):
    TITLE = "title"
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    TABLE = "table"
    IMAGE = "image"
    FORMULA = "formula"
    CHART = "chart"
    CAPTION = "caption"
    LIST = "list"
    ADDRESS = "address"
    OTHER = "other"


class Block(BaseModel):
    """One layout block in reading order."""

    model_config = ConfigDict(frozen=True)

    id: str = Field(description="Stable id 'doc/p{n}/b{m}' (page and block 1-based).")
    index: int = Field(ge=0, description="0-based position in the page's reading order.")
    kind: BlockKind
    level: int | None = Field(default=None, description="Heading level 1-6 for title/heading.")
    tag: str = Field(description="The element's tag as the model wrote it (h2, p, div, ...).")
    classes: list[str] = Field(default_factory=list, description="The element's class names.")
    text: str = Field(default="", description="Plain text; inline $...$ math kept verbatim.")
    html: str = Field(default="", description="The block's sanitised outer HTML (model frame).")
    bbox_model: BBox | None = Field(default=None, description="Box in model-input pixels.")
    bbox_page: BBox | None = Field(default=None, description="Box in the page frame.")
    caption: str | None = Field(default=None, description="Generated caption (image caption).")


_BLOCKS = TypeAdapter(list[Block])


def blocks_from_dicts(blocks: list[dict[str, Any]]) -> list[Block]:
    """Validate many blocks, boxes given as dicts, in one call (much faster than model by model)."""
    return _BLOCKS.validate_python(blocks)
