"""Engines: page requests in, model replies out (see :mod:`docparse.engines.base`).

Importing this package is light: engines that need extras (aiohttp, vllm) are imported by their
registry factory, on ``create_engine(name, ...)``.
"""

from docparse.engines.base import AsyncEngine, Engine, error_reply
from docparse.engines.prompts import build_messages, image_data_url
from docparse.engines.registry import (
    EngineFactory,
    available_engines,
    create_engine,
    register_engine,
    unregister_engine,
)

__all__ = [
    "AsyncEngine",
    "Engine",
    "EngineFactory",
    "available_engines",
    "build_messages",
    "create_engine",
    "error_reply",
    "image_data_url",
    "register_engine",
    "unregister_engine",
]
