"""The chat-completions wire format: request bodies out, replies and error messages in.

Pure functions over bytes and schema objects (no HTTP client), shared by the engine and the health
check.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from typing import Any

from docparse.engines.prompts import image_data_url_bytes, prompt_messages
from schemas.engine import EngineRequest, FinishReason

#: Longest server message quoted in an error record.
MAX_MESSAGE_CHARS = 500

_FINISH = {"stop": FinishReason.STOP, "length": FinishReason.LENGTH}

_COMPACT = (",", ":")

#: The image URL's place in the encoded messages. Unambiguous: a ``"`` inside a JSON string is
#: always escaped, so these bytes can only be the ``url`` key of the one image part.
_IMAGE_SLOT = '"url":""'


class MalformedResponse(ValueError):
    """A 2xx response that is not a chat completion."""


@dataclass(frozen=True)
class ChatResult:
    text: str
    finish_reason: FinishReason
    prompt_tokens: int
    output_tokens: int


def chat_payload(request: EngineRequest, model: str, *, vllm_extras: bool = True) -> bytes:
    """JSON body for ``POST /v1/chat/completions``. ``top_k`` and ``repetition_penalty`` are
    vLLM's extra top-level parameters; ``seed`` and ``top_k`` are sent only when set.

    Built from encoded parts, in the order ``json.dumps`` would write them: the messages are
    encoded once per prompt pair, and the page's data URL goes in as bytes (base64 needs no JSON
    escaping), so a page of megabytes is neither copied into a str nor scanned by the encoder."""
    spec, sampling = request.spec, request.sampling
    before_image, after_image = _encoded_messages(spec.system_prompt, spec.prompt.value)
    rest: dict[str, Any] = {
        "max_tokens": spec.max_tokens,
        "temperature": sampling.temperature,
        "top_p": sampling.top_p,
    }
    if sampling.seed is not None:
        rest["seed"] = sampling.seed
    if vllm_extras:
        rest["repetition_penalty"] = sampling.repetition_penalty
        if sampling.top_k is not None:
            rest["top_k"] = sampling.top_k
    return b"".join(
        (
            b'{"model":',
            json.dumps(model).encode(),
            b',"messages":',
            before_image,
            image_data_url_bytes(request.page.image),
            after_image,
            b",",
            json.dumps(rest, separators=_COMPACT)[1:].encode(),  # its own "{" left out
        )
    )


@functools.lru_cache(maxsize=64)
def _encoded_messages(system_prompt: str | None, prompt: str) -> tuple[bytes, bytes]:
    """The encoded messages array up to the image URL's value, and from the end of it."""
    encoded = json.dumps(prompt_messages(system_prompt, prompt, ""), separators=_COMPACT)
    head, _, tail = encoded.partition(_IMAGE_SLOT)
    return f'{head}"url":"'.encode(), f'"{tail}'.encode()


def parse_chat_response(content: bytes) -> ChatResult:
    """Text, finish reason and token counts of the first choice; raises MalformedResponse."""
    try:
        data = json.loads(content)
        choice = data["choices"][0]
        text = choice["message"].get("content") or ""
        usage = data.get("usage") or {}
        if not isinstance(text, str):
            raise TypeError(f"content is {type(text).__name__}, not a string")
        return ChatResult(
            text=text,
            finish_reason=_FINISH.get(choice.get("finish_reason"), FinishReason.OTHER),
            prompt_tokens=int(usage.get("prompt_tokens") or 0),
            output_tokens=int(usage.get("completion_tokens") or 0),
        )
    except (ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
        raise MalformedResponse(
            f"not a chat completion ({type(exc).__name__}: {exc}): {excerpt(content)}"
        ) from None


def error_message(content: bytes) -> str:
    """The server's own message from an error body (OpenAI ``{"error": {"message"}}`` or vLLM
    ``{"message"}``), else an excerpt of the body."""
    try:
        data = json.loads(content)
    except ValueError:
        return excerpt(content)
    if isinstance(data, dict):
        inner = data.get("error", data)
        if isinstance(inner, dict) and isinstance(inner.get("message"), str):
            return inner["message"][:MAX_MESSAGE_CHARS]
        if isinstance(inner, str):
            return inner[:MAX_MESSAGE_CHARS]
    return excerpt(content)


def served_model_ids(content: bytes) -> list[str]:
    """Model ids from a ``GET /v1/models`` body; raises MalformedResponse."""
    try:
        return [str(entry["id"]) for entry in json.loads(content)["data"]]
    except (ValueError, TypeError, KeyError) as exc:
        raise MalformedResponse(f"not a model list ({exc}): {excerpt(content)}") from None


def is_transient_status(status: int) -> bool:
    """Worth retrying without spending a page attempt: rate limits, timeouts, server errors."""
    return status in (408, 429) or status >= 500


def excerpt(content: bytes | str, limit: int = MAX_MESSAGE_CHARS) -> str:
    text = content.decode("utf-8", "replace") if isinstance(content, bytes) else content
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."
