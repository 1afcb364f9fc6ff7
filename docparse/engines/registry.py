"""Engines chosen by name: ``create_engine("openai", options)``, no if/elif chain on names.

A factory takes the engine's own options section (its pydantic model, a plain mapping that
validates into it, or None for defaults) and returns an :class:`~docparse.engines.base.Engine`.
Factories import their heavy dependencies (aiohttp, vllm) when called, never at registration, so
``import docparse.engines`` stays light.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pydantic import BaseModel

from docparse.engines.base import Engine
from schemas.errors import EngineError, ErrorCode

EngineOptionsInput = BaseModel | Mapping[str, Any] | None
EngineFactory = Callable[[EngineOptionsInput], Engine]

_REGISTRY: dict[str, EngineFactory] = {}


def register_engine(name: str, factory: EngineFactory, *, replace: bool = False) -> None:
    """Make ``factory`` available as ``name``. Re-registering a name needs ``replace=True``."""
    if not name or name != name.strip():
        raise ValueError(f"engine name must be non-empty without surrounding spaces: {name!r}")
    if name in _REGISTRY and not replace:
        raise ValueError(f"engine {name!r} is already registered (pass replace=True to override)")
    _REGISTRY[name] = factory


def unregister_engine(name: str) -> None:
    """Remove ``name`` from the registry (tests, plugins). Unknown names are ignored."""
    _REGISTRY.pop(name, None)


def available_engines() -> list[str]:
    """Registered engine names, sorted."""
    return sorted(_REGISTRY)


def create_engine(name: str, options: EngineOptionsInput = None) -> Engine:
    """Build the engine registered as ``name`` with its options section."""
    try:
        factory = _REGISTRY[name]
    except KeyError:
        raise EngineError(
            f"unknown engine {name!r}; available: {', '.join(available_engines()) or 'none'}",
            code=ErrorCode.ENGINE_ERROR,
        ) from None
    return factory(options)


def _openai_factory(options: EngineOptionsInput) -> Engine:
    from docparse.engines.openai import OpenAIEngine
    from docparse.engines.openai_options import OpenAIEngineOptions

    if options is None:
        return OpenAIEngine(OpenAIEngineOptions())
    if isinstance(options, OpenAIEngineOptions):
        return OpenAIEngine(options)
    data = options.model_dump() if isinstance(options, BaseModel) else dict(options)
    return OpenAIEngine(OpenAIEngineOptions.model_validate(data))


register_engine("openai", _openai_factory)


def _vllm_factory(options: EngineOptionsInput) -> Engine:
    # vllm (and torch) are imported only when a vllm engine starts, never at registry import.
    from docparse.engines.vllm import vllm_factory

    return vllm_factory(options)


register_engine("vllm", _vllm_factory)


def _textlayer_factory(options: EngineOptionsInput) -> Engine:
    from docparse.engines.textlayer import TextLayerEngine

    if options:  # None or an empty mapping: the engine has no options
        raise EngineError(
            f"the textlayer engine takes no options, got {options!r}", code=ErrorCode.ENGINE_ERROR
        )
    return TextLayerEngine()


register_engine("textlayer", _textlayer_factory)
