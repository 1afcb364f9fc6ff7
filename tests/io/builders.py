"""Documents for the sink tests, built from a real model reply (example a) parsed by
postprocess with the example's published frame (1008 x 1540 px) onto a US Letter page."""

from __future__ import annotations

from pathlib import Path

from postprocess import parse_reply
from schemas.errors import ErrorCode, ErrorRecord, Severity
from schemas.geometry import PageTransform, Unit
from schemas.results import (
    Attempt,
    DocumentResult,
    PageResult,
    PageSource,
    Status,
    document_status,
)

EXAMPLES_DIR = Path(__file__).resolve().parents[2] / "fixtures" / "qwenvl_examples"
TRANSFORM = PageTransform(
    model_width=1008, model_height=1540, page_width=612, page_height=792, unit=Unit.PT
)


def example_reply(letter: str = "a") -> str:
    (path,) = EXAMPLES_DIR.glob(f"{letter}_*.html")
    return path.read_bytes().decode("utf-8")


def parsed_page(doc_id: str, page_number: int, reply: str) -> PageResult:
    """An ok page from a real reply, parsed with the example's transform."""
    parsed = parse_reply(reply, TRANSFORM, doc_id=doc_id, page_number=page_number)
    assert parsed.report.usable
    attempt = Attempt(
        number=1,
        engine="openai",
        finish_reason="stop",
        prompt_tokens=1200,
        output_tokens=640,
        latency_s=2.5,
        verdict=parsed.report.verdict,
    )
    return PageResult(
        page_number=page_number,
        status=Status.OK,
        source=PageSource.MODEL,
        transform=TRANSFORM,
        blocks=parsed.blocks,
        attempts=[attempt],
        errors=[i for i in parsed.report.issues if i.severity is not Severity.ERROR],
    )


def failed_page(page_number: int) -> PageResult:
    error = ErrorRecord(code=ErrorCode.TRUNCATED, message="cut off", page=page_number)
    attempt = Attempt(number=1, engine="openai", finish_reason="length", output_tokens=8192)
    return PageResult(
        page_number=page_number,
        status=Status.FAILED,
        transform=TRANSFORM,
        attempts=[attempt],
        errors=[error],
    )


def report_document(
    doc_id: str = "docs/report.pdf@0123456789ab",
    *,
    content_hash: str = "ab" * 32,
    pages: int = 2,
    fail_last: bool = False,
) -> tuple[DocumentResult, dict[int, str]]:
    """A DocumentResult of ``pages`` pages parsed from example a (the last one failed when
    ``fail_last``), and the raw replies by page number."""
    reply = example_reply("a")
    raw = {n: reply for n in range(1, pages + 1)}
    results = [parsed_page(doc_id, n, reply) for n in range(1, pages + 1)]
    if fail_last:
        results[-1] = failed_page(pages)
        raw[pages] = reply[: len(reply) // 2]
    document = DocumentResult(
        doc_id=doc_id,
        source="/data/docs/report.pdf",
        content_hash=content_hash,
        status=document_status(results, []),
        page_count=pages,
        pages=results,
        elapsed_s=7.25,
    )
    return document, raw
