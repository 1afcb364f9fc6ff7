"""Fence stripping: a prefix match, never str.lstrip; prose, truncation, case, no fence."""

from __future__ import annotations

import pytest

from postprocess import locate_html, strip_fence

DOC = '<html><body><p data-bbox="1 2 3 4">hello</p></body></html>'


@pytest.mark.parametrize(
    "reply",
    [
        f"```html\n{DOC}\n```",
        f"```HTML\n{DOC}\n```",
        f"``` html\n{DOC}\n```\n",
        f"```html{DOC}```",
        f"Here is the page:\n\n```html\n{DOC}\n```\nLet me know if you need more.",
        f"```\n{DOC}\n```",
        f'```json\n{{"a": 1}}\n```\nand the HTML:\n```html\n{DOC}\n```',
    ],
)
def test_fenced_variants_give_the_document(reply: str) -> None:
    body, fenced = strip_fence(reply)
    assert body == DOC
    assert fenced is True


def test_unfenced_reply_is_kept_whole() -> None:
    assert strip_fence(DOC) == (DOC, False)
    assert locate_html(DOC).fence_closed is True


def test_prose_around_an_unfenced_document_is_cut() -> None:
    located = locate_html(f"Sure! Here it is:\n{DOC}\nHope this helps.")
    assert (located.body, located.fenced) == (DOC, False)
    assert located.prose_before and located.prose_after


def test_prose_flags_for_a_fenced_document() -> None:
    located = locate_html(f"Intro\n```html\n{DOC}\n```\nOutro")
    assert located.prose_before and located.prose_after
    plain = locate_html(f"```html\n{DOC}\n```")
    assert not plain.prose_before and not plain.prose_after


def test_missing_closing_fence_is_reported() -> None:
    cut = '```html\n<html><body>\n<p data-bbox="1 2 3 4">cut mid sen'
    located = locate_html(cut)
    assert located.fenced and not located.fence_closed
    assert located.body == '<html><body>\n<p data-bbox="1 2 3 4">cut mid sen'


def test_no_character_stripping_of_the_body() -> None:
    """``"```html".lstrip`` would also eat leading h/t/m/l characters of the content."""
    body, _ = strip_fence("```html\nhtml text ltm\n```")
    assert body == "html text ltm\n"


def test_backticks_inside_a_line_do_not_close_the_fence() -> None:
    doc = '<html><body><p data-bbox="1 2 3 4">use ``` for code</p></body></html>'
    assert strip_fence(f"```html\n{doc}\n```") == (doc, True)


def test_empty_fence() -> None:
    assert strip_fence("```html\n```") == ("", True)
