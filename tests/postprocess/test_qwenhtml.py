"""QwenVL HTML -> blocks: kinds, levels, text, tables with their style sibling, nesting."""

from __future__ import annotations

import pytest

from postprocess import parse_reply
from schemas.blocks import BlockKind
from schemas.errors import ErrorCode
from schemas.geometry import PageTransform
from schemas.validation import Verdict

BOX = 'data-bbox="10 20 300 400"'


def page(*elements: str) -> str:
    return "```html\n<html><body>\n" + " \n ".join(elements) + "\n</body></html>\n```"


@pytest.mark.parametrize(
    ("element", "kind", "level"),
    [
        (f"<h1 {BOX}>T</h1>", BlockKind.TITLE, 1),
        (f"<h2 {BOX}>H</h2>", BlockKind.HEADING, 2),
        (f"<h3 {BOX}>H</h3>", BlockKind.HEADING, 3),
        (f"<h6 {BOX}>H</h6>", BlockKind.HEADING, 6),
        (f"<p {BOX}>P</p>", BlockKind.PARAGRAPH, None),
        (f'<table {BOX} class="table1"><tr><td>1</td></tr></table>', BlockKind.TABLE, None),
        (f"<ul {BOX}><li>a</li></ul>", BlockKind.LIST, None),
        (f"<ol {BOX}><li>a</li></ol>", BlockKind.LIST, None),
        (f'<address class="author" {BOX}>A</address>', BlockKind.ADDRESS, None),
        (f'<div class="image" {BOX}><img {BOX}/></div>', BlockKind.IMAGE, None),
        (f'<div class="image ocr" {BOX}><img {BOX}/><p>STOP</p></div>', BlockKind.IMAGE, None),
        (f"<img {BOX}/>", BlockKind.IMAGE, None),
        (f'<div class="formula" {BOX}><img {BOX}/><div>$$x$$</div></div>', BlockKind.FORMULA, None),
        (
            f'<div class="chart" {BOX}><img {BOX}/><table><tr><td>1</td></tr></table></div>',
            BlockKind.CHART,
            None,
        ),
        (f'<div class="caption" {BOX}>Table 1</div>', BlockKind.CAPTION, None),
        (f'<div class="chemical formula" format="smile" {BOX}>CCO</div>', BlockKind.OTHER, None),
        (f'<div class="music sheet" format="abc notation" {BOX}>X:1</div>', BlockKind.OTHER, None),
        (f"<div {BOX}>plain div</div>", BlockKind.OTHER, None),
        (f"<a {BOX}>https://x.org</a>", BlockKind.PARAGRAPH, None),
    ],
)
def test_kinds(square: PageTransform, element: str, kind: BlockKind, level: int | None) -> None:
    reply = parse_reply(page(element), square)
    assert reply.report.verdict is Verdict.VALID, reply.report.issues
    (block,) = reply.blocks
    assert (block.kind, block.level) == (kind, level)


def test_texts_of_special_divs(square: PageTransform) -> None:
    reply = parse_reply(
        page(
            f'<div class="image ocr" {BOX}><img {BOX}/><p>STOP</p><p>NO ENTRY</p></div>',
            f'<div class="chemical formula" format="smile" {BOX}>CCO</div>',
            f'<div class="chart" {BOX}><img {BOX}/><table><tr><th>year</th><th>n</th></tr>'
            "<tr><td>2024</td><td>7</td></tr></table></div>",
            f"<ul {BOX}><li>one</li><li>two <b>bold</b></li></ul>",
            f"<p {BOX}>line<br>break</p>",
        ),
        square,
    )
    assert [b.text for b in reply.blocks] == [
        "STOP\nNO ENTRY",
        "CCO",
        "year\tn\n2024\t7",
        "one\ntwo bold",
        "line\nbreak",
    ]
    assert 'format="smile"' in reply.blocks[1].html


def test_table_with_style_sibling(square: PageTransform) -> None:
    reply = parse_reply(
        page(
            f"<p {BOX}>before</p>",
            "<style>.table1 { border-collapse: collapse; } td { border: 1px solid; }</style>"
            f'<table {BOX} class="table1"><caption>Table 2: results</caption>'
            '<thead><tr><th rowspan="2">model</th><th colspan="2">score</th></tr>'
            "<tr><th>a</th><th>b</th></tr></thead>"
            "<tbody><tr><td>Qwen</td><td>1.0</td><td> 2.0 </td></tr></tbody></table>",
            f"<p {BOX}>after</p>",
        ),
        square,
    )
    assert reply.report.verdict is Verdict.VALID, reply.report.issues
    assert [b.kind for b in reply.blocks] == [
        BlockKind.PARAGRAPH,
        BlockKind.TABLE,
        BlockKind.PARAGRAPH,
    ]
    table = reply.blocks[1]
    assert table.text == "Table 2: results\nmodel\tscore\na\tb\nQwen\t1.0\t2.0"
    assert table.html.startswith('<table data-bbox="10 20 300 400" class="table1"><caption>')
    assert '<th rowspan="2">model</th><th colspan="2">score</th>' in table.html
    assert "border" not in reply.html and "<style" not in reply.html
    assert all("border" not in b.text for b in reply.blocks)


def test_table_style_first_on_the_page(square: PageTransform) -> None:
    """A leading <style> is put in <head> by the parser: still no block, no text."""
    reply = parse_reply(
        "<html><body><style>td{border:1px}</style>"
        f'<table class="table1" {BOX}><tr><td>x</td></tr></table></body></html>',
        square,
    )
    assert [(b.kind, b.text) for b in reply.blocks] == [(BlockKind.TABLE, "x")]


def test_nested_boxes_belong_to_their_block(square: PageTransform) -> None:
    reply = parse_reply(
        page(f'<div class="image caption" {BOX}><img {BOX}/><p>A generated caption.</p></div>'),
        square,
    )
    (figure,) = reply.blocks
    assert (figure.kind, figure.text, figure.caption) == (
        BlockKind.IMAGE,
        "",
        "A generated caption.",
    )


def test_unboxed_wrappers_are_looked_through(square: PageTransform) -> None:
    reply = parse_reply(
        page(
            f'<div class="column"><p {BOX}>left</p><p {BOX}>more</p></div>', f"<p {BOX}>right</p>"
        ),
        square,
    )
    assert [b.text for b in reply.blocks] == ["left", "more", "right"]
    assert reply.report.verdict is Verdict.VALID


def test_unboxed_block_is_kept_with_a_warning(square: PageTransform) -> None:
    reply = parse_reply(page(f"<p {BOX}>a</p>", f"<p {BOX}>b</p>", "<p>no box</p>"), square)
    assert reply.report.verdict is Verdict.REPAIRED
    (issue,) = reply.report.issues
    assert (issue.code, issue.path) == (ErrorCode.MISSING_BBOX, "/html/body/p[3]")
    assert (reply.blocks[2].text, reply.blocks[2].bbox_model, reply.blocks[2].bbox_page) == (
        "no box",
        None,
        None,
    )


def test_text_whitespace_is_normalised(square: PageTransform) -> None:
    reply = parse_reply(
        page(f"<p {BOX}>  lots \n of\u00a0\u00a0 space\t here  $a  b$ </p>"), square
    )
    assert reply.blocks[0].text == "lots of space here $a b$"


def test_block_ids_follow_doc_and_page(square: PageTransform) -> None:
    reply = parse_reply(
        page(f"<p {BOX}>a</p>", f"<p {BOX}>b</p>"), square, doc_id="reports/q3", page_number=12
    )
    assert [b.id for b in reply.blocks] == ["reports/q3/p12/b1", "reports/q3/p12/b2"]
