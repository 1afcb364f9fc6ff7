"""Shared builders for the metric tests: blocks are built directly, no parser involved."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from schemas.blocks import Block, BlockKind
from schemas.geometry import BBox


def make_block(
    index: int,
    text: str = "",
    *,
    kind: BlockKind = BlockKind.PARAGRAPH,
    box: tuple[float, float, float, float] | None = None,
    html: str = "",
    classes: list[str] | None = None,
) -> Block:
    return Block(
        id=f"doc/p1/b{index + 1}",
        index=index,
        kind=kind,
        tag="p",
        text=text,
        html=html,
        classes=classes or [],
        bbox_page=BBox(x1=box[0], y1=box[1], x2=box[2], y2=box[3]) if box else None,
    )


@pytest.fixture
def block() -> Callable[..., Block]:
    """Factory: ``block(index, text, kind=..., box=(x1, y1, x2, y2), html=..., classes=...)``."""
    return make_block


@pytest.fixture
def paragraphs() -> Callable[..., list[Block]]:
    """Factory: ``paragraphs("a", "b")`` -> paragraph blocks in that reading order."""
    return lambda *texts: [make_block(i, t) for i, t in enumerate(texts)]
