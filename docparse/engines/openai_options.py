"""Where the ``openai`` engine runs: endpoints, concurrency, timeouts, back-off, credentials.

What to ask (model, prompt, sampling) is not here: it comes with each request's ModelSpec.
This module does not import aiohttp, so options can be built and validated without the extra.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator

DEFAULT_ENDPOINT = "http://127.0.0.1:8000"
DEFAULT_MAX_IN_FLIGHT = 64
DEFAULT_TIMEOUT_S = 600.0  # a full page can be several thousand output tokens
DEFAULT_CONNECT_TIMEOUT_S = 10.0
DEFAULT_MAX_RETRIES = 5
DEFAULT_BACKOFF_BASE_S = 0.5
DEFAULT_BACKOFF_MAX_S = 30.0
DEFAULT_BACKOFF_TOTAL_S = 120.0
DEFAULT_CIRCUIT_FAILURES = 3
DEFAULT_CIRCUIT_RESET_S = 30.0
DEFAULT_API_KEY_ENV = "OPENAI_API_KEY"


def normalize_endpoint(url: str) -> str:
    """Server root without a trailing ``/`` or ``/v1``: ``http://h:8000/v1/`` -> ``http://h:8000``.
    """
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"endpoint must be an http(s) URL, got {redact_url(url)!r}")
    path = parts.path.rstrip("/")
    if path.endswith("/v1"):
        path = path[: -len("/v1")]
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def redact_url(url: str) -> str:
    """``url`` without user:password, for messages and logs."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))


class OpenAIEngineOptions(BaseModel):
    """Options of the ``openai`` engine (``vllm serve`` or any OpenAI-compatible provider)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    endpoints: list[str] = Field(
        default_factory=lambda: [DEFAULT_ENDPOINT],
        min_length=1,
        description="Server roots, with or without /v1; several are load-balanced.",
    )
    max_in_flight_per_endpoint: int = Field(
        default=DEFAULT_MAX_IN_FLIGHT, ge=1, description="Requests outstanding per endpoint."
    )
    timeout_s: float = Field(
        default=DEFAULT_TIMEOUT_S,
        gt=0,
        description="Per-request timeout: the longest wait for the server (vLLM sends a "
        "non-streamed reply at once, so this bounds generation too).",
    )
    connect_timeout_s: float = Field(default=DEFAULT_CONNECT_TIMEOUT_S, gt=0)
    max_retries: int = Field(
        default=DEFAULT_MAX_RETRIES,
        ge=0,
        description="HTTP retries per request on 429/5xx/connection errors/timeouts.",
    )
    backoff_base_s: float = Field(default=DEFAULT_BACKOFF_BASE_S, ge=0, description="First delay.")
    backoff_max_s: float = Field(
        default=DEFAULT_BACKOFF_MAX_S, ge=0, description="Cap on one computed delay."
    )
    backoff_total_s: float = Field(
        default=DEFAULT_BACKOFF_TOTAL_S,
        ge=0,
        description="Cap on the back-off one request may sleep in total (Retry-After included).",
    )
    circuit_failures: int = Field(
        default=DEFAULT_CIRCUIT_FAILURES,
        ge=1,
        description="Consecutive failures (not 429) that take an endpoint out while others are up.",
    )
    circuit_reset_s: float = Field(
        default=DEFAULT_CIRCUIT_RESET_S,
        gt=0,
        description="How long a down endpoint is skipped before it is tried again.",
    )
    api_key_env: str | None = Field(
        default=DEFAULT_API_KEY_ENV,
        description="Environment variable holding the API key (sent as Bearer); None: no key.",
    )
    served_model_name: str | None = Field(
        default=None,
        description="Name the server knows the model by when it differs from ModelSpec.model "
        "(vllm serve --served-model-name).",
    )
    vllm_extras: bool = Field(
        default=True,
        description="Send vLLM's extra sampling parameters (top_k, repetition_penalty); turn off "
        "for providers that reject unknown parameters.",
    )
    jitter_seed: int | None = Field(default=None, description="Seed for back-off jitter.")

    @field_validator("endpoints")
    @classmethod
    def _normalize(cls, value: list[str]) -> list[str]:
        roots = [normalize_endpoint(url) for url in value]
        if len(set(roots)) != len(roots):
            raise ValueError("endpoints must be distinct")
        return roots
