"""postprocess.merge: page and document HTML with every box in the page frame."""

from __future__ import annotations

import lxml.html
import pytest

from postprocess import format_bbox, parse_reply
from postprocess.merge import block_html, document_html, page_html
from schemas.blocks import Block, BlockKind
from schemas.geometry import BBox, PageTransform, Unit
from schemas.results import PageResult, Status
from tests.io.builders import TRANSFORM, example_reply, failed_page, parsed_page


def _boxes(markup: str) -> list[tuple[str, str]]:
    root = lxml.html.fromstring(markup)
    return [(el.tag, el.get("data-bbox")) for el in root.iter() if el.get("data-bbox")]


def test_page_html_has_every_box_in_the_page_frame() -> None:
    page = parsed_page("d", 1, example_reply("a"))
    markup = page_html(page)
    assert markup.startswith("<html><body>") and markup.rstrip().endswith("</body></html>")
    boxes = _boxes(markup)
    own = [format_bbox(b.bbox_page) for b in page.blocks if b.bbox_page is not None]
    assert [box for tag, box in boxes if tag != "img"] == own
    assert len(own) == len(page.blocks) == 9
    for _, box in boxes:  # inside 612 x 792 pt, at most 2 decimals
        x1, y1, x2, y2 = (float(v) for v in box.split())
        assert 0 <= x1 <= x2 <= 612 and 0 <= y1 <= y2 <= 792
        assert all(len(v.partition(".")[2]) <= 2 for v in box.split())
    # the title: model box 310 94 658 132 -> x * 612/1008, y * 792/1540
    assert boxes[0] == ("h2", "188.21 48.34 399.5 67.89")


def test_page_html_round_trips_as_qwenvl_html_in_the_page_frame() -> None:
    page = parsed_page("d", 1, example_reply("a"))
    identity = PageTransform(
        model_width=612, model_height=792, page_width=612, page_height=792, unit=Unit.PT
    )
    again = parse_reply(page_html(page), identity)
    assert again.report.usable and not again.report.errors
    assert [b.text for b in again.blocks] == [b.text for b in page.blocks]
    for before, after in zip(page.blocks, again.blocks, strict=True):
        assert before.bbox_page is not None and after.bbox_model is not None
        assert after.bbox_model.as_tuple() == pytest.approx(before.bbox_page.as_tuple(), abs=0.01)


def test_document_html_sections_in_page_order() -> None:
    pages = [parsed_page("d", 1, example_reply("a")), failed_page(2)]
    markup = document_html(list(reversed(pages)), title="a <b> & c")
    root = lxml.html.fromstring(markup)
    assert root.findtext(".//title") == "a <b> & c"
    sections = root.findall(".//section")
    assert [s.get("data-page") for s in sections] == ["1", "2"]
    assert [s.get("data-status") for s in sections] == ["ok", "failed"]
    assert (sections[0].get("data-page-width"), sections[0].get("data-page-height")) == (
        "612",
        "792",
    )
    assert sections[0].get("data-unit") == "pt"
    assert len(sections[0]) == 9 and len(sections[1]) == 0
    assert _boxes(lxml.html.tostring(sections[0], encoding="unicode")) == _boxes(
        page_html(pages[0])
    )


def test_a_box_that_was_outside_the_model_frame_is_removed() -> None:
    reply = (
        '<html><body><p data-bbox="10 10 5000 20">far off</p>'
        '<p data-bbox="0 0 504 770">ok</p></body></html>'
    )
    parsed = parse_reply(reply, TRANSFORM)
    far, ok = parsed.blocks
    assert far.bbox_page is None and ok.bbox_page is not None
    page = PageResult(page_number=1, status=Status.OK, transform=TRANSFORM, blocks=parsed.blocks)
    assert _boxes(page_html(page)) == [("p", "0 0 306 396")]
    assert "far off" in page_html(page)  # the text stays, only the wrong-frame box goes


def _image_block(html: str) -> Block:
    model = BBox(x1=100, y1=154, x2=504, y2=770)
    return Block(
        id="d/p1/b1",
        index=0,
        kind=BlockKind.IMAGE,
        tag="div",
        html=html,
        bbox_model=model,
        bbox_page=TRANSFORM.to_page(model).round(2),
    )


def test_nested_boxes_and_polygons_are_mapped_and_unsafe_markup_removed() -> None:
    block = _image_block(
        '<div class="image" data-bbox="100 154 504 770" onclick="steal()">'
        '<img data-bbox="200 308 1008 1540" data-polygon="0 0 1008 0 1008 1540">'
        "<script>alert(1)</script><p>caption</p></div>"
    )
    markup = block_html(block, TRANSFORM)
    assert "onclick" not in markup and "script" not in markup and "caption" in markup
    element = lxml.html.fromstring(markup)
    assert element.get("data-bbox") == "60.71 79.2 306 396"
    img = element.find("img")
    assert img is not None
    assert img.get("data-bbox") == "121.43 158.4 612 792"
    assert img.get("data-polygon") == "0 0 612 0 612 792"


def test_boxes_that_cannot_be_placed_are_dropped() -> None:
    block = _image_block(
        '<div class="image" data-bbox="100 154 504 770">'
        '<img data-bbox="not a box"><span data-bbox="0 0 9000 9000">x</span>'
        '<b data-polygon="1 2 3">y</b></div>'
    )
    element = lxml.html.fromstring(block_html(block, TRANSFORM))
    assert [el.get("data-bbox") for el in element.iter()] == [
        "60.71 79.2 306 396",
        None,
        None,
        None,
    ]
    assert element.find("b").get("data-polygon") is None
    # without a transform only the block's own (already mapped) box can be kept
    unmapped = lxml.html.fromstring(
        block_html(
            _image_block('<div data-bbox="100 154 504 770"><img data-bbox="1 2 3 4"></div>'), None
        )
    )
    assert [el.get("data-bbox") for el in unmapped.iter()] == ["60.71 79.2 306 396", None]
    assert block_html(_image_block(""), TRANSFORM) == ""
