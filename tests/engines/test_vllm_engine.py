"""The ``vllm`` engine: prompt, sampling, context length, frame checks and reply mapping on CPU;
one run of a real checkpoint on a CUDA GPU (``-m gpu``; skipped elsewhere, with the reason)."""

from __future__ import annotations

import importlib.util
import io
import os
from pathlib import Path

import pytest
from PIL import Image
from pydantic import ValidationError

from docparse.engines.vllm import VLLMEngine, vllm_factory
from docparse.engines.vllm_mapping import (
    INSTALL_HINT,
    PROMPT_OVERHEAD_TOKENS,
    QWEN_DEFAULT_SYSTEM,
    VLLMEngineOptions,
    build_qwen_prompt,
    engine_kwargs,
    error_code_for,
    finish_reason_of,
    frame_issue,
    reply_from_output,
    required_model_len,
    sampling_kwargs,
    to_pil,
)
from schemas.engine import (
    QWENVL_SYSTEM_PROMPT,
    EngineRequest,
    FinishReason,
    ModelSpec,
    PromptVariant,
    Sampling,
)
from schemas.errors import EngineError, ErrorCode
from schemas.geometry import PageTransform, Unit
from schemas.options import RenderOptions
from schemas.page import ImageEncoding, PageImage, RenderedPage, SourceKind
from schemas.resize import DEFAULT_MAX_PIXELS, DEFAULT_MIN_PIXELS, smart_resize

VLLM_INSTALLED = importlib.util.find_spec("vllm") is not None
TEST_MODEL_ENV = "DOCPARSE_VLLM_TEST_MODEL"


def test_the_prompt_is_qwen25vl_chat_text_around_one_image() -> None:
    assert build_qwen_prompt(ModelSpec()) == (
        f"<|im_start|>system\n{QWENVL_SYSTEM_PROMPT}<|im_end|>\n"
        "<|im_start|>user\n<|vision_start|><|image_pad|><|vision_end|>QwenVL HTML<|im_end|>\n"
        "<|im_start|>assistant\n"
    )


def test_no_system_prompt_gets_the_templates_default_and_variants_change_the_user_text() -> None:
    spec = ModelSpec(system_prompt=None, prompt=PromptVariant.HTML_WITH_CAPTION)
    prompt = build_qwen_prompt(spec)
    assert prompt.startswith(f"<|im_start|>system\n{QWEN_DEFAULT_SYSTEM}<|im_end|>\n")
    assert prompt.endswith(
        "<|vision_end|>QwenVL HTML with image caption<|im_end|>\n<|im_start|>assistant\n"
    )
    assert prompt.count("<|image_pad|>") == 1


def test_sampling_maps_the_ladder_and_leaves_unset_values_to_vllm() -> None:
    spec = ModelSpec(max_tokens=4096)
    assert sampling_kwargs(spec.sampling_for(1), spec.max_tokens) == {
        "temperature": 0.0,
        "top_p": 1.0,
        "repetition_penalty": 1.05,
        "max_tokens": 4096,
    }
    third = sampling_kwargs(spec.sampling_for(3), spec.max_tokens)
    assert (third["temperature"], third["repetition_penalty"]) == (0.2, 1.15)
    qwen_defaults = Sampling(temperature=0.1, top_p=0.001, top_k=1, seed=7)
    assert sampling_kwargs(qwen_defaults, 100) == {
        "temperature": 0.1,
        "top_p": 0.001,
        "top_k": 1,
        "seed": 7,
        "repetition_penalty": 1.05,
        "max_tokens": 100,
    }


def test_context_length_holds_the_largest_image_the_prompt_and_the_reply() -> None:
    assert required_model_len(DEFAULT_MAX_PIXELS, 8192) == 2048 + PROMPT_OVERHEAD_TOKENS + 8192
    assert required_model_len(1280 * 28 * 28, 4096) == 1280 + PROMPT_OVERHEAD_TOKENS + 4096


def test_engine_arguments() -> None:
    spec = ModelSpec(model="/models/qwen2.5-vl-7b", max_tokens=8192)
    kwargs = engine_kwargs(spec, VLLMEngineOptions())
    assert kwargs == {
        "model": "/models/qwen2.5-vl-7b",
        "dtype": "auto",
        "gpu_memory_utilization": 0.9,
        "tensor_parallel_size": 1,
        "max_model_len": required_model_len(DEFAULT_MAX_PIXELS, 8192),
        "enforce_eager": False,
        "enable_prefix_caching": True,
        "seed": 0,
        "limit_mm_per_prompt": {"image": 1, "video": 0},
        "mm_processor_kwargs": {"min_pixels": DEFAULT_MIN_PIXELS, "max_pixels": DEFAULT_MAX_PIXELS},
    }
    tuned = engine_kwargs(spec, VLLMEngineOptions(max_model_len=16384, max_num_seqs=32))
    assert (tuned["max_model_len"], tuned["max_num_seqs"]) == (16384, 32)


def test_default_processor_budget_contains_the_default_render_budget() -> None:
    engine, render = VLLMEngineOptions(), RenderOptions()
    assert engine.min_pixels <= render.min_pixels and engine.max_pixels >= render.max_pixels


def test_options_are_strict() -> None:
    with pytest.raises(ValidationError):
        VLLMEngineOptions.model_validate({"gpu_memory_utilization": 1.5})
    with pytest.raises(ValidationError):
        VLLMEngineOptions.model_validate({"model": "Qwen/Qwen2.5-VL-7B-Instruct"})  # ModelSpec's


@pytest.mark.parametrize(("native_w", "native_h"), [(612, 792), (2480, 3508), (300, 400)])
def test_pages_rendered_in_budget_are_left_alone(native_w: int, native_h: int) -> None:
    h, w = smart_resize(native_h, native_w)
    assert frame_issue(w, h, VLLMEngineOptions()) is None


def test_pages_the_processor_would_resize_are_named() -> None:
    options = VLLMEngineOptions()
    off_grid = frame_issue(1000, 1300, options)
    assert off_grid is not None and "would be resized to 1008x1288" in off_grid
    too_big = frame_issue(2800, 2800, options)
    assert too_big is not None and "another frame" in too_big
    small_budget = VLLMEngineOptions(max_pixels=512 * 28 * 28)
    assert frame_issue(1008, 1288, small_budget) is not None
    assert "aspect ratio" in (frame_issue(28, 28 * 201, options) or "")


def test_finish_reasons() -> None:
    assert finish_reason_of("stop") is FinishReason.STOP
    assert finish_reason_of("length") is FinishReason.LENGTH
    assert finish_reason_of("abort") is FinishReason.OTHER
    assert finish_reason_of(None) is FinishReason.OTHER


def test_reply_from_the_final_output() -> None:
    page = _page(0, ImageEncoding.PNG)
    request = EngineRequest(request_id="gpu/p1#2", page=page, attempt=2)
    reply = reply_from_output(
        request,
        text="<html><body></body></html>",
        finish_reason="length",
        prompt_token_ids=list(range(300)),
        output_token_ids=[11, 12, 13],
        latency_s=1.5,
    )
    assert (reply.request_id, reply.engine, reply.attempt) == ("gpu/p1#2", "vllm", 2)
    assert (reply.finish_reason, reply.prompt_tokens, reply.output_tokens) == (
        FinishReason.LENGTH, 300, 3,
    )
    assert (reply.text, reply.latency_s, reply.error, reply.endpoint) == (
        "<html><body></body></html>", 1.5, None, None,
    )
    empty = reply_from_output(
        request, text="", finish_reason=None, prompt_token_ids=None, output_token_ids=None,
        latency_s=0.0,
    )  # fmt: skip
    assert (empty.finish_reason, empty.prompt_tokens, empty.output_tokens) == (
        FinishReason.OTHER, 0, 0,
    )


class EngineDeadError(RuntimeError):
    """Named like vLLM's own: the engine process is gone."""


class AsyncEngineDeadError(EngineDeadError):
    """Named like vLLM V0's."""


def test_a_dead_engine_is_unavailable_other_errors_are_engine_errors() -> None:
    assert error_code_for(EngineDeadError("engine core died")) is ErrorCode.ENGINE_UNAVAILABLE
    assert error_code_for(AsyncEngineDeadError("loop stopped")) is ErrorCode.ENGINE_UNAVAILABLE
    assert error_code_for(ValueError("prompt too long")) is ErrorCode.ENGINE_ERROR


def _pixels(width: int, height: int) -> bytes:
    return bytes((x * 7 + y * 3 + c) % 256 for y in range(height) for x in range(width) for c in range(3))


def test_raw_and_png_pages_become_the_same_rgb_image() -> None:
    raw = _pixels(56, 84)
    buffer = io.BytesIO()
    Image.frombytes("RGB", (56, 84), raw).save(buffer, format="PNG")
    from_raw = to_pil(PageImage(width=56, height=84, encoding=ImageEncoding.RAW, data=raw))
    from_png = to_pil(
        PageImage(width=56, height=84, encoding=ImageEncoding.PNG, data=buffer.getvalue())
    )
    assert from_raw.mode == from_png.mode == "RGB"
    assert from_raw.size == from_png.size == (56, 84)
    assert from_raw.tobytes() == from_png.tobytes() == raw
    with pytest.raises(ValueError, match="the page says 28x28"):
        to_pil(PageImage(width=28, height=28, encoding=ImageEncoding.PNG, data=buffer.getvalue()))


@pytest.mark.skipif(VLLM_INSTALLED, reason="vllm is installed: the missing-extra path cannot run")
def test_without_vllm_the_engine_says_how_to_install_it() -> None:
    with pytest.raises(EngineError) as caught:
        vllm_factory({"enforce_eager": True})
    assert caught.value.code is ErrorCode.ENGINE_UNAVAILABLE
    assert INSTALL_HINT in caught.value.message


# --- GPU -----------------------------------------------------------------------------------


def _page(index: int, encoding: ImageEncoding) -> RenderedPage:
    h, w = smart_resize(792, 612, min_pixels=256 * 28 * 28, max_pixels=512 * 28 * 28)
    image = Image.new("RGB", (w, h), "white")
    image.paste((20, 20, 20), (40, 40 + 30 * index, w - 40, 60 + 30 * index))
    if encoding is ImageEncoding.PNG:
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
        data = buffer.getvalue()
    else:
        data = image.tobytes()
    return RenderedPage(
        doc_id="gpu", source="gpu.pdf", source_kind=SourceKind.PDF, page_index=index,
        page_count=4, image=PageImage(width=w, height=h, encoding=encoding, data=data),
        transform=PageTransform(
            model_width=w, model_height=h, page_width=612, page_height=792, unit=Unit.PT
        ),
        native_width=612, native_height=792,
    )  # fmt: skip


def _gpu_model() -> str:
    """The checkpoint for the GPU test, or a skip saying what is missing."""
    if not VLLM_INSTALLED:
        pytest.skip("vllm not installed: this test needs the `vllm` extra and a CUDA GPU")
    import torch

    if not torch.cuda.is_available():
        pytest.skip("no CUDA GPU: this test needs the `vllm` extra and a CUDA GPU")
    path = os.environ.get(TEST_MODEL_ENV, "")
    if not path or not Path(path).is_dir():
        pytest.skip(
            f"set {TEST_MODEL_ENV} to a local Qwen2.5-VL checkpoint directory (weights, "
            "tokenizer, preprocessor config): nothing can be downloaded here, and a random tiny "
            "checkpoint needs a tokenizer that cannot be built offline"
        )
    return path


@pytest.mark.gpu
def test_a_real_checkpoint_answers_every_request() -> None:
    spec = ModelSpec(model=_gpu_model(), max_tokens=256)
    options = VLLMEngineOptions(
        gpu_memory_utilization=0.6, enforce_eager=True, max_num_seqs=8,
        min_pixels=256 * 28 * 28, max_pixels=512 * 28 * 28,
    )  # fmt: skip
    pages = [_page(i, ImageEncoding.RAW if i % 2 else ImageEncoding.PNG) for i in range(4)]
    requests = [
        EngineRequest(request_id=f"gpu/p{i + 1}#1", page=p, spec=spec, sampling=spec.sampling_for(1))
        for i, p in enumerate(pages)
    ]
    with VLLMEngine(options, spec=spec) as engine:
        replies = engine.infer(requests)
        again = engine.infer(requests[:1])  # a second batch joins the same engine
    assert [r.request_id for r in replies] == [r.request_id for r in requests]
    for reply in [*replies, *again]:
        assert reply.error is None, reply.error
        assert reply.finish_reason in (FinishReason.STOP, FinishReason.LENGTH)
        assert reply.engine == "vllm" and reply.output_tokens >= 1
        assert reply.prompt_tokens > pages[0].image.width * pages[0].image.height // (28 * 28)
