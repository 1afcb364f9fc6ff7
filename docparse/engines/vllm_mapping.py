"""What the ``vllm`` engine sends and how it reads answers: options, prompt, sampling and reply
mapping as pure functions, testable on CPU without vllm installed."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from schemas.engine import EngineReply, EngineRequest, FinishReason, ModelSpec, Sampling
from schemas.errors import ErrorCode
from schemas.page import ImageEncoding, PageImage
from schemas.resize import (
    DEFAULT_MAX_PIXELS,
    DEFAULT_MIN_PIXELS,
    FACTOR,
    AspectRatioError,
    smart_resize,
)

#: Qwen2.5-VL's chat template puts this system turn in when the messages have none.
QWEN_DEFAULT_SYSTEM = "You are a helpful assistant."
#: Prompt tokens besides the image: template markers, system prompt, user text (~80), with room.
PROMPT_OVERHEAD_TOKENS = 256
DEFAULT_GPU_MEMORY_UTILIZATION = 0.9
ENGINE_NAME = "vllm"
INSTALL_HINT = "vllm not installed: pip install 'docparse[vllm]' on a machine with a CUDA GPU"
_FINISH = {"stop": FinishReason.STOP, "length": FinishReason.LENGTH}


class VLLMEngineOptions(BaseModel):
    """Where and how the ``vllm`` engine runs (the model itself comes from the ModelSpec)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    dtype: str = Field(default="auto", description="Model dtype: auto, bfloat16, float16, ...")
    gpu_memory_utilization: float = Field(default=DEFAULT_GPU_MEMORY_UTILIZATION, gt=0, le=1)
    tensor_parallel_size: int = Field(default=1, ge=1, description="GPUs one model spans.")
    max_model_len: int | None = Field(
        default=None, gt=0, description="Context length; None: image tokens + prompt + max_tokens."
    )
    max_num_seqs: int | None = Field(
        default=None, ge=1, description="Sequences scheduled at once; None: vLLM's default."
    )
    enforce_eager: bool = Field(default=False, description="No CUDA graphs (less memory, slower).")
    enable_prefix_caching: bool = Field(default=True, description="Reuse the shared prompt prefix.")
    seed: int = Field(default=0, description="Engine seed (per-request seeds come from Sampling).")
    min_pixels: int = Field(
        default=DEFAULT_MIN_PIXELS, gt=0, description="Processor min_pixels: <= the render's."
    )
    max_pixels: int = Field(
        default=DEFAULT_MAX_PIXELS, gt=0, description="Processor max_pixels: >= the render's."
    )


def build_qwen_prompt(spec: ModelSpec) -> str:
    """The raw Qwen2.5-VL chat prompt for one page image and ``spec``'s question (FORMAT.md)."""
    system = spec.system_prompt or QWEN_DEFAULT_SYSTEM
    return (
        f"<|im_start|>system\n{system}<|im_end|>\n"
        "<|im_start|>user\n<|vision_start|><|image_pad|><|vision_end|>"
        f"{spec.prompt.value}<|im_end|>\n<|im_start|>assistant\n"
    )


def sampling_kwargs(sampling: Sampling, max_tokens: int) -> dict[str, Any]:
    """Keyword arguments for ``vllm.SamplingParams``. ``top_k`` and ``seed`` are left out when
    unset, so vLLM's own "disabled" default applies (top_k -1 before 0.10, 0 after)."""
    kwargs: dict[str, Any] = {
        "temperature": sampling.temperature,
        "top_p": sampling.top_p,
        "repetition_penalty": sampling.repetition_penalty,
        "max_tokens": max_tokens,
    }
    if sampling.top_k is not None:
        kwargs["top_k"] = sampling.top_k
    if sampling.seed is not None:
        kwargs["seed"] = sampling.seed
    return kwargs


def required_model_len(max_pixels: int, max_tokens: int) -> int:
    """Context for the largest image the processor lets through, the prompt, and the reply."""
    return max_pixels // (FACTOR * FACTOR) + PROMPT_OVERHEAD_TOKENS + max_tokens


def engine_kwargs(spec: ModelSpec, options: VLLMEngineOptions) -> dict[str, Any]:
    """Keyword arguments for ``vllm.AsyncEngineArgs`` (documented names, vLLM >= 0.8)."""
    kwargs: dict[str, Any] = {
        "model": spec.model,
        "dtype": options.dtype,
        "gpu_memory_utilization": options.gpu_memory_utilization,
        "tensor_parallel_size": options.tensor_parallel_size,
        "max_model_len": options.max_model_len
        or required_model_len(options.max_pixels, spec.max_tokens),
        "enforce_eager": options.enforce_eager,
        "enable_prefix_caching": options.enable_prefix_caching,
        "seed": options.seed,
        "limit_mm_per_prompt": {"image": 1, "video": 0},  # no video: more room for KV cache
        "mm_processor_kwargs": {"min_pixels": options.min_pixels, "max_pixels": options.max_pixels},
    }
    if options.max_num_seqs is not None:
        kwargs["max_num_seqs"] = options.max_num_seqs
    return kwargs


def frame_issue(width: int, height: int, options: VLLMEngineOptions) -> str | None:
    """Why the processor would resize a ``width`` x ``height`` page (None: it will not)."""
    try:
        h, w = smart_resize(
            height, width, min_pixels=options.min_pixels, max_pixels=options.max_pixels
        )
    except AspectRatioError as exc:
        return f"page image {width}x{height}: {exc}"
    if (w, h) == (width, height):
        return None
    return (
        f"page image {width}x{height} would be resized to {w}x{h} by the processor "
        f"(min_pixels {options.min_pixels}, max_pixels {options.max_pixels}): boxes would come "
        "back in another frame; render within the engine's pixel budget"
    )


def finish_reason_of(value: str | None) -> FinishReason:
    """vLLM's finish reason ("stop", "length", "abort", None) as ours."""
    return _FINISH.get(value or "", FinishReason.OTHER)


def reply_from_output(
    request: EngineRequest,
    *,
    text: str,
    finish_reason: str | None,
    prompt_token_ids: Sequence[int] | None,
    output_token_ids: Sequence[int] | None,
    latency_s: float,
) -> EngineReply:
    """The reply for ``request`` from the plain values of vLLM's final ``RequestOutput``
    (``outputs[0].text``, ``outputs[0].finish_reason``, ``prompt_token_ids``,
    ``outputs[0].token_ids``)."""
    return EngineReply(
        request_id=request.request_id,
        engine=ENGINE_NAME,
        text=text,
        finish_reason=finish_reason_of(finish_reason),
        prompt_tokens=len(prompt_token_ids or ()),
        output_tokens=len(output_token_ids or ()),
        latency_s=latency_s,
        attempt=request.attempt,
    )


def error_code_for(exc: BaseException) -> ErrorCode:
    """``ENGINE_UNAVAILABLE`` when the engine died (vLLM's ``EngineDeadError``, V0's
    ``AsyncEngineDeadError``: matched by name, their modules differ by version), else
    ``ENGINE_ERROR`` (this request failed)."""
    dead = any("DeadError" in cls.__name__ for cls in type(exc).__mro__)
    return ErrorCode.ENGINE_UNAVAILABLE if dead else ErrorCode.ENGINE_ERROR


def to_pil(image: PageImage) -> Any:
    """A PIL RGB image of the page (raw pixels wrapped, PNG/JPEG decoded)."""
    from PIL import Image

    if image.encoding is ImageEncoding.RAW:
        return Image.frombytes("RGB", (image.width, image.height), image.data)
    with Image.open(io.BytesIO(image.data)) as decoded:
        pil = decoded.convert("RGB")
    if pil.size != (image.width, image.height):
        got = f"{pil.size[0]}x{pil.size[1]}"
        raise ValueError(f"image is {got}, the page says {image.width}x{image.height}")
    return pil
