"""Test support for the attempt policy: real pages (Pillow PNGs), replies scripted per page for
the stand-in model server, options for the real ``openai`` engine, a recorded text-layer engine."""

from __future__ import annotations

import io
import threading
from collections.abc import Sequence

from PIL import Image, ImageDraw

from docparse.engines.base import error_reply
from docparse.engines.openai_options import OpenAIEngineOptions
from schemas.engine import EngineReply, EngineRequest, FinishReason, ModelSpec
from schemas.errors import ErrorCode
from schemas.geometry import PageTransform, Unit
from schemas.page import ImageEncoding, PageImage, RenderedPage, SourceKind
from tests.standin.replies import ChatCall, sha256_hex

#: Model frame of the test pages (17 x 22 patches of 28 px), a US Letter page in points.
FRAME_W, FRAME_H = 476, 616
PAGE_W, PAGE_H = 612.0, 792.0
#: A short ladder keeps failure paths quick: three rungs.
SHORT_SPEC = ModelSpec(temperature_ladder=(0.0, 0.1, 0.3), max_tokens=2048)
#: A blank page's valid reply: no blocks.
BLANK_REPLY = "```html\n<html><body>\n</body></html>\n```"


def valid_reply(index: int) -> str:
    """Valid QwenVL HTML for test page ``index``, boxes inside the 476 x 616 frame."""
    return (
        "```html\n<html><body>\n"
        f'<h2 data-bbox="40 40 436 80">Statement {index}</h2>\n'
        f'<p data-bbox="40 100 436 180">Balance brought forward for account {index}: 1,250.00. '
        "Payments received in the period are listed below.</p>\n"
        '<table data-bbox="40 200 436 400"><tr><th>Date</th><th>Amount</th></tr>'
        "<tr><td>2024-03-01</td><td>100.00</td></tr><tr><td>2024-03-15</td><td>250.00</td></tr>"
        "</table>\n</body></html>\n```"
    )


def out_of_frame_reply(index: int) -> str:
    """A reply read in another frame: its boxes reach far past the 476 x 616 model frame."""
    return valid_reply(index).replace('data-bbox="40 100 436 180"', 'data-bbox="80 200 872 960"')


def make_page(index: int, *, text_layer: bool = False, doc_id: str = "statement") -> RenderedPage:
    """Page ``index`` of ``doc_id``: a real PNG whose drawing differs per document and index."""
    image = Image.new("RGB", (FRAME_W, FRAME_H), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 40, 436, 80), outline="black")
    draw.text((48, 50), f"{doc_id} {index}", fill="black")  # distinct bytes per page
    draw.line((40, 100 + index, 436, 100 + index), fill=(index % 200, 0, 0))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return RenderedPage(
        doc_id=doc_id,
        source=f"inputs/{doc_id}.pdf",
        source_kind=SourceKind.PDF,
        page_index=index,
        page_count=max(index + 1, 8),
        transform=PageTransform(
            model_width=FRAME_W,
            model_height=FRAME_H,
            page_width=PAGE_W,
            page_height=PAGE_H,
            unit=Unit.PT,
        ),
        image=PageImage(
            width=FRAME_W, height=FRAME_H, encoding=ImageEncoding.PNG, data=buffer.getvalue()
        ),
        native_width=int(PAGE_W),
        native_height=int(PAGE_H),
        has_text_layer=text_layer,
    )


def image_key(page: RenderedPage) -> str:
    """The stand-in's key for a page: the sha256 of the image bytes it receives."""
    return sha256_hex(page.image.data)


class ScriptedReplies:
    """The stand-in's reply policy: per page image a queue of replies, the last one repeating.

    Faults scripted on the server apply on top (truncation, loops, plain HTML).
    """

    def __init__(self) -> None:
        self._queues: dict[str, list[str]] = {}
        self._lock = threading.Lock()

    def script(self, page: RenderedPage, *texts: str) -> None:
        with self._lock:
            self._queues[image_key(page)] = list(texts)

    def __call__(self, call: ChatCall) -> tuple[str, str]:
        with self._lock:
            queue = self._queues.get(call.image_sha256)
            if not queue:
                return BLANK_REPLY, "stop"
            return (queue.pop(0) if len(queue) > 1 else queue[0]), "stop"


class RecordedTextLayerEngine:
    """A real engine for tests: answers each page with a recorded QwenVL HTML reply, the shape
    the textlayer engine builds from a PDF text layer (which is not written yet). Pages without
    a text layer get the error the textlayer engine gives them. Logs its batches."""

    def __init__(self, name: str = "textlayer-recorded") -> None:
        self.name = name
        self.batches: list[list[str]] = []

    def infer(self, requests: Sequence[EngineRequest]) -> list[EngineReply]:
        self.batches.append([r.request_id for r in requests])
        return [self._reply(r) for r in requests]

    def _reply(self, request: EngineRequest) -> EngineReply:
        page = request.page
        if not page.has_text_layer:
            return error_reply(request, self.name, ErrorCode.NO_TEXT_LAYER, "page has no text layer")
        text = (
            "<html><body>\n"
            f'<p data-bbox="40 100 436 180">Balance brought forward for account {page.page_index}'
            ": 1,250.00.</p>\n</body></html>"
        )
        return EngineReply(
            request_id=request.request_id,
            engine=self.name,
            text=text,
            finish_reason=FinishReason.STOP,
            attempt=request.attempt,
        )

    def close(self) -> None:
        """Nothing to release."""


def engine_options(url: str, **overrides: object) -> OpenAIEngineOptions:
    """Short timeouts and back-off so transport failures resolve in milliseconds."""
    values: dict[str, object] = {
        "endpoints": [url],
        "timeout_s": 5.0,
        "connect_timeout_s": 2.0,
        "max_retries": 3,
        "backoff_base_s": 0.005,
        "backoff_max_s": 0.02,
        "backoff_total_s": 2.0,
        "api_key_env": "DOCPARSE_TEST_NO_SUCH_KEY",
        "jitter_seed": 3,
    }
    values.update(overrides)
    return OpenAIEngineOptions.model_validate(values)
