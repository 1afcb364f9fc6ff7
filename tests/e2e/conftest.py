"""Fixtures of the end-to-end conversion tests: ground-truth-derived replies (computed once per
session) and the stand-in model server answering with them. S3 (moto) is in tests/conftest.py."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.support import Replies, load_replies
from tests.standin.replies import RecordedReplies
from tests.standin.server import StandinServer


@pytest.fixture(scope="session")
def replies() -> Replies:
    """Every corpus page's reply, derived from its ground truth (keyed by PNG sha256)."""
    return load_replies()


@pytest.fixture
def standin(replies: Replies) -> Iterator[StandinServer]:
    """The stand-in model server (test double for `vllm serve`) answering from ``replies``."""
    with StandinServer(replies=RecordedReplies(replies.by_sha)) as server:
        yield server
