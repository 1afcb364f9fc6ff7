"""The data contract: geometry, options, statuses, errors and engine spec behave as documented."""

from __future__ import annotations

import json
import pickle

import pytest
from pydantic import ValidationError

from schemas import (
    SCHEMAS,
    BBox,
    Block,
    BlockKind,
    DocumentResult,
    ErrorCode,
    ErrorRecord,
    Frame,
    ImageEncoding,
    InputError,
    OptionsError,
    PageImage,
    PageResult,
    PageSelection,
    PageSource,
    PageTransform,
    RenderedPage,
    RenderOptions,
    Severity,
    SourceKind,
    Status,
    Unit,
    document_status,
)
from schemas.engine import DEFAULT_TEMPERATURE_LADDER, ModelSpec


def test_bbox_from_swapped_corners_is_normalised() -> None:
    box = BBox.from_corners(100, 80, 10, 20)
    assert box.as_tuple() == (10, 20, 100, 80)
    assert (box.width, box.height, box.area) == (90, 60, 5400)


def test_bbox_rejects_unordered_corners() -> None:
    with pytest.raises(ValidationError, match="out of order"):
        BBox(x1=10, y1=0, x2=5, y2=10)


def test_bbox_iou_known_values() -> None:
    a = BBox(x1=0, y1=0, x2=10, y2=10)
    b = BBox(x1=5, y1=0, x2=15, y2=10)
    assert a.iou(b) == pytest.approx(50 / 150)
    assert a.iou(BBox(x1=20, y1=20, x2=30, y2=30)) == 0.0
    assert a.iou(a) == 1.0


def test_frame_contains_and_clamp() -> None:
    frame = Frame(width=100, height=50, unit=Unit.PX)
    inside = BBox(x1=0, y1=0, x2=100, y2=50)
    over = BBox(x1=-1, y1=2, x2=101, y2=49)
    assert frame.contains(inside)
    assert not frame.contains(over)
    assert frame.contains(over, tolerance=1)
    assert frame.clamp(over).as_tuple() == (0, 2, 100, 49)


def test_transform_round_trip_and_scale() -> None:
    t = PageTransform(
        model_width=1008, model_height=1540, page_width=612, page_height=792, unit=Unit.PT
    )
    box = BBox(x1=310, y1=94, x2=658, y2=132)
    page = t.to_page(box)
    assert page.x1 == pytest.approx(310 * 612 / 1008)
    assert page.y2 == pytest.approx(132 * 792 / 1540)
    back = t.to_model(page)
    for got, want in zip(back.as_tuple(), box.as_tuple()):
        assert got == pytest.approx(want)
    assert t.model_frame.unit is Unit.PX and t.page_frame.unit is Unit.PT


@pytest.mark.parametrize(
    ("spec", "count", "expected"),
    [
        ("", 4, [0, 1, 2, 3]),
        ("1-3,7", 10, [0, 1, 2, 6]),
        ("2", 3, [1]),
        ("3-", 5, [2, 3, 4]),
        ("-2", 5, [0, 1]),
        ("2,2,1-2", 5, [0, 1]),
        ("4-9", 5, [3, 4]),
        ("7", 5, []),
    ],
)
def test_page_selection(spec: str, count: int, expected: list[int]) -> None:
    assert PageSelection(spec=spec).indices(count) == expected


@pytest.mark.parametrize("spec", ["a", "0", "3-1", "1-x", "1,,b"])
def test_bad_page_spec_is_a_typed_error(spec: str) -> None:
    with pytest.raises(OptionsError) as info:
        PageSelection.parse(spec)
    assert info.value.code is ErrorCode.INVALID_PAGE_SPEC
    assert spec in str(info.value)


def test_render_options_reject_inverted_budget() -> None:
    with pytest.raises(ValidationError, match="min_pixels"):
        RenderOptions(min_pixels=2_000_000, max_pixels=1_000_000)


def test_error_record_and_exception_name_file_and_page() -> None:
    err = InputError("file is empty", code=ErrorCode.EMPTY_FILE, file="in/a.pdf", page=3)
    rec = err.record()
    assert rec.code is ErrorCode.EMPTY_FILE and rec.file == "in/a.pdf" and rec.page == 3
    assert str(err) == "[empty_file] file is empty (in/a.pdf, page 3)"
    assert json.loads(rec.model_dump_json())["code"] == "empty_file"


def _page(status: Status, source: PageSource = PageSource.MODEL, **kw: object) -> PageResult:
    return PageResult(page_number=1, status=status, source=source, **kw)


def test_document_status_rules() -> None:
    err = ErrorRecord(code=ErrorCode.TRUNCATED, message="cut", severity=Severity.ERROR)
    assert document_status([_page(Status.OK)], []) is Status.OK
    assert document_status([], [err]) is Status.FAILED
    assert document_status([_page(Status.FAILED, errors=[err])], []) is Status.FAILED
    assert (
        document_status([_page(Status.OK), _page(Status.FAILED, errors=[err])], []) is Status.PARTIAL
    )
    assert document_status([_page(Status.OK, PageSource.TEXTLAYER_FALLBACK)], []) is Status.PARTIAL


def test_nothing_is_ok_that_recorded_an_error() -> None:
    err = ErrorRecord(code=ErrorCode.BAD_BBOX, message="bad box")
    with pytest.raises(ValidationError, match="cannot be ok"):
        PageResult(page_number=1, status=Status.OK, errors=[err])
    with pytest.raises(ValidationError, match="cannot be ok"):
        DocumentResult(
            doc_id="d", source="d.pdf", status=Status.OK, pages=[_page(Status.FAILED, errors=[err])]
        )
    warning = ErrorRecord(code=ErrorCode.BBOX_CLAMPED, message="clamped", severity=Severity.WARNING)
    assert PageResult(page_number=1, status=Status.OK, errors=[warning]).status is Status.OK


def test_raw_page_image_size_is_checked() -> None:
    PageImage(width=2, height=2, encoding=ImageEncoding.RAW, data=b"\0" * 12)
    with pytest.raises(ValidationError, match="raw RGB needs 12 bytes"):
        PageImage(width=2, height=2, encoding=ImageEncoding.RAW, data=b"\0" * 11)


def test_rendered_page_is_picklable_plain_data() -> None:
    page = RenderedPage(
        doc_id="doc",
        source="a.png",
        source_kind=SourceKind.IMAGE,
        page_index=2,
        page_count=3,
        transform=PageTransform(
            model_width=28, model_height=28, page_width=30, page_height=30, unit=Unit.PX
        ),
        image=PageImage(width=28, height=28, encoding=ImageEncoding.PNG, data=b"\x89PNG"),
        native_width=30,
        native_height=30,
    )
    clone = pickle.loads(pickle.dumps(page))
    assert clone == page and clone.page_number == 3 and clone.page_id == "doc/p3"


def test_model_spec_sampling_ladder() -> None:
    spec = ModelSpec()
    temps = [spec.sampling_for(n).temperature for n in range(1, spec.max_attempts + 1)]
    assert temps == list(DEFAULT_TEMPERATURE_LADDER)
    assert spec.sampling_for(1).repetition_penalty < spec.sampling_for(2).repetition_penalty
    assert spec.sampling_for(99).temperature == DEFAULT_TEMPERATURE_LADDER[-1]


def test_every_exported_schema_has_a_json_schema() -> None:
    for name, model in SCHEMAS.items():
        schema = model.model_json_schema()
        assert schema["type"] == "object", name
        assert schema["properties"], name


def test_block_kind_values_are_the_documented_set() -> None:
    assert {k.value for k in BlockKind} == {
        "title", "heading", "paragraph", "table", "image", "formula",
        "chart", "caption", "list", "address", "other",
    }  # fmt: skip
    block = Block(id="d/p1/b1", index=0, kind=BlockKind.HEADING, level=2, tag="h2")
    assert block.model_dump()["kind"] == "heading"
