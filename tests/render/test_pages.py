"""The stage's API: detection, page selection, laziness, bounded memory, one result per file."""

from __future__ import annotations

import ast
import os
from pathlib import Path

import pymupdf
import pytest
from PIL import Image

import docparse.render as render
from docparse.render import (
    SourceFormat,
    count_pages,
    detect_format,
    detect_kind,
    render_file,
    render_pages,
)
from docparse.render.pdf import PdfDocument
from schemas.errors import DocparseError, ErrorCode, InputError
from schemas.options import PageSelection, RenderOptions
from schemas.page import PageRenderFailure, RenderedPage, SourceKind

RENDER_DIR = Path(render.__file__).parent


def _formats(make) -> dict[SourceFormat, bytes]:
    picture = Image.new("RGB", (40, 30), (10, 20, 30))
    return {
        SourceFormat.PDF: make.pdf_bytes(),
        SourceFormat.PNG: make.image_bytes(picture, "PNG"),
        SourceFormat.JPEG: make.image_bytes(picture, "JPEG"),
        SourceFormat.TIFF: make.image_bytes(picture, "TIFF"),
        SourceFormat.WEBP: make.image_bytes(picture, "WEBP"),
        SourceFormat.BMP: make.image_bytes(picture, "BMP"),
        SourceFormat.GIF: make.image_bytes(picture, "GIF"),
    }


def test_type_is_detected_by_content_not_by_name(make) -> None:
    for fmt, data in _formats(make).items():
        path = make.write("misleading.pdf" if fmt is not SourceFormat.PDF else "misleading.png", data)
        assert detect_format(path.read_bytes()) is fmt
        expected_kind = SourceKind.PDF if fmt is SourceFormat.PDF else SourceKind.IMAGE
        assert detect_kind(data) is expected_kind
        (page,) = render_file(path)
        assert isinstance(page, RenderedPage) and page.source_kind is expected_kind
    assert detect_format(b"\xef\xbb\xbfjunk\n%PDF-1.7\n") is SourceFormat.PDF  # header after junk


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", ErrorCode.EMPTY_FILE),
        (b"Just some notes, saved as report.pdf\n", ErrorCode.UNSUPPORTED_FORMAT),
        (b"BM but a text file, not a bitmap header....", ErrorCode.UNSUPPORTED_FORMAT),
        (b"PK\x03\x04 a zip file", ErrorCode.UNSUPPORTED_FORMAT),
    ],
)
def test_undetectable_content_is_a_typed_error(data: bytes, code: ErrorCode) -> None:
    with pytest.raises(InputError) as caught:
        detect_kind(data, source="notes.pdf")
    assert caught.value.code is code and caught.value.file == "notes.pdf"


def test_count_pages_reads_no_pixels(make) -> None:
    frames = [Image.new("L", (50, 50), v) for v in (0, 100, 200)]
    tiff = make.image_bytes(frames[0], "TIFF", save_all=True, append_images=frames[1:])
    gif = make.image_bytes(frames[0], "GIF", save_all=True, append_images=frames[1:])
    assert count_pages(make.pdf_bytes([(100, 100)] * 4), source="a.pdf") == 4
    assert count_pages(tiff, source="a.tif") == 3
    assert count_pages(gif, source="a.gif") == 1
    locked = pymupdf.open(stream=make.pdf_bytes(), filetype="pdf").tobytes(
        encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="pw", owner_pw="pw2"
    )
    with pytest.raises(InputError) as caught:
        count_pages(locked, source="locked.pdf")
    assert caught.value.code is ErrorCode.ENCRYPTED_PDF
    assert count_pages(locked, source="locked.pdf", options=RenderOptions(password="pw")) == 1


@pytest.mark.parametrize(
    ("spec", "expected"), [("", [0, 1, 2, 3, 4]), ("2,4-", [1, 3, 4]), ("3", [2]), ("4-9", [3, 4])]
)
def test_page_selection(make, spec: str, expected: list[int]) -> None:
    options = RenderOptions(pages=PageSelection(spec=spec))
    pages = list(render_pages(make.pdf_bytes([(200, 300)] * 5), source="s.pdf", doc_id="s", options=options))
    assert [p.page_index for p in pages] == expected
    assert all(isinstance(p, RenderedPage) and p.page_count == 5 for p in pages)


def test_selection_without_an_existing_page_is_out_of_range(make) -> None:
    options = RenderOptions(pages=PageSelection(spec="7-"))
    with pytest.raises(InputError) as caught:
        render_pages(make.pdf_bytes([(200, 300)] * 3), source="short.pdf", doc_id="s", options=options)
    assert caught.value.code is ErrorCode.PAGE_OUT_OF_RANGE
    assert caught.value.file == "short.pdf" and "3 page" in caught.value.message


def test_pages_render_lazily_one_at_a_time(make, monkeypatch) -> None:
    calls: list[int] = []
    original = PdfDocument.render_page

    def counting(self: PdfDocument, index: int) -> RenderedPage:
        calls.append(index)
        return original(self, index)

    monkeypatch.setattr(PdfDocument, "render_page", counting)
    pages = render_pages(make.pdf_bytes([(200, 300)] * 50), source="l.pdf", doc_id="l", options=RenderOptions())
    assert calls == []  # opened, nothing rendered yet
    next(pages)
    assert calls == [0]
    next(pages)
    assert calls == [0, 1]
    pages.close()


def _rss_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="needs Linux /proc for RSS")
def test_memory_stays_flat_over_a_thousand_page_pdf(make) -> None:
    doc = pymupdf.open()
    for number in range(1000):
        doc.new_page(width=612, height=792).insert_text((72, 72), f"page {number + 1}")
    data = doc.tobytes()
    options = RenderOptions(encode_png=False)
    start, peak, produced, count = _rss_bytes(), 0, 0, 0
    for page in render_pages(data, source="big.pdf", doc_id="big", options=options):
        assert isinstance(page, RenderedPage)
        produced += len(page.image.data)
        count += 1
        if count % 25 == 0:
            peak = max(peak, _rss_bytes() - start)
    assert count == 1000
    assert produced > 1_400_000_000  # ~1.45 MB raw per page: kept pages would show in RSS
    assert peak < 150_000_000, f"RSS grew by {peak / 1e6:.0f} MB"


def test_a_batch_with_bad_files_still_renders_the_good_ones(make, tmp_path: Path) -> None:
    """Every bad input gets its own code, naming the file; the good ones around it render."""
    good_pdf = make.pdf_bytes([(612, 792), (300, 400)])
    locked = pymupdf.open(stream=good_pdf, filetype="pdf").tobytes(
        encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="pw", owner_pw="pw2"
    )
    png = make.image_bytes(Image.new("RGB", (500, 400), "white"), "PNG")
    inputs: dict[str, tuple[bytes | None, RenderOptions]] = {
        "good.pdf": (good_pdf, RenderOptions()),
        "missing.pdf": (None, RenderOptions()),
        "empty.pdf": (b"", RenderOptions()),
        "notes.pdf": (b"meeting notes, not a PDF\n", RenderOptions()),
        "broken.pdf": (good_pdf[: len(good_pdf) // 5], RenderOptions()),
        "locked.pdf": (locked, RenderOptions()),
        "locked-wrong.pdf": (locked, RenderOptions(password="guess")),
        "good.png": (png, RenderOptions()),
        "truncated.png": (png[: len(png) // 2], RenderOptions()),
        "bomb.png": (make.png_header_only(60_000, 60_000), RenderOptions()),
        "tall.pdf": (make.pdf_bytes([(4, 1000), (612, 792)]), RenderOptions()),
        "locked-right.pdf": (locked, RenderOptions(password="pw")),
        "short.pdf": (good_pdf, RenderOptions(pages=PageSelection(spec="5"))),
    }
    outcomes: dict[str, list[str]] = {}
    for name, (data, options) in inputs.items():
        path = tmp_path / name
        if data is not None:
            path.write_bytes(data)
        try:
            results = list(render_file(path, options=options))
        except DocparseError as exc:
            assert exc.file == str(path), name
            outcomes[name] = [exc.code.value]
            continue
        for item in results:
            if isinstance(item, PageRenderFailure):
                assert item.error.file == str(path) and item.error.page == item.page_number
        outcomes[name] = [
            "ok" if isinstance(item, RenderedPage) else item.error.code.value for item in results
        ]
    assert outcomes == {
        "good.pdf": ["ok", "ok"],
        "missing.pdf": ["file_not_found"],
        "empty.pdf": ["empty_file"],
        "notes.pdf": ["unsupported_format"],
        "broken.pdf": ["corrupt_pdf"],
        "locked.pdf": ["encrypted_pdf"],
        "locked-wrong.pdf": ["wrong_password"],
        "good.png": ["ok"],
        "truncated.png": ["corrupt_image"],
        "bomb.png": ["decompression_bomb"],
        "tall.pdf": ["aspect_ratio", "ok"],
        "locked-right.pdf": ["ok", "ok"],
        "short.pdf": ["page_out_of_range"],
    }


def test_unreadable_path_is_read_failed(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        render_file(tmp_path)  # a directory
    assert caught.value.code is ErrorCode.READ_FAILED


def test_public_api_is_curated() -> None:
    assert sorted(render.__all__) == sorted(
        [
            "Document",
            "PageOutcome",
            "PageRenderFailure",
            "PageStream",
            "RenderedPage",
            "SourceFormat",
            "count_pages",
            "detect_format",
            "detect_kind",
            "open_document",
            "read_input",
            "render_file",
            "render_pages",
        ]
    )
    for name in render.__all__:
        assert getattr(render, name) is not None


def test_render_imports_only_schemas_and_itself() -> None:
    """Layer rule: docparse.render may import schemas and postprocess, nothing else of ours."""
    ours = {"schemas", "postprocess", "docparse", "pipelines"}
    for module in RENDER_DIR.glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text())):
            names = (
                [a.name for a in node.names] if isinstance(node, ast.Import)
                else [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            )
            for name in names:
                top = name.split(".")[0]
                if top in ours:
                    assert top in {"schemas", "postprocess"} or name.startswith("docparse.render"), (
                        f"{module.name} imports {name}"
                    )
