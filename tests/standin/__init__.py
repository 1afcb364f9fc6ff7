"""Test doubles. :mod:`tests.standin.server` is a stand-in for a GPU model server (vLLM's
OpenAI-compatible HTTP API) answering from recorded replies, with fault injection.

Import from the submodules (``from tests.standin.server import StandinServer``); this package
imports nothing so that ``python -m tests.standin.server`` runs the module once.
"""
