"""docparse's data contract (layer 0): imports pydantic and the standard library only."""

from __future__ import annotations

from pydantic import BaseModel

from schemas.blocks import Block, BlockKind
from schemas.errors import (
    DocparseError,
    EngineError,
    ErrorCode,
    ErrorRecord,
    InputError,
    OptionsError,
    OutputError,
    RenderError,
    ReplyError,
    Severity,
)
from schemas.geometry import BBox, Frame, PageTransform, Unit
from schemas.options import AttemptOptions, PageSelection, PostprocessOptions, RenderOptions, RunOptions
from schemas.page import ImageEncoding, PageImage, PageRenderFailure, RenderedPage, SourceKind
from schemas.resize import AspectRatioError, smart_resize, visual_tokens
from schemas.results import (
    Attempt,
    DocumentResult,
    PageResult,
    PageSource,
    Status,
    document_status,
)
from schemas.textlayer import (
    ImageRegion,
    TableCell,
    TableRegion,
    TextBlock,
    TextLayer,
    TextLine,
    TextSpan,
)
from schemas.validation import ParsedReply, ValidationReport, Verdict

#: Models whose JSON Schema ``docparse schema NAME`` prints. Extended as the contract grows.
SCHEMAS: dict[str, type[BaseModel]] = {
    "bbox": BBox,
    "transform": PageTransform,
    "block": Block,
    "error": ErrorRecord,
    "validation": ValidationReport,
    "parsed-reply": ParsedReply,
    "page-result": PageResult,
    "document": DocumentResult,
    "options": RunOptions,
    "text-layer": TextLayer,
}

__all__ = [
    "SCHEMAS",
    "AspectRatioError",
    "AttemptOptions",
    "Attempt",
    "BBox",
    "Block",
    "BlockKind",
    "DocparseError",
    "DocumentResult",
    "EngineError",
    "ErrorCode",
    "ErrorRecord",
    "Frame",
    "ImageEncoding",
    "ImageRegion",
    "InputError",
    "OptionsError",
    "OutputError",
    "PageImage",
    "PageRenderFailure",
    "PageResult",
    "PageSelection",
    "PageSource",
    "PageTransform",
    "ParsedReply",
    "PostprocessOptions",
    "RenderError",
    "RenderOptions",
    "RenderedPage",
    "ReplyError",
    "RunOptions",
    "Severity",
    "SourceKind",
    "Status",
    "TableCell",
    "TableRegion",
    "TextBlock",
    "TextLayer",
    "TextLine",
    "TextSpan",
    "Unit",
    "ValidationReport",
    "Verdict",
    "document_status",
    "smart_resize",
    "visual_tokens",
]
