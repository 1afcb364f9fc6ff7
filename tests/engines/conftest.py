"""Fixtures for engine tests: the stand-in GPU server, small pages, fast engine options."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

import pytest

from docparse.engines.loop import LoopThread
from docparse.engines.openai import OpenAIEngine
from docparse.engines.openai_options import OpenAIEngineOptions
from schemas.engine import EngineRequest, ModelSpec, Sampling
from tests.standin.http11 import Handler, HttpServer
from tests.standin.pages import small_page
from tests.standin.server import HOST, StandinServer

#: An environment variable no test sets unless it means to: keeps a developer's real key out.
NO_KEY_ENV = "DOCPARSE_TEST_NO_SUCH_KEY"

RequestFactory = Callable[..., list[EngineRequest]]


@pytest.fixture
def standin() -> Iterator[StandinServer]:
    """A stand-in model server on a free loopback port, no service time, no faults."""
    with StandinServer() as server:
        yield server


@contextmanager
def _serving(handler: Handler) -> Iterator[str]:
    loop = LoopThread(name="test-handler-server")
    server = HttpServer(handler)
    try:
        port = loop.run(server.start(HOST, 0))
        yield f"http://{HOST}:{port}"
    finally:
        loop.run(server.stop())
        loop.stop()


@pytest.fixture
def serve() -> Callable[[Handler], AbstractContextManager[str]]:
    """``with serve(handler) as url``: real HTTP on loopback, every request answered by
    ``handler`` (async, HttpRequest -> HttpResponse); for replies the stand-in does not make."""
    return _serving


def fast_options(*urls: str, **overrides: object) -> OpenAIEngineOptions:
    """Engine options with short timeouts and back-off, so failure paths run in milliseconds."""
    values: dict[str, object] = {
        "endpoints": list(urls),
        "timeout_s": 5.0,
        "connect_timeout_s": 2.0,
        "max_retries": 3,
        "backoff_base_s": 0.01,
        "backoff_max_s": 0.05,
        "backoff_total_s": 5.0,
        "api_key_env": NO_KEY_ENV,
        "jitter_seed": 7,
    }
    values.update(overrides)
    return OpenAIEngineOptions.model_validate(values)


@pytest.fixture
def make_options() -> Callable[..., OpenAIEngineOptions]:
    """``make_options(*urls, **overrides)``: see :func:`fast_options`."""
    return fast_options


@pytest.fixture
def options(standin: StandinServer) -> OpenAIEngineOptions:
    return fast_options(standin.url)


@pytest.fixture
def engine(options: OpenAIEngineOptions) -> Iterator[OpenAIEngine]:
    with OpenAIEngine(options) as built:
        yield built


@pytest.fixture
def make_requests() -> RequestFactory:
    """``make_requests(n, attempt=1, spec=None, sampling=None)``: one request per distinct page."""

    def build(
        count: int,
        *,
        attempt: int = 1,
        spec: ModelSpec | None = None,
        sampling: Sampling | None = None,
    ) -> list[EngineRequest]:
        return [
            EngineRequest(
                request_id=f"doc{i}/p1#{attempt}",
                page=small_page(i),
                spec=spec or ModelSpec(),
                sampling=sampling or Sampling(),
                attempt=attempt,
            )
            for i in range(count)
        ]

    return build
