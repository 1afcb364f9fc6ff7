"""The textlayer engine: QwenVL HTML from a PDF text layer, checked through the same
post-processing as model output against the fixture corpus' exact ground truth."""

from __future__ import annotations

import ast
import json
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pymupdf
import pytest
from lxml import html as lxml_html

from docparse.engines import create_engine
from docparse.engines.textlayer import TextLayerEngine, page_html
from docparse.engines.textlayer.headings import heading_levels
from docparse.engines.textlayer.html import model_box
from docparse.engines.textlayer.order import reading_order
from docparse.evaluate import layout_page, match_tables, tables_from_blocks
from docparse.render import render_file, render_pages
from postprocess import parse_reply
from schemas.blocks import Block, BlockKind
from schemas.engine import EngineRequest, FinishReason
from schemas.errors import EngineError, ErrorCode
from schemas.geometry import BBox, PageTransform, Unit
from schemas.options import RenderOptions
from schemas.page import RenderedPage
from schemas.textlayer import TextBlock, TextLayer, TextLine, TextSpan
from schemas.validation import Verdict

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "fixtures" / "corpus"
EXTRACT = RenderOptions(extract_text_layer=True)
#: Pages whose ground truth reads the right-hand invoice details before the "Bill to" block
#: beside them; the engine's column-aware order reads the left column first (the German and
#: Swiss invoices, with the same kind of header, have ground truth in that order).
GT_ORDER_DIFFERS = {"invoices/invoice_en_gbp", "invoices/facture_fr_eur"}


@dataclass(frozen=True)
class Case:
    doc_id: str
    path: str
    number: int
    page: RenderedPage
    reply_text: str
    pred: tuple[Block, ...]
    truth: tuple[Block, ...]
    truth_text: str  # the ground truth's blocks, in its reading order, as the PDF prints them


def _text_pdf(pages: int) -> bytes:
    """A PDF of ``pages`` pages, each with a heading and a paragraph."""
    doc = pymupdf.open()
    for number in range(pages):
        page = doc.new_page(width=400, height=500)
        page.insert_text((40, 60), f"Section {number + 1}", fontsize=16)
        page.insert_textbox(pymupdf.Rect(40, 80, 360, 200), "Plain running text. " * 12, fontsize=9)
    return doc.tobytes()


def _norm(text: str) -> str:
    return " ".join(text.split())


@cache
def _cases() -> tuple[Case, ...]:
    manifest = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
    cases: list[Case] = []
    engine = TextLayerEngine()
    for doc in (d for d in manifest["documents"] if d["born_digital"]):
        with pymupdf.open(CORPUS / doc["path"]) as pdf:
            for page in render_file(CORPUS / doc["path"], options=EXTRACT):
                assert isinstance(page, RenderedPage)
                (reply,) = engine.infer([EngineRequest(request_id=page.page_id, page=page)])
                assert reply.finish_reason is FinishReason.STOP, reply.error
                meta = doc["pages"][page.page_index]
                frame = PageTransform(
                    model_width=meta["width"], model_height=meta["height"],
                    page_width=meta["width"], page_height=meta["height"], unit=Unit.PT,
                )  # fmt: skip
                truth = parse_reply(
                    (CORPUS / meta["html"]).read_text(encoding="utf-8"), frame
                ).blocks
                printed = pdf[page.page_index]
                truth_text = _norm(
                    " ".join(printed.get_text("text", clip=b.bbox_page.as_tuple()) for b in truth)
                )
                pred = parse_reply(reply.text, page.transform, page_number=page.page_number).blocks
                cases.append(
                    Case(doc["id"], doc["path"], page.page_number, page, reply.text,
                         tuple(pred), tuple(truth), truth_text)
                )  # fmt: skip
    return tuple(cases)


def _case_ids() -> list[str]:
    manifest = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
    return [
        f"{d['id']}-p{p['page']}"
        for d in manifest["documents"]
        if d["born_digital"]
        for p in d["pages"]
    ]


CASE_IDS = _case_ids()


def _case(case_id: str) -> Case:
    return next(c for c in _cases() if f"{c.doc_id}-p{c.number}" == case_id)


def _pred_text(case: Case) -> str:
    return _norm(" ".join(b.text for b in case.pred))


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_reply_is_valid_qwenvl_html_that_post_processing_accepts_as_is(case_id: str) -> None:
    case = _case(case_id)
    assert case.reply_text.startswith("```html\n<html><body>\n") and case.reply_text.endswith(
        "</body></html>\n```"
    )
    parsed = parse_reply(case.reply_text, case.page.transform)
    assert parsed.report.verdict is Verdict.VALID and parsed.report.issues == []
    assert all(b.bbox_model is not None and b.bbox_page is not None for b in parsed.blocks)


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_text_reproduces_the_ground_truth_exactly(case_id: str) -> None:
    case = _case(case_id)
    pred = _pred_text(case)
    if case.doc_id not in GT_ORDER_DIFFERS:
        assert pred == case.truth_text
        return
    # Same characters; each ground-truth block verbatim, only the order of two blocks differs.
    assert len(pred) == len(case.truth_text) and Counter(pred.split()) == Counter(
        case.truth_text.split()
    )
    with pymupdf.open(CORPUS / case.path) as pdf:
        printed = pdf[case.number - 1]
        for block in case.truth:
            assert _norm(printed.get_text("text", clip=block.bbox_page.as_tuple())) in pred


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_words_are_the_text_layer_words_and_boxes_lie_on_the_page(case_id: str) -> None:
    case = _case(case_id)
    with pymupdf.open(CORPUS / case.path) as pdf:
        assert Counter(_pred_text(case).split()) == Counter(pdf[case.number - 1].get_text().split())
    frame = case.page.transform.page_frame
    assert all(frame.contains(b.bbox_page) for b in case.pred)


def test_tables_are_found_with_their_spans_and_score_full_teds() -> None:
    scores: list[float] = []
    for case in _cases():
        report = match_tables(tables_from_blocks(case.pred), tables_from_blocks(case.truth))
        assert report.unmatched_pred == [], case.doc_id
        scores += [pair.teds for pair in report.pairs]
        if case.doc_id.startswith(("invoices/", "tables/")):
            assert report.pairs, f"no table on {case.doc_id} p{case.number}"
        for pred, truth in zip(
            tables_from_blocks(case.pred), tables_from_blocks(case.truth), strict=True
        ):
            assert _spans(truth) <= _spans(pred), case.doc_id
    mean = sum(scores) / len(scores)
    print(f"\ntextlayer TEDS, {len(scores)} fixture tables: min {min(scores):.3f}, mean {mean:.3f}")
    assert len(scores) == 10 and min(scores) >= 0.99  # measured: 1.000 on every table


def _spans(table_html: str) -> Counter[tuple[str, str, str]]:
    table = lxml_html.fromstring(table_html)
    return Counter(
        (" ".join(cell.text_content().split()), cell.get("rowspan", "1"), cell.get("colspan", "1"))
        for cell in table.iter("td", "th")
        if cell.get("rowspan") or cell.get("colspan")
    )


def test_box_agreement_with_the_ground_truth() -> None:
    """Mean IoU of matched blocks (docparse.evaluate.layout_page, IoU >= 0.5, same kind with
    title/heading merged); GT boxes are tight ink boxes rounded outwards."""
    merge = {BlockKind.TITLE: BlockKind.HEADING}
    iou_sum = matched = n_true = 0.0
    lines = []
    for case in _cases():
        overall = layout_page(case.pred, case.truth, kind_map=merge).overall
        iou_sum, matched, n_true = (
            iou_sum + overall.iou_sum,
            matched + overall.matched,
            n_true + overall.n_true,
        )
        mean_iou = overall.iou_sum / overall.matched
        found = f"{overall.matched}/{overall.n_true}"
        lines.append(f"{case.doc_id} p{case.number}: mean IoU {mean_iou:.3f}, matched {found}")
        assert mean_iou >= 0.85, lines[-1]  # measured: 0.88 (form) .. 0.97
    print(
        "\n"
        + "\n".join(lines)
        + f"\nall pages: mean IoU {iou_sum / matched:.3f}, recall@0.5 {matched / n_true:.3f}"
    )
    assert iou_sum / matched >= 0.9 and matched / n_true >= 0.8  # measured: 0.93 and 0.90


def test_article_headings_are_h1_title_and_h2_sections() -> None:
    (case,) = [c for c in _cases() if c.doc_id == "report/two_column_article"]
    headings = [
        (b.tag, b.text) for b in case.pred if b.kind in (BlockKind.TITLE, BlockKind.HEADING)
    ]
    assert headings == [
        ("h1", "Reading Order in Two-Column Documents"),
        ("h2", "1 Introduction"), ("h2", "2 Method"), ("h2", "3 Data"),
        ("h2", "4 Results"), ("h2", "5 Conclusion"), ("h2", "References"),
    ]  # fmt: skip
    kinds = [b.kind for b in case.pred]
    assert kinds.count(BlockKind.IMAGE) == 1 and BlockKind.TABLE not in kinds


def test_scanned_page_gets_a_no_text_layer_error_naming_file_and_page() -> None:
    (scan,) = render_file(CORPUS / "scans/rechnung_de_eur_scan.jpg", options=EXTRACT)
    (reply,) = TextLayerEngine().infer([EngineRequest(request_id="scan#1", page=scan)])
    assert reply.finish_reason is FinishReason.ERROR and reply.text == ""
    assert reply.error is not None and reply.error.code is ErrorCode.NO_TEXT_LAYER
    assert (reply.error.file, reply.error.page) == (scan.source, 1)
    assert scan.source in reply.error.message and "page 1" in reply.error.message


def test_page_rendered_without_extraction_says_how_to_get_its_text_layer() -> None:
    pages = list(render_pages(_text_pdf(2), source="t.pdf", doc_id="t", options=RenderOptions()))
    replies = TextLayerEngine().infer(
        [EngineRequest(request_id=f"r{i}", page=p) for i, p in enumerate(pages)]
    )
    assert [r.request_id for r in replies] == ["r0", "r1"]
    assert all(r.error is not None and r.error.code is ErrorCode.NO_TEXT_LAYER for r in replies)
    assert (
        "extract_text_layer" in replies[1].error.message
        and "t.pdf page 2" in replies[1].error.message
    )


def test_batch_mixes_pages_in_order_with_stop_replies_and_no_tokens() -> None:
    pdf = list(render_pages(_text_pdf(2), source="m.pdf", doc_id="m", options=EXTRACT))
    (scan,) = render_file(CORPUS / "scans/two_column_article_scan.jpg", options=EXTRACT)
    requests = [
        EngineRequest(request_id=str(i), page=p, attempt=3)
        for i, p in enumerate([pdf[0], scan, pdf[1]])
    ]
    with create_engine("textlayer") as engine:
        replies = engine.infer(requests)
    assert [r.request_id for r in replies] == ["0", "1", "2"]
    assert [r.finish_reason for r in replies] == [
        FinishReason.STOP,
        FinishReason.ERROR,
        FinishReason.STOP,
    ]
    assert all(r.engine == "textlayer" and r.attempt == 3 and r.latency_s >= 0 for r in replies)
    assert all(r.prompt_tokens == r.output_tokens == 0 and r.endpoint is None for r in replies)


def test_registry_refuses_options_the_engine_does_not_have() -> None:
    with pytest.raises(EngineError, match="no options"):
        create_engine("textlayer", {"temperature": 0.2})


def test_text_is_html_escaped_and_survives_post_processing() -> None:
    doc = pymupdf.open()
    page = doc.new_page(width=300, height=200)
    page.insert_text((30, 50), "Fish & Chips <b>tasty</b>", fontsize=10)
    (rendered,) = render_pages(doc.tobytes(), source="e.pdf", doc_id="e", options=EXTRACT)
    (reply,) = TextLayerEngine().infer([EngineRequest(request_id="e", page=rendered)])
    assert "Fish &amp; Chips &lt;b&gt;tasty&lt;/b&gt;" in reply.text
    (block,) = parse_reply(reply.text, rendered.transform).blocks
    assert block.text == "Fish & Chips <b>tasty</b>"


def test_model_boxes_are_rounded_outwards_and_clamped_into_the_frame() -> None:
    transform = PageTransform(
        model_width=300, model_height=400, page_width=600, page_height=800, unit=Unit.PT
    )
    assert model_box(BBox(x1=10.9, y1=21.2, x2=31.1, y2=40.1), transform) == "5 10 16 21"
    assert model_box(BBox(x1=590, y1=790, x2=600, y2=800), transform) == "295 395 300 400"


def _block(
    text: str, box: tuple[float, float, float, float], size: float, bold: bool = False
) -> TextBlock:
    bbox = BBox(x1=box[0], y1=box[1], x2=box[2], y2=box[3])
    return TextBlock(
        lines=[TextLine(spans=[TextSpan(text=text, bbox=bbox, size=size, bold=bold)], bbox=bbox)],
        bbox=bbox,
    )


def test_heading_levels_follow_size_tiers_against_the_body_text() -> None:
    blocks = [
        _block("Annual Report", (50, 40, 300, 60), 20, bold=True),
        _block("Results", (50, 80, 120, 92), 13, bold=True),
        _block("Regional detail", (50, 100, 150, 111), 12, bold=True),
        _block("Slightly larger but regular", (50, 120, 200, 131), 12),
        _block("Bold body-size label", (50, 140, 200, 150), 10, bold=True),
        _block("1,234.50", (50, 160, 120, 180), 20, bold=True),
    ]
    assert heading_levels(blocks, 10.0) == [1, 2, 3, None, None, None]
    assert heading_levels(blocks[1:3], 10.0) == [2, 3]  # no title-sized text: no h1
    assert heading_levels(blocks, 0.0) == [None] * 6


def test_reading_order_reads_a_two_column_body_left_column_first() -> None:
    def box(x1: float, y1: float, x2: float, y2: float) -> BBox:
        return BBox(x1=x1, y1=y1, x2=x2, y2=y2)

    boxes = [
        box(300, 100, 540, 150),  # 0 right column, top
        box(50, 40, 540, 60),  # 1 title, full width
        box(50, 100, 280, 150),  # 2 left column, top
        box(50, 156, 280, 300),  # 3 left column, bottom
        box(300, 156, 540, 300),  # 4 right column, bottom: a 6-unit white band crosses both
        box(280, 760, 300, 770),  # 5 page number
    ]
    assert reading_order(boxes) == [1, 2, 3, 0, 4, 5]


def test_page_html_places_tables_and_images_among_the_text() -> None:
    case = next(c for c in _cases() if c.doc_id == "tables/spanned_headers")
    layer = case.page.text_layer
    assert layer is not None
    html = page_html(layer, case.page.transform)
    assert html.count("<table ") == 2 and '<th rowspan="2">Country</th>' in html
    assert '<th colspan="2">2023</th>' in html and '<td rowspan="3">Germany</td>' in html


def test_engine_modules_never_import_the_render_stage() -> None:
    for path in (ROOT / "docparse" / "engines" / "textlayer").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = [
            name
            for node in ast.walk(tree)
            for name in (
                [a.name for a in node.names] if isinstance(node, ast.Import)
                else [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            )
        ]  # fmt: skip
        assert not [n for n in imported if n.startswith("docparse.render")], path.name


def test_empty_text_layer_is_no_text_layer() -> None:
    (page,) = render_pages(_text_pdf(1), source="x.pdf", doc_id="x", options=EXTRACT)
    empty = page.model_copy(update={"text_layer": TextLayer(body_font_size=0.0)})
    (reply,) = TextLayerEngine().infer([EngineRequest(request_id="x", page=empty)])
    assert reply.error is not None and reply.error.code is ErrorCode.NO_TEXT_LAYER
