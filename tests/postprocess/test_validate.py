"""Whole-reply verdicts: what is QwenVL HTML, what is repaired, what is invalid."""

from __future__ import annotations

import pytest

from postprocess import parse_reply, validate_reply
from postprocess.validate import MAX_UNBOXED_SHARE, decide_verdict
from schemas.errors import ErrorCode, ErrorRecord, Severity
from schemas.geometry import PageTransform
from schemas.options import PostprocessOptions
from schemas.validation import Verdict

#: What Qwen answers to "parse the image into html": web HTML, CSS, no boxes.
PLAIN_HTML = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<title>Qwen2.5 Technical Report</title>
<style>
body { font-family: Arial, sans-serif; } .container { width: 80%; margin: auto; }
</style>
</head>
<body>
<div class="container">
<h1>Qwen2.5 Technical Report</h1>
<p>Qwen Team</p>
<h2>Abstract</h2>
<p>In this report, we introduce Qwen2.5.</p>
</div>
</body>
</html>"""


def only_error(reply_text: str, transform: PageTransform, **kwargs: object) -> ErrorRecord:
    reply = parse_reply(reply_text, transform, **kwargs)  # type: ignore[arg-type]
    assert reply.report.verdict is Verdict.INVALID
    (error,) = reply.report.errors
    return error


def test_plain_html_is_invalid(square: PageTransform) -> None:
    for text in (PLAIN_HTML, f"```html\n{PLAIN_HTML}\n```"):
        reply = parse_reply(text, square)
        assert reply.report.verdict is Verdict.INVALID
        assert [e.code for e in reply.report.errors] == [ErrorCode.PLAIN_HTML]
        assert reply.blocks == []
        assert "<style" not in reply.html and "<meta" not in reply.html  # sanitised all the same


@pytest.mark.parametrize("text", ["", "   \n\t ", "```html\n```", "```html\n   \n```"])
def test_empty_reply_is_invalid(square: PageTransform, text: str) -> None:
    assert only_error(text, square).code is ErrorCode.EMPTY_REPLY


@pytest.mark.parametrize(
    "text",
    [
        "I'm sorry, I can't read this image.",
        "# Qwen2.5 Technical Report\n\nQwen Team\n\n## Abstract",
        '[{"bbox_2d": [1, 2, 3, 4], "label": "title"}]',
        "```html\nThe page is blank.\n```",
        "if a < b and c > d then",
    ],
)
def test_prose_is_not_qwenvl_html(square: PageTransform, text: str) -> None:
    error = only_error(text, square)
    assert error.code is ErrorCode.NOT_QWENVL_HTML
    assert parse_reply(text, square).blocks == []


def test_huge_reply_is_refused_before_parsing(square: PageTransform) -> None:
    options = PostprocessOptions(max_reply_bytes=1_000)
    boxed = '<p data-bbox="1 2 3 4">x</p>'
    fits = f"<html><body>{boxed * 30}</body></html>"
    assert len(fits.encode()) <= 1_000
    assert parse_reply(fits, square, options=options).report.verdict is Verdict.VALID
    huge = f"<html><body>{boxed * 100}</body></html>"
    error = only_error(huge, square, options=options)
    assert error.code is ErrorCode.REPLY_TOO_LARGE
    assert parse_reply(huge, square, options=options).html == ""


def test_reply_size_counts_utf8_bytes(square: PageTransform) -> None:
    options = PostprocessOptions(max_reply_bytes=1_000)
    text = '<html><body><p data-bbox="1 2 3 4">' + "牛" * 320 + "</p></body></html>"
    assert len(text) < 1_000 < len(text.encode("utf-8"))
    assert only_error(text, square, options=options).code is ErrorCode.REPLY_TOO_LARGE


def test_default_limit_allows_a_long_page(square: PageTransform) -> None:
    boxed = '<p data-bbox="1 2 3 4">' + "word " * 40 + "</p>\n"
    text = "<html><body>" + boxed * 2_000 + "</body></html>"  # ~460 kB, far beyond 16k tokens
    reply = parse_reply(text, square)
    assert reply.report.verdict is Verdict.VALID and len(reply.blocks) == 2_000


@pytest.mark.parametrize(
    "text",
    [
        "<html><body></body></html>",
        "```html\n<html><body>\n</body></html>\n```",
        "<html><body><p></p></body></html>",
    ],
)
def test_blank_page_is_valid_with_no_blocks(square: PageTransform, text: str) -> None:
    reply = parse_reply(text, square)
    assert (reply.report.verdict, reply.blocks, reply.report.issues) == (Verdict.VALID, [], [])


def test_mostly_unboxed_is_invalid(square: PageTransform) -> None:
    text = '<html><body><p data-bbox="1 2 3 4">a</p><p>b</p><p>c</p></body></html>'
    reply = parse_reply(text, square)
    assert reply.report.verdict is Verdict.INVALID
    assert [e.code for e in reply.report.errors] == [ErrorCode.MISSING_BBOX]
    assert [w.code for w in reply.report.warnings] == [ErrorCode.MISSING_BBOX] * 2
    assert len(reply.blocks) == 3  # blocks are still returned, for diagnosis
    assert MAX_UNBOXED_SHARE == 0.5


def test_half_unboxed_is_repaired(square: PageTransform) -> None:
    text = '<html><body><p data-bbox="1 2 3 4">a</p><p>b</p></body></html>'
    assert validate_reply(text, square).verdict is Verdict.REPAIRED


def test_prose_around_the_html_is_a_note(square: PageTransform) -> None:
    report = validate_reply(
        'Here you go:\n```html\n<html><body><p data-bbox="1 2 3 4">a</p></body></html>\n```\nDone.',
        square,
    )
    assert report.verdict is Verdict.VALID
    assert [(i.code, i.severity) for i in report.issues] == [
        (ErrorCode.TEXT_OUTSIDE_BLOCK, Severity.INFO)
    ]


def test_issues_carry_the_page_number(square: PageTransform) -> None:
    reply = parse_reply('<html><body><p data-bbox="9 9 1 1">a</p><p>b</p>', square, page_number=7)
    assert reply.report.issues and all(i.page == 7 for i in reply.report.issues)
    assert {i.code for i in reply.report.issues} == {
        ErrorCode.BBOX_SWAPPED,
        ErrorCode.MISSING_BBOX,
        ErrorCode.TRUNCATED,
    }


def test_verdict_rule() -> None:
    note = ErrorRecord(code=ErrorCode.ORPHAN_BBOX, message="n", severity=Severity.INFO)
    warning = ErrorRecord(code=ErrorCode.BBOX_CLAMPED, message="w", severity=Severity.WARNING)
    error = ErrorRecord(code=ErrorCode.BAD_BBOX, message="e")
    assert decide_verdict([], False) is Verdict.VALID
    assert decide_verdict([note], False) is Verdict.VALID
    assert decide_verdict([], True) is Verdict.REPAIRED
    assert decide_verdict([note, warning], False) is Verdict.REPAIRED
    assert decide_verdict([warning, error], True) is Verdict.INVALID


@pytest.mark.parametrize(
    "text",
    [
        "```",
        "```html",
        "<",
        "<<<>>>",
        "<!-- only a comment -->",
        "<?xml version='1.0' encoding='latin-1'?>",
        "<html>",
        "</html>",
        "\x00\x01\x02<p data-bbox='1 2 3 4'>\x00</p>",
        "\ud800<p data-bbox='1 2 3 4'>lone surrogate</p>",
        "<p data-bbox='1 2 3 4'>" + "<div>" * 3_000,
        "<table data-bbox='1 2 3 4'><tr><td rowspan='-1' colspan='999999999'>x",
        "<html><body><p data-bbox='1e308 1e308 1e308 1e308'>x</p></body></html>",
    ],
)
def test_never_raises(square: PageTransform, text: str) -> None:
    reply = parse_reply(text, square)
    assert reply.report.verdict in set(Verdict)
    assert all(isinstance(b.text, str) for b in reply.blocks)
