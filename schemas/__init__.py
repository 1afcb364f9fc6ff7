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
from schemas.extraction import (
    CheckResult,
    DocumentExtraction,
    ExtractedField,
    ExtractionResult,
    ExtractionSummary,
    ExtractOptions,
    FieldRule,
    FieldSource,
)
from schemas.forms import Checkbox, FormResult, KeyValue, PairRule
from schemas.geometry import BBox, Frame, PageTransform, Unit
from schemas.invoice import Invoice, LineItem, Party
from schemas.options import AttemptOptions, PageSelection, PostprocessOptions, RenderOptions, RunOptions
from schemas.page import ImageEncoding, PageImage, PageRenderFailure, RenderedPage, SourceKind
from schemas.resize import AspectRatioError, smart_resize, visual_tokens
from schemas.tables import GridCell, HeaderRule, Table, TableKind, TableSource
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
    "invoice": Invoice,
    "table": Table,
    "form": FormResult,
    "extraction": ExtractionResult,
}

__all__ = [
    "SCHEMAS",
    "AspectRatioError",
    "Attempt",
    "AttemptOptions",
    "BBox",
    "Block",
    "BlockKind",
    "CheckResult",
    "Checkbox",
    "DocparseError",
    "DocumentExtraction",
    "DocumentResult",
    "EngineError",
    "ErrorCode",
    "ErrorRecord",
    "ExtractOptions",
    "ExtractedField",
    "ExtractionResult",
    "ExtractionSummary",
    "FieldRule",
    "FieldSource",
    "FormResult",
    "Frame",
    "GridCell",
    "HeaderRule",
    "ImageEncoding",
    "ImageRegion",
    "InputError",
    "Invoice",
    "KeyValue",
    "LineItem",
    "OptionsError",
    "OutputError",
    "PageImage",
    "PageRenderFailure",
    "PageResult",
    "PageSelection",
    "PageSource",
    "PageTransform",
    "PairRule",
    "ParsedReply",
    "Party",
    "PostprocessOptions",
    "RenderError",
    "RenderOptions",
    "RenderedPage",
    "ReplyError",
    "RunOptions",
    "Severity",
    "SourceKind",
    "Status",
    "Table",
    "TableCell",
    "TableKind",
    "TableRegion",
    "TableSource",
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
