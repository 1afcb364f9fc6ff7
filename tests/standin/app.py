"""The OpenAI chat-completions protocol as a GPU model server speaks it, answered from records.

``GET /v1/models`` lists the served models; ``POST /v1/chat/completions`` validates the request
like vLLM (known model, context length), applies the fault plan, waits for one of ``slots``
service slots for ``latency_s`` (a GPU's batch capacity and service time), then answers.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
import time
from dataclasses import dataclass, field
from typing import Any

from tests.standin.faults import Fault, FaultPlan, apply_fault
from tests.standin.http11 import HttpRequest, HttpResponse
from tests.standin.replies import (
    ChatCall,
    RecordedReplies,
    ReplyPolicy,
    completion_tokens,
    prompt_tokens,
    sha256_hex,
)

DEFAULT_SERVED_MODEL = "Qwen/Qwen2.5-VL-7B-Instruct"


@dataclass
class StandinConfig:
    latency_s: float = 0.0
    slots: int = 64
    served_models: tuple[str, ...] = (DEFAULT_SERVED_MODEL,)
    api_key: str | None = None  # when set, requests need "Authorization: Bearer <api_key>"
    max_model_len: int = 16384


def _json(status: int, payload: Any, headers: dict[str, str] | None = None) -> HttpResponse:
    return HttpResponse(status, json.dumps(payload).encode(), headers or {})


def _error(status: int, message: str, kind: str) -> HttpResponse:
    error = {"message": message, "type": kind, "param": None, "code": status}
    return _json(status, {"error": error})


@dataclass
class StandinApp:
    config: StandinConfig = field(default_factory=StandinConfig)
    replies: ReplyPolicy = field(default_factory=RecordedReplies)
    faults: FaultPlan = field(default_factory=FaultPlan)
    calls: list[ChatCall] = field(default_factory=list)  # chat requests, in arrival order
    http_requests: int = 0  # every request, models and rejected ones included
    in_progress: int = 0
    max_in_progress: int = 0  # peak of chat requests being handled at once (queued included)
    in_service: int = 0
    max_in_service: int = 0  # peak of requests holding a slot: never above config.slots
    _slots: asyncio.Semaphore | None = None

    async def handle(self, request: HttpRequest) -> HttpResponse | None:
        self.http_requests += 1
        expected = f"Bearer {self.config.api_key}"
        if self.config.api_key and request.headers.get("authorization") != expected:
            return _error(401, "invalid or missing API key", "AuthenticationError")
        if request.method == "GET" and request.path == "/v1/models":
            models = [
                {"id": name, "object": "model", "owned_by": "standin"}
                for name in self.config.served_models
            ]
            return _json(200, {"object": "list", "data": models})
        if request.method == "POST" and request.path == "/v1/chat/completions":
            self.in_progress += 1
            self.max_in_progress = max(self.max_in_progress, self.in_progress)
            try:
                return await self._chat(request)
            finally:
                self.in_progress -= 1
        return _error(404, f"no route {request.method} {request.path}", "NotFoundError")

    async def _chat(self, request: HttpRequest) -> HttpResponse | None:
        try:
            call = parse_chat(request)
        except (ValueError, KeyError, TypeError, IndexError) as exc:
            return _error(400, f"bad chat request: {exc}", "BadRequestError")
        self.calls.append(call)
        if call.model not in self.config.served_models:
            call.status = 404
            return _error(404, f"The model `{call.model}` does not exist.", "NotFoundError")
        budget = prompt_tokens(call) + (call.max_tokens or 0)
        if budget > self.config.max_model_len:
            call.status = 400
            message = (
                f"This model's maximum context length is {self.config.max_model_len} tokens. "
                f"However, you requested {budget} tokens."
            )
            return _error(400, message, "BadRequestError")
        fault = self.faults.next_fault(call.image_sha256)
        call.fault = fault.value
        if fault is Fault.HTTP_500:
            call.status = 500
            return _error(500, "stand-in injected server error", "InternalServerError")
        if fault is Fault.HTTP_429:
            call.status = 429
            response = _error(429, "stand-in is rate limiting", "RateLimitError")
            response.headers["Retry-After"] = f"{self.faults.retry_after_s:g}"
            return response
        if fault is Fault.DROP:
            return None
        if fault is Fault.MALFORMED:
            call.status = 200
            return HttpResponse(200, b"<html><body>502 Bad Gateway</body></html>", {}, "text/html")
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.config.slots)
        async with self._slots:  # a GPU serves `slots` sequences at once; the rest queue
            self.in_service += 1
            self.max_in_service = max(self.max_in_service, self.in_service)
            try:
                hang = fault is Fault.HANG
                await asyncio.sleep(self.faults.hang_s if hang else self.config.latency_s)
            finally:
                self.in_service -= 1
        text, finish_reason = apply_fault(fault, *self.replies(call))
        call.status = 200
        return _json(200, completion(call, text, finish_reason))


def parse_chat(request: HttpRequest) -> ChatCall:
    """The parts of a chat-completions body the stand-in keys on and records."""
    body = json.loads(request.body)
    system = next((m["content"] for m in body["messages"] if m["role"] == "system"), None)
    user = next(m for m in body["messages"] if m["role"] == "user")
    parts = user["content"]
    if isinstance(parts, str):
        parts = [{"type": "text", "text": parts}]
    url = next(p["image_url"]["url"] for p in parts if p["type"] == "image_url")
    header, _, encoded = url.partition(",")
    if not header.startswith("data:image/") or not header.endswith(";base64"):
        raise ValueError("image_url must be a base64 data: URL")
    try:
        image = base64.b64decode(encoded, validate=True)
    except binascii.Error as exc:
        raise ValueError(f"bad base64 image: {exc}") from None
    return ChatCall(
        model=body["model"],
        max_tokens=body.get("max_tokens"),
        temperature=body.get("temperature"),
        top_p=body.get("top_p"),
        top_k=body.get("top_k"),
        repetition_penalty=body.get("repetition_penalty"),
        seed=body.get("seed"),
        system_prompt=system,
        prompt_text=" ".join(p["text"] for p in parts if p["type"] == "text"),
        image=image,
        image_sha256=sha256_hex(image),
        authorization=request.headers.get("authorization"),
        received_at=time.monotonic(),
    )


def completion(call: ChatCall, text: str, finish_reason: str) -> dict[str, Any]:
    prompt, output = prompt_tokens(call), completion_tokens(text)
    return {
        "id": f"chatcmpl-standin-{len(text)}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": call.model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": text},
                "finish_reason": finish_reason,
            }
        ],
        "usage": {
            "prompt_tokens": prompt,
            "completion_tokens": output,
            "total_tokens": prompt + output,
        },
    }
