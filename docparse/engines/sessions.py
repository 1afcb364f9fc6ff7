"""HTTP sessions for the ``openai`` engine and its health check: one aiohttp session per endpoint.

Each session's pool holds as many connections as the endpoint has request slots; the balancer
never lets more requests at an endpoint than that, so no request waits inside the pool and every
request finds a kept-alive connection once the pool is warm. aiohttp costs a fraction of
httpx/httpcore per request (benchmarks/openai_engine_throughput.py on 2 cores: the engine's client
CPU fell from ~700 to ~200-250 us per request), and its pool does not slow down as it grows (no
need for several small pools per endpoint, as httpcore needed).

What httpx's defaults did is kept: TLS verified against certifi's bundle (or ``SSL_CERT_FILE`` /
``SSL_CERT_DIR``), proxies from the environment (``HTTP(S)_PROXY``, ``ALL_PROXY``, ``NO_PROXY``;
resolved once per endpoint, not per request), credentials in an endpoint URL sent as HTTP basic
auth (never in the URL that errors may quote), cookies kept per endpoint.
"""

from __future__ import annotations

import asyncio
import base64
import os
import ssl
import urllib.request
from collections.abc import Mapping

import aiohttp
import certifi
from yarl import URL

#: Idle connections are closed client-side before ``vllm serve`` (uvicorn, 5 s) closes them, so a
#: request is not sent on a connection the server is closing.
KEEPALIVE_S = 4.0


def client_timeout(timeout_s: float, connect_timeout_s: float) -> aiohttp.ClientTimeout:
    """``timeout_s`` for the whole exchange (connecting, sending, the reply), within which
    ``connect_timeout_s`` for opening the TCP (and TLS) connection."""
    return aiohttp.ClientTimeout(total=timeout_s, sock_connect=connect_timeout_s)


def tls_context() -> ssl.SSLContext:
    """A verifying TLS context: ``SSL_CERT_FILE`` or ``SSL_CERT_DIR`` when set, else certifi."""
    if os.environ.get("SSL_CERT_FILE"):
        return ssl.create_default_context(cafile=os.environ["SSL_CERT_FILE"])
    if os.environ.get("SSL_CERT_DIR"):
        return ssl.create_default_context(capath=os.environ["SSL_CERT_DIR"])
    return ssl.create_default_context(cafile=certifi.where())


def env_proxy(url: URL) -> str | None:
    """The proxy the environment names for ``url`` (``NO_PROXY`` honoured), or None."""
    proxies = urllib.request.getproxies()
    proxy = proxies.get(url.scheme) or proxies.get("all")
    if not proxy or url.host is None or urllib.request.proxy_bypass(url.host):
        return None
    return proxy if "://" in proxy else f"http://{proxy}"


def basic_auth(user: str, password: str) -> str:
    """An ``Authorization`` header value for HTTP basic auth (UTF-8, as httpx sent it)."""
    token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
    return f"Basic {token}"


class EndpointSession:
    """One endpoint's aiohttp session: its connection pool, headers, timeouts and proxy.

    Create and use it on one running event loop; :meth:`aclose` it there.
    """

    def __init__(
        self,
        root: str,
        *,
        connections: int,
        timeout: aiohttp.ClientTimeout,
        headers: Mapping[str, str],
        tls: ssl.SSLContext | None = None,
    ) -> None:
        url = URL(root)
        self._root = url.with_user(None)  # credentials travel as a header, never in the URL
        merged = dict(headers)
        if url.user is not None:  # like httpx: the URL's credentials win over a bearer key
            merged["Authorization"] = basic_auth(url.user, url.password or "")
        self.proxy = env_proxy(self._root)
        self.session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(
                limit=connections,
                limit_per_host=0,
                keepalive_timeout=KEEPALIVE_S,
                ssl=tls if tls is not None else True,
            ),
            headers=merged,
            timeout=timeout,
        )

    def url(self, path: str) -> URL:
        """``path`` (``/v1/...``) under the endpoint's root, without credentials."""
        return self._root.with_path(self._root.path.rstrip("/") + path)

    async def aclose(self) -> None:
        await self.session.close()
        await asyncio.sleep(0)  # let the transports' close callbacks run before the loop stops
