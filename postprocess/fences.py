"""Find the QwenVL HTML inside a model reply: the ```` ```html ```` fence, or the bare document.

Qwen2.5-VL usually wraps its answer in a Markdown code fence, sometimes with chat prose around it,
sometimes with no fence at all (FORMAT.md, example c), and a reply cut off at the token cap has an
opening fence and no closing one (example b). Prefixes are matched with regular expressions, never
with ``str.lstrip`` (which strips a set of characters, not a prefix).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_FENCE_OPEN = re.compile(r"```[ \t]*(?P<info>[A-Za-z0-9_+.-]*)")
_FENCE_AT_LINE_START = re.compile(r"^[ \t]*```", re.MULTILINE)
_HTML_INFOS = frozenset({"html", "htm", "xhtml"})
_OTHER_MARKUP_INFOS = frozenset({"", "xml"})
_DOCUMENT_START = re.compile(r"<\?xml\b|<!doctype\b|<html\b", re.IGNORECASE)
#: Up to the end of the last ``</html>``: the greedy ``.*`` backtracks from the reply's end, so the
#: usual reply, which ends with it, is not scanned from its start as ``finditer`` would.
_UP_TO_DOCUMENT_END = re.compile(r"(?s:.*)</html\s*>", re.IGNORECASE)


@dataclass(frozen=True)
class Located:
    """Where the HTML sits in a reply.

    ``fence_closed`` is True for a closed fence and for an unfenced reply; ``prose_before`` and
    ``prose_after`` say that non-blank text around the HTML was left out of ``body``.
    """

    body: str
    fenced: bool
    fence_closed: bool
    prose_before: bool
    prose_after: bool


def locate_html(text: str) -> Located:
    """Locate the HTML in ``text``: inside the first html fence, else the whole reply.

    A fence tagged ``html`` (any case) wins over an untagged or ``xml`` one; fences with another
    language (```` ```json ````) are skipped. Within the chosen span, prose before ``<?xml``,
    ``<!DOCTYPE`` or ``<html`` and after the last ``</html>`` is cut off.
    """
    fence = None
    if "```" in text:  # most replies have none: two regex scans saved
        fence = _find_fence(text, _HTML_INFOS) or _find_fence(text, _OTHER_MARKUP_INFOS)
    if fence is None:
        body, before, after = _trim_to_document(text)
        return Located(
            body, fenced=False, fence_closed=True, prose_before=before, prose_after=after
        )
    open_start, body_start, close_start = fence
    body_end = len(text) if close_start is None else close_start
    body, before, after = _trim_to_document(text[body_start:body_end])
    outside_after = "" if close_start is None else text[close_start + 3 :]
    return Located(
        body,
        fenced=True,
        fence_closed=close_start is not None,
        prose_before=before or bool(text[:open_start].strip()),
        prose_after=after or bool(outside_after.strip()),
    )


def strip_fence(text: str) -> tuple[str, bool]:
    """Return ``(body, fenced)``: the HTML without its fence and surrounding prose."""
    located = locate_html(text)
    return located.body, located.fenced


def _find_fence(text: str, infos: frozenset[str]) -> tuple[int, int, int | None] | None:
    """First fence whose language is in ``infos``: (opening start, body start, closing start)."""
    pos = 0
    while (opening := _FENCE_OPEN.search(text, pos)) is not None:
        body_start = _body_start(text, opening.end())
        close_start = _closing_fence(text, body_start)
        if opening.group("info").lower() in infos:
            return opening.start(), body_start, close_start
        if close_start is None:
            return None
        pos = close_start + 3
    return None


def _body_start(text: str, after_info: int) -> int:
    """The body starts on the next line, or right after the info word (```` ```html<html> ````)."""
    newline = text.find("\n", after_info)
    rest_of_line = text[after_info : len(text) if newline == -1 else newline]
    if rest_of_line.strip():
        return after_info
    return len(text) if newline == -1 else newline + 1


def _closing_fence(text: str, start: int) -> int | None:
    """Start of the closing fence: the first ```` ``` ```` opening a line, else the first one."""
    at_line_start = _FENCE_AT_LINE_START.search(text, start)
    if at_line_start is not None:
        return at_line_start.end() - 3
    anywhere = text.find("```", start)
    return None if anywhere == -1 else anywhere


def _trim_to_document(span: str) -> tuple[str, bool, bool]:
    """Cut prose before ``<html``/``<!DOCTYPE`` and after the last ``</html>``."""
    start_match = _DOCUMENT_START.search(span)
    start = start_match.start() if start_match else 0
    end_match = _UP_TO_DOCUMENT_END.match(span, start)
    end = end_match.end() if end_match else len(span)
    return span[start:end], bool(span[:start].strip()), bool(span[end:].strip())
