"""PDF pages: one raster at the smart_resize size, exact frames, /Rotate, typed errors."""

from __future__ import annotations

import numpy as np
import pymupdf
import pytest

from docparse.render import open_document, render_pages
from schemas.errors import ErrorCode, InputError
from schemas.geometry import Unit
from schemas.options import RenderOptions
from schemas.page import PageRenderFailure, RenderedPage, SourceKind
from schemas.resize import smart_resize

BOX = (100.0, 150.0, 260.0, 300.0)  # unrotated page coordinates, points


def _pages(data: bytes, options: RenderOptions | None = None) -> list[RenderedPage | PageRenderFailure]:
    return list(render_pages(data, source="t.pdf", doc_id="t", options=options or RenderOptions()))


def _one(data: bytes, options: RenderOptions | None = None) -> RenderedPage:
    (page,) = _pages(data, options)
    assert isinstance(page, RenderedPage), page
    return page


class _PixmapSpy:
    """Wraps Page.get_pixmap, recording the size of every pixmap MuPDF makes."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.sizes: list[tuple[int, int]] = []
        original = pymupdf.Page.get_pixmap

        def spy(page: pymupdf.Page, *args: object, **kwargs: object) -> pymupdf.Pixmap:
            pix = original(page, *args, **kwargs)
            self.sizes.append((pix.width, pix.height))
            return pix

        monkeypatch.setattr(pymupdf.Page, "get_pixmap", spy)


@pytest.mark.parametrize("size", [(612, 792), (595.276, 841.89), (200, 90), (3000, 1200), (400.5, 300.5)])
def test_page_size_is_smart_resize_of_its_native_size(make, size: tuple[float, float]) -> None:
    page = _one(make.pdf_bytes([size]))
    native_w, native_h = round(size[0]), round(size[1])
    assert (page.native_width, page.native_height) == (native_w, native_h)
    h, w = smart_resize(native_h, native_w)
    assert (page.image.width, page.image.height) == (w, h)
    t = page.transform
    assert (t.model_width, t.model_height) == (w, h)
    assert (t.page_width, t.page_height) == pytest.approx(size, abs=1e-3)
    assert t.unit is Unit.PT and page.source_kind is SourceKind.PDF
    assert page.page_count == 1 and page.page_index == 0


def test_page_is_rasterised_once_at_the_target_size(make, monkeypatch: pytest.MonkeyPatch) -> None:
    data = make.text_pdf_bytes(1)
    spy = _PixmapSpy(monkeypatch)
    page = _one(data, RenderOptions(encode_png=False))
    target = (page.image.width, page.image.height)
    assert spy.sizes == [target]
    # the same pixels as one direct MuPDF raster with the per-axis scales: no second resample
    with pymupdf.open(stream=data, filetype="pdf") as doc:
        ref = doc[0].get_pixmap(
            matrix=pymupdf.Matrix(target[0] / doc[0].rect.width, target[1] / doc[0].rect.height),
            alpha=False,
        )
    assert (ref.width, ref.height) == target
    assert page.image.data == ref.samples


@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
def test_box_round_trips_through_the_model_frame_on_rotated_pages(make, rotation: int) -> None:
    page = _one(make.pdf_bytes([(612, 792)], box=BOX, text=False, rotation=rotation))
    assert page.transform.rotation == rotation
    with pymupdf.open(stream=make.pdf_bytes([(612, 792)], rotation=rotation), filetype="pdf") as doc:
        expected = pymupdf.Rect(*BOX) * doc[0].rotation_matrix  # displayed-page coordinates
    found = make.found_on_page(page)
    assert found.as_tuple() == pytest.approx(tuple(expected), abs=1.0)
    if rotation in (90, 270):
        assert (page.transform.page_width, page.transform.page_height) == (792, 612)


def test_cropbox_offset_and_rotation_map_to_the_displayed_page(make) -> None:
    doc = pymupdf.open(stream=make.pdf_bytes([(612, 792)], box=BOX, text=False), filetype="pdf")
    crop = pymupdf.Rect(50, 60, 500, 700)
    doc[0].set_cropbox(crop)
    doc[0].set_rotation(90)
    expected = (pymupdf.Rect(*BOX) - (crop.x0, crop.y0, crop.x0, crop.y0)) * doc[0].rotation_matrix
    page = _one(doc.tobytes())
    assert (page.transform.page_width, page.transform.page_height) == (640, 450)
    found = make.found_on_page(page)
    assert found.as_tuple() == pytest.approx(tuple(expected), abs=1.0)


def test_absurd_page_size_renders_within_budget_without_a_full_raster(make, monkeypatch) -> None:
    spy = _PixmapSpy(monkeypatch)
    box = (7000.0, 7000.0, 9000.0, 8000.0)
    options = RenderOptions()
    page = _one(make.pdf_bytes([(14_400, 14_400)], box=box, text=False), options)
    assert page.image.width * page.image.height <= options.max_pixels
    assert (page.image.height, page.image.width) == smart_resize(14_400, 14_400)
    assert spy.sizes == [(page.image.width, page.image.height)]  # never the 14400x14400 raster
    one_model_pixel = page.transform.sx
    found = make.found_on_page(page)
    assert found.as_tuple() == pytest.approx(box, abs=one_model_pixel)


def test_pixmap_one_pixel_too_wide_is_trimmed_at_the_exact_scale(make, monkeypatch) -> None:
    """At a 41272-pixel target MuPDF's float32 box rounding adds a column; the raster keeps the
    exact scale and the extra sliver beyond the page edge is cut off."""
    size = (10_021.0, 53.0)
    options = RenderOptions(min_pixels=9_000_000, max_pixels=10_000_000, encode_png=False)
    h, w = smart_resize(53, 10_021, min_pixels=options.min_pixels, max_pixels=options.max_pixels)
    spy = _PixmapSpy(monkeypatch)
    edge_bar = (size[0] - 20, 0.0, size[0], size[1])  # black up to the right page edge
    page = _one(make.pdf_bytes([size], box=edge_bar, text=False), options)
    assert spy.sizes == [(w + 1, h)], "this page size no longer triggers MuPDF's extra column"
    assert (page.image.width, page.image.height) == (w, h)
    rgb = make.pixels(page)
    assert rgb[:, -1].max() < 128  # the last kept column is page content, not the sliver
    found = make.found_on_page(page, rgb)
    assert found.as_tuple() == pytest.approx(edge_bar, abs=1.0)


def test_text_layer_is_detected(make) -> None:
    assert _one(make.pdf_bytes(text=True)).has_text_layer is True
    assert _one(make.pdf_bytes(box=BOX, text=False)).has_text_layer is False


def test_aspect_ratio_is_a_page_error_and_other_pages_render(make) -> None:
    data = make.pdf_bytes([(612, 792), (5, 1200), (300, 300)])
    first, bad, last = _pages(data)
    assert isinstance(first, RenderedPage) and isinstance(last, RenderedPage)
    assert isinstance(bad, PageRenderFailure)
    assert bad.error.code is ErrorCode.ASPECT_RATIO
    assert (bad.error.file, bad.error.page, bad.page_index, bad.page_count) == ("t.pdf", 2, 1, 3)


def _encrypted(make) -> bytes:
    doc = pymupdf.open(stream=make.pdf_bytes(), filetype="pdf")
    return doc.tobytes(encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="s3cret", owner_pw="owner")


def test_encrypted_pdf_without_password_suggests_one(make) -> None:
    with pytest.raises(InputError) as caught:
        _pages(_encrypted(make))
    assert caught.value.code is ErrorCode.ENCRYPTED_PDF
    assert "--password" in str(caught.value) and "t.pdf" in str(caught.value)


def test_wrong_password_and_right_password(make) -> None:
    with pytest.raises(InputError) as caught:
        _pages(_encrypted(make), RenderOptions(password="nope"))
    assert caught.value.code is ErrorCode.WRONG_PASSWORD
    page = _one(_encrypted(make), RenderOptions(password="s3cret"))
    assert page.has_text_layer


ZERO_PAGES = (
    b"%PDF-1.4\n1 0 obj <</Type/Catalog/Pages 2 0 R>> endobj\n"
    b"2 0 obj <</Type/Pages/Kids[]/Count 0>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n"
)


@pytest.mark.parametrize(
    "data",
    [ZERO_PAGES, b"%PDF-1.7\n", b"%PDF-1.4\n" + bytes(range(256)) * 8],
    ids=["zero-pages", "header-only", "garbage"],
)
def test_corrupt_pdfs_are_typed_errors(data: bytes) -> None:
    with pytest.raises(InputError) as caught:
        _pages(data)
    assert caught.value.code is ErrorCode.CORRUPT_PDF
    assert caught.value.file == "t.pdf"


def test_unrepairable_truncation_is_corrupt_and_repairable_one_renders_quietly(make, capfd) -> None:
    data = make.text_pdf_bytes(3)
    with pytest.raises(InputError) as caught:
        _pages(data[: len(data) // 5])
    assert caught.value.code is ErrorCode.CORRUPT_PDF
    cut = data[: len(data) - 200]  # xref and trailer gone: MuPDF rebuilds them
    with open_document(cut, source="cut.pdf", doc_id="cut", options=RenderOptions()) as doc:
        assert any("repair" in w for w in doc.warnings)
        assert doc.page_count == 3
    assert all(isinstance(p, RenderedPage) for p in _pages(cut))
    assert capfd.readouterr().err == ""  # MuPDF's warnings did not reach stderr


def test_raw_and_png_encodings_carry_the_same_pixels(make) -> None:
    data = make.text_pdf_bytes(1)
    raw = _one(data, RenderOptions(encode_png=False))
    png = _one(data, RenderOptions(encode_png=True))
    assert raw.image.encoding.value == "raw" and png.image.encoding.value == "png"
    assert png.image.data.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(raw.image.data) == raw.image.width * raw.image.height * 3
    assert np.array_equal(make.pixels(raw), make.pixels(png))


def test_mupdf_failure_on_one_page_is_render_failed_and_the_rest_render(make, monkeypatch) -> None:
    original = pymupdf.Document.load_page

    def flaky(doc: pymupdf.Document, index: int = 0) -> pymupdf.Page:
        if index == 1:
            raise pymupdf.FileDataError("cannot load object (simulated broken page)")
        return original(doc, index)

    monkeypatch.setattr(pymupdf.Document, "load_page", flaky)
    first, broken, last = _pages(make.pdf_bytes([(300, 400)] * 3))
    assert isinstance(first, RenderedPage) and isinstance(last, RenderedPage)
    assert isinstance(broken, PageRenderFailure)
    assert (broken.error.code, broken.error.file, broken.error.page) == (ErrorCode.RENDER_FAILED, "t.pdf", 2)
    assert "simulated broken page" in broken.error.message
