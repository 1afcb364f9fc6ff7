"""Boxes against the model frame (clamp vs out of frame) and the mapping to the page frame."""

from __future__ import annotations

import pytest

from postprocess import fit_to_frame, parse_reply, to_page_box
from schemas.errors import ErrorCode, Severity
from schemas.geometry import BBox, Frame, PageTransform, Unit
from schemas.validation import Verdict

FRAME = Frame(width=1000, height=500, unit=Unit.PX)


def box(x1: float, y1: float, x2: float, y2: float) -> BBox:
    return BBox(x1=x1, y1=y1, x2=x2, y2=y2)


def test_inside_is_untouched() -> None:
    fit = fit_to_frame(box(0, 0, 1000, 500), FRAME, 0.02)
    assert (fit.box, fit.clamped, fit.outside) == (box(0, 0, 1000, 500), False, False)


@pytest.mark.parametrize(
    "overshoot",
    [box(-20, 0, 10, 10), box(0, 0, 1020, 10), box(0, -10, 10, 10), box(0, 0, 10, 510)],
)
def test_small_overshoot_is_clamped(overshoot: BBox) -> None:
    fit = fit_to_frame(overshoot, FRAME, 0.02)  # 2 %: 20 px across, 10 px down
    assert fit.clamped and not fit.outside
    assert FRAME.contains(fit.box)


@pytest.mark.parametrize(
    "outside",
    [
        box(-21, 0, 10, 10),
        box(0, 0, 1021, 10),
        box(0, -11, 10, 10),
        box(0, 0, 10, 511),
        box(1500, 600, 1600, 700),
    ],
)
def test_large_overshoot_is_outside(outside: BBox) -> None:
    fit = fit_to_frame(outside, FRAME, 0.02)
    assert fit.outside and not fit.clamped
    assert fit.box == outside


def test_zero_tolerance_refuses_any_overshoot() -> None:
    assert fit_to_frame(box(0, 0, 1000.5, 10), FRAME, 0.0).outside


def test_page_mapping_is_per_axis() -> None:
    transform = PageTransform(
        model_width=1008, model_height=1540, page_width=612, page_height=792, unit=Unit.PT
    )
    mapped = to_page_box(box(310, 94, 658, 132), transform)
    assert mapped == box(188.21, 48.34, 399.5, 67.89)  # 310*612/1008, 94*792/1540, ...
    assert to_page_box(box(0, 0, 1008, 1540), transform) == box(0, 0, 612, 792)


def test_parse_reply_maps_boxes_with_a_non_trivial_transform() -> None:
    transform = PageTransform(
        model_width=1000,
        model_height=500,
        page_width=250,
        page_height=1000,
        unit=Unit.PX,
        rotation=90,
    )
    reply = parse_reply('<html><body><p data-bbox="100 50 300 250">x</p></body></html>', transform)
    (block,) = reply.blocks
    assert block.bbox_model == box(100, 50, 300, 250)
    assert block.bbox_page == box(25, 100, 75, 500)
    assert '<p data-bbox="100 50 300 250">' in reply.html  # the HTML stays in the model frame


def test_clamped_box_is_a_warning_and_written_back(square: PageTransform) -> None:
    reply = parse_reply('<html><body><p data-bbox="-5 0 1010 20">x</p></body></html>', square)
    assert reply.report.verdict is Verdict.REPAIRED
    (issue,) = reply.report.issues
    assert (issue.code, issue.severity, issue.path) == (
        ErrorCode.BBOX_CLAMPED,
        Severity.WARNING,
        "/html/body/p",
    )
    assert reply.blocks[0].bbox_model == box(0, 0, 1000, 20)
    assert reply.blocks[0].bbox_page == box(0, 0, 500, 10)
    assert 'data-bbox="0 0 1000 20"' in reply.html


def test_out_of_frame_box_is_an_error(square: PageTransform) -> None:
    reply = parse_reply(
        '<html><body><p data-bbox="10 10 20 20">ok</p>'
        '<p data-bbox="10 10 1400 2000">x</p></body></html>',
        square,
    )
    assert reply.report.verdict is Verdict.INVALID
    (issue,) = reply.report.errors
    assert (issue.code, issue.path) == (ErrorCode.BBOX_OUT_OF_FRAME, "/html/body/p[2]")
    bad = reply.blocks[1]
    assert bad.bbox_model == box(10, 10, 1400, 2000)  # kept as read, for diagnosis
    assert bad.bbox_page is None  # never mapped onto the page


def test_swapped_corners_are_normalised(square: PageTransform) -> None:
    reply = parse_reply(
        '<html><body><div class="image" data-bbox="300,400,100,200">'
        '<img data-bbox="300,400,100,200"/></div></body></html>',
        square,
    )
    assert reply.report.verdict is Verdict.REPAIRED
    assert [i.code for i in reply.report.issues] == [ErrorCode.BBOX_SWAPPED]
    assert reply.blocks[0].bbox_model == box(100, 200, 300, 400)
    assert (
        reply.blocks[0].html
        == '<div class="image" data-bbox="100 200 300 400"><img data-bbox="100 200 300 400"></div>'
    )


def test_comma_boxes_are_valid(square: PageTransform) -> None:
    reply = parse_reply('<html><body><p data-bbox="1,2,3,4">x</p></body></html>', square)
    assert reply.report.verdict is Verdict.VALID
    assert reply.blocks[0].bbox_model == box(1, 2, 3, 4)


@pytest.mark.parametrize("value", ["", "1 2 3", "a b c d", "1 2 3 4 5"])
def test_unreadable_box_is_an_error_on_that_element(square: PageTransform, value: str) -> None:
    reply = parse_reply(
        f'<html><body><p data-bbox="1 2 3 4">a</p><h2 data-bbox="{value}">b</h2></body></html>',
        square,
    )
    assert reply.report.verdict is Verdict.INVALID
    (issue,) = reply.report.issues
    assert (issue.code, issue.severity, issue.path) == (
        ErrorCode.BAD_BBOX,
        Severity.ERROR,
        "/html/body/h2",
    )
    assert reply.blocks[1].bbox_model is None and reply.blocks[1].text == "b"
