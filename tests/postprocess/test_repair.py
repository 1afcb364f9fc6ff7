"""Repairs: truncation judged from the text, safe parsing, and Qwen's layout idioms."""

from __future__ import annotations

import pytest

from postprocess import locate_html, parse_reply
from postprocess.parse import parse_document, serialize
from postprocess.qwenhtml import block_elements
from postprocess.repair import Ending, boxed_children, normalise_layout, reply_ending
from schemas.errors import ErrorCode, Severity
from schemas.geometry import PageTransform
from schemas.validation import Verdict


@pytest.mark.parametrize(
    ("reply", "ending"),
    [
        ('```html\n<html><body><p data-bbox="1 2 3 4">x</p></body></html>\n```', Ending.COMPLETE),
        ('<html><body><p data-bbox="1 2 3 4">x</p></body></html>', Ending.COMPLETE),
        ('<html><body><p data-bbox="1 2 3 4">x</p></body>', Ending.COMPLETE),
        ("<html><body></body></html>", Ending.COMPLETE),
        ('<p data-bbox="1 2 3 4">a fragment</p>', Ending.COMPLETE),
        (
            '<html><body><div class="image" data-bbox="1 2 3 4"><img data-bbox="1 2 3 4"/>',
            Ending.TRUNCATED,
        ),
        # an opening fence and no closing one: cut off, whatever the HTML looks like
        ('```html\n<html><body><p data-bbox="1 2 3 4">x</p></body></html>', Ending.TRUNCATED),
        ('```html\n<html><body><p data-bbox="1 2 3 4">cut in the mid', Ending.TRUNCATED),
        # unfenced: wrapper never closed, text cut, tag cut, element just opened
        ('<html><body><p data-bbox="1 2 3 4">x</p>', Ending.TRUNCATED),
        ('<p data-bbox="1 2 3 4">cut in the mid', Ending.TRUNCATED),
        ('<p data-bbox="1 2 3 4">x</p><p data-bbox="1 2', Ending.TRUNCATED),
        ('<p data-bbox="1 2 3 4">x</p><p data-bbox="1 2 3 4">', Ending.TRUNCATED),
        # the fence was closed, so the model stopped: end tags missing, not truncated
        ('```html\n<html><body><p data-bbox="1 2 3 4">x</p>\n```', Ending.UNCLOSED),
    ],
)
def test_reply_ending(reply: str, ending: Ending) -> None:
    assert reply_ending(locate_html(reply)) is ending


def test_truncated_reply_keeps_the_cut_text(square: PageTransform) -> None:
    reply = parse_reply(
        '```html\n<html><body>\n<p data-bbox="1 2 3 4">first</p>\n'
        '<p data-bbox="5 6 7 8">cut in the mi',
        square,
    )
    assert (reply.report.verdict, reply.report.truncated) == (Verdict.REPAIRED, True)
    assert [b.text for b in reply.blocks] == ["first", "cut in the mi"]
    (issue,) = reply.report.issues
    assert (issue.code, issue.severity, issue.path) == (
        ErrorCode.TRUNCATED,
        Severity.WARNING,
        "/html/body/p[2]",
    )


def test_tag_cut_in_half_is_dropped(square: PageTransform) -> None:
    reply = parse_reply('<html><body><p data-bbox="1 2 3 4">done</p> <p data-bbox="10 20 3', square)
    assert reply.report.truncated
    assert [b.text for b in reply.blocks] == ["done"]


def test_missing_end_tags_in_a_closed_fence_are_repaired_not_truncated(
    square: PageTransform,
) -> None:
    reply = parse_reply('```html\n<html><body><p data-bbox="1 2 3 4">x</p>\n```', square)
    assert (reply.report.verdict, reply.report.truncated) == (Verdict.REPAIRED, False)
    assert [i.code for i in reply.report.issues] == [ErrorCode.MALFORMED_HTML]


def test_entities_and_external_entities_are_never_resolved(square: PageTransform) -> None:
    xxe = (
        '<?xml version="1.0"?>'
        '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd"><!ENTITY i "INJECTED">]>'
        '<html><body><p data-bbox="1 2 3 4">&e; and &i;</p></body></html>'
    )
    reply = parse_reply(xxe, square)
    (block,) = reply.blocks
    assert block.text == "&e; and &i;"
    assert "root:" not in reply.html and "INJECTED" not in reply.html and "]>" not in reply.html
    assert [i.code for i in reply.report.issues] == [ErrorCode.UNSAFE_CONTENT]


def test_standard_html_entities_are_decoded(square: PageTransform) -> None:
    reply = parse_reply(
        '<html><body><p data-bbox="1 2 3 4">a &amp; b &lt; c&nbsp;d &#36;x&#36;</p></body></html>',
        square,
    )
    assert reply.blocks[0].text == "a & b < c d $x$"


def test_deep_nesting_is_bounded() -> None:
    root, _ = parse_document("<div>" * 10_000 + "x" + "</div>" * 10_000)
    assert root is not None
    assert sum(1 for _ in root.iter()) < 1_000  # libxml2's depth limit holds (huge_tree off)


def _layout(html: str) -> tuple[str, list[tuple[ErrorCode, Severity]]]:
    root, _ = parse_document(html)
    assert root is not None
    body = root.find("body")
    issues = normalise_layout(body)
    return serialize(body), [(i.code, i.severity) for i in issues]


def test_empty_boxed_paragraph_hands_its_box_on() -> None:
    html, issues = _layout(
        '<p data-bbox="1 2 3 4"></p> <address class="author"><p>Qwen Team</p></address> '
        '<p data-bbox="5 6 7 8">x</p>'
    )
    assert (
        html == '<body> <address class="author" data-bbox="1 2 3 4"><p>Qwen Team</p></address> '
        '<p data-bbox="5 6 7 8">x</p></body>'
    )
    assert issues == [(ErrorCode.ORPHAN_BBOX, Severity.INFO)]


def test_empty_boxed_paragraph_with_nothing_to_box_is_dropped() -> None:
    html, issues = _layout('<p data-bbox="1 2 3 4"></p><p data-bbox="5 6 7 8">x</p>')
    assert html == '<body><p data-bbox="5 6 7 8">x</p></body>'
    assert issues == [(ErrorCode.ORPHAN_BBOX, Severity.WARNING)]


def test_empty_boxed_image_is_not_a_donor() -> None:
    html, issues = _layout('<div class="image" data-bbox="1 2 3 4"></div><p>caption</p>')
    assert html == '<body><div class="image" data-bbox="1 2 3 4"></div><p>caption</p></body>'
    assert issues == []


def test_bare_separators_are_dropped() -> None:
    html, issues = _layout(
        '<p data-bbox="1 2 3 4">a</p> <p></p> <br> <hr> <p>  </p> <p data-bbox="5 6 7 8">b</p>'
    )
    assert html == '<body><p data-bbox="1 2 3 4">a</p>     <p data-bbox="5 6 7 8">b</p></body>'
    assert issues == []


def test_unboxed_image_div_takes_its_img_box() -> None:
    html, issues = _layout('<div class="image"><img data-bbox="1 2 3 4"></div>')
    assert (
        html
        == '<body><div class="image" data-bbox="1 2 3 4"><img data-bbox="1 2 3 4"></div></body>'
    )
    assert issues == [(ErrorCode.ORPHAN_BBOX, Severity.INFO)]


def test_loose_text_is_wrapped() -> None:
    html, issues = _layout('Intro text <p data-bbox="1 2 3 4">a</p> trailing words')
    assert (
        html
        == '<body>\n<p>Intro text</p>\n<p data-bbox="1 2 3 4">a</p>\n<p>trailing words</p>\n</body>'
    )
    assert issues == [(ErrorCode.TEXT_OUTSIDE_BLOCK, Severity.WARNING)] * 2


def test_wrappers_are_repaired_inside() -> None:
    html, _ = _layout(
        '<div class="column"><p data-bbox="1 2 3 4"></p><address>A</address><p></p></div>'
    )
    assert html == '<body><div class="column"><address data-bbox="1 2 3 4">A</address></div></body>'


@pytest.mark.parametrize(
    ("body", "plain"),
    [
        ('<p data-bbox="1 2 3 4">a</p>\n<h2 data-bbox="1 2 3 4">b</h2><!-- c -->', True),
        ('<p data-bbox="1 2 3 4">a</p>\n<div><p data-bbox="1 2 3 4">b</p></div>', False),
        ('<p data-bbox="1 2 3 4">a</p> loose text', False),
        ('<p data-bbox="1 2 3 4"></p><p>b</p>', False),
        ('loose <p data-bbox="1 2 3 4">a</p>', False),
    ],
)
def test_boxed_children_are_the_blocks_when_nothing_is_repaired(body: str, plain: bool) -> None:
    root, _ = parse_document(f"<html><body>{body}</body></html>")
    assert root is not None
    container = root.find("body")
    found = boxed_children(container)
    assert (found is not None) is plain
    if found is not None:
        assert normalise_layout(container) == []
        elements, boxes = found
        assert elements == block_elements(container)
        assert boxes == [el.get("data-bbox") for el in elements]
