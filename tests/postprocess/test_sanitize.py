"""Sanitising: active content removed, unknown tags unwrapped, only QwenVL attributes kept."""

from __future__ import annotations

import pytest

from postprocess import parse_reply, sanitize_html
from postprocess.parse import parse_document
from postprocess.sanitize import is_unsafe_url, sanitize_tree
from schemas.errors import ErrorCode, Severity
from schemas.geometry import PageTransform
from schemas.validation import Verdict


def codes(html: str) -> list[ErrorCode]:
    root, _ = parse_document(html)
    assert root is not None
    return [issue.code for issue in sanitize_tree(root)]


@pytest.mark.parametrize(
    "unsafe",
    [
        "<script>alert(1)</script>",
        '<iframe src="https://evil.example"></iframe>',
        '<object data="x.swf"></object>',
        '<embed src="x.swf">',
        '<link rel="stylesheet" href="https://evil.example/x.css">',
        '<meta http-equiv="refresh" content="0;url=https://evil.example">',
        "<svg><script>alert(1)</script></svg>",
    ],
)
def test_active_elements_are_removed_with_their_content(unsafe: str) -> None:
    out = sanitize_html(f'<p data-bbox="1 2 3 4">keep</p>{unsafe}<p>after</p>')
    assert out == '<p data-bbox="1 2 3 4">keep</p><p>after</p>'
    assert codes(f"<p>keep</p>{unsafe}") == [ErrorCode.UNSAFE_CONTENT]


def test_event_handlers_are_removed() -> None:
    html = (
        '<html><body onload="steal()">'
        '<img data-bbox="1 2 3 4" onerror="x()" ONCLICK="y()"></body></html>'
    )
    assert sanitize_html(html) == '<html><body><img data-bbox="1 2 3 4"></body></html>'
    assert codes(html) == [ErrorCode.UNSAFE_CONTENT] * 3


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "  JaVaScRiPt:alert(1)",
        "java\tscript:alert(1)",
        "vbscript:msgbox",
        "data:text/html;base64,PHNjcmlwdD4=",
        "file:///etc/passwd",
    ],
)
def test_unsafe_urls_are_removed(url: str) -> None:
    assert is_unsafe_url(url)
    out = sanitize_html(f'<p><a href="{url}">link</a></p>')
    assert out == "<p><a>link</a></p>"


@pytest.mark.parametrize(
    "url",
    [
        "https://qwenlm.github.io",
        "http://x.org/a?b=c",
        "mailto:a@b.c",
        "/relative/path",
        "#anchor",
        "page.html",
    ],
)
def test_safe_links_are_kept(url: str) -> None:
    assert not is_unsafe_url(url)
    assert sanitize_html(f'<p><a href="{url}">link</a></p>') == f'<p><a href="{url}">link</a></p>'


def test_image_sources_never_survive() -> None:
    assert (
        sanitize_html('<img src="https://tracker.example/p.gif" data-bbox="1 2 3 4">')
        == '<img data-bbox="1 2 3 4">'
    )
    assert codes('<img src="data:image/png;base64,AAAA">') == [ErrorCode.UNSAFE_CONTENT]


def test_unknown_tags_are_unwrapped_keeping_text() -> None:
    html = (
        '<p data-bbox="1 2 3 4">a <font color="red">red</font> and '
        "<marquee>moving</marquee> <font>x</font></p>"
    )
    assert sanitize_html(html) == '<p data-bbox="1 2 3 4">a red and moving x</p>'
    root, _ = parse_document(html)
    assert root is not None
    issues = sanitize_tree(root)
    assert [(i.code, i.severity) for i in issues] == [(ErrorCode.UNKNOWN_TAG, Severity.WARNING)] * 2
    assert "<font> unwrapped (2x)" in issues[0].message
    assert issues[0].path == "/html/body/p/font[1]"


def test_unknown_tag_with_a_box_becomes_a_div() -> None:
    assert (
        sanitize_html('<section data-bbox="1 2 3 4" class="x"><p>t</p></section>')
        == '<div data-bbox="1 2 3 4" class="x"><p>t</p></div>'
    )


def test_qwenvl_attributes_kept_others_dropped() -> None:
    html = (
        '<div class="music sheet" format="abc notation" data-bbox="1 2 3 4" '
        'data-polygon="1 2 3 4 5 6" style="color:red" id="x" title="t">X:1</div>'
        '<table class="table1"><tr><td rowspan="2" colspan="3" width="9">c</td></tr></table>'
    )
    assert sanitize_html(html) == (
        '<div class="music sheet" format="abc notation" data-bbox="1 2 3 4" '
        'data-polygon="1 2 3 4 5 6">X:1</div>'
        '<table class="table1"><tr><td rowspan="2" colspan="3">c</td></tr></table>'
    )


def test_style_elements_dropped_silently() -> None:
    html = (
        "<html><head><style>.table1{border:1px}</style></head><body><style>td{}</style>"
        '<table class="table1"><tr><td>1</td></tr></table></body></html>'
    )
    assert (
        sanitize_html(html)
        == '<html><body><table class="table1"><tr><td>1</td></tr></table></body></html>'
    )
    assert codes(html) == []


def test_inline_formatting_and_math_survive() -> None:
    html = (
        "<p>H<sub>2</sub>O <b>b</b> <i>i</i> <em>e</em> <strong>s</strong> <u>u</u> "
        "x<sup>2</sup><br><code>c</code></p><math><mi>x</mi></math>"
    )
    assert sanitize_html(html) == html


def test_parse_reply_reports_and_removes_unsafe_content(square: PageTransform) -> None:
    reply = parse_reply(
        '```html\n<html><body onload="x()"><script>document.cookie</script>'
        '<p data-bbox="1 2 3 4"><a href="javascript:alert(1)">click</a></p></body></html>\n```',
        square,
    )
    assert reply.report.verdict is Verdict.REPAIRED
    assert [i.code for i in reply.report.issues] == [ErrorCode.UNSAFE_CONTENT] * 3
    assert (
        "script" not in reply.html and "javascript" not in reply.html and "onload" not in reply.html
    )
    assert reply.blocks[0].text == "click"
    assert reply.blocks[0].html == '<p data-bbox="1 2 3 4"><a>click</a></p>'
