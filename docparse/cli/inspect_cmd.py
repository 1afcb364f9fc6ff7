"""``docparse inspect INPUT --html REPLY.html -o overlay.png``: boxes drawn on the page."""

from __future__ import annotations

import io
import math
from enum import Enum
from pathlib import Path

import typer

from docparse.cli.common import ExitCode, console, err_console, report_error
from docparse.cli.options import MaxPixelsOpt, MinPixelsOpt, PasswordOpt, render_options
from docparse.overlay import draw_blocks, page_image_to_pil
from docparse.render import PageRenderFailure, render_file
from docparse.storage import atomic_write_bytes
from postprocess import parse_reply
from schemas.blocks import Block
from schemas.errors import DocparseError
from schemas.geometry import PageTransform
from schemas.page import RenderedPage


class BoxFrame(str, Enum):
    MODEL = "model"
    PAGE = "page"


def _blocks_in_model_frame(
    text: str, page: RenderedPage, frame: BoxFrame
) -> tuple[list[Block], str]:
    """Parse the reply and return its blocks with boxes in the rendered image's pixels."""
    t = page.transform
    if frame is BoxFrame.MODEL:
        parsed = parse_reply(text, t, doc_id=page.doc_id, page_number=page.page_number)
        return parsed.blocks, parsed.report.verdict.value
    # Boxes are in the page frame (ground truth): validate them against the page's extent,
    # then map each into the model frame with the page's own transform.
    extent = PageTransform(
        model_width=math.ceil(t.page_width),
        model_height=math.ceil(t.page_height),
        page_width=math.ceil(t.page_width),
        page_height=math.ceil(t.page_height),
        unit=t.unit,
    )
    parsed = parse_reply(text, extent, doc_id=page.doc_id, page_number=page.page_number)
    blocks = [
        b.model_copy(update={"bbox_page": b.bbox_model, "bbox_model": t.to_model(b.bbox_model)})
        if b.bbox_model is not None
        else b
        for b in parsed.blocks
    ]
    return blocks, parsed.report.verdict.value


def inspect(
    input_file: Path = typer.Argument(
        ..., metavar="INPUT", help="The PDF or image the reply is for."
    ),
    html: Path = typer.Option(..., "--html", help="The model reply (QwenVL HTML) for that page."),
    page_number: int = typer.Option(1, "--page", min=1, help="1-based page number."),
    out: Path = typer.Option(..., "-o", "--out", help="Overlay PNG to write."),
    frame: BoxFrame = typer.Option(
        BoxFrame.MODEL,
        "--frame",
        help="Frame of the boxes: model (a reply) or page (ground truth).",
    ),
    min_pixels: int = MinPixelsOpt,
    max_pixels: int = MaxPixelsOpt,
    password: str = PasswordOpt,
) -> None:
    """Draw every block's box, labelled by kind, on the page image the model received."""
    options = render_options(
        min_pixels=min_pixels,
        max_pixels=max_pixels,
        pages=str(page_number),
        password=password,
    )
    try:
        text = html.read_text(encoding="utf-8", errors="replace")
        items = list(render_file(input_file, options=options))
    except OSError as exc:
        err_console.print(f"cannot read {html}: {exc.strerror or exc}")
        raise typer.Exit(ExitCode.USAGE) from None
    except DocparseError as exc:
        report_error(exc)
        raise typer.Exit(ExitCode.FAILURES) from None
    page = items[0] if items else None
    if page is None or isinstance(page, PageRenderFailure):
        report_error(page.error if page is not None else f"{input_file} has no page {page_number}")
        raise typer.Exit(ExitCode.FAILURES)
    blocks, verdict = _blocks_in_model_frame(text, page, frame)
    picture = draw_blocks(page_image_to_pil(page.image), blocks)
    buf = io.BytesIO()
    picture.save(buf, format="PNG")
    atomic_write_bytes(out, buf.getvalue())
    console.print(
        f"{out}: {sum(b.bbox_model is not None for b in blocks)} boxes on page {page_number} "
        f"of {input_file} ({page.image.width}x{page.image.height} px, reply {verdict})"
    )
