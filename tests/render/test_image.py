"""Scans: own pixels inside the budget, one resize outside it, EXIF frames, modes -> RGB."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image, ImageFile

from docparse.render import render_pages
from schemas.errors import ErrorCode, InputError
from schemas.geometry import Unit
from schemas.options import RenderOptions
from schemas.page import PageRenderFailure, RenderedPage, SourceKind
from schemas.resize import smart_resize

#: A smart_resize fixed point inside the default budget: 28 x 21 tiles of 28 px (460,992 px).
FIXED = (784, 588)


def _pages(data: bytes, options: RenderOptions | None = None) -> list[RenderedPage | PageRenderFailure]:
    opts = options or RenderOptions(encode_png=False)
    return list(render_pages(data, source="scan.bin", doc_id="scan", options=opts))


def test_fixed_size_is_a_smart_resize_fixed_point() -> None:
    assert smart_resize(FIXED[1], FIXED[0]) == (FIXED[1], FIXED[0])


def _one(data: bytes, options: RenderOptions | None = None) -> RenderedPage:
    (page,) = _pages(data, options)
    assert isinstance(page, RenderedPage), page
    return page


def _noise(size: tuple[int, int], mode: str = "RGB", seed: int = 0) -> Image.Image:
    bands = len(mode)
    values = np.random.default_rng(seed).integers(0, 256, (size[1], size[0], bands), dtype=np.uint8)
    return Image.fromarray(values if bands > 1 else values[..., 0])


@pytest.mark.parametrize(
    ("fmt", "save"),
    [("PNG", {}), ("BMP", {}), ("TIFF", {}), ("WEBP", {"lossless": True}), ("TIFF", {"compression": "tiff_lzw"})],
)
def test_image_inside_budget_keeps_its_pixels_byte_identical(make, fmt: str, save: dict) -> None:
    source = _noise(FIXED)
    page = _one(make.image_bytes(source, fmt, **save))
    assert page.image.data == source.tobytes()
    assert (page.native_width, page.native_height) == FIXED
    t = page.transform
    assert (t.model_width, t.model_height, t.page_width, t.page_height) == (*FIXED, *FIXED)
    assert t.unit is Unit.PX and t.rotation == 0 and page.source_kind is SourceKind.IMAGE
    assert page.has_text_layer is False


def test_jpeg_inside_budget_keeps_its_decoded_pixels(make) -> None:
    data = make.image_bytes(_noise(FIXED), "JPEG", quality=90)
    with Image.open(io.BytesIO(data)) as decoded:
        assert _one(data).image.data == decoded.convert("RGB").tobytes()


@pytest.mark.parametrize("size", [(4000, 3000), (1000, 700), (90, 50), (2481, 3508)])
def test_size_is_smart_resize_of_the_native_size(make, size: tuple[int, int]) -> None:
    page = _one(make.image_bytes(Image.new("RGB", size, (30, 60, 90)), "PNG"))
    h, w = smart_resize(size[1], size[0])
    assert (page.image.width, page.image.height) == (w, h)
    assert (page.native_width, page.native_height) == size
    assert (page.transform.page_width, page.transform.page_height) == size


def test_image_outside_budget_is_resized_once_from_the_source(make) -> None:
    source = _noise((1600, 1200), seed=3)  # 1.92 MP, over the default 1.6 MP budget
    page = _one(make.image_bytes(source, "PNG"))
    h, w = smart_resize(1200, 1600)
    assert (w, h) != source.size
    once = source.resize((w, h), Image.Resampling.LANCZOS, reducing_gap=3.0)
    assert page.image.data == once.tobytes()


def _store_with_orientation(displayed: Image.Image, orientation: int) -> bytes:
    """Save the pixels that a viewer turns into ``displayed`` when it applies ``orientation``."""
    undo = {3: Image.Transpose.ROTATE_180, 6: Image.Transpose.ROTATE_90, 8: Image.Transpose.ROTATE_270}
    exif = Image.Exif()
    exif[0x0112] = orientation
    buf = io.BytesIO()
    displayed.transpose(undo[orientation]).save(buf, "JPEG", quality=95, exif=exif.tobytes())
    return buf.getvalue()


@pytest.mark.parametrize(("orientation", "rotation"), [(6, 90), (8, 270), (3, 180)])
@pytest.mark.parametrize("displayed_size", [(900, 600), (2600, 1900)], ids=["resized", "downscaled"])
def test_exif_rotated_image_round_trips_a_box(make, orientation, rotation, displayed_size) -> None:
    box = (101, 153, 402, 298)  # displayed-image pixels, exclusive right/bottom
    displayed = Image.new("RGB", displayed_size, "white")
    displayed.paste((0, 0, 0), box)
    page = _one(_store_with_orientation(displayed, orientation))
    assert page.transform.rotation == rotation
    assert (page.transform.page_width, page.transform.page_height) == displayed_size
    h, w = smart_resize(displayed_size[1], displayed_size[0])
    assert (page.image.width, page.image.height) == (w, h)
    assert make.found_on_page(page).as_tuple() == pytest.approx(box, abs=1.0)


def test_every_page_of_a_multipage_tiff(make) -> None:
    colours = [(255, 0, 0), (0, 255, 0), (0, 0, 255)]
    sizes = [(672, 448), (300, 500), (1500, 1200)]
    frames = [Image.new("RGB", s, c) for s, c in zip(sizes, colours)]
    data = make.image_bytes(frames[0], "TIFF", save_all=True, append_images=frames[1:])
    pages = _pages(data)
    assert [p.page_index for p in pages] == [0, 1, 2]
    for page, size, colour in zip(pages, sizes, colours):
        assert isinstance(page, RenderedPage) and page.page_count == 3
        h, w = smart_resize(size[1], size[0])
        assert (page.image.width, page.image.height) == (w, h)
        assert tuple(make.pixels(page).reshape(-1, 3).mean(axis=0).round()) == colour


def test_gif_renders_its_first_frame_only(make) -> None:
    frames = [Image.new("RGB", (300, 200), c) for c in [(255, 0, 0), (0, 0, 255), (0, 255, 0)]]
    data = make.image_bytes(frames[0], "GIF", save_all=True, append_images=frames[1:])
    (page,) = _pages(data)
    assert page.page_count == 1
    colours = np.unique(make.pixels(page).reshape(-1, 3), axis=0)
    assert colours.tolist() == [[255, 0, 0]]


def test_cmyk_becomes_rgb(make) -> None:
    cmyk = Image.new("CMYK", FIXED, (0, 255, 255, 0))  # no cyan, full magenta + yellow: red
    for fmt in ("TIFF", "JPEG"):
        rgb = make.pixels(_one(make.image_bytes(cmyk, fmt)))
        assert np.abs(rgb.astype(int) - (255, 0, 0)).max() <= 3, fmt


def test_sixteen_bit_grey_is_scaled_not_clipped(make) -> None:
    ramp = (np.arange(FIXED[0] * FIXED[1], dtype=np.uint32) * 97 % 65536).astype(np.uint16)
    grey16 = Image.fromarray(ramp.reshape(FIXED[1], FIXED[0]))
    assert grey16.mode == "I;16"
    for fmt in ("PNG", "TIFF"):
        rgb = make.pixels(_one(make.image_bytes(grey16, fmt)))
        expected = np.round(ramp.reshape(FIXED[1], FIXED[0]) / 257).astype(np.uint8)
        assert np.array_equal(rgb[..., 0], expected) and np.array_equal(rgb[..., 2], expected), fmt


def test_palette_one_bit_and_grey_become_rgb(make) -> None:
    source = _noise(FIXED, seed=5)
    palette = source.quantize(16)
    assert _one(make.image_bytes(palette, "PNG")).image.data == palette.convert("RGB").tobytes()
    bits = source.convert("1")
    assert _one(make.image_bytes(bits, "PNG")).image.data == bits.convert("RGB").tobytes()
    grey = source.convert("L")
    rgb = make.pixels(_one(make.image_bytes(grey, "PNG")))
    assert np.array_equal(rgb[..., 1], np.asarray(grey))


def test_alpha_is_composited_onto_white(make) -> None:
    rgba = Image.new("RGBA", FIXED, (0, 0, 0, 0))
    rgba.paste((0, 0, 0, 255), (0, 0, 100, 100))  # opaque black
    rgba.paste((0, 0, 0, 128), (200, 0, 300, 100))  # half-transparent black
    rgb = make.pixels(_one(make.image_bytes(rgba, "PNG")))
    assert tuple(rgb[300, 300]) == (255, 255, 255)  # fully transparent -> white, not black
    assert tuple(rgb[50, 50]) == (0, 0, 0)
    assert abs(int(rgb[50, 250, 0]) - 127) <= 1
    la = rgba.convert("LA")
    assert tuple(make.pixels(_one(make.image_bytes(la, "PNG")))[300, 300]) == (255, 255, 255)


def test_palette_transparency_is_white(make) -> None:
    palette = Image.new("P", FIXED, 0)
    palette.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
    palette.paste(1, (0, 0, 50, 50))
    rgb = make.pixels(_one(make.image_bytes(palette, "PNG", transparency=0)))
    assert tuple(rgb[100, 100]) == (255, 255, 255) and tuple(rgb[10, 10]) == (255, 0, 0)


def test_aspect_ratio_over_200_is_a_page_error(make) -> None:
    (failure,) = _pages(make.image_bytes(Image.new("L", (2010, 10)), "PNG"))
    assert isinstance(failure, PageRenderFailure)
    assert failure.error.code is ErrorCode.ASPECT_RATIO and failure.error.file == "scan.bin"


def test_bomb_is_refused_from_the_header_before_decoding(make, monkeypatch) -> None:
    def no_decoding(self: ImageFile.ImageFile) -> None:
        raise AssertionError("pixels were decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    data = make.image_bytes(Image.new("RGB", (200, 200)), "PNG")
    with pytest.raises(InputError) as caught:
        _pages(data, RenderOptions(max_source_pixels=10_000))
    assert caught.value.code is ErrorCode.DECOMPRESSION_BOMB


def test_pillows_own_bomb_error_is_typed(make) -> None:
    # 20000 x 10000 is under our default limit but over Pillow's hard limit (2 x MAX_IMAGE_PIXELS)
    assert 20_000 * 10_000 > 2 * Image.MAX_IMAGE_PIXELS
    with pytest.raises(InputError) as caught:
        _pages(make.png_header_only(20_000, 10_000))
    assert caught.value.code is ErrorCode.DECOMPRESSION_BOMB


def test_oversized_later_tiff_frame_is_a_page_error(make) -> None:
    frames = [Image.new("L", (100, 100)), Image.new("L", (300, 300)), Image.new("L", (100, 100))]
    data = make.image_bytes(frames[0], "TIFF", save_all=True, append_images=frames[1:])
    first, bomb, last = _pages(data, RenderOptions(max_source_pixels=50_000))
    assert isinstance(first, RenderedPage) and isinstance(last, RenderedPage)
    assert isinstance(bomb, PageRenderFailure)
    assert (bomb.error.code, bomb.error.page) == (ErrorCode.DECOMPRESSION_BOMB, 2)


def test_corrupt_images_are_typed_errors(make) -> None:
    good = make.image_bytes(_noise(FIXED), "PNG")
    (truncated,) = _pages(good[: len(good) // 2])  # header fine, pixel data cut
    assert isinstance(truncated, PageRenderFailure)
    assert (truncated.error.code, truncated.error.page) == (ErrorCode.CORRUPT_IMAGE, 1)
    with pytest.raises(InputError) as caught:
        _pages(good[:8] + b"\x00" * 64)  # PNG signature, no valid header
    assert caught.value.code is ErrorCode.CORRUPT_IMAGE and caught.value.file == "scan.bin"
