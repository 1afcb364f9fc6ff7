"""What the engine's HTTP sessions keep from httpx's defaults: URL credentials as basic auth,
proxies from the environment (NO_PROXY honoured), TLS roots from SSL_CERT_FILE or certifi."""

from __future__ import annotations

import base64
import json
import ssl

import certifi
import pytest
from yarl import URL

from docparse.engines.openai import OpenAIEngine
from docparse.engines.sessions import env_proxy, tls_context
from tests.standin.http11 import HttpRequest, HttpResponse

CHAT = {"choices": [{"message": {"content": "<p>ok</p>"}, "finish_reason": "stop"}]}
PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")


@pytest.fixture
def no_proxy_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    return monkeypatch


def _recording(seen: list[HttpRequest]):
    async def handler(request: HttpRequest) -> HttpResponse:
        seen.append(request)
        return HttpResponse(200, json.dumps(CHAT).encode())

    return handler


def test_credentials_in_the_url_go_as_basic_auth_not_in_the_url(serve, make_options, make_requests):
    seen: list[HttpRequest] = []
    with serve(_recording(seen)) as url:
        root = url.replace("http://", "http://us%40er:p%3Ass@")
        with OpenAIEngine(make_options(root)) as engine:
            [reply] = engine.infer(make_requests(1))
    assert reply.error is None and reply.endpoint == url
    [request] = seen
    expected = base64.b64encode(b"us@er:p:ss").decode()
    assert request.headers["authorization"] == f"Basic {expected}"
    assert request.path == "/v1/chat/completions"


def test_requests_go_through_the_proxy_the_environment_names(
    serve, make_options, make_requests, no_proxy_env
):
    seen: list[HttpRequest] = []
    with serve(_recording(seen)) as proxy:
        no_proxy_env.setenv("HTTP_PROXY", proxy)
        with OpenAIEngine(make_options("http://model.invalid:8000")) as engine:
            [reply] = engine.infer(make_requests(1))
    assert reply.error is None
    [request] = seen  # the proxy was asked for the absolute URL
    assert request.path == "http://model.invalid:8000/v1/chat/completions"


def test_no_proxy_and_missing_variables_mean_a_direct_connection(no_proxy_env):
    target = URL("http://model.internal:8000")
    assert env_proxy(target) is None
    no_proxy_env.setenv("HTTP_PROXY", "proxy.corp:3128")
    assert env_proxy(target) == "http://proxy.corp:3128"
    assert env_proxy(URL("https://model.internal")) is None  # HTTPS_PROXY is not set
    no_proxy_env.setenv("NO_PROXY", "localhost,.internal")
    assert env_proxy(target) is None


def test_tls_roots_come_from_ssl_cert_file_or_certifi(monkeypatch):
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    default = tls_context()
    assert default.verify_mode is ssl.CERT_REQUIRED and default.check_hostname
    assert default.cert_store_stats()["x509_ca"] > 0
    monkeypatch.setenv("SSL_CERT_FILE", certifi.where())
    assert tls_context().cert_store_stats() == default.cert_store_stats()
    monkeypatch.setenv("SSL_CERT_FILE", "/nonexistent/ca.pem")
    with pytest.raises(OSError):  # a named bundle is used, not silently replaced
        tls_context()
