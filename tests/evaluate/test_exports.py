"""The curated public API of docparse.evaluate, and its place in the layers."""

from __future__ import annotations

import subprocess
import sys
import types

import docparse.evaluate as evaluate


def test_all_lists_exactly_the_public_names() -> None:
    public = {
        name
        for name, value in vars(evaluate).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }
    assert public == set(evaluate.__all__)
    assert len(evaluate.__all__) == len(set(evaluate.__all__))
    # constants, then classes, then functions, each alphabetical
    order = sorted(evaluate.__all__, key=lambda n: (not n.isupper(), n[0].islower(), n))
    assert evaluate.__all__ == order


def test_every_submodule_declares_all() -> None:
    for name, value in vars(evaluate).items():
        if isinstance(value, types.ModuleType) and value.__name__.startswith(evaluate.__name__):
            assert hasattr(value, "__all__"), name
            for exported in value.__all__:
                assert hasattr(value, exported), f"{name}.{exported}"


def _modules_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; print('\\n'.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def test_import_docparse_does_not_import_evaluate() -> None:
    loaded = _modules_after("import docparse")
    assert not {m for m in loaded if m.startswith("docparse.evaluate")}
    assert not {"apted", "rapidfuzz", "scipy"} & loaded


def test_evaluate_imports_only_schemas_and_postprocess_of_ours() -> None:
    loaded = _modules_after("import docparse.evaluate")
    ours = {m for m in loaded if m.split(".")[0] in {"docparse", "pipelines"}}
    assert ours <= {"docparse"} | {m for m in loaded if m.startswith("docparse.evaluate")}
