"""One chat-completions POST and what came of it: a reply, or a classified failure.

The classification drives the retry loop: transient failures (429, 408, 5xx, refused, reset or
dropped connections, timeouts) are retried without spending a page attempt; the others end the
request at once.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import aiohttp
from yarl import URL

from docparse.engines.backoff import parse_retry_after
from docparse.engines.openai_wire import (
    ChatResult,
    MalformedResponse,
    error_message,
    is_transient_status,
    parse_chat_response,
)
from docparse.engines.sessions import EndpointSession
from schemas.errors import ErrorCode


@dataclass(frozen=True)
class Failure:
    """Why one HTTP exchange gave no reply."""

    code: ErrorCode
    reason: str
    transient: bool  # worth retrying
    retry_after: float | None = None  # the server's Retry-After, in seconds
    counts_for_circuit: bool = True  # a 429 says "busy", not "broken"


def describe(exc: BaseException) -> str:
    """``Name: message`` of an exception (just the name when it has no message)."""
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


async def post_chat(
    endpoint: EndpointSession, url: URL, body: bytes, *, timeout_s: float
) -> ChatResult | Failure:
    """POST ``body`` to ``url`` on ``endpoint``: the parsed first choice, or why there is none."""
    try:
        async with endpoint.session.post(url, data=body, proxy=endpoint.proxy) as response:
            status = response.status
            content = await response.read()
            retry_after = response.headers.get("Retry-After")
    except asyncio.TimeoutError as exc:  # before ClientError: aiohttp's timeouts are both
        reason = f"no reply within {timeout_s:g}s ({type(exc).__name__})"
        return Failure(ErrorCode.ENGINE_TIMEOUT, reason, transient=True)
    except (aiohttp.ClientError, OSError) as exc:  # refused, reset, dropped mid-reply, not HTTP
        reason = f"connection failed ({describe(exc)})"
        return Failure(ErrorCode.ENGINE_UNAVAILABLE, reason, transient=True)
    if 200 <= status < 300:
        try:
            return parse_chat_response(content)
        except MalformedResponse as exc:
            return Failure(ErrorCode.ENGINE_ERROR, f"malformed response: {exc}", transient=False)
    reason = f"HTTP {status}: {error_message(content)}"
    if not is_transient_status(status):
        return Failure(ErrorCode.ENGINE_ERROR, reason, transient=False)
    return Failure(
        ErrorCode.ENGINE_UNAVAILABLE,
        reason,
        transient=True,
        retry_after=parse_retry_after(retry_after),
        counts_for_circuit=status != 429,
    )
