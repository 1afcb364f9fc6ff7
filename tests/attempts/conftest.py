"""Fixtures for the attempt policy: the stand-in model server answering from scripted replies,
the real ``openai`` engine aimed at it, and the recorded text-layer engine (see support.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from docparse.engines.openai import OpenAIEngine
from tests.attempts.support import RecordedTextLayerEngine, ScriptedReplies, engine_options
from tests.standin.faults import FaultPlan
from tests.standin.server import StandinServer


@pytest.fixture
def replies() -> ScriptedReplies:
    return ScriptedReplies()


@pytest.fixture
def standin(replies: ScriptedReplies) -> Iterator[StandinServer]:
    """The stand-in model server answering from ``replies``; Retry-After of 10 ms."""
    with StandinServer(replies=replies, faults=FaultPlan(retry_after_s=0.01)) as server:
        yield server


@pytest.fixture
def engine(standin: StandinServer) -> Iterator[OpenAIEngine]:
    """The real ``openai`` engine aimed at the stand-in."""
    with OpenAIEngine(engine_options(standin.url)) as built:
        yield built


@pytest.fixture
def textlayer() -> RecordedTextLayerEngine:
    return RecordedTextLayerEngine()
