"""The workers' garbage-collector settings: applied once per process, only when enabled, and
applied by a real conversion. Each case runs in a fresh interpreter, so the test process keeps
CPython's defaults."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from schemas.options import RunOptions

ROOT = Path(__file__).resolve().parents[2]


def _python(code: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_tune_gc_freezes_start_up_objects_and_raises_the_young_threshold() -> None:
    out = _python(
        """
        import gc, json
        import schemas.results  # pydantic and the data contract, as a worker has them
        from pipelines.worker_gc import YOUNG_THRESHOLD, tune_gc
        before = gc.get_threshold()
        first = tune_gc()
        frozen, after = gc.get_freeze_count(), gc.get_threshold()
        second = tune_gc()
        again = gc.get_freeze_count()
        print(json.dumps({"before": before, "first": first, "second": second, "frozen": frozen,
                          "after": after, "again": again, "young": YOUNG_THRESHOLD}))
        """
    )
    assert out["first"] is True and out["second"] is False
    assert out["frozen"] > 10_000  # the imports (pydantic, the schemas) are frozen
    assert out["again"] == out["frozen"]  # the second call froze nothing more
    assert out["after"] == [out["young"], *out["before"][1:]]  # type: ignore[index]


def test_tune_gc_off_leaves_the_defaults() -> None:
    out = _python(
        """
        import gc, json
        from pipelines.worker_gc import tune_gc
        before = gc.get_threshold()
        applied = tune_gc(False)
        print(json.dumps({"applied": applied, "same": gc.get_threshold() == before,
                          "frozen": gc.get_freeze_count()}))
        """
    )
    assert out == {"applied": False, "same": True, "frozen": 0}


def test_a_higher_threshold_set_by_the_user_stays() -> None:
    out = _python(
        """
        import gc, json
        gc.set_threshold(500_000, 20, 20)
        from pipelines.worker_gc import tune_gc
        tune_gc()
        print(json.dumps({"after": gc.get_threshold()}))
        """
    )
    assert out["after"] == [500_000, 20, 20]


def test_a_local_conversion_applies_it_and_the_option_turns_it_off(tmp_path: Path) -> None:
    code = """
        import gc, json
        from pipelines.run import run_conversion
        from schemas.options import RunOptions
        options = RunOptions.model_validate({{
            "engine": {{"name": "textlayer"}}, "runner": {{"kind": "local", "tune_gc": {tune}}}
        }})
        summary = run_conversion(["fixtures/corpus/invoices/facture_fr_eur.pdf"], {out!r}, options)
        print(json.dumps({{"ok": summary.documents.get("ok", 0), "threshold": gc.get_threshold()[0],
                          "frozen": gc.get_freeze_count()}}))
        """
    on = _python(code.format(tune="True", out=str(tmp_path / "on")))
    off = _python(code.format(tune="False", out=str(tmp_path / "off")))
    assert on["ok"] == off["ok"] == 1
    assert on["threshold"] >= 10_000 and on["frozen"] > 0
    assert off["threshold"] == 700 and off["frozen"] == 0


def test_the_option_is_on_by_default() -> None:
    assert RunOptions().runner.tune_gc is True
