"""Shared fixtures for the post-processing tests: the real example replies and page transforms."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from schemas.geometry import PageTransform, Unit

EXAMPLES_DIR = Path(__file__).resolve().parents[2] / "fixtures" / "qwenvl_examples"

#: Published model input size (W x H) of examples a and b.
AB_FRAME = (1008, 1540)
#: Examples c, d, e: size not published; a 28-multiple frame holding all their boxes
#: (see fixtures/qwenvl_examples/PROVENANCE.md).
CDE_FRAME = (2044, 2856)


def half_scale(width: int, height: int) -> PageTransform:
    """Model frame ``width`` x ``height`` px onto a page in points at exactly half the size."""
    return PageTransform(
        model_width=width,
        model_height=height,
        page_width=width / 2,
        page_height=height / 2,
        unit=Unit.PT,
    )


@pytest.fixture
def example() -> Callable[[str], str]:
    """Read an example reply by its letter (``"a"`` ... ``"e"``), exactly as stored."""

    def read(letter: str) -> str:
        (path,) = EXAMPLES_DIR.glob(f"{letter}_*.html")
        return path.read_bytes().decode("utf-8")

    return read


@pytest.fixture
def example_transform() -> Callable[[str], PageTransform]:
    """The transform used for an example: its model frame onto a half-size page in points."""

    def build(letter: str) -> PageTransform:
        return half_scale(*(AB_FRAME if letter in "ab" else CDE_FRAME))

    return build


@pytest.fixture
def square() -> PageTransform:
    """A 1000 x 1000 px model frame onto a 500 x 500 pt page."""
    return half_scale(1000, 1000)


@pytest.fixture
def examples_dir() -> Path:
    return EXAMPLES_DIR
