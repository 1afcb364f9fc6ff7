"""``check_endpoint``: is this server up, does it serve our model, does it answer in QwenVL HTML?

Three steps, stopping at the first that fails: ``GET /v1/models`` (reachable? which models?), then
one small page with a few words through the real ``openai`` engine (same payload, auth and error
mapping as a run), then the reply through :func:`postprocess.parse_reply`, the parser a run uses
(boxes checked against the probe page's frame too). Imports aiohttp: reach it from the CLI on
demand.
"""

from __future__ import annotations

import asyncio
import io
from enum import Enum

import aiohttp
from pydantic import BaseModel, Field

from docparse.engines.credentials import ApiKey
from docparse.engines.exchange import describe
from docparse.engines.loop import LoopThread
from docparse.engines.openai import OpenAIEngine
from docparse.engines.openai_options import OpenAIEngineOptions, normalize_endpoint, redact_url
from docparse.engines.openai_wire import (
    MalformedResponse,
    error_message,
    excerpt,
    served_model_ids,
)
from docparse.engines.sessions import EndpointSession, client_timeout, tls_context
from postprocess import parse_reply
from schemas.engine import EngineRequest, FinishReason, ModelSpec
from schemas.geometry import PageTransform, Unit
from schemas.page import ImageEncoding, PageImage, RenderedPage, SourceKind
from schemas.validation import Verdict

#: Output cap for the probe page: a few words need far fewer tokens than a real page.
HEALTH_MAX_TOKENS = 512
HEALTH_PAGE_SIZE = (448, 224)  # multiples of 28: smart_resize leaves it unchanged
HEALTH_PAGE_LINES = ("Health check", "docparse asks for QwenVL HTML.")
EXCERPT_CHARS = 300


class HealthStatus(str, Enum):
    OK = "ok"
    UNREACHABLE = "unreachable"  # connection refused, DNS, timeout on GET /v1/models
    WRONG_MODEL = "wrong_model"  # the server does not serve the model asked for
    NOT_QWENVL_HTML = "not_qwenvl_html"  # it answered, but parse_reply finds it unusable
    ERROR = "error"  # reachable, but a request failed (auth, server error, timeout on the page)


class EndpointHealth(BaseModel):
    """What :func:`check_endpoint` found, with a one-line ``message`` fit for a terminal."""

    endpoint: str = Field(description="Server root, without credentials.")
    status: HealthStatus
    model: str = Field(description="Model name asked for.")
    served_models: list[str] = Field(default_factory=list)
    latency_s: float | None = Field(default=None, description="Round trip of the probe page.")
    finish_reason: FinishReason | None = None
    output_tokens: int = 0
    verdict: Verdict | None = Field(default=None, description="parse_reply's verdict on the reply.")
    reply_excerpt: str = ""
    message: str = ""

    @property
    def ok(self) -> bool:
        return self.status is HealthStatus.OK


def health_page() -> RenderedPage:
    """A small white PNG page with two lines of black text, at model-input size."""
    from PIL import Image, ImageDraw, ImageFont

    width, height = HEALTH_PAGE_SIZE
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=24)
    for row, line in enumerate(HEALTH_PAGE_LINES):
        draw.text((28, 40 + row * 56), line, fill="black", font=font)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    png = PageImage(width=width, height=height, encoding=ImageEncoding.PNG, data=buffer.getvalue())
    return RenderedPage(
        doc_id="health-check",
        source="<health-check>",
        source_kind=SourceKind.IMAGE,
        page_index=0,
        page_count=1,
        transform=PageTransform(
            model_width=width,
            model_height=height,
            page_width=width,
            page_height=height,
            unit=Unit.PX,
        ),
        image=png,
        native_width=width,
        native_height=height,
    )


def check_endpoint(
    endpoint: str,
    spec: ModelSpec | None = None,
    options: OpenAIEngineOptions | None = None,
    *,
    probe: bool = True,
) -> EndpointHealth:
    """Probe one endpoint for ``spec``'s model with ``options``' timeouts and credentials.

    With ``probe=False`` only the served models are checked (no page is sent): the cheap
    preflight a conversion run does before it starts.
    """
    spec = spec or ModelSpec()
    options = options or OpenAIEngineOptions()
    root = normalize_endpoint(endpoint)
    model = options.served_model_name or spec.model
    health = EndpointHealth(endpoint=redact_url(root), status=HealthStatus.ERROR, model=model)
    key = ApiKey.from_env(options.api_key_env)
    loop = LoopThread(name="docparse-health-check")
    try:
        status, content = loop.run(_get_models(root, options, key))
    except (asyncio.TimeoutError, aiohttp.ClientError, OSError) as exc:  # refused, DNS, TLS...
        health.status = HealthStatus.UNREACHABLE
        health.message = key.scrub(f"{health.endpoint} is unreachable ({describe(exc)})")
        return health
    finally:
        loop.stop()
    problem = _read_models(status, content, health)
    if problem:
        health.message = key.scrub(f"GET /v1/models: {problem}")
        return health
    if model not in health.served_models:
        health.status = HealthStatus.WRONG_MODEL
        served = ", ".join(health.served_models) or "nothing"
        health.message = f"{health.endpoint} does not serve {model!r}; it serves: {served}"
        return health
    if not probe:
        health.status = HealthStatus.OK
        health.message = f"{health.endpoint} serves {model!r}"
        return health
    return _probe(health, root, spec, options)


async def _get_models(root: str, options: OpenAIEngineOptions, key: ApiKey) -> tuple[int, bytes]:
    """Status and body of ``GET /v1/models`` with ``options``' timeouts and ``key``."""
    endpoint = EndpointSession(
        root,
        connections=1,
        timeout=client_timeout(options.timeout_s, options.connect_timeout_s),
        headers=key.headers(),
        tls=tls_context() if root.startswith("https:") else None,
    )
    try:
        async with endpoint.session.get(endpoint.url("/v1/models"), proxy=endpoint.proxy) as reply:
            return reply.status, await reply.read()
    finally:
        await endpoint.aclose()


def _read_models(status: int, content: bytes, health: EndpointHealth) -> str | None:
    """Fill ``health.served_models`` from the model list; what went wrong otherwise."""
    if status != 200:
        return f"HTTP {status}: {error_message(content)}"
    try:
        health.served_models = served_model_ids(content)
    except MalformedResponse as exc:
        return str(exc)
    return None


def _probe(
    health: EndpointHealth, root: str, spec: ModelSpec, options: OpenAIEngineOptions
) -> EndpointHealth:
    """Send the health page through the engine and judge the reply with parse_reply."""
    request = EngineRequest(
        request_id="health-check#1",
        page=health_page(),
        spec=spec.model_copy(update={"max_tokens": min(spec.max_tokens, HEALTH_MAX_TOKENS)}),
        sampling=spec.sampling_for(1),
    )
    with OpenAIEngine(options.model_copy(update={"endpoints": [root], "max_retries": 0})) as engine:
        [reply] = engine.infer([request])
    health.latency_s = reply.latency_s
    if reply.error is not None:
        health.message = f"the probe page failed: [{reply.error.code.value}] {reply.error.message}"
        return health
    health.finish_reason = reply.finish_reason
    health.output_tokens = reply.output_tokens
    health.reply_excerpt = excerpt(reply.text, EXCERPT_CHARS)
    page = request.page
    parsed = parse_reply(reply.text, page.transform, doc_id=page.doc_id, page_number=1)
    health.verdict = parsed.report.verdict
    if parsed.report.usable:
        health.status = HealthStatus.OK
        health.message = f"{health.endpoint} answers {health.model} in QwenVL HTML"
    else:
        health.status = HealthStatus.NOT_QWENVL_HTML
        problems = "; ".join(str(issue) for issue in parsed.report.errors[:3])
        health.message = f"the reply is not usable QwenVL HTML: {problems}"
    return health
