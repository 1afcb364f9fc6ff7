"""A rendered page: the image exactly as the model receives it, plus its transform.

Only bytes and plain values: picklable, cheap to ship across Ray, no PIL objects or handles.
"""

from __future__ import annotations

from enum import Enum

from pydantic import BaseModel, ConfigDict, Field, model_validator

from schemas.errors import ErrorRecord
from schemas.geometry import PageTransform
from schemas.textlayer import TextLayer


class SourceKind(str, Enum):
    PDF = "pdf"
    IMAGE = "image"


class ImageEncoding(str, Enum):
    RAW = "raw"  # packed RGB, 8 bits per channel, row-major: width * height * 3 bytes
    PNG = "png"
    JPEG = "jpeg"


class PageImage(BaseModel):
    """Pixels of a page at model-input size: raw RGB for in-process engines, encoded for HTTP."""

    model_config = ConfigDict(frozen=True)

    width: int = Field(gt=0)
    height: int = Field(gt=0)
    encoding: ImageEncoding
    data: bytes = Field(repr=False)

    @model_validator(mode="after")
    def _raw_size(self) -> "PageImage":
        if self.encoding is ImageEncoding.RAW and len(self.data) != self.width * self.height * 3:
            raise ValueError(
                f"raw RGB needs {self.width * self.height * 3} bytes, got {len(self.data)}"
            )
        return self

    @property
    def mime_type(self) -> str:
        return {
            ImageEncoding.PNG: "image/png",
            ImageEncoding.JPEG: "image/jpeg",
            ImageEncoding.RAW: "application/octet-stream",
        }[self.encoding]


class RenderedPage(BaseModel):
    """One page of one document, ready for an engine."""

    model_config = ConfigDict(frozen=True)

    doc_id: str = Field(description="Stable document id (see sources).")
    source: str = Field(description="Path or URI of the input file.")
    source_kind: SourceKind
    page_index: int = Field(ge=0, description="0-based index in the document.")
    page_count: int = Field(ge=1, description="Pages in the document.")
    transform: PageTransform
    image: PageImage
    native_width: int = Field(gt=0, description="Width in pixels at native resolution (PDF: 72 dpi).")
    native_height: int = Field(gt=0, description="Height in pixels at native resolution.")
    has_text_layer: bool = Field(default=False, description="PDF page with extractable text.")
    text_layer: TextLayer | None = Field(
        default=None,
        description="The page's text, tables and figures as data (page frame), for the textlayer "
        "engine. Extracted only when RenderOptions.extract_text_layer is set and the PDF page has "
        "text; always None for images.",
    )

    @property
    def page_number(self) -> int:
        return self.page_index + 1

    @property
    def page_id(self) -> str:
        return f"{self.doc_id}/p{self.page_number}"


class PageRenderFailure(BaseModel):
    """A page that could not be rendered; the document's other pages still render.

    Yielded in place of a :class:`RenderedPage`, in page order, so a consumer sees one record
    per selected page. ``error.page`` is the 1-based page number and ``error.file`` the source.
    """

    model_config = ConfigDict(frozen=True)

    doc_id: str = Field(description="Stable document id (see sources).")
    source: str = Field(description="Path or URI of the input file.")
    source_kind: SourceKind
    page_index: int = Field(ge=0, description="0-based index in the document.")
    page_count: int = Field(ge=1, description="Pages in the document.")
    error: ErrorRecord

    @property
    def page_number(self) -> int:
        return self.page_index + 1

    @property
    def page_id(self) -> str:
        return f"{self.doc_id}/p{self.page_number}"
