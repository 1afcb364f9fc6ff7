"""One engine reply for one page: usable, or a failed attempt with its reason.

Checks, in this order (the first that fails names the attempt's error code):

1. the engine gave no reply (``finish_reason`` error): the engine's own code
   (``ENGINE_UNAVAILABLE``, ``ENGINE_TIMEOUT``, ``ENGINE_ERROR``, ...);
2. a repetition loop (:func:`postprocess.detect_degeneracy` on the text and its blocks):
   ``DEGENERATE_OUTPUT``. Checked before the finish reason because a loop usually runs into the
   token cap: "degenerate" says more than "truncated";
3. ``finish_reason`` other than stop: ``TRUNCATED``, even when repair could close the HTML;
4. post-processing's verdict is invalid: its first error (``EMPTY_REPLY``, ``NOT_QWENVL_HTML``,
   ``PLAIN_HTML``, ``BBOX_OUT_OF_FRAME``, ``MALFORMED_HTML``, ``MISSING_BBOX``, ...).

A valid reply with no blocks (``<html><body></body></html>``) is usable: a blank page.
:func:`after_failure` says what a failure code means for the page's next step.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from postprocess import detect_degeneracy, parse_reply
from schemas.engine import EngineReply, FinishReason
from schemas.errors import ErrorCode, ErrorRecord
from schemas.options import PostprocessOptions
from schemas.page import RenderedPage
from schemas.validation import ParsedReply, Verdict


class NextStep(str, Enum):
    """What a failed attempt leaves for the page."""

    RETRY = "retry"  # the next rung of the temperature ladder may do better
    FALL_BACK = "fall_back"  # no more model attempts (the same request fails the same way);
    # the text layer may still serve the page
    GIVE_UP = "give_up"  # fail the page now: the engine is unreachable, rerun later


#: Transport-level: the engine retried with back-off already and the endpoint is still down.
#: Another temperature cannot help, and a text-layer page would hide an outage that a rerun of
#: the failed pages fixes, so the page fails with this code.
_GIVE_UP = frozenset({ErrorCode.ENGINE_UNAVAILABLE})
#: Deterministic for the request (HTTP 400 such as context too long, a malformed response,
#: an engine bug, a page without text layer for the textlayer engine): do not repeat it.
_FALL_BACK = frozenset({ErrorCode.ENGINE_ERROR, ErrorCode.INTERNAL, ErrorCode.NO_TEXT_LAYER})


def after_failure(code: ErrorCode) -> NextStep:
    """The page's next step after an attempt failed with ``code``."""
    if code in _GIVE_UP:
        return NextStep.GIVE_UP
    if code in _FALL_BACK:
        return NextStep.FALL_BACK
    return NextStep.RETRY


@dataclass(frozen=True)
class Judgement:
    """An engine reply, what post-processing made of it, and why it failed (None: usable)."""

    reply: EngineReply
    parsed: ParsedReply | None
    failure: ErrorRecord | None

    @property
    def usable(self) -> bool:
        """No failure; then ``parsed`` is set (only engine errors come without a parse)."""
        return self.failure is None

    @property
    def verdict(self) -> Verdict | None:
        """INVALID for any failed attempt that had a reply; None when there was no reply."""
        if self.parsed is None:
            return None
        return Verdict.INVALID if self.failure is not None else self.parsed.report.verdict


def judge_reply(
    reply: EngineReply, page: RenderedPage, options: PostprocessOptions
) -> Judgement:
    """Judge ``reply`` for ``page`` (see the module docstring). Never raises."""
    if reply.finish_reason is FinishReason.ERROR:
        return Judgement(reply, None, _engine_failure(reply, page))
    parsed = parse_reply(
        reply.text,
        page.transform,
        doc_id=page.doc_id,
        page_number=page.page_number,
        options=options,
    )
    loop = detect_degeneracy(reply.text, parsed.blocks)
    if loop.is_degenerate:
        return Judgement(reply, parsed, _record(ErrorCode.DEGENERATE_OUTPUT, loop.reason, page))
    if reply.finish_reason is not FinishReason.STOP:
        message = (
            f"finish reason {reply.finish_reason.value!r} after {reply.output_tokens} output "
            "tokens: the reply is cut off"
        )
        return Judgement(reply, parsed, _record(ErrorCode.TRUNCATED, message, page))
    errors = parsed.report.errors
    if errors:
        first = errors[0]
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        failure = first.model_copy(
            update={"file": page.source, "page": page.page_number, "message": first.message + more}
        )
        return Judgement(reply, parsed, failure)
    return Judgement(reply, parsed, None)


def _engine_failure(reply: EngineReply, page: RenderedPage) -> ErrorRecord:
    if reply.error is None:
        return _record(ErrorCode.ENGINE_ERROR, f"engine {reply.engine} gave no reply", page)
    error = reply.error
    return error.model_copy(
        update={"file": error.file or page.source, "page": error.page or page.page_number}
    )


def _record(code: ErrorCode, message: str, page: RenderedPage) -> ErrorRecord:
    return ErrorRecord(code=code, message=message, file=page.source, page=page.page_number)
