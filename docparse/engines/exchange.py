"""One chat-completions POST and what came of it: a reply, or a classified failure.

The classification drives the retry loop: transient failures (429, 408, 5xx, connection errors,
timeouts) are retried without spending a page attempt; the others end the request at once.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from docparse.engines.backoff import parse_retry_after
from docparse.engines.openai_wire import (
    ChatResult,
    MalformedResponse,
    error_message,
    is_transient_status,
    parse_chat_response,
)
from schemas.errors import ErrorCode


@dataclass(frozen=True)
class Failure:
    """Why one HTTP exchange gave no reply."""

    code: ErrorCode
    reason: str
    transient: bool  # worth retrying
    retry_after: float | None = None  # the server's Retry-After, in seconds
    counts_for_circuit: bool = True  # a 429 says "busy", not "broken"


async def post_chat(
    client: httpx.AsyncClient, url: httpx.URL | str, body: bytes, *, timeout_s: float
) -> ChatResult | Failure:
    """POST ``body`` to ``url``: the parsed first choice, or why there is none."""
    try:
        response = await client.post(url, content=body)
    except httpx.TimeoutException as exc:
        reason = f"no reply within {timeout_s:g}s ({type(exc).__name__})"
        return Failure(ErrorCode.ENGINE_TIMEOUT, reason, transient=True)
    except httpx.TransportError as exc:
        reason = f"connection failed ({type(exc).__name__}: {exc})"
        return Failure(ErrorCode.ENGINE_UNAVAILABLE, reason, transient=True)
    status = response.status_code
    if 200 <= status < 300:
        try:
            return parse_chat_response(response.content)
        except MalformedResponse as exc:
            return Failure(ErrorCode.ENGINE_ERROR, f"malformed response: {exc}", transient=False)
    reason = f"HTTP {status}: {error_message(response.content)}"
    if not is_transient_status(status):
        return Failure(ErrorCode.ENGINE_ERROR, reason, transient=False)
    return Failure(
        ErrorCode.ENGINE_UNAVAILABLE,
        reason,
        transient=True,
        retry_after=parse_retry_after(response.headers.get("Retry-After")),
        counts_for_circuit=status != 429,
    )
