"""The page attempt policy: the temperature ladder, then the text layer, then failure.

Round ``n`` sends every page still open to the engine in one batch, with ``spec.sampling_for(n)``
(the ladder's ``n``-th temperature; the stiffer repetition penalty from the second attempt on),
and judges each reply (:mod:`docparse.attempts.judge`). A usable reply closes the page. A failed
one leaves it open for the next round, unless its code says otherwise: an unreachable engine
fails the page at once (no point climbing the ladder; rerun the failed pages later), and a
deterministic engine error ends the model attempts. After the last round the pages still open
that have a text layer go, in one batch, to the ``fallback`` engine (the textlayer engine) when
:attr:`AttemptOptions.fallback_to_textlayer` is on; the rest fail.

A failed page carries one error whose code is the last model attempt's own code (``PLAIN_HTML``,
``TRUNCATED``, ``DEGENERATE_OUTPUT``, ``ENGINE_UNAVAILABLE``, ...), not ``ATTEMPTS_EXHAUSTED``:
the code says why, the attempts say how often. Its message counts the attempts and says why no
fallback was used. A failed fallback adds its own error record.

When the primary engine is the textlayer engine itself it runs once (it is deterministic) and
its pages have source ``textlayer``. The runner holds no state between calls: ``run`` may be
called from several threads at once, which keeps an engine busy across batch boundaries.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Protocol

from docparse.attempts.judge import NextStep, judge_reply
from docparse.attempts.records import ParsedPage, attempt_record, failed_page, ok_page
from docparse.attempts.track import PageTrack
from schemas.engine import EngineReply, EngineRequest, FinishReason, ModelSpec, Sampling
from schemas.errors import DocparseError, ErrorCode, ErrorRecord
from schemas.options import AttemptOptions, PostprocessOptions
from schemas.page import RenderedPage
from schemas.results import PageSource

logger = logging.getLogger(__name__)

#: ``Engine.name`` of the engine that builds QwenVL HTML from a PDF text layer.
TEXTLAYER_ENGINE = "textlayer"


class PageEngine(Protocol):
    """What the runner needs of an engine (any :class:`docparse.engines.Engine` has it).

    Declared here so that this stage does not import its sibling ``docparse.engines``.
    """

    name: str

    def infer(self, requests: Sequence[EngineRequest]) -> list[EngineReply]: ...


class AttemptRunner:
    """Runs the attempt policy over batches of pages with injected engines (not owned: the
    caller closes them)."""

    def __init__(
        self,
        engine: PageEngine,
        spec: ModelSpec,
        *,
        fallback: PageEngine | None = None,
        options: AttemptOptions = AttemptOptions(),
        postprocess: PostprocessOptions = PostprocessOptions(),
    ) -> None:
        self.engine = engine
        self.spec = spec
        self.fallback = fallback
        self.options = options
        self.postprocess = postprocess
        self._primary_is_textlayer = engine.name == TEXTLAYER_ENGINE

    @property
    def max_model_attempts(self) -> int:
        """Rounds of the primary engine: the ladder's length; 1 for the textlayer engine."""
        return 1 if self._primary_is_textlayer else self.spec.max_attempts

    def run(self, pages: Sequence[RenderedPage]) -> list[ParsedPage]:
        """One :class:`ParsedPage` per page, in the order given."""
        tracks = [PageTrack(page) for page in pages]
        open_tracks = tracks
        for number in range(1, self.max_model_attempts + 1):
            if not open_tracks:
                break
            self._round(self.engine, open_tracks, self.spec.sampling_for(number))
            open_tracks = [t for t in tracks if t.chosen is None and t.next is NextStep.RETRY]
        fallback = self.fallback
        if fallback is not None and self._falls_back():
            eligible = [t for t in tracks if t.chosen is None and t.may_fall_back]
            if eligible:
                self._round(fallback, eligible, None, fallback=True)
        return [self._outcome(track) for track in tracks]

    def _falls_back(self) -> bool:
        return self.options.fallback_to_textlayer and not self._primary_is_textlayer

    def _round(
        self,
        engine: PageEngine,
        tracks: list[PageTrack],
        sampling: Sampling | None,
        *,
        fallback: bool = False,
    ) -> None:
        """One batch: a request per track, judged replies recorded on the tracks. ``sampling``
        is None for the fallback round (the textlayer engine samples nothing)."""
        requests = [
            EngineRequest(
                request_id=f"{t.page.page_id}#{t.next_number}",
                page=t.page,
                spec=self.spec,
                sampling=sampling or self.spec.sampling_for(1),
                attempt=t.next_number,
            )
            for t in tracks
        ]
        replies = self._infer(engine, requests)
        recorded = None if engine.name == TEXTLAYER_ENGINE else sampling  # no sampling there
        for track, reply in zip(tracks, replies):
            judgement = judge_reply(reply, track.page, self.postprocess)
            attempt = attempt_record(track.next_number, judgement, recorded)
            track.add(attempt, judgement, fallback=fallback)

    def _infer(self, engine: PageEngine, requests: list[EngineRequest]) -> list[EngineReply]:
        """``engine.infer``, held to its contract: one reply per request, never an exception."""
        try:
            replies = list(engine.infer(requests))
        except Exception as exc:  # an engine bug must not lose the batch: it becomes data
            logger.exception("engine %s raised on a batch of %d", engine.name, len(requests))
            code = exc.code if isinstance(exc, DocparseError) else ErrorCode.ENGINE_ERROR
            why = f"engine {engine.name} raised {type(exc).__name__}: {exc}"
            return [_error_reply(r, engine.name, code, why) for r in requests]
        if [r.request_id for r in replies] == [r.request_id for r in requests]:
            return replies
        by_id = {reply.request_id: reply for reply in replies}  # out of order, or some missing
        missing = f"engine {engine.name} returned no reply for this request"
        return [
            by_id.get(r.request_id) or _error_reply(r, engine.name, ErrorCode.ENGINE_ERROR, missing)
            for r in requests
        ]

    def _outcome(self, track: PageTrack) -> ParsedPage:
        if track.chosen is not None:
            source, notes = self._source(track)
            return ok_page(track.page, track.chosen, track.attempts, source, notes)
        return failed_page(track.page, track.attempts, self._failure_errors(track), track.last)

    def _source(self, track: PageTrack) -> tuple[PageSource, list[ErrorRecord]]:
        if track.chosen_by_fallback:
            note = track.model_failure_note()
            return PageSource.TEXTLAYER_FALLBACK, [note]
        return (PageSource.TEXTLAYER if self._primary_is_textlayer else PageSource.MODEL), []

    def _failure_errors(self, track: PageTrack) -> list[ErrorRecord]:
        if track.fallback_failure is not None:
            why = "the text-layer fallback failed too"
        elif track.next is NextStep.GIVE_UP:
            why = "not retried and no fallback: the engine is unreachable (rerun later)"
        elif not track.page.has_text_layer:
            why = "no text layer to fall back to"
        elif self._primary_is_textlayer:
            why = "the textlayer engine was the chosen engine"
        elif not self.options.fallback_to_textlayer:
            why = "text-layer fallback is off"
        else:
            why = "no fallback engine configured"
        errors = [track.model_failure_error(why)]
        if track.fallback_failure is not None:
            errors.append(track.fallback_failure)
        return errors


def _error_reply(request: EngineRequest, engine: str, code: ErrorCode, message: str) -> EngineReply:
    page = request.page
    return EngineReply(
        request_id=request.request_id,
        engine=engine,
        finish_reason=FinishReason.ERROR,
        attempt=request.attempt,
        error=ErrorRecord(code=code, message=message, file=page.source, page=page.page_number),
    )
