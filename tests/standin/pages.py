"""Small rendered pages for engine tests and benchmarks: distinct PNG bytes per index."""

from __future__ import annotations

import io

from PIL import Image

from schemas.geometry import PageTransform, Unit
from schemas.page import ImageEncoding, PageImage, RenderedPage, SourceKind

SMALL_PAGE_SIZE = 56  # 2 x 2 visual tokens, a few hundred bytes of PNG


def small_page(
    index: int, *, doc_id: str | None = None, size: int = SMALL_PAGE_SIZE
) -> RenderedPage:
    """A white ``size`` x ``size`` PNG page whose bytes differ per ``index`` (one dark pixel)."""
    image = Image.new("RGB", (size, size), "white")
    image.putpixel((index % size, (index // size) % size), (index % 251, (index // 251) % 251, 0))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    doc = doc_id or f"doc{index}"
    return RenderedPage(
        doc_id=doc,
        source=f"inputs/{doc}.png",
        source_kind=SourceKind.IMAGE,
        page_index=0,
        page_count=1,
        transform=PageTransform(
            model_width=size, model_height=size, page_width=size, page_height=size, unit=Unit.PX
        ),
        image=PageImage(
            width=size, height=size, encoding=ImageEncoding.PNG, data=buffer.getvalue()
        ),
        native_width=size,
        native_height=size,
    )
