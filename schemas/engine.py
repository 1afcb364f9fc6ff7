"""What to ask the model (ModelSpec, Sampling) and the engine request/reply records.

"What to ask" lives here; "where it runs" (endpoints, concurrency, GPUs) lives in each engine's
options. Engines receive :class:`EngineRequest` and return one :class:`EngineReply` per request.
"""

from __future__ import annotations

from enum import Enum

from pydantic import BaseModel, ConfigDict, Field

from schemas.errors import ErrorRecord
from schemas.page import RenderedPage

DEFAULT_MODEL = "Qwen/Qwen2.5-VL-7B-Instruct"
DEFAULT_MAX_TOKENS = 8192
#: Qwen's cookbook system prompt for document parsing (FORMAT.md).
QWENVL_SYSTEM_PROMPT = (
    "You are an AI specialized in recognizing and extracting text from images. Your mission is "
    "to analyze the image document and generate the result in QwenVL Document Parser HTML format "
    "using specified tags while maintaining user privacy and data integrity."
)
DEFAULT_TEMPERATURE_LADDER: tuple[float, ...] = (0.0, 0.1, 0.2, 0.3, 0.5, 0.8)
DEFAULT_REPETITION_PENALTY = 1.05
RETRY_REPETITION_PENALTY = 1.15


class PromptVariant(str, Enum):
    """User text next to the page image; it is what triggers the format."""

    HTML = "QwenVL HTML"
    HTML_WITH_CAPTION = "QwenVL HTML with image caption"


class FinishReason(str, Enum):
    STOP = "stop"
    LENGTH = "length"  # hit max tokens: truncated
    ERROR = "error"  # no usable reply (transport/server error after back-off)
    OTHER = "other"


class Sampling(BaseModel):
    model_config = ConfigDict(frozen=True)

    temperature: float = Field(default=0.0, ge=0.0, le=2.0)
    top_p: float = Field(default=1.0, gt=0.0, le=1.0)
    top_k: int | None = Field(default=None, description="None: engine default (no top-k).")
    repetition_penalty: float = Field(default=DEFAULT_REPETITION_PENALTY, gt=0.0)
    seed: int | None = None


class ModelSpec(BaseModel):
    """What to ask the model, independent of where it runs."""

    model_config = ConfigDict(frozen=True)

    model: str = Field(default=DEFAULT_MODEL, description="Model name as the server knows it.")
    prompt: PromptVariant = PromptVariant.HTML
    system_prompt: str | None = Field(default=QWENVL_SYSTEM_PROMPT)
    max_tokens: int = Field(default=DEFAULT_MAX_TOKENS, gt=0)
    temperature_ladder: tuple[float, ...] = Field(default=DEFAULT_TEMPERATURE_LADDER, min_length=1)
    retry_repetition_penalty: float = Field(default=RETRY_REPETITION_PENALTY, gt=0.0)

    def sampling_for(self, attempt: int) -> Sampling:
        """Sampling for the 1-based ``attempt``: the ladder's temperature, stiffer penalty on retries."""
        ladder = self.temperature_ladder
        temperature = ladder[min(attempt, len(ladder)) - 1]
        penalty = DEFAULT_REPETITION_PENALTY if attempt == 1 else self.retry_repetition_penalty
        return Sampling(temperature=temperature, repetition_penalty=penalty)

    @property
    def max_attempts(self) -> int:
        return len(self.temperature_ladder)


class EngineRequest(BaseModel):
    model_config = ConfigDict(frozen=True)

    request_id: str = Field(description="Unique per attempt, e.g. 'doc/p3#2'.")
    page: RenderedPage
    spec: ModelSpec = Field(default_factory=ModelSpec)
    sampling: Sampling = Field(default_factory=Sampling)
    attempt: int = Field(default=1, ge=1)


class EngineReply(BaseModel):
    request_id: str
    engine: str
    text: str = ""
    finish_reason: FinishReason
    prompt_tokens: int = 0
    output_tokens: int = 0
    latency_s: float = 0.0
    attempt: int = 1
    error: ErrorRecord | None = Field(
        default=None, description="Set when finish_reason is error: why there is no reply."
    )
    endpoint: str | None = Field(
        default=None,
        description="Server that answered (URL without credentials); None for in-process engines.",
    )
    transport_retries: int = Field(
        default=0,
        ge=0,
        description="HTTP retries (429, 5xx, dropped connections, timeouts) behind this reply; "
        "they do not spend a page attempt.",
    )
