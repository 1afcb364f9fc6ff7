"""``docparse render INPUT... -o DIR``: pages exactly as the model would receive them."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from docparse.cli.common import ExitCode, console, report_error
from docparse.cli.options import (
    MaxPixelsOpt,
    MinPixelsOpt,
    PagesOpt,
    PasswordOpt,
    render_options,
)
from docparse.render import PageRenderFailure, render_file
from docparse.storage import atomic_write_bytes, atomic_write_text
from schemas.errors import DocparseError
from schemas.options import RenderOptions
from schemas.page import ImageEncoding, RenderedPage


def _page_record(page: RenderedPage, image_name: str) -> dict[str, object]:
    t = page.transform
    return {
        "page": page.page_number,
        "image": image_name,
        "image_width": page.image.width,
        "image_height": page.image.height,
        "page_width": t.page_width,
        "page_height": t.page_height,
        "unit": t.unit.value,
        "rotation": t.rotation,
        "native_width": page.native_width,
        "native_height": page.native_height,
        "has_text_layer": page.has_text_layer,
    }


def _render_one(path: Path, dest: Path, options: RenderOptions) -> int:
    """Render one input into ``dest``; return the number of failures (file or pages)."""
    pages: list[dict[str, object]] = []
    errors: list[dict[str, object]] = []
    try:
        for item in render_file(path, options=options):
            if isinstance(item, PageRenderFailure):
                report_error(item.error)
                errors.append(item.error.model_dump(mode="json"))
                continue
            name = f"page-{item.page_number:04d}.png"
            if item.image.encoding is not ImageEncoding.PNG:  # pragma: no cover - options force PNG
                raise RuntimeError("render CLI expects PNG-encoded pages")
            atomic_write_bytes(dest / name, item.image.data)
            pages.append(_page_record(item, name))
    except DocparseError as exc:
        report_error(exc)
        errors.append(exc.record().model_dump(mode="json"))
    if pages or not errors:
        body = {"source": str(path), "pages": pages, "errors": errors}
        atomic_write_text(dest / "pages.json", json.dumps(body, indent=2) + "\n")
        console.print(f"{path}: {len(pages)} page(s) -> {dest}")
    return len(errors)


def render(
    inputs: list[Path] = typer.Argument(..., help="PDF or image files (type detected by content)."),
    out: Path = typer.Option(..., "-o", "--out", help="Output folder."),
    min_pixels: int = MinPixelsOpt,
    max_pixels: int = MaxPixelsOpt,
    pages: str = PagesOpt,
    password: str = PasswordOpt,
) -> None:
    """Render pages to PNG at model-input size, plus pages.json with each page's frames.

    One input writes into OUT directly; several write into OUT/<file name>/ each. A bad file or
    page is reported (naming file and page) and the others still render; exit 1 if any failed.
    """
    # built before touching any file: bad options fail fast
    options = render_options(
        min_pixels=min_pixels, max_pixels=max_pixels, pages=pages, password=password
    )
    failures = 0
    for path in inputs:
        dest = out / path.name if len(inputs) > 1 else out
        failures += _render_one(path, dest, options)
    raise typer.Exit(ExitCode.FAILURES if failures else ExitCode.OK)
