"""The stand-in GPU server itself: protocol, capacity, fault plans, CLI."""

from __future__ import annotations

import httpx

from docparse.engines.openai import OpenAIEngine
from schemas.engine import EngineRequest
from tests.standin.faults import Fault, FaultPlan
from tests.standin.pages import small_page
from tests.standin.process import StandinProcess
from tests.standin.replies import png_size, sha256_hex
from tests.standin.server import StandinServer


def test_models_route_and_unknown_routes(standin):
    models = httpx.get(f"{standin.url}/v1/models").json()
    assert [m["id"] for m in models["data"]] == ["Qwen/Qwen2.5-VL-7B-Instruct"]
    missing = httpx.get(f"{standin.url}/v2/nothing")
    assert missing.status_code == 404 and "no route" in missing.json()["error"]["message"]


def test_api_key_is_enforced_when_configured():
    with StandinServer(api_key="k") as standin:
        assert httpx.get(f"{standin.url}/v1/models").status_code == 401
        ok = httpx.get(f"{standin.url}/v1/models", headers={"Authorization": "Bearer k"})
        assert ok.status_code == 200


def test_bad_chat_body_is_a_400(standin):
    response = httpx.post(f"{standin.url}/v1/chat/completions", json={"model": "x"})
    assert response.status_code == 400
    assert standin.calls == []


def test_slots_bound_service_while_the_rest_queue(make_options, make_requests):
    with StandinServer(latency_s=0.05, slots=2) as standin:
        options = make_options(standin.url, max_in_flight_per_endpoint=6)
        with OpenAIEngine(options) as engine:
            replies = engine.infer(make_requests(12))
    assert all(r.error is None for r in replies)
    assert standin.app.max_in_service <= 2  # the "GPU" never serves more than its slots
    assert standin.max_concurrent > 2  # while more requests were waiting for one


def test_seeded_fault_draws_repeat():
    def draws(seed: int) -> list[Fault]:
        plan = FaultPlan({Fault.HTTP_500: 0.2, Fault.DROP: 0.2}, seed=seed)
        return [plan.next_fault(None) for _ in range(50)]

    assert draws(4) == draws(4)
    assert {Fault.HTTP_500, Fault.DROP, Fault.NONE} <= set(draws(4))


def test_keyed_scripts_come_before_shared_ones():
    plan = FaultPlan()
    plan.script(Fault.HTTP_500)
    plan.script(Fault.DROP, key="page-a")
    assert plan.next_fault("page-a") is Fault.DROP
    assert plan.next_fault("page-a") is Fault.HTTP_500
    assert plan.next_fault("page-a") is Fault.NONE


def test_faults_scripted_for_one_page_leave_the_others_alone(standin, engine, make_requests):
    requests = make_requests(4)
    third_page = sha256_hex(requests[2].page.image.data)
    standin.faults.script(Fault.HTTP_500, Fault.HTTP_500, key=third_page)
    replies = engine.infer(requests)
    assert [r.transport_retries for r in replies] == [0, 0, 2, 0]


def test_usage_counts_visual_tokens_of_the_png(standin, engine):
    small, large = small_page(0, size=56), small_page(0, size=112)
    assert png_size(large.image.data) == (112, 112)
    replies = engine.infer(
        [EngineRequest(request_id=f"p{page.image.width}", page=page) for page in (small, large)]
    )
    # 56 px is 2 x 2 patches of 28 px, 112 px is 4 x 4: 12 more prompt tokens, same text
    assert replies[1].prompt_tokens - replies[0].prompt_tokens == 16 - 4


def test_command_line_server_runs_in_its_own_process():
    with StandinProcess("--latency-ms", "1", "--slots", "4", "--model", "m1") as server:
        models = httpx.get(f"{server.url}/v1/models").json()
    assert [m["id"] for m in models["data"]] == ["m1"]
