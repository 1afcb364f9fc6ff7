"""The openai engine against the stand-in server: what is sent, what comes back, in what order."""

from __future__ import annotations

import asyncio
import io
import json
from concurrent.futures import ThreadPoolExecutor

import pytest
from PIL import Image

from docparse.engines.openai import OpenAIEngine
from schemas.engine import EngineRequest, FinishReason, ModelSpec, PromptVariant, Sampling
from schemas.errors import EngineError, ErrorCode
from schemas.page import ImageEncoding, PageImage
from tests.standin.faults import PLAIN_HTML_REPLY, REPEATED_NGRAM, Fault, FaultPlan
from tests.standin.http11 import HttpRequest, HttpResponse
from tests.standin.pages import small_page
from tests.standin.replies import FALLBACK_REPLY, RecordedReplies, prompt_tokens, sha256_hex
from tests.standin.server import StandinServer


def test_reply_maps_text_finish_reason_usage_and_provenance(standin, engine, make_requests):
    [request] = make_requests(1, attempt=2)
    recorded = '<html><body><p data-bbox="1 2 30 40">Invoice 42</p></body></html>'
    standin.app.replies.add(request.page.image.data, recorded)

    [reply] = engine.infer([request])

    assert reply.error is None
    assert reply.text == recorded
    assert reply.finish_reason is FinishReason.STOP
    assert reply.request_id == request.request_id
    assert reply.engine == "openai"
    assert reply.attempt == 2
    assert reply.endpoint == standin.url
    assert reply.transport_retries == 0
    [call] = standin.calls
    assert reply.prompt_tokens == prompt_tokens(call) > 0
    assert reply.output_tokens == len(recorded) // 4
    assert reply.latency_s > 0


def test_request_carries_model_prompts_image_and_sampling(standin, engine, make_requests):
    spec = ModelSpec(prompt=PromptVariant.HTML_WITH_CAPTION, max_tokens=1000)
    sampling = Sampling(temperature=0.3, top_p=0.9, top_k=5, repetition_penalty=1.15, seed=11)
    [request] = make_requests(1, spec=spec, sampling=sampling)

    engine.infer([request])

    [call] = standin.calls
    assert call.model == spec.model
    assert call.system_prompt == spec.system_prompt
    assert call.prompt_text == "QwenVL HTML with image caption"
    assert call.image_sha256 == sha256_hex(request.page.image.data)
    assert (call.max_tokens, call.temperature, call.top_p) == (1000, 0.3, 0.9)
    assert (call.top_k, call.repetition_penalty, call.seed) == (5, 1.15, 11)
    assert call.authorization is None


def test_vllm_extras_can_be_left_out_for_strict_providers(standin, make_options, make_requests):
    sampling = Sampling(top_k=5, repetition_penalty=1.15)
    with OpenAIEngine(make_options(standin.url, vllm_extras=False)) as engine:
        [reply] = engine.infer(make_requests(1, sampling=sampling))
    assert reply.error is None
    [call] = standin.calls
    assert call.top_k is None and call.repetition_penalty is None and call.seed is None


def test_served_model_name_overrides_the_spec_model(standin, make_options, make_requests):
    options = make_options(standin.url + "/v1/", served_model_name="Qwen/Qwen2.5-VL-7B-Instruct")
    with OpenAIEngine(options) as engine:
        [reply] = engine.infer(make_requests(1, spec=ModelSpec(model="local-alias")))
    assert reply.error is None
    assert standin.calls[0].model == "Qwen/Qwen2.5-VL-7B-Instruct"


def test_replies_come_back_in_request_order_even_when_answers_do_not(make_options, make_requests):
    # Seeded 500s make some requests retry and finish late; the order must not follow.
    with StandinServer(faults=FaultPlan({Fault.HTTP_500: 0.3}, seed=3)) as server:
        options = make_options(
            server.url, max_retries=20, backoff_base_s=0.001, backoff_max_s=0.01,
            circuit_failures=1000,
        )
        requests = make_requests(40)
        for index, request in enumerate(requests):
            server.app.replies.add(request.page.image.data, f"reply {index}")
        with OpenAIEngine(options) as engine:
            replies = engine.infer(requests)
    assert [r.request_id for r in replies] == [r.request_id for r in requests]
    assert [r.text for r in replies] == [f"reply {i}" for i in range(40)]
    assert any(r.transport_retries > 0 for r in replies)
    assert len(server.calls) == 40 + sum(r.transport_retries for r in replies)


def test_raw_pixels_reach_the_server_as_png(standin, engine):
    pixels = bytes(range(256)) * 21  # 56 x 32 x 3 bytes
    page = small_page(0).model_copy(
        update={"image": PageImage(width=56, height=32, encoding=ImageEncoding.RAW, data=pixels)}
    )
    [reply] = engine.infer([EngineRequest(request_id="raw/p1#1", page=page)])
    assert reply.error is None
    received = Image.open(io.BytesIO(standin.calls[0].image))
    assert received.format == "PNG" and received.convert("RGB").tobytes() == pixels


def test_empty_batch_gives_empty_list(engine):
    assert engine.infer([]) == []


def test_truncated_reply_surfaces_length(standin, engine, make_requests):
    standin.faults.script(Fault.TRUNCATE)
    [reply] = engine.infer(make_requests(1))
    assert reply.error is None
    assert reply.finish_reason is FinishReason.LENGTH
    assert reply.text == FALLBACK_REPLY[: len(FALLBACK_REPLY) // 2]
    assert len(standin.calls) == 1  # a truncated reply is the model's answer: no HTTP retry


def test_repetition_loop_and_plain_html_are_passed_through(standin, engine, make_requests):
    standin.faults.script(Fault.REPEAT, Fault.PLAIN_HTML)
    looped, plain = engine.infer(make_requests(1)) + engine.infer(make_requests(1))
    assert looped.finish_reason is FinishReason.LENGTH
    assert looped.text.endswith(REPEATED_NGRAM * 50)
    assert plain.finish_reason is FinishReason.STOP
    assert plain.text == PLAIN_HTML_REPLY


def test_unknown_finish_reason_and_missing_usage_map_to_other_and_zero(
    make_options, make_requests, serve
):
    async def handler(request: HttpRequest) -> HttpResponse:
        body = {"choices": [{"message": {"content": None}, "finish_reason": "abort"}]}
        return HttpResponse(200, json.dumps(body).encode())

    with serve(handler) as url, OpenAIEngine(make_options(url)) as engine:
        [reply] = engine.infer(make_requests(1))
    assert (reply.finish_reason, reply.text, reply.prompt_tokens, reply.output_tokens) == (
        FinishReason.OTHER, "", 0, 0,
    )


def test_ainfer_serves_async_callers(standin, engine, make_requests):
    requests = make_requests(5)
    replies = asyncio.run(engine.ainfer(requests))
    assert [r.request_id for r in replies] == [r.request_id for r in requests]
    assert all(r.error is None for r in replies)


def test_sync_infer_works_inside_someone_elses_event_loop(standin, engine, make_requests):
    async def caller() -> list:
        return engine.infer(make_requests(3))  # blocks this loop, runs on the engine's own

    assert all(r.error is None for r in asyncio.run(caller()))


def test_infer_from_several_threads_shares_one_engine(standin, engine, make_requests):
    batches = [make_requests(6) for _ in range(4)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(engine.infer, batches))
    for batch, replies in zip(batches, results):
        assert [r.request_id for r in replies] == [r.request_id for r in batch]
        assert all(r.error is None for r in replies)
    assert len(standin.calls) == 24


def test_closed_engine_refuses_work(options, make_requests):
    engine = OpenAIEngine(options)
    engine.close()
    engine.close()  # idempotent
    with pytest.raises(EngineError) as caught:
        engine.infer(make_requests(1))
    assert caught.value.code is ErrorCode.ENGINE_ERROR


def test_recorded_reply_directory_is_served(tmp_path, make_options, make_requests):
    [request] = make_requests(1)
    (tmp_path / f"{sha256_hex(request.page.image.data)}.html").write_text("<p>recorded</p>")
    with StandinServer(replies=RecordedReplies.load_dir(tmp_path)) as server:
        with OpenAIEngine(make_options(server.url)) as engine:
            [reply] = engine.infer([request])
    assert reply.text == "<p>recorded</p>"
