"""The entry point: one raw model reply -> blocks, a validation report and repaired HTML.

Steps: size guard -> locate the HTML (fence, prose) -> judge the ending (truncation) -> safe parse
-> is it QwenVL HTML at all -> sanitise -> layout repairs -> blocks with boxes checked against the
model frame and mapped to the page frame -> coverage -> verdict. Every issue is stamped with the
page number. Nothing here raises on bad input: a bad reply is an invalid report.
"""

from __future__ import annotations

from lxml.html import HtmlElement

from postprocess.fences import Located, locate_html
from postprocess.parse import looks_like_markup, parse_document, serialize
from postprocess.qwenhtml import Extraction, extract_blocks
from postprocess.repair import (
    Ending,
    boxed_children,
    drop_partial_tag,
    normalise_layout,
    reply_ending,
)
from postprocess.sanitize import sanitize_tree
from postprocess.tree import child_element, element_path, is_element
from postprocess.validate import (
    coverage_issue,
    decide_verdict,
    empty_issue,
    plain_html_issue,
    prose_issue,
    size_issue,
)
from schemas.blocks import Block
from schemas.errors import ErrorCode, ErrorRecord, Severity
from schemas.geometry import PageTransform
from schemas.options import PostprocessOptions
from schemas.validation import ParsedReply, ValidationReport


def parse_reply(
    text: str,
    transform: PageTransform,
    *,
    doc_id: str = "doc",
    page_number: int = 1,
    options: PostprocessOptions = PostprocessOptions(),
) -> ParsedReply:
    """Parse one model reply for page ``page_number`` of ``doc_id`` (see the module docstring)."""
    too_large = size_issue(text, options)
    if too_large is not None:
        return _result([too_large], page_number, fenced=False)
    located = locate_html(text)
    if not located.body.strip():
        return _result([*_prose_notes(located), empty_issue()], page_number, fenced=located.fenced)
    if not looks_like_markup(located.body):
        return _result([*_prose_notes(located), prose_issue()], page_number, fenced=located.fenced)
    return _parse_markup(located, transform, options, doc_id=doc_id, page_number=page_number)


def _parse_markup(
    located: Located,
    transform: PageTransform,
    options: PostprocessOptions,
    *,
    doc_id: str,
    page_number: int,
) -> ParsedReply:
    """The steps from markup on: parse, classify, sanitise, repair, extract, judge."""
    issues = _prose_notes(located)
    ending = reply_ending(located)
    truncated = ending is Ending.TRUNCATED
    root, parse_issues = parse_document(
        drop_partial_tag(located.body) if truncated else located.body
    )
    issues.extend(parse_issues)
    if root is None:
        malformed = ErrorRecord(code=ErrorCode.MALFORMED_HTML, message="no element could be parsed")
        return _result(
            [*issues, malformed], page_number, fenced=located.fenced, truncated=truncated
        )
    # Every node's Python object made once and held for this call: lxml hands out the live one,
    # so the passes below (sanitiser, repairs, blocks, texts) do not each build and drop one per
    # node (some 100 k instructions a page).
    nodes = list(root.iter())
    not_qwenvl = plain_html_issue(root, nodes)  # judged before sanitising drops <head>, ...
    issues.extend(sanitize_tree(root, nodes))
    body = child_element(root, "body")
    blocks: list[Block] = []
    if not_qwenvl is not None:
        issues.append(not_qwenvl)
        html = serialize(root)
    else:
        plain = boxed_children(body)  # the usual page: nothing to repair, its blocks at hand
        if plain is None:
            issues.extend(normalise_layout(body))
        extraction = extract_blocks(
            body, transform, options, doc_id=doc_id, page_number=page_number, found=plain
        )
        blocks = extraction.blocks
        issues.extend(extraction.issues)
        coverage = coverage_issue(len(blocks), extraction.unboxed)
        issues.extend([coverage] if coverage is not None else [])
        html = _page_html(root, body, extraction)
    issues.extend(_ending_issues(ending, body))
    return _result(
        issues, page_number, fenced=located.fenced, html=html, blocks=blocks, truncated=truncated
    )


def validate_reply(
    text: str, transform: PageTransform, options: PostprocessOptions = PostprocessOptions()
) -> ValidationReport:
    """Only the verdict on a reply (same checks as :func:`parse_reply`)."""
    return parse_reply(text, transform, options=options).report


def _prose_notes(located: Located) -> list[ErrorRecord]:
    if not (located.prose_before or located.prose_after):
        return []
    return [
        ErrorRecord(
            code=ErrorCode.TEXT_OUTSIDE_BLOCK,
            severity=Severity.INFO,
            message="prose around the HTML left out",
        )
    ]


def _ending_issues(ending: Ending, body: HtmlElement) -> list[ErrorRecord]:
    if ending is Ending.COMPLETE:
        return []
    last = next((el for el in reversed(body) if is_element(el)), body)
    if ending is Ending.TRUNCATED:
        code, message = ErrorCode.TRUNCATED, "reply cut off: open elements closed by repair"
    else:
        code, message = ErrorCode.MALFORMED_HTML, "end tags missing: open elements closed by repair"
    return [
        ErrorRecord(code=code, severity=Severity.WARNING, message=message, path=element_path(last))
    ]


def _page_html(root: HtmlElement, body: HtmlElement, extraction: Extraction) -> str:
    """``serialize(root)``, put together from the blocks' HTML when the page is the plain QwenVL
    shape: ``<html><body>`` without attributes or other content around blocks that are all the
    body's children, separated by layout whitespace only (which the serialiser writes as is).
    Saves serialising every block a second time."""
    elements = extraction.elements
    if not (
        root.tag == "html"
        and root.tail is None
        and root.text is None
        and len(root) == 1
        and not root.keys()
        and not body.keys()
        and body.tail is None
        and _layout_space(body.text)
        and len(body) == len(elements)
    ):
        return serialize(root)
    pieces = ["<html><body>", body.text or ""]
    for child, el, block in zip(body, elements, extraction.blocks, strict=True):
        tail = el.tail
        if child is not el or (tail and tail.strip(" \t\n")):  # (not _layout_space, inline)
            return serialize(root)
        pieces.append(block.html)
        if tail:
            pieces.append(tail)
    pieces.append("</body></html>")
    return "".join(pieces)


def _layout_space(text: str | None) -> bool:
    """No text, or only spaces, tabs and line breaks (nothing the serialiser escapes)."""
    return text is None or not text.strip(" \t\n")


def _result(
    issues: list[ErrorRecord],
    page_number: int,
    *,
    fenced: bool,
    html: str = "",
    blocks: list[Block] | None = None,
    truncated: bool = False,
) -> ParsedReply:
    stamped = [issue.model_copy(update={"page": page_number}) for issue in issues]
    report = ValidationReport(
        verdict=decide_verdict(stamped, truncated),
        truncated=truncated,
        fenced=fenced,
        issues=stamped,
    )
    return ParsedReply(blocks=blocks or [], report=report, html=html)
