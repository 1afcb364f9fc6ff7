"""A minimal HTTP/1.1 server on asyncio streams, for the stand-in model server only.

Why not ``http.server``: the stand-in must hold 64+ keep-alive connections whose requests sleep
concurrently (modelling GPU service time) and still serve well over a thousand requests a second
for the throughput benchmark; a thread per connection with the GIL shared costs more than the
client it is measuring. This server handles exactly what an HTTP client such as httpx sends:
``Content-Length`` bodies, keep-alive, ``Connection: close``. No chunked request bodies, no TLS,
no pipelining guarantees beyond in-order handling. It is a test double, not a web server.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from http import HTTPStatus

MAX_HEAD_BYTES = 64 * 1024


@dataclass
class HttpRequest:
    method: str
    path: str
    headers: dict[str, str]  # lower-case names
    body: bytes


@dataclass
class HttpResponse:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json"

    def encode(self, keep_alive: bool) -> bytes:
        lines = [
            f"HTTP/1.1 {self.status} {HTTPStatus(self.status).phrase}",
            f"Content-Type: {self.content_type}",
            f"Content-Length: {len(self.body)}",
            f"Connection: {'keep-alive' if keep_alive else 'close'}",
            *(f"{name}: {value}" for name, value in self.headers.items()),
        ]
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + self.body


#: A handler returns a response, or None to drop the connection without answering.
Handler = Callable[[HttpRequest], Awaitable[HttpResponse | None]]


class HttpServer:
    """Serves ``handler`` on one port; :meth:`stop` also ends open connections."""

    def __init__(self, handler: Handler) -> None:
        self._handler = handler
        self._server: asyncio.Server | None = None
        self._connections: set[asyncio.Task[None]] = set()
        self.connections_opened = 0  # TCP connections accepted so far (keep-alive reuse shows)

    async def start(self, host: str, port: int) -> int:
        """Listen on ``host:port`` (0: a free port) and return the port."""
        self._server = await asyncio.start_server(
            self._serve, host, port, backlog=1024, limit=MAX_HEAD_BYTES
        )
        return int(self._server.sockets[0].getsockname()[1])

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
        for task in list(self._connections):
            task.cancel()
        await asyncio.gather(*self._connections, return_exceptions=True)
        if self._server is not None:
            await self._server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._connections.add(task)
        self.connections_opened += 1
        try:
            while await self._one_exchange(reader, writer):
                pass
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
            pass  # the client went away: nothing to answer
        finally:
            self._connections.discard(task)
            writer.close()
            with contextlib.suppress(ConnectionError, asyncio.CancelledError):
                await writer.wait_closed()

    async def _one_exchange(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> bool:
        """Read one request, write its response; False when the connection should end."""
        head = await reader.readuntil(b"\r\n\r\n")
        request_line, *header_lines = head.decode("latin-1").rstrip("\r\n").split("\r\n")
        method, target, version = request_line.split(" ", 2)
        headers: dict[str, str] = {}
        for line in header_lines:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        if "chunked" in headers.get("transfer-encoding", "").lower():
            writer.write(HttpResponse(501, b'{"error":"chunked bodies unsupported"}').encode(False))
            await writer.drain()
            return False
        length = int(headers.get("content-length", "0") or 0)
        body = await reader.readexactly(length) if length else b""
        response = await self._handler(HttpRequest(method, target.split("?", 1)[0], headers, body))
        if response is None:
            writer.transport.abort()  # dropped connection: no status line, no bytes
            return False
        keep_alive = version == "HTTP/1.1" and headers.get("connection", "").lower() != "close"
        writer.write(response.encode(keep_alive))
        await writer.drain()
        return keep_alive
