"""The attempt policy end to end: the real ``openai`` engine against the stand-in model server,
with faults scripted per page image; the ladder, the fallback and the page records."""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

from docparse.attempts import AttemptRunner, ParsedPage
from docparse.engines.openai import OpenAIEngine
from schemas.engine import (
    DEFAULT_REPETITION_PENALTY,
    RETRY_REPETITION_PENALTY,
    EngineReply,
    EngineRequest,
)
from schemas.errors import ErrorCode, Severity
from schemas.options import AttemptOptions
from schemas.results import PageSource, Status, document_status
from schemas.validation import Verdict
from tests.attempts.support import (
    BLANK_REPLY,
    SHORT_SPEC,
    RecordedTextLayerEngine,
    ScriptedReplies,
    engine_options,
    image_key,
    make_page,
    out_of_frame_reply,
    valid_reply,
)
from tests.standin.faults import PLAIN_HTML_REPLY, Fault
from tests.standin.server import StandinServer


def _codes(outcome: ParsedPage) -> list[ErrorCode | None]:
    return [a.error.code if a.error else None for a in outcome.result.attempts]


def test_truncated_then_complete_on_the_next_rung(
    engine: OpenAIEngine, standin: StandinServer, replies: ScriptedReplies
) -> None:
    page = make_page(0)
    replies.script(page, valid_reply(0))
    standin.faults.script(Fault.TRUNCATE, key=image_key(page))
    (outcome,) = AttemptRunner(engine, SHORT_SPEC).run([page])
    result = outcome.result
    assert (result.status, result.source) == (Status.OK, PageSource.MODEL)
    assert _codes(outcome) == [ErrorCode.TRUNCATED, None]
    first, second = result.attempts
    assert (first.number, second.number) == (1, 2)
    assert (first.finish_reason, second.finish_reason) == ("length", "stop")
    assert (first.temperature, second.temperature) == (0.0, 0.1)
    assert (first.repetition_penalty, second.repetition_penalty) == (
        DEFAULT_REPETITION_PENALTY, RETRY_REPETITION_PENALTY,
    )
    assert (first.verdict, second.verdict) == (Verdict.INVALID, Verdict.VALID)
    assert second.output_tokens > 0 and second.engine == "openai"
    # the server saw the ladder: what was recorded is what was sent
    sent = [(c.temperature, c.repetition_penalty) for c in standin.calls]
    assert sent == [(0.0, DEFAULT_REPETITION_PENALTY), (0.1, RETRY_REPETITION_PENALTY)]
    assert outcome.raw_reply == valid_reply(0)
    assert [b.id for b in result.blocks] == ["statement/p1/b1", "statement/p1/b2", "statement/p1/b3"]
    assert result.blocks[0].text == "Statement 0" and not result.truncated and not result.repaired
    assert 'data-bbox="40 40 436 80"' in outcome.html


def test_a_repetition_loop_is_retried(
    engine: OpenAIEngine, standin: StandinServer, replies: ScriptedReplies
) -> None:
    page = make_page(1)
    replies.script(page, valid_reply(1))
    standin.faults.script(Fault.REPEAT, key=image_key(page))
    (outcome,) = AttemptRunner(engine, SHORT_SPEC).run([page])
    assert outcome.ok and _codes(outcome) == [ErrorCode.DEGENERATE_OUTPUT, None]
    loop = outcome.result.attempts[0].error
    assert loop is not None and "<td>0.00</td>" in loop.message
    assert (loop.file, loop.page) == ("inputs/statement.pdf", 2)


def test_plain_html_every_time_fails_the_page_with_its_code(
    engine: OpenAIEngine, standin: StandinServer, replies: ScriptedReplies
) -> None:
    page = make_page(2)
    replies.script(page, valid_reply(2))
    standin.faults.script(Fault.PLAIN_HTML, Fault.PLAIN_HTML, Fault.PLAIN_HTML, key=image_key(page))
    (outcome,) = AttemptRunner(engine, SHORT_SPEC).run([page])
    result = outcome.result
    assert (result.status, result.source, result.blocks) == (Status.FAILED, PageSource.NONE, [])
    assert _codes(outcome) == [ErrorCode.PLAIN_HTML] * 3
    assert [a.temperature for a in result.attempts] == [0.0, 0.1, 0.3]
    assert len(standin.calls) == SHORT_SPEC.max_attempts == 3
    (error,) = result.errors
    assert error.code is ErrorCode.PLAIN_HTML and error.severity is Severity.ERROR
    assert error.message.startswith("3 attempts failed; last: HTML without any data-bbox")
    assert "no text layer to fall back to" in error.message
    assert outcome.raw_reply == PLAIN_HTML_REPLY and outcome.html == ""
    assert document_status([result], []) is Status.FAILED


def test_all_attempts_failed_with_a_text_layer_falls_back(
    engine: OpenAIEngine,
    standin: StandinServer,
    replies: ScriptedReplies,
    textlayer: RecordedTextLayerEngine,
) -> None:
    with_layer, scan, good = make_page(3, text_layer=True), make_page(4), make_page(5, text_layer=True)
    for page in (with_layer, scan, good):
        replies.script(page, valid_reply(page.page_index))
    for page in (with_layer, scan):
        standin.faults.script(*[Fault.PLAIN_HTML] * 3, key=image_key(page))
    runner = AttemptRunner(engine, SHORT_SPEC, fallback=textlayer)
    fell_back, failed, ok = runner.run([with_layer, scan, good])

    assert (fell_back.result.status, fell_back.result.source) == (
        Status.OK, PageSource.TEXTLAYER_FALLBACK,
    )
    assert _codes(fell_back) == [ErrorCode.PLAIN_HTML] * 3 + [None]
    last = fell_back.result.attempts[-1]
    assert (last.number, last.engine, last.temperature, last.repetition_penalty) == (
        4, "textlayer-recorded", None, None,
    )
    (note,) = fell_back.result.errors
    assert (note.code, note.severity) == (ErrorCode.PLAIN_HTML, Severity.WARNING)
    assert note.message.startswith("3 model attempts failed (last: HTML without any data-bbox")
    assert note.message.endswith("page built from the text layer")
    assert [b.text for b in fell_back.result.blocks] == [
        "Balance brought forward for account 3: 1,250.00."
    ]
    # the page without a text layer fails; the fallback saw only the eligible page, in one batch
    assert failed.result.status is Status.FAILED and len(failed.result.attempts) == 3
    assert "no text layer" in failed.result.errors[0].message
    assert textlayer.batches == [["statement/p4#4"]]
    assert ok.result.source is PageSource.MODEL and len(ok.result.attempts) == 1
    assert document_status([fell_back.result, ok.result], []) is Status.PARTIAL
    assert document_status([fell_back.result, failed.result, ok.result], []) is Status.PARTIAL


def test_fallback_off_fails_the_page(
    engine: OpenAIEngine, standin: StandinServer, textlayer: RecordedTextLayerEngine
) -> None:
    page = make_page(6, text_layer=True)
    standin.faults.script(*[Fault.PLAIN_HTML] * 3, key=image_key(page))
    options = AttemptOptions(fallback_to_textlayer=False)
    (outcome,) = AttemptRunner(engine, SHORT_SPEC, fallback=textlayer, options=options).run([page])
    assert outcome.result.status is Status.FAILED and textlayer.batches == []
    assert "text-layer fallback is off" in outcome.result.errors[0].message


def test_transport_back_off_spends_no_attempt(
    engine: OpenAIEngine, standin: StandinServer, replies: ScriptedReplies
) -> None:
    page = make_page(7)
    replies.script(page, valid_reply(7))
    standin.faults.script(Fault.HTTP_429, Fault.HTTP_500, key=image_key(page))
    (outcome,) = AttemptRunner(engine, SHORT_SPEC).run([page])
    assert outcome.ok and len(outcome.result.attempts) == 1
    (attempt,) = outcome.result.attempts
    assert attempt.transport_retries == 2 and attempt.endpoint == standin.url
    assert [c.status for c in standin.calls] == [429, 500, 200]


def test_an_unreachable_engine_fails_the_page_without_climbing_the_ladder(
    standin: StandinServer, textlayer: RecordedTextLayerEngine
) -> None:
    page = make_page(8, text_layer=True)
    standin.faults.script(*[Fault.HTTP_500] * 3, key=image_key(page))
    with OpenAIEngine(engine_options(standin.url, max_retries=2)) as engine:
        (outcome,) = AttemptRunner(engine, SHORT_SPEC, fallback=textlayer).run([page])
    result = outcome.result
    assert result.status is Status.FAILED and _codes(outcome) == [ErrorCode.ENGINE_UNAVAILABLE]
    assert result.attempts[0].verdict is None and result.attempts[0].transport_retries == 2
    assert len(standin.calls) == 3  # one attempt: three HTTP requests, then the engine gave up
    assert textlayer.batches == []  # an outage is not hidden behind text-layer pages
    (error,) = result.errors
    assert error.code is ErrorCode.ENGINE_UNAVAILABLE and "engine is unreachable" in error.message


def test_a_blank_page_is_ok_with_no_blocks(engine: OpenAIEngine, replies: ScriptedReplies) -> None:
    page = make_page(9)
    replies.script(page, BLANK_REPLY)
    (outcome,) = AttemptRunner(engine, SHORT_SPEC).run([page])
    result = outcome.result
    assert (result.status, result.source, result.blocks, result.errors) == (
        Status.OK, PageSource.MODEL, [], [],
    )
    assert len(result.attempts) == 1 and result.attempts[0].verdict is Verdict.VALID
    assert outcome.raw_reply == BLANK_REPLY
    assert document_status([result], []) is Status.OK


def test_boxes_out_of_frame_are_retried(
    engine: OpenAIEngine, standin: StandinServer, replies: ScriptedReplies
) -> None:
    page = make_page(10)
    replies.script(page, out_of_frame_reply(10), valid_reply(10))
    (outcome,) = AttemptRunner(engine, SHORT_SPEC).run([page])
    assert outcome.ok and _codes(outcome) == [ErrorCode.BBOX_OUT_OF_FRAME, None]
    assert outcome.raw_reply == valid_reply(10) and len(standin.calls) == 2


def test_retries_of_a_round_go_in_one_batch_and_order_is_kept(
    engine: OpenAIEngine, standin: StandinServer, replies: ScriptedReplies
) -> None:
    pages = [make_page(i) for i in range(11, 16)]
    for page in pages:
        replies.script(page, valid_reply(page.page_index))
    standin.faults.script(Fault.TRUNCATE, key=image_key(pages[1]))
    standin.faults.script(Fault.REPEAT, Fault.TRUNCATE, key=image_key(pages[3]))
    outcomes = AttemptRunner(engine, SHORT_SPEC).run(pages)
    assert [o.result.page_number for o in outcomes] == [12, 13, 14, 15, 16]
    assert [len(o.result.attempts) for o in outcomes] == [1, 2, 1, 3, 1]
    assert all(o.ok for o in outcomes)
    by_temperature: dict[float | None, int] = {}
    for call in standin.calls:
        by_temperature[call.temperature] = by_temperature.get(call.temperature, 0) + 1
    assert by_temperature == {0.0: 5, 0.1: 2, 0.3: 1}


def test_the_textlayer_engine_as_primary_runs_once() -> None:
    primary = RecordedTextLayerEngine(name="textlayer")
    with_layer, scan = make_page(16, text_layer=True), make_page(17)
    runner = AttemptRunner(primary, SHORT_SPEC, fallback=RecordedTextLayerEngine())
    ok, failed = runner.run([with_layer, scan])
    assert (ok.result.status, ok.result.source) == (Status.OK, PageSource.TEXTLAYER)
    (attempt,) = ok.result.attempts
    assert (attempt.engine, attempt.temperature) == ("textlayer", None)
    assert failed.result.status is Status.FAILED and _codes(failed) == [ErrorCode.NO_TEXT_LAYER]
    assert document_status([ok.result], []) is Status.OK


class _RaisingEngine:
    """An engine that breaks its contract (raises instead of answering with error replies)."""

    name = "raising"

    def __init__(self) -> None:
        self.calls = 0

    def infer(self, requests: Sequence[EngineRequest]) -> list[EngineReply]:
        self.calls += 1
        raise RuntimeError("CUDA error: device-side assert triggered")


def test_an_engine_that_raises_costs_its_batch_one_attempt(
    textlayer: RecordedTextLayerEngine,
) -> None:
    broken = _RaisingEngine()
    runner = AttemptRunner(broken, SHORT_SPEC, fallback=textlayer)
    fell_back, failed = runner.run([make_page(18, text_layer=True), make_page(19)])
    assert broken.calls == 1  # a deterministic engine error is not retried up the ladder
    assert fell_back.result.source is PageSource.TEXTLAYER_FALLBACK
    assert _codes(fell_back) == [ErrorCode.ENGINE_ERROR, None]
    assert failed.result.status is Status.FAILED and _codes(failed) == [ErrorCode.ENGINE_ERROR]
    assert "RuntimeError: CUDA error" in failed.result.errors[0].message


class _ReorderingEngine(RecordedTextLayerEngine):
    """Answers in reverse order and loses the reply to the last request."""

    def infer(self, requests: Sequence[EngineRequest]) -> list[EngineReply]:
        return list(reversed(super().infer(requests)))[1:]


def test_replies_are_matched_by_request_id() -> None:
    pages = [make_page(i, text_layer=True) for i in (20, 21, 22)]
    outcomes = AttemptRunner(_ReorderingEngine(name="textlayer"), SHORT_SPEC).run(pages)
    assert [o.ok for o in outcomes] == [True, True, False]
    assert [o.result.blocks[0].text for o in outcomes[:2]] == [
        "Balance brought forward for account 20: 1,250.00.",
        "Balance brought forward for account 21: 1,250.00.",
    ]
    assert _codes(outcomes[2]) == [ErrorCode.ENGINE_ERROR]
    assert "returned no reply" in outcomes[2].result.errors[0].message


def test_one_runner_serves_several_threads(
    engine: OpenAIEngine, standin: StandinServer, replies: ScriptedReplies
) -> None:
    batches = [[make_page(i, doc_id=f"doc{b}") for i in range(3)] for b in range(4)]
    for batch in batches:
        for page in batch:
            replies.script(page, valid_reply(page.page_index))
    standin.faults.script(Fault.TRUNCATE, key=image_key(batches[2][1]))
    runner = AttemptRunner(engine, SHORT_SPEC)
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(runner.run, batches))
    assert [[o.result.page_number for o in r] for r in results] == [[1, 2, 3]] * 4
    assert all(o.ok for r in results for o in r)
    assert [len(o.result.attempts) for o in results[2]] == [1, 2, 1]
    assert len(standin.calls) == 13
