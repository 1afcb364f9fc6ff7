"""The engine contract: a batch of page requests in, one reply per request out, same order.

Engines never see files (only :class:`~schemas.page.RenderedPage` bytes) and stages never see
HTTP or vLLM types (only :class:`~schemas.engine.EngineReply`). A failure to get a reply is data:
a reply with ``finish_reason=error`` and an :class:`~schemas.errors.ErrorRecord`, never an
exception that would lose the rest of the batch.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import TracebackType
from typing import Protocol, runtime_checkable

from schemas.engine import EngineReply, EngineRequest, FinishReason
from schemas.errors import ErrorCode, ErrorRecord


@runtime_checkable
class Engine(Protocol):
    """Turns page requests into model replies. Use as a context manager or call :meth:`close`.

    Subclass it explicitly to inherit the context-manager methods.
    """

    name: str

    def infer(self, requests: Sequence[EngineRequest]) -> list[EngineReply]:
        """One reply per request, in request order. Never raises for a single page's failure."""
        ...

    def close(self) -> None:
        """Release connections, threads and devices. Idempotent."""
        ...

    def __enter__(self) -> Engine:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


@runtime_checkable
class AsyncEngine(Engine, Protocol):
    """An engine that is async-native: :meth:`ainfer` serves callers that run an event loop."""

    async def ainfer(self, requests: Sequence[EngineRequest]) -> list[EngineReply]:
        """Like :meth:`Engine.infer`, awaitable."""
        ...


def error_reply(
    request: EngineRequest,
    engine: str,
    code: ErrorCode,
    message: str,
    *,
    latency_s: float = 0.0,
    endpoint: str | None = None,
    transport_retries: int = 0,
) -> EngineReply:
    """A reply that says why there is no model output for ``request`` (file and page filled in)."""
    page = request.page
    return EngineReply(
        request_id=request.request_id,
        engine=engine,
        finish_reason=FinishReason.ERROR,
        latency_s=latency_s,
        attempt=request.attempt,
        endpoint=endpoint,
        transport_retries=transport_retries,
        error=ErrorRecord(code=code, message=message, file=page.source, page=page.page_number),
    )
