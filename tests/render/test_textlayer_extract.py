"""The render stage reads a PDF page's text layer as data: every character once, tables with
their grids, spans and headers, figures, all in the displayed page frame (/Rotate applied)."""

from __future__ import annotations

import io
import json
import pickle
from collections import Counter
from functools import cache
from pathlib import Path

import numpy as np
import pymupdf
import pytest
from lxml import html as lxml_html
from PIL import Image

from docparse.render import render_file, render_pages, textlayer
from schemas.geometry import BBox
from schemas.options import RenderOptions
from schemas.page import RenderedPage
from schemas.textlayer import TableCell, TableRegion, TextLayer

CORPUS = Path(__file__).resolve().parents[2] / "fixtures" / "corpus"
EXTRACT = RenderOptions(extract_text_layer=True)


@cache
def _manifest() -> dict:
    return json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))


def _born_digital() -> list[dict]:
    return [d for d in _manifest()["documents"] if d["born_digital"]]


@cache
def _rendered(path: str) -> tuple[RenderedPage, ...]:
    pages = tuple(render_file(CORPUS / path, options=EXTRACT))
    assert all(isinstance(p, RenderedPage) for p in pages)
    return pages


def _layer(path: str, number: int = 1) -> TextLayer:
    layer = _rendered(path)[number - 1].text_layer
    assert layer is not None
    return layer


def _gt_tables(html_path: str) -> list[lxml_html.HtmlElement]:
    return lxml_html.fromstring((CORPUS / html_path).read_text(encoding="utf-8")).findall(
        ".//table"
    )


def _gt_box(table: lxml_html.HtmlElement) -> BBox:
    return BBox(
        **dict(
            zip(("x1", "y1", "x2", "y2"), map(float, table.get("data-bbox").split()), strict=True)
        )
    )


def _layer_words(layer: TextLayer) -> Counter[str]:
    texts = [b.text for b in layer.blocks] + [c.text for t in layer.tables for c in t.cells]
    return Counter(word for text in texts for word in text.split())


PAGES = [(d["path"], p["page"]) for d in _born_digital() for p in d["pages"]]
INVOICES = [d for d in _born_digital() if d["kind"] == "invoice"]


@pytest.mark.parametrize(("path", "number"), PAGES)
def test_every_word_lands_once_in_text_or_a_table_cell(path: str, number: int) -> None:
    with pymupdf.open(CORPUS / path) as doc:
        expected = Counter(doc[number - 1].get_text().split())
    assert _layer_words(_layer(path, number)) == expected


@pytest.mark.parametrize(("path", "number"), PAGES)
def test_every_box_lies_inside_the_displayed_page(path: str, number: int) -> None:
    page = _rendered(path)[number - 1]
    frame = page.transform.page_frame
    layer = _layer(path, number)
    boxes = [b.bbox for b in layer.blocks]
    boxes += [line.bbox for b in layer.blocks for line in b.lines]
    boxes += [span.bbox for b in layer.blocks for line in b.lines for span in line.spans]
    boxes += [t.bbox for t in layer.tables] + [i.bbox for i in layer.images]
    boxes += [c.bbox for t in layer.tables for c in t.cells if c.bbox is not None]
    assert boxes and all(frame.contains(box, tolerance=1e-6) for box in boxes)
    assert layer.body_font_size > 0


@pytest.mark.parametrize("doc", INVOICES, ids=lambda d: d["id"])
def test_invoice_line_items_are_one_table_without_the_totals(doc: dict) -> None:
    layer = _layer(doc["path"])
    (table,) = layer.tables
    (gt,) = _gt_tables(doc["pages"][0]["html"])
    items = json.loads((CORPUS / doc["ground_truth"]["invoice"]).read_text(encoding="utf-8"))[
        "line_items"
    ]
    assert table.n_rows == 1 + len(items) and table.header_rows == 1
    assert [c.text for c in table.cells if c.header] == [th.text_content() for th in gt.iter("th")]
    assert items[0]["description"] in [c.text for c in table.cells if c.row == 1]
    assert table.bbox.iou(_gt_box(gt)) > 0.95
    assert not any("Total" in c.text or "Subtotal" in c.text for c in table.cells)


def _spans(table: TableRegion) -> Counter[tuple[str, int, int]]:
    return Counter(
        (c.text, c.row_span, c.col_span) for c in table.cells if c.row_span > 1 or c.col_span > 1
    )


def _gt_spans(table: lxml_html.HtmlElement) -> Counter[tuple[str, int, int]]:
    return Counter(
        (cell.text_content(), int(cell.get("rowspan", 1)), int(cell.get("colspan", 1)))
        for cell in table.iter("td", "th")
        if cell.get("rowspan") or cell.get("colspan")
    )


def test_spanned_headers_keep_every_row_and_column_span() -> None:
    layer = _layer("tables/spanned_headers.pdf")
    gts = _gt_tables("tables/spanned_headers.gt/page-0001.html")
    assert len(layer.tables) == len(gts) == 2
    for table, gt in zip(sorted(layer.tables, key=lambda t: t.bbox.y1), gts, strict=True):
        assert _spans(table) == _gt_spans(gt)
        assert table.header_rows == len(gt.find("thead").findall("tr"))
        assert sum(c.header for c in table.cells) == len(list(gt.iter("th")))
        assert table.bbox.iou(_gt_box(gt)) > 0.95


@pytest.mark.parametrize("number", [1, 2, 3])
def test_multipage_table_is_found_on_every_page_with_its_repeated_header(number: int) -> None:
    (table,) = _layer("tables/inventory_multipage.pdf", number).tables
    (gt,) = _gt_tables(f"tables/inventory_multipage.gt/page-000{number}.html")
    assert (table.n_rows, table.n_cols, table.header_rows) == (len(list(gt.iter("tr"))), 6, 1)
    assert [c.text for c in table.cells if c.header] == [th.text_content() for th in gt.iter("th")]


def test_form_keeps_fill_in_lines_as_text_and_finds_its_label_value_table() -> None:
    layer = _layer("forms/parking_permit_application.pdf")
    (table,) = layer.tables
    assert (table.n_rows, table.n_cols, table.header_rows) == (5, 2, 0)
    assert any(b.text == "Full name: Renée Kowalski-Brandt" for b in layer.blocks)
    assert layer.images == []  # boxed fields are frames, not figures


def test_article_figure_is_a_vector_image_and_its_columns_are_not_tables() -> None:
    layer = _layer("report/two_column_article.pdf")
    assert layer.tables == []
    (image,) = layer.images
    assert image.vector and image.bbox.iou(BBox(x1=306, y1=183, x2=542, y2=335)) > 0.95
    header = [b.text for b in layer.blocks if b.bbox.y2 < 50]
    assert header == ["Technical Report DA-2025-03", "March 2025"]  # a wide same-row gap splits


def test_text_layer_is_extracted_only_when_asked_and_only_for_pdf_text(make) -> None:
    data = make.text_pdf_bytes(1)
    (plain,) = render_pages(data, source="a.pdf", doc_id="a", options=RenderOptions())
    (asked,) = render_pages(data, source="a.pdf", doc_id="a", options=EXTRACT)
    (blank,) = render_pages(
        make.pdf_bytes(text=False, box=(10, 10, 50, 50)),
        source="b.pdf",
        doc_id="b",
        options=EXTRACT,
    )
    (scan,) = render_file(CORPUS / "scans/rechnung_de_eur_scan.jpg", options=EXTRACT)
    assert plain.text_layer is None and plain.has_text_layer
    assert asked.text_layer is not None and asked.text_layer.blocks
    assert blank.text_layer is None and not blank.has_text_layer
    assert scan.text_layer is None


def test_text_layer_travels_as_plain_data() -> None:
    page = _rendered("tables/spanned_headers.pdf")[0]
    assert pickle.loads(pickle.dumps(page)) == page
    assert page.text_layer is not None
    assert TextLayer.model_validate_json(page.text_layer.model_dump_json()) == page.text_layer


def _chart_pdf(rotation: int) -> bytes:
    """A title, a paragraph, a ruled 4 x 3 table and a bar chart; ``/Rotate rotation``."""
    doc = pymupdf.open()
    page = doc.new_page(width=420, height=595)
    page.insert_text((40, 60), "Rotated Report Title", fontsize=18)
    page.insert_textbox(pymupdf.Rect(40, 80, 380, 140), "Body text " * 30, fontsize=9)
    for r in range(4):
        for c in range(3):
            cell = pymupdf.Rect(40 + c * 100, 170 + r * 18, 140 + c * 100, 188 + r * 18)
            page.draw_rect(cell, color=(0, 0, 0), width=0.6)
            page.insert_text((cell.x0 + 4, cell.y1 - 5), f"cell {r}.{c}", fontsize=9)
    page.draw_line((50, 470), (200, 470))
    page.draw_line((50, 380), (50, 470))
    for i in range(4):
        page.draw_rect(
            pymupdf.Rect(60 + i * 30, 400 - i * 20, 80 + i * 30, 469),
            color=(0, 0, 0),
            fill=(0.3, 0.4, 0.8),
        )
    page.set_rotation(rotation)
    return doc.tobytes()


def _all_boxes(layer: TextLayer) -> list[BBox]:
    return (
        [b.bbox for b in layer.blocks]
        + [t.bbox for t in layer.tables]
        + [i.bbox for i in layer.images]
    )


@pytest.mark.parametrize("rotation", [90, 180, 270])
def test_rotated_page_boxes_are_in_the_displayed_frame(rotation: int, make) -> None:
    (page,) = render_pages(
        _chart_pdf(rotation),
        source="r.pdf",
        doc_id="r",
        options=RenderOptions(extract_text_layer=True, encode_png=False),
    )
    (upright,) = render_pages(_chart_pdf(0), source="u.pdf", doc_id="u", options=EXTRACT)
    layer, reference = page.text_layer, upright.text_layer
    assert layer is not None and reference is not None
    assert (len(layer.blocks), len(layer.tables), len(layer.images)) == (2, 1, 1)
    # The same content, read upright, mapped by the page's rotation matrix, gives the same boxes.
    with pymupdf.open(stream=_chart_pdf(rotation)) as doc:
        matrix = doc[0].rotation_matrix
    for box in _all_boxes(reference):
        moved = pymupdf.Rect(box.as_tuple()) * matrix
        expected = BBox(x1=moved.x0, y1=moved.y0, x2=moved.x1, y2=moved.y1)
        assert max(b.iou(expected) for b in _all_boxes(layer)) > 0.98
    # And against the pixels the model receives: every box holds ink, all ink lies in a box.
    rgb = make.pixels(page)
    dark = rgb.min(axis=2) < 160
    covered = np.zeros_like(dark)
    for box in _all_boxes(layer):
        m = page.transform.to_model(box)
        x1, y1, x2, y2 = int(m.x1), int(m.y1), int(np.ceil(m.x2)), int(np.ceil(m.y2))
        assert dark[y1:y2, x1:x2].any()
        covered[max(y1 - 2, 0) : y2 + 2, max(x1 - 2, 0) : x2 + 2] = True
    assert dark.any() and not (dark & ~covered).any()


def test_raster_figures_are_images_and_page_backgrounds_are_not() -> None:
    buf = io.BytesIO()
    Image.new("RGB", (60, 30), (200, 30, 30)).save(buf, "PNG")
    doc = pymupdf.open()
    page = doc.new_page(width=400, height=500)
    page.insert_image(page.rect, stream=buf.getvalue(), keep_proportion=False)  # a background
    page.insert_image(pymupdf.Rect(100, 200, 250, 275), stream=buf.getvalue())
    page.insert_text((100, 300), "Figure 2. A red rectangle.", fontsize=9)
    (rendered,) = render_pages(doc.tobytes(), source="i.pdf", doc_id="i", options=EXTRACT)
    layer = rendered.text_layer
    assert layer is not None
    (image,) = layer.images
    assert not image.vector and image.bbox == BBox(x1=100, y1=200, x2=250, y2=275)
    assert [b.text for b in layer.blocks] == ["Figure 2. A red rectangle."]


def test_table_region_rejects_overlapping_or_escaping_cells() -> None:
    box = BBox(x1=0, y1=0, x2=10, y2=10)
    with pytest.raises(ValueError, match="overlaps"):
        TableRegion(
            bbox=box,
            n_rows=2,
            n_cols=2,
            cells=[TableCell(row=0, col=0, row_span=2), TableCell(row=1, col=0)],
        )
    with pytest.raises(ValueError, match="leaves"):
        TableRegion(bbox=box, n_rows=2, n_cols=2, cells=[TableCell(row=0, col=1, col_span=2)])


def test_booktabs_table_gets_one_row_per_text_row_between_its_three_rules() -> None:
    doc = pymupdf.open()
    page = doc.new_page(width=400, height=300)
    for y, width in ((50, 1.0), (68, 0.5), (130, 1.0)):
        page.draw_line((40, y), (360, y), width=width)
    columns = (44, 160, 280)
    for x, head in zip(columns, ("City", "Stores", "Staff"), strict=True):
        page.insert_text((x, 63), head, fontsize=9, fontname="hebo")
    rows = (("Lisbon", "12", "140"), ("Porto", "7", "85"), ("Faro", "3", "31"))
    for i, row in enumerate(rows):
        for x, text in zip(columns, row, strict=True):
            page.insert_text((x, 84 + 18 * i), text, fontsize=9)
    page.insert_text((40, 160), "Stores and staff at the end of the year.", fontsize=9)
    (rendered,) = render_pages(doc.tobytes(), source="b.pdf", doc_id="b", options=EXTRACT)
    layer = rendered.text_layer
    assert layer is not None
    (table,) = layer.tables
    assert (table.n_rows, table.n_cols, table.header_rows) == (4, 3, 1)
    assert [[c.text for c in table.cells if c.row == r] for r in range(4)] == [
        ["City", "Stores", "Staff"],
        *[list(row) for row in rows],
    ]
    assert [b.text for b in layer.blocks] == ["Stores and staff at the end of the year."]


def test_a_failed_extraction_costs_the_text_layer_not_the_page(
    make, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(page: pymupdf.Page) -> TextLayer:
        raise ValueError("heuristic tripped")

    monkeypatch.setattr(textlayer, "extract_text_layer", broken)
    with caplog.at_level("WARNING", logger="docparse.render"):
        (page,) = render_pages(make.text_pdf_bytes(1), source="f.pdf", doc_id="f", options=EXTRACT)
    assert isinstance(page, RenderedPage) and page.has_text_layer and page.text_layer is None
    assert "f.pdf page 1: text layer extraction failed" in caplog.text
