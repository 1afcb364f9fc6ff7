"""The ``textlayer`` engine: QwenVL HTML from a born-digital PDF page's text layer, no model.

It reads only ``request.page.text_layer`` (data the render stage extracted; engines never see
files) and answers like the model would: one reply per request, fenced QwenVL HTML with boxes
in the model frame, so the reply goes through exactly the same post-processing as model output.
Deterministic and CPU-only; it is also the fallback when model attempts fail.

Replies have ``finish_reason`` STOP and zero token counts (no model ran: counting tokens would
mix pretend numbers into the run's token totals); ``latency_s`` is the time spent building.
A page without a text layer (an image, a scan, a PDF page without text, or a page rendered
without ``RenderOptions.extract_text_layer``) gets an ERROR reply with code ``NO_TEXT_LAYER``
naming the file and page, never empty HTML.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence

from docparse.engines.base import Engine, error_reply
from docparse.engines.textlayer.html import page_html
from schemas.engine import EngineReply, EngineRequest, FinishReason
from schemas.errors import ErrorCode
from schemas.page import RenderedPage, SourceKind

log = logging.getLogger(__name__)

ENGINE_NAME = "textlayer"


class TextLayerEngine(Engine):
    """Builds each page's reply from its text layer; holds no resources."""

    name = ENGINE_NAME

    def infer(self, requests: Sequence[EngineRequest]) -> list[EngineReply]:
        """One reply per request, in order; never raises for one page's problem."""
        return [self._reply(request) for request in requests]

    def close(self) -> None:
        """Nothing to release."""

    def _reply(self, request: EngineRequest) -> EngineReply:
        start = time.perf_counter()
        page = request.page
        layer = page.text_layer
        if layer is None or layer.is_empty:
            return error_reply(
                request,
                self.name,
                ErrorCode.NO_TEXT_LAYER,
                _no_text_layer(page),
                latency_s=time.perf_counter() - start,
            )
        try:
            text = page_html(layer, page.transform)
        except Exception as exc:  # a bug here must cost one page, not the batch
            log.exception("textlayer engine failed on %s page %d", page.source, page.page_number)
            return error_reply(
                request,
                self.name,
                ErrorCode.INTERNAL,
                f"textlayer engine failed on {page.source} page {page.page_number}: {exc!r}",
                latency_s=time.perf_counter() - start,
            )
        return EngineReply(
            request_id=request.request_id,
            engine=self.name,
            text=text,
            finish_reason=FinishReason.STOP,
            latency_s=time.perf_counter() - start,
            attempt=request.attempt,
        )


def _no_text_layer(page: RenderedPage) -> str:
    where = f"{page.source} page {page.page_number}"
    if page.source_kind is SourceKind.IMAGE:
        why = "the input is an image (a scan), which has no text layer"
    elif page.has_text_layer:
        why = (
            "the page has text but no text layer was extracted (render with "
            "RenderOptions.extract_text_layer=True; if it was on, extraction failed: see the log)"
        )
    else:
        why = "the PDF page prints no text (a scanned or image-only page)"
    return f"no text layer on {where}: {why}"
