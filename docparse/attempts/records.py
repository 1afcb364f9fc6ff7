"""Attempt records and page results from judged replies.

A page is ``ok`` when an attempt gave a usable page (its source says whose: the model, the
textlayer engine as the chosen engine, or the text-layer fallback), ``failed`` otherwise. A
fallback page is an ok page: :func:`schemas.results.document_status` makes its document
``partial``, and the model's failures stay on the page's attempts and as a warning.
"""

from __future__ import annotations

from dataclasses import dataclass

from docparse.attempts.judge import Judgement
from schemas.engine import Sampling
from schemas.errors import ErrorRecord, Severity
from schemas.page import RenderedPage
from schemas.results import Attempt, PageResult, PageSource, Status
from schemas.validation import Verdict


@dataclass(frozen=True)
class ParsedPage:
    """One page after its attempts: the result record, the chosen reply as the engine wrote it,
    and the repaired, sanitised QwenVL HTML (model frame) the blocks came from.

    For a failed page ``raw_reply`` is the last attempt's text (None when the engine gave none)
    and ``html`` is empty.
    """

    result: PageResult
    raw_reply: str | None
    html: str

    @property
    def ok(self) -> bool:
        return self.result.status is Status.OK


def attempt_record(number: int, judgement: Judgement, sampling: Sampling | None) -> Attempt:
    """The :class:`Attempt` for one judged reply; ``sampling`` None for engines without one."""
    reply = judgement.reply
    return Attempt(
        number=number,
        engine=reply.engine,
        temperature=sampling.temperature if sampling is not None else None,
        repetition_penalty=sampling.repetition_penalty if sampling is not None else None,
        finish_reason=reply.finish_reason.value,
        prompt_tokens=reply.prompt_tokens,
        output_tokens=reply.output_tokens,
        latency_s=reply.latency_s,
        verdict=judgement.verdict,
        error=judgement.failure,
        transport_retries=reply.transport_retries,
        endpoint=reply.endpoint,
    )


def ok_page(
    page: RenderedPage,
    chosen: Judgement,
    attempts: list[Attempt],
    source: PageSource,
    notes: list[ErrorRecord],
) -> ParsedPage:
    """An ok page from the usable judgement ``chosen``; its report's warnings and ``notes`` kept."""
    parsed = chosen.parsed
    if parsed is None or not chosen.usable:
        raise ValueError("ok_page needs a usable judgement")
    kept = [
        issue.model_copy(update={"file": page.source})
        for issue in parsed.report.issues
        if issue.severity is not Severity.ERROR
    ]
    result = PageResult(
        page_number=page.page_number,
        status=Status.OK,
        source=source,
        transform=page.transform,
        blocks=parsed.blocks,
        attempts=attempts,
        repaired=parsed.report.verdict is Verdict.REPAIRED,
        truncated=parsed.report.truncated,
        errors=[*notes, *kept],
    )
    return ParsedPage(result=result, raw_reply=chosen.reply.text, html=parsed.html)


def failed_page(
    page: RenderedPage, attempts: list[Attempt], errors: list[ErrorRecord], last: Judgement | None
) -> ParsedPage:
    """A failed page with its attempts and reasons; the last reply's text kept for inspection."""
    result = PageResult(
        page_number=page.page_number,
        status=Status.FAILED,
        source=PageSource.NONE,
        transform=page.transform,
        attempts=attempts,
        errors=errors,
    )
    raw = last.reply.text if last is not None and last.reply.text else None
    return ParsedPage(result=result, raw_reply=raw, html="")
