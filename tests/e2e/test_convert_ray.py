"""``docparse convert --runner ray`` end to end: the same mixed folder as the local runner's test,
converted by the Ray Data job (plan and render tasks, engine actors calling the stand-in over
HTTP, assembly in the driver), then rerun to resume. One Ray session serves the module; the
pipeline uses it instead of starting its own."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.support import (
    MIXED_GOOD,
    MixedRun,
    Replies,
    check_mixed_run,
    cli,
    convert_mixed,
    file_states,
    summary_counts,
)
from tests.standin.server import StandinServer

import ray  # noqa: E402  (in the dev extra: a missing Ray must fail, not skip)
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:ray.*")


@pytest.fixture(scope="module", autouse=True)
def ray_session() -> Iterator[None]:
    """A small local Ray for the whole module (2 CPUs, 256 MiB object store)."""
    if ray.is_initialized():  # pragma: no cover - a session left by another module
        ray.shutdown()
    ray.init(
        num_cpus=2,
        object_store_memory=256 * 2**20,
        include_dashboard=False,
        log_to_driver=False,
    )
    yield
    ray.shutdown()


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory, replies: Replies) -> MixedRun:
    return convert_mixed(tmp_path_factory.mktemp("mixed-ray"), replies, "ray")


def test_good_documents_convert_and_broken_ones_are_recorded(
    mixed: MixedRun, replies: Replies
) -> None:
    check_mixed_run(mixed, replies)
    assert ray.is_initialized(), "the run used the module's Ray session and left it running"


def test_rerun_on_ray_skips_everything(mixed: MixedRun, standin: StandinServer) -> None:
    before = file_states(mixed.out)
    result = cli(
        "convert", mixed.inputs, "-o", mixed.out, "--runner", "ray",
        "--engine", "openai", "--endpoint", standin.url,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    documents = len(MIXED_GOOD) + 5  # the failed ones are not retried without --retry-failed
    assert summary_counts(result.output) == {
        "ok": 0, "partial": 0, "failed": 0, "skipped": documents,
    }  # fmt: skip
    assert standin.calls == []
    assert file_states(mixed.out) == before
