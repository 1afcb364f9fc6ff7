"""CLI options shared by several commands, and their translation into the options tree."""

from __future__ import annotations

import typer
from pydantic import ValidationError

from schemas.errors import OptionsError
from schemas.options import PageSelection, RenderOptions
from schemas.resize import DEFAULT_MAX_PIXELS, DEFAULT_MIN_PIXELS

MinPixelsOpt = typer.Option(
    DEFAULT_MIN_PIXELS,
    "--min-pixels",
    help="smart_resize min_pixels (default 512*28*28).",
)
MaxPixelsOpt = typer.Option(
    DEFAULT_MAX_PIXELS,
    "--max-pixels",
    help="smart_resize max_pixels (default 2048*28*28).",
)
PagesOpt = typer.Option("", "--pages", help="Pages to take, 1-based: '1-3,7', '5-'. Default all.")
PasswordOpt = typer.Option(
    None,
    "--password",
    help="Password for encrypted PDFs.",
    envvar="DOCPARSE_PDF_PASSWORD",
)


def render_options(
    *,
    min_pixels: int,
    max_pixels: int,
    pages: str,
    password: str | None,
    encode_png: bool = True,
) -> RenderOptions:
    """Build RenderOptions from CLI values; bad values become a usage error naming the flag."""
    try:
        return RenderOptions(
            min_pixels=min_pixels,
            max_pixels=max_pixels,
            pages=PageSelection(spec=pages),
            password=password,
            encode_png=encode_png,
        )
    except OptionsError as exc:
        raise typer.BadParameter(exc.message, param_hint="--pages") from None
    except ValidationError as exc:
        msg = "; ".join(e["msg"] for e in exc.errors())
        raise typer.BadParameter(msg, param_hint="--min-pixels/--max-pixels") from None
