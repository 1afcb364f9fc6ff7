"""The engine contract's plumbing: registry, lazy imports, chat messages, error replies."""

from __future__ import annotations

import base64
import io
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest
from PIL import Image

from docparse.engines import (
    Engine,
    available_engines,
    build_messages,
    create_engine,
    error_reply,
    image_data_url,
    register_engine,
    unregister_engine,
)
from docparse.engines.openai import OpenAIEngine
from docparse.engines.openai_options import OpenAIEngineOptions
from schemas.engine import EngineReply, EngineRequest, FinishReason, ModelSpec
from schemas.errors import EngineError, ErrorCode
from schemas.page import ImageEncoding, PageImage
from tests.standin.pages import small_page

REPO_ROOT = Path(__file__).resolve().parents[2]


class EchoEngine(Engine):
    """A minimal engine: replies with the request id."""

    name = "echo"

    def __init__(self, options: object) -> None:
        self.options = options
        self.closed = False

    def infer(self, requests: Sequence[EngineRequest]) -> list[EngineReply]:
        return [
            EngineReply(request_id=r.request_id, engine=self.name, text=r.request_id,
                        finish_reason=FinishReason.STOP, attempt=r.attempt)
            for r in requests
        ]

    def close(self) -> None:
        self.closed = True


def test_openai_is_registered_and_accepts_mapping_model_or_nothing():
    assert "openai" in available_engines()
    for options in (
        {"endpoints": ["http://127.0.0.1:9/v1"], "max_in_flight_per_endpoint": 4},
        OpenAIEngineOptions(endpoints=["http://127.0.0.1:9"], max_in_flight_per_endpoint=4),
        None,
    ):
        with create_engine("openai", options) as engine:
            assert isinstance(engine, OpenAIEngine)
            assert engine.name == "openai"
            assert isinstance(engine, Engine)


def test_unknown_engine_names_the_available_ones():
    with pytest.raises(EngineError) as caught:
        create_engine("gpt-9")
    assert caught.value.code is ErrorCode.ENGINE_ERROR
    assert "'gpt-9'" in caught.value.message and "openai" in caught.value.message


def test_register_replace_unregister():
    register_engine("echo", EchoEngine)
    try:
        with pytest.raises(ValueError, match="already registered"):
            register_engine("echo", EchoEngine)
        register_engine("echo", EchoEngine, replace=True)
        with create_engine("echo", {"x": 1}) as engine:
            [reply] = engine.infer([EngineRequest(request_id="a/p1#1", page=small_page(0))])
            assert reply.text == "a/p1#1"
        assert engine.closed  # the Protocol's context manager closes it
    finally:
        unregister_engine("echo")
    assert "echo" not in available_engines()


def test_importing_engines_does_not_import_http_clients():
    code = (
        "import sys, docparse.engines\n"
        "for name in ('aiohttp', 'httpx'): assert name not in sys.modules, name + ' imported'"
    )
    subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, check=True)


def test_messages_hold_system_prompt_image_then_text():
    request = EngineRequest(request_id="d/p1#1", page=small_page(3))
    system, user = build_messages(request)
    assert system == {"role": "system", "content": request.spec.system_prompt}
    image_part, text_part = user["content"]
    assert user["role"] == "user"
    url = image_part["image_url"]["url"]
    assert image_part["type"] == "image_url" and url.startswith("data:image/png;base64,")
    assert base64.b64decode(url.split(",", 1)[1]) == request.page.image.data
    assert text_part == {"type": "text", "text": "QwenVL HTML"}


def test_no_system_prompt_means_a_single_user_turn():
    spec = ModelSpec(system_prompt=None)
    messages = build_messages(EngineRequest(request_id="d/p1#1", page=small_page(0), spec=spec))
    assert [m["role"] for m in messages] == ["user"]


def test_raw_pixels_are_encoded_to_png_losslessly():
    pixels = bytes(range(256)) * 9  # 32 x 24 x 3 bytes
    raw = PageImage(width=32, height=24, encoding=ImageEncoding.RAW, data=pixels)
    url = image_data_url(raw)
    assert url.startswith("data:image/png;base64,")
    decoded = Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1])))
    assert decoded.size == (32, 24) and decoded.convert("RGB").tobytes() == pixels


def test_jpeg_keeps_its_bytes_and_mime_type():
    jpeg = PageImage(width=8, height=8, encoding=ImageEncoding.JPEG, data=b"\xff\xd8fake")
    expected = "data:image/jpeg;base64," + base64.b64encode(b"\xff\xd8fake").decode()
    assert image_data_url(jpeg) == expected


def test_error_reply_names_file_and_page():
    request = EngineRequest(request_id="d/p1#2", page=small_page(5), attempt=2)
    reply = error_reply(request, "openai", ErrorCode.ENGINE_TIMEOUT, "slow", endpoint="http://h")
    assert reply.finish_reason is FinishReason.ERROR and reply.attempt == 2
    assert (reply.error.code, reply.error.file, reply.error.page) == (
        ErrorCode.ENGINE_TIMEOUT, "inputs/doc5.png", 1,
    )
