"""Checks on a whole reply, and the verdict.

- ``REPLY_TOO_LARGE``: more UTF-8 bytes than ``options.max_reply_bytes`` (checked before parsing).
- ``EMPTY_REPLY``: nothing but whitespace (after the fence is removed).
- ``NOT_QWENVL_HTML``: no markup at all (prose, Markdown, JSON).
- ``PLAIN_HTML``: markup with content but no ``data-bbox`` anywhere: the web-style HTML Qwen
  returns when asked to "parse the image into html". A blank ``<html><body></body></html>`` is
  a valid reply for a blank page.
- ``MISSING_BBOX`` error: more than :data:`MAX_UNBOXED_SHARE` of the blocks have no box (each one
  is also a warning): the model ignored the format.

Verdict: any error -> invalid; else truncation or any warning -> repaired; else valid. Notes
(``Severity.INFO``) never change the verdict.
"""

from __future__ import annotations

from collections.abc import Sequence

from lxml.html import HtmlElement

from postprocess.tree import any_boxed, is_element
from schemas.errors import ErrorCode, ErrorRecord, Severity
from schemas.options import PostprocessOptions
from schemas.validation import Verdict

#: A page whose share of unboxed blocks exceeds this is invalid (the format was ignored).
MAX_UNBOXED_SHARE = 0.5
#: Elements that are no content on their own (a blank page may hold them).
_STRUCTURAL_TAGS = frozenset({"html", "body", "p", "br", "hr"})


def size_issue(text: str, options: PostprocessOptions) -> ErrorRecord | None:
    """``REPLY_TOO_LARGE`` when ``text`` is over the byte limit, else None."""
    limit = options.max_reply_bytes
    if len(text) * 4 <= limit:  # UTF-8 needs at most 4 bytes per character
        return None
    if len(text) > limit:  # at least one byte per character: no need to encode
        size = f"at least {len(text)}"
    else:
        encoded = len(text.encode("utf-8", errors="replace"))
        if encoded <= limit:
            return None
        size = str(encoded)
    return ErrorRecord(
        code=ErrorCode.REPLY_TOO_LARGE,
        message=f"reply has {size} bytes, over the {limit}-byte limit; not parsed",
    )


def empty_issue() -> ErrorRecord:
    return ErrorRecord(code=ErrorCode.EMPTY_REPLY, message="the reply is empty")


def prose_issue() -> ErrorRecord:
    return ErrorRecord(
        code=ErrorCode.NOT_QWENVL_HTML, message="the reply holds no HTML markup (prose?)"
    )


def plain_html_issue(root: HtmlElement, nodes: Sequence[HtmlElement]) -> ErrorRecord | None:
    """``PLAIN_HTML`` when the tree has content but not a single ``data-bbox`` (``nodes``:
    ``list(root.iter())``, which the caller holds: a list is cheaper to walk)."""
    if any_boxed(nodes):
        return None
    has_text = any(piece.strip() for piece in root.itertext())
    has_elements = any(is_element(e) and e.tag not in _STRUCTURAL_TAGS for e in root.iter())
    if not (has_text or has_elements):
        return None
    return ErrorRecord(
        code=ErrorCode.PLAIN_HTML,
        message="HTML without any data-bbox: ordinary HTML, not QwenVL HTML",
    )


def coverage_issue(blocks: int, unboxed: int) -> ErrorRecord | None:
    """``MISSING_BBOX`` error when most blocks have no box."""
    if blocks == 0 or unboxed / blocks <= MAX_UNBOXED_SHARE:
        return None
    return ErrorRecord(
        code=ErrorCode.MISSING_BBOX,
        message=f"{unboxed} of {blocks} blocks have no data-bbox",
    )


def decide_verdict(issues: list[ErrorRecord], truncated: bool) -> Verdict:
    """Invalid on any error; repaired on truncation or any warning; valid otherwise."""
    if any(i.severity is Severity.ERROR for i in issues):
        return Verdict.INVALID
    if truncated or any(i.severity is Severity.WARNING for i in issues):
        return Verdict.REPAIRED
    return Verdict.VALID
