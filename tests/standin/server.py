"""Stand-in model server: a TEST DOUBLE FOR A GPU MODEL SERVER (``vllm serve``).

It speaks the OpenAI chat-completions protocol over real HTTP on 127.0.0.1 (``GET /v1/models``,
``POST /v1/chat/completions``) and answers from recorded replies, so engine code is exercised
end to end without a GPU. It models what matters to a client: a service time per request and a
fixed number of concurrent slots (requests beyond them queue, like sequences waiting for a GPU
batch), usage token counts, and the failures a real server produces on demand (HTTP 500, 429 with
Retry-After, dropped connections, hangs, truncated replies, repetition loops, ordinary HTML,
unknown model). Every chat request is logged for assertions.

In a test::

    with StandinServer(latency_s=0.05, slots=64) as server:
        server.faults.script(Fault.HTTP_429, Fault.NONE)
        ... point the openai engine at server.url ...
        assert len(server.calls) == 2

From a shell (README, demos, the throughput benchmark)::

    python -m tests.standin.server --port 8000 --latency-ms 50 --slots 64 --replies DIR
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
from pathlib import Path
from types import TracebackType

from docparse.engines.loop import LoopThread
from tests.standin.app import DEFAULT_SERVED_MODEL, StandinApp, StandinConfig
from tests.standin.faults import Fault, FaultPlan
from tests.standin.http11 import HttpServer
from tests.standin.replies import ChatCall, RecordedReplies, ReplyPolicy

HOST = "127.0.0.1"


class StandinServer:
    """The stand-in on a background thread with its own event loop; a context manager."""

    def __init__(
        self,
        *,
        latency_s: float = 0.0,
        slots: int = 64,
        served_models: tuple[str, ...] = (DEFAULT_SERVED_MODEL,),
        replies: ReplyPolicy | None = None,
        faults: FaultPlan | None = None,
        api_key: str | None = None,
        max_model_len: int = 16384,
        port: int = 0,
    ) -> None:
        config = StandinConfig(latency_s, slots, served_models, api_key, max_model_len)
        self.app = StandinApp(config, replies or RecordedReplies(), faults or FaultPlan())
        self._http = HttpServer(self.app.handle)
        self._requested_port = port
        self._loop: LoopThread | None = None
        self.port = 0

    @property
    def url(self) -> str:
        """Server root, e.g. ``http://127.0.0.1:41234`` (clients add ``/v1``)."""
        return f"http://{HOST}:{self.port}"

    @property
    def faults(self) -> FaultPlan:
        return self.app.faults

    @property
    def calls(self) -> list[ChatCall]:
        """Chat requests received, in arrival order."""
        return self.app.calls

    @property
    def max_concurrent(self) -> int:
        """Peak number of chat requests the server was handling at once."""
        return self.app.max_in_progress

    @property
    def connections_opened(self) -> int:
        """TCP connections accepted so far."""
        return self._http.connections_opened

    def start(self) -> StandinServer:
        self._loop = LoopThread(name="standin-server")
        self.port = self._loop.run(self._http.start(HOST, self._requested_port))
        return self

    def stop(self) -> None:
        if self._loop is not None:
            self._loop.run(self._http.stop())
            self._loop.stop()
            self._loop = None

    def __enter__(self) -> StandinServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def _parse_rate(text: str) -> tuple[Fault, float]:
    name, _, value = text.partition("=")
    return Fault(name), float(value)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Stand-in for a vLLM server (test double).")
    parser.add_argument("--port", type=int, default=8000, help="0 picks a free port")
    parser.add_argument("--latency-ms", type=float, default=50.0, help="service time per request")
    parser.add_argument("--slots", type=int, default=64, help="requests served at once")
    parser.add_argument("--replies", type=Path, help="directory of <image-sha256>.html replies")
    parser.add_argument("--model", action="append", help="served model name (repeatable)")
    parser.add_argument("--api-key-env", help="require the key held in this environment variable")
    parser.add_argument("--fault", action="append", type=_parse_rate, default=[],
                        metavar="KIND=P", help="fault probability, e.g. http_500=0.05 (repeatable)")
    parser.add_argument("--seed", type=int, default=0, help="seed for fault draws")
    args = parser.parse_args(argv)
    app = StandinApp(
        StandinConfig(
            latency_s=args.latency_ms / 1000.0,
            slots=args.slots,
            served_models=tuple(args.model or [DEFAULT_SERVED_MODEL]),
            api_key=os.environ.get(args.api_key_env) if args.api_key_env else None,
        ),
        RecordedReplies.load_dir(args.replies) if args.replies else RecordedReplies(),
        FaultPlan(dict(args.fault), seed=args.seed),
    )
    asyncio.run(_serve_forever(app, args.port))
    return 0


async def _serve_forever(app: StandinApp, port: int) -> None:
    http = HttpServer(app.handle)
    bound = await http.start(HOST, port)
    print(f"stand-in listening on http://{HOST}:{bound}", flush=True)
    stopped = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stopped.set)
    await stopped.wait()
    await http.stop()
    print(f"stand-in served {app.http_requests} requests", file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
