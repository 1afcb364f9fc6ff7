"""Judging one reply: which code a failed attempt gets, and what each code means next."""

from __future__ import annotations

import pytest

from docparse.attempts import NextStep, after_failure, judge_reply
from schemas.engine import EngineReply, FinishReason
from schemas.errors import ErrorCode, ErrorRecord
from schemas.options import PostprocessOptions
from schemas.validation import Verdict
from tests.attempts.support import BLANK_REPLY, make_page, out_of_frame_reply, valid_reply
from tests.standin.faults import PLAIN_HTML_REPLY, REPEAT_COUNT, REPEATED_NGRAM

PAGE = make_page(0)
OPTIONS = PostprocessOptions()


def _reply(text: str, finish: FinishReason = FinishReason.STOP, **extra: object) -> EngineReply:
    return EngineReply(
        request_id="statement/p1#1", engine="test", text=text, finish_reason=finish, **extra
    )


@pytest.mark.parametrize(
    ("text", "finish", "code"),
    [
        (valid_reply(0)[:200], FinishReason.LENGTH, ErrorCode.TRUNCATED),
        (valid_reply(0), FinishReason.OTHER, ErrorCode.TRUNCATED),
        (valid_reply(0)[:150] + REPEATED_NGRAM * REPEAT_COUNT, FinishReason.LENGTH,
         ErrorCode.DEGENERATE_OUTPUT),
        (PLAIN_HTML_REPLY, FinishReason.STOP, ErrorCode.PLAIN_HTML),
        ("   \n", FinishReason.STOP, ErrorCode.EMPTY_REPLY),
        ("I cannot read this page, sorry.", FinishReason.STOP, ErrorCode.NOT_QWENVL_HTML),
        (out_of_frame_reply(0), FinishReason.STOP, ErrorCode.BBOX_OUT_OF_FRAME),
    ],
    ids=["truncated", "other-finish", "loop", "plain-html", "empty", "prose", "out-of-frame"],
)
def test_failed_attempts_get_their_code(text: str, finish: FinishReason, code: ErrorCode) -> None:
    judgement = judge_reply(_reply(text, finish), PAGE, OPTIONS)
    assert not judgement.usable and judgement.failure is not None
    assert judgement.failure.code is code
    assert (judgement.failure.file, judgement.failure.page) == ("inputs/statement.pdf", 1)
    assert judgement.verdict is Verdict.INVALID


def test_a_valid_reply_and_a_blank_page_are_usable() -> None:
    full = judge_reply(_reply(valid_reply(0)), PAGE, OPTIONS)
    assert full.usable and full.verdict is Verdict.VALID and full.parsed is not None
    assert len(full.parsed.blocks) == 3
    blank = judge_reply(_reply(BLANK_REPLY), PAGE, OPTIONS)
    assert blank.usable and blank.parsed is not None and blank.parsed.blocks == []


def test_a_reply_stopped_mid_element_is_usable_and_flagged_repaired() -> None:
    cut = valid_reply(0).split("<table")[0]  # the model stopped: finish reason stop
    judgement = judge_reply(_reply(cut), PAGE, OPTIONS)
    assert judgement.usable and judgement.verdict is Verdict.REPAIRED
    assert judgement.parsed is not None and judgement.parsed.report.truncated


def test_an_error_reply_keeps_the_engine_code() -> None:
    error = ErrorRecord(code=ErrorCode.ENGINE_TIMEOUT, message="no reply within 600s")
    judgement = judge_reply(_reply("", FinishReason.ERROR, error=error), PAGE, OPTIONS)
    assert judgement.failure is not None and judgement.failure.code is ErrorCode.ENGINE_TIMEOUT
    assert judgement.failure.page == 1 and judgement.failure.file == "inputs/statement.pdf"
    assert judgement.verdict is None and judgement.parsed is None
    bare = judge_reply(_reply("", FinishReason.ERROR), PAGE, OPTIONS)
    assert bare.failure is not None and bare.failure.code is ErrorCode.ENGINE_ERROR


def test_out_of_frame_names_how_many_boxes() -> None:
    two_off = out_of_frame_reply(0).replace(
        'data-bbox="40 200 436 400"', 'data-bbox="40 200 900 1400"'
    )
    judgement = judge_reply(_reply(two_off), PAGE, OPTIONS)
    assert judgement.failure is not None and judgement.failure.message.endswith("(and 1 more)")


@pytest.mark.parametrize(
    ("code", "step"),
    [
        (ErrorCode.ENGINE_UNAVAILABLE, NextStep.GIVE_UP),
        (ErrorCode.ENGINE_ERROR, NextStep.FALL_BACK),
        (ErrorCode.NO_TEXT_LAYER, NextStep.FALL_BACK),
        (ErrorCode.ENGINE_TIMEOUT, NextStep.RETRY),
        (ErrorCode.TRUNCATED, NextStep.RETRY),
        (ErrorCode.DEGENERATE_OUTPUT, NextStep.RETRY),
        (ErrorCode.PLAIN_HTML, NextStep.RETRY),
        (ErrorCode.BBOX_OUT_OF_FRAME, NextStep.RETRY),
    ],
)
def test_next_step_after_a_failure(code: ErrorCode, step: NextStep) -> None:
    assert after_failure(code) is step
