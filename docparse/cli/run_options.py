"""Building the run's options tree: defaults <- config file (TOML) <- command-line flags."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import typer
from pydantic import ValidationError

from schemas.errors import OptionsError
from schemas.options import RunOptions

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _set(tree: dict[str, Any], dotted: str, value: Any) -> None:
    *parents, leaf = dotted.split(".")
    for part in parents:
        tree = tree.setdefault(part, {})
    tree[leaf] = value


def build_run_options(config: Path | None, flags: dict[str, Any]) -> RunOptions:
    """``flags`` maps dotted option paths (``engine.name``) to values; None means not given."""
    data: dict[str, Any] = {}
    if config is not None:
        try:
            data = tomllib.loads(config.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise typer.BadParameter(f"{config}: {exc}", param_hint="--config") from None
    given: dict[str, Any] = {}
    for dotted, value in flags.items():
        if value is not None:
            _set(given, dotted, value)
    try:
        return RunOptions.model_validate(_merge(data, given))
    except OptionsError as exc:
        raise typer.BadParameter(exc.message) from None
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
        )
        raise typer.BadParameter(problems) from None
