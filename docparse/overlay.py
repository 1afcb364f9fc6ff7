"""Draw every block's box, labelled by kind, on the page image: what users check boxes with."""

from __future__ import annotations

import io
from collections.abc import Sequence

from PIL import Image, ImageDraw, ImageFont

from schemas.blocks import Block, BlockKind
from schemas.page import ImageEncoding, PageImage

#: One colour per kind, chosen to stay distinguishable on white paper.
KIND_COLOURS: dict[BlockKind, tuple[int, int, int]] = {
    BlockKind.TITLE: (214, 39, 40),
    BlockKind.HEADING: (255, 127, 14),
    BlockKind.PARAGRAPH: (31, 119, 180),
    BlockKind.TABLE: (44, 160, 44),
    BlockKind.IMAGE: (148, 103, 189),
    BlockKind.FORMULA: (227, 119, 194),
    BlockKind.CHART: (140, 86, 75),
    BlockKind.CAPTION: (23, 190, 207),
    BlockKind.LIST: (188, 189, 34),
    BlockKind.ADDRESS: (127, 127, 127),
    BlockKind.OTHER: (0, 0, 0),
}


def page_image_to_pil(image: PageImage) -> Image.Image:
    """Decode a rendered page's pixels (raw RGB or encoded) into an RGB Pillow image."""
    if image.encoding is ImageEncoding.RAW:
        return Image.frombytes("RGB", (image.width, image.height), image.data)
    with Image.open(io.BytesIO(image.data)) as im:
        return im.convert("RGB")


def _label(block: Block) -> str:
    kind = block.kind.value
    if block.level is not None:
        kind += f" h{block.level}"
    return f"{block.index + 1} {kind}"


def draw_blocks(page: Image.Image, blocks: Sequence[Block]) -> Image.Image:
    """Return a copy of ``page`` with each block's model-frame box outlined and labelled.

    Boxes must be in the pixel frame of ``page`` (``Block.bbox_model`` of a reply to this image).
    Blocks without a box are skipped: they have nothing to show.
    """
    out = page.convert("RGB").copy()
    canvas = Image.new("RGBA", out.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(canvas)
    # The size asked for: load_default is typed as either font class, and only FreeType has .size.
    font_size = max(12, out.height // 90)
    font = ImageFont.load_default(size=font_size)
    width = max(2, out.height // 600)
    for block in blocks:
        box = block.bbox_model
        if box is None:
            continue
        r, g, b = KIND_COLOURS[block.kind]
        xy = (box.x1, box.y1, box.x2, box.y2)
        draw.rectangle(xy, fill=(r, g, b, 40), outline=(r, g, b, 255), width=width)
        text = _label(block)
        tx, ty = box.x1, max(0.0, box.y1 - font_size - 4)
        left, top, right, bottom = draw.textbbox((tx, ty), text, font=font)
        draw.rectangle((left - 2, top - 2, right + 2, bottom + 2), fill=(r, g, b, 220))
        draw.text((tx, ty), text, fill=(255, 255, 255, 255), font=font)
    return Image.alpha_composite(out.convert("RGBA"), canvas).convert("RGB")
