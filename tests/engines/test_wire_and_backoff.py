"""Pure pieces of the openai engine: options, wire format, back-off."""

from __future__ import annotations

import json
import random
from email.utils import formatdate

import pytest
from pydantic import ValidationError

from docparse.engines.backoff import RetryBudget, parse_retry_after
from docparse.engines.openai_options import OpenAIEngineOptions, normalize_endpoint, redact_url
from docparse.engines.openai_wire import (
    MalformedResponse,
    chat_payload,
    error_message,
    is_transient_status,
    parse_chat_response,
    served_model_ids,
)
from docparse.engines.prompts import build_messages
from schemas.engine import EngineRequest, FinishReason, ModelSpec, Sampling
from tests.standin.pages import small_page


@pytest.mark.parametrize(
    ("given", "root"),
    [
        ("http://h:8000", "http://h:8000"),
        ("http://h:8000/", "http://h:8000"),
        ("http://h:8000/v1", "http://h:8000"),
        ("https://api.example.com/v1/", "https://api.example.com"),
        ("http://h/proxy/v1", "http://h/proxy"),
    ],
)
def test_endpoints_are_accepted_with_or_without_v1(given, root):
    assert normalize_endpoint(given) == root


def test_bad_or_duplicate_endpoints_are_rejected():
    with pytest.raises(ValidationError):
        OpenAIEngineOptions(endpoints=["ftp://h"])
    with pytest.raises(ValidationError):
        OpenAIEngineOptions(endpoints=["http://h:1", "http://h:1/v1"])
    with pytest.raises(ValidationError):
        OpenAIEngineOptions(endpoints=[])


def test_credentials_in_urls_are_redacted():
    assert redact_url("http://user:pw@h:8000") == "http://h:8000"
    assert redact_url("http://h:8000") == "http://h:8000"


def test_payload_fields():
    sampling = Sampling(temperature=0.2, top_p=0.5, top_k=3, repetition_penalty=1.1, seed=9)
    request = EngineRequest(request_id="d/p1#1", page=small_page(0), sampling=sampling)
    body = json.loads(chat_payload(request, "m"))
    assert body["model"] == "m" and body["max_tokens"] == request.spec.max_tokens
    assert (body["temperature"], body["top_p"], body["seed"]) == (0.2, 0.5, 9)
    assert (body["top_k"], body["repetition_penalty"]) == (3, 1.1)
    plain = json.loads(chat_payload(request, "m", vllm_extras=False))
    assert "top_k" not in plain and "repetition_penalty" not in plain


def test_payload_messages_are_the_chat_messages_even_when_prompts_look_like_json():
    spec = ModelSpec(system_prompt='Reply with {"url":""} or "url":"" verbatim.')
    request = EngineRequest(request_id="d/p1#1", page=small_page(5), spec=spec)
    body = json.loads(chat_payload(request, "m"))
    assert body["messages"] == build_messages(request)  # the image URL spliced in its place


def test_unset_seed_and_top_k_are_not_sent():
    body = json.loads(chat_payload(EngineRequest(request_id="d/p1#1", page=small_page(0)), "m"))
    assert "seed" not in body and "top_k" not in body


@pytest.mark.parametrize(
    ("finish", "expected"),
    [("stop", FinishReason.STOP), ("length", FinishReason.LENGTH), ("abort", FinishReason.OTHER),
     (None, FinishReason.OTHER)],
)
def test_finish_reasons(finish, expected):
    body = {"choices": [{"message": {"content": "x"}, "finish_reason": finish}],
            "usage": {"prompt_tokens": 7, "completion_tokens": 3}}
    result = parse_chat_response(json.dumps(body).encode())
    assert (result.text, result.finish_reason, result.prompt_tokens, result.output_tokens) == (
        "x", expected, 7, 3,
    )


@pytest.mark.parametrize(
    "content",
    [
        b"<html>oops</html>",
        b"{}",
        b'{"choices": []}',
        b'{"choices": [{"message": {"content": 5}}]}',
    ],
)
def test_malformed_responses(content):
    with pytest.raises(MalformedResponse):
        parse_chat_response(content)


def test_error_messages_from_openai_and_vllm_bodies():
    assert error_message(b'{"error": {"message": "model not found"}}') == "model not found"
    assert error_message(b'{"object": "error", "message": "too long"}') == "too long"
    assert error_message(b"Bad Gateway\n") == "Bad Gateway"
    assert served_model_ids(b'{"data": [{"id": "a"}, {"id": "b"}]}') == ["a", "b"]


def test_transient_statuses():
    assert [s for s in (200, 400, 401, 404, 408, 429, 500, 503) if is_transient_status(s)] == [
        408, 429, 500, 503,
    ]


def test_retry_after_forms():
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after("0.25") == 0.25
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None
    date = formatdate(1_000_010.0, usegmt=True)
    assert parse_retry_after(date, now=1_000_000.0) == pytest.approx(10.0)


def test_backoff_grows_exponentially_with_jitter_and_a_cap():
    budget = RetryBudget(max_retries=6, base_s=1.0, max_s=8.0, total_s=1000.0, rng=random.Random(0))
    delays = [budget.next_delay() for _ in range(6)]
    for delay, ceiling in zip(delays, [1, 2, 4, 8, 8, 8]):
        assert ceiling / 2 <= delay <= ceiling
    assert budget.next_delay() is None  # max_retries spent
    assert budget.retries == 6


def test_retry_after_is_a_lower_bound_and_the_total_is_capped():
    budget = RetryBudget(max_retries=9, base_s=0.1, max_s=1.0, total_s=10.0, rng=random.Random(0))
    assert budget.next_delay(retry_after=4.0) == 4.0
    assert budget.next_delay(retry_after=5.0) == 5.0
    assert budget.next_delay(retry_after=2.0) is None  # 4 + 5 + 2 > 10
    assert budget.retries == 2
