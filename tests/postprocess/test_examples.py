"""The five real Qwen2.5-VL replies (fixtures/qwenvl_examples) parse into the expected blocks."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from postprocess import parse_reply
from schemas.blocks import BlockKind
from schemas.errors import ErrorCode, Severity
from schemas.geometry import PageTransform
from schemas.validation import ParsedReply, Verdict

P, H, IMG, T, F, ADDR = (
    BlockKind.PARAGRAPH,
    BlockKind.HEADING,
    BlockKind.IMAGE,
    BlockKind.TITLE,
    BlockKind.FORMULA,
    BlockKind.ADDRESS,
)


@pytest.fixture
def parsed(
    example: Callable[[str], str], example_transform: Callable[[str], PageTransform]
) -> Callable[[str], ParsedReply]:
    def parse(letter: str) -> ParsedReply:
        return parse_reply(
            example(letter), example_transform(letter), doc_id=f"ex-{letter}", page_number=3
        )

    return parse


def test_fixtures_are_the_published_bytes(examples_dir: Path) -> None:
    table = (examples_dir / "PROVENANCE.md").read_text(encoding="utf-8")
    recorded = dict(re.findall(r"\| (\w+\.html) \| ([0-9a-f]{64}) \|", table))
    assert len(recorded) == 5
    for name, digest in recorded.items():
        assert hashlib.sha256((examples_dir / name).read_bytes()).hexdigest() == digest, name


@pytest.mark.parametrize(
    ("letter", "verdict", "fenced", "truncated", "count"),
    [
        ("a", Verdict.VALID, True, False, 9),
        ("b", Verdict.REPAIRED, True, True, 11),
        ("c", Verdict.VALID, False, False, 16),
        ("d", Verdict.VALID, True, False, 22),
        ("e", Verdict.VALID, True, False, 9),
    ],
)
def test_every_example_parses(
    parsed: Callable[[str], ParsedReply],
    example_transform: Callable[[str], PageTransform],
    letter: str,
    verdict: Verdict,
    fenced: bool,
    truncated: bool,
    count: int,
) -> None:
    reply = parsed(letter)
    transform = example_transform(letter)
    assert reply.report.verdict is verdict
    assert reply.report.fenced is fenced
    assert reply.report.truncated is truncated
    assert len(reply.blocks) == count
    assert [b.id for b in reply.blocks] == [f"ex-{letter}/p3/b{m}" for m in range(1, count + 1)]
    assert [b.index for b in reply.blocks] == list(range(count))
    for block in reply.blocks:
        assert block.bbox_model is not None and block.bbox_page is not None
        assert transform.model_frame.contains(block.bbox_model)
        assert block.bbox_page == block.bbox_model.scale(0.5, 0.5)
        assert block.html.startswith(f"<{block.tag}")
        assert block.text or block.kind is IMG, block.id
    assert all(issue.page == 3 for issue in reply.report.issues)
    assert re.fullmatch(r"<html>\s*<body>.*</body>\s*</html>", reply.html, re.DOTALL)


def test_a_fenced_report_page(parsed: Callable[[str], ParsedReply]) -> None:
    reply = parsed("a")
    assert [b.kind for b in reply.blocks] == [H, P, IMG, H, P, P, P, IMG, P]
    first = reply.blocks[0]
    assert (first.tag, first.level, first.text) == ("h2", 2, "Qwen2.5 Technical Report")
    assert first.bbox_model is not None and first.bbox_model.as_tuple() == (310, 94, 658, 132)
    assert first.bbox_page is not None and first.bbox_page.as_tuple() == (155, 47, 329, 66)
    assert reply.blocks[2].classes == ["image"]
    assert (
        reply.blocks[2].html
        == '<div class="image" data-bbox="262 195 708 272"><img data-bbox="262 195 708 272"></div>'
    )
    assert reply.blocks[-1].text.endswith("enhancing the model\u2019s capabilities.")
    assert reply.report.issues == []


def test_b_truncated_reply_is_repaired(parsed: Callable[[str], ParsedReply]) -> None:
    reply = parsed("b")
    assert [b.kind for b in reply.blocks] == [T, ADDR, P, P, P, H, P, P, P, IMG, P]
    assert (reply.blocks[0].tag, reply.blocks[0].level) == ("h1", 1)
    last = reply.blocks[-1]
    assert last.text.endswith("enhancing the model\u2019s")
    truncation = [i for i in reply.report.issues if i.code is ErrorCode.TRUNCATED]
    assert len(truncation) == 1 and truncation[0].severity is Severity.WARNING
    assert truncation[0].path == "/html/body/p[7]"
    assert reply.html.endswith("the model\u2019s</p></body></html>")


def test_b_empty_paragraph_gives_its_box_to_the_address(
    parsed: Callable[[str], ParsedReply],
) -> None:
    reply = parsed("b")
    address = reply.blocks[1]
    assert (address.kind, address.tag, address.classes, address.text) == (
        ADDR,
        "address",
        ["author"],
        "Qwen Team",
    )
    assert address.bbox_model is not None and address.bbox_model.as_tuple() == (429, 156, 541, 182)
    assert (
        address.html
        == '<address class="author" data-bbox="429 156 541 182"><p>Qwen Team</p></address>'
    )
    assert '<p data-bbox="429 156 541 182"></p>' not in reply.html
    transfer = [i for i in reply.report.issues if i.code is ErrorCode.ORPHAN_BBOX]
    assert len(transfer) == 1 and transfer[0].severity is Severity.INFO


def test_b_inline_links_and_math_kept(parsed: Callable[[str], ParsedReply]) -> None:
    reply = parsed("b")
    assert reply.blocks[2].text == "🤗 https://huggingface.co/Qwen"
    assert "<a>https://huggingface.co/Qwen</a>" in reply.blocks[2].html
    inline_math = (
        "sizes of $0.5 \\mathrm{~B}, 1.5 \\mathrm{~B}, 3 \\mathrm{~B}, 7 \\mathrm{~B}, "
        "14 \\mathrm{~B}, 32 \\mathrm{~B}$, and $72 \\mathrm{~B}$ parameters"
    )
    assert inline_math in reply.blocks[7].text


def test_c_unfenced_two_columns(parsed: Callable[[str], ParsedReply]) -> None:
    reply = parsed("c")
    assert all(b.kind is P and b.tag == "p" for b in reply.blocks)
    assert reply.blocks[0].text == "${ }^{8}$ das Phon: 吋 (响度单位)"  # leading space trimmed
    assert reply.blocks[9].bbox_model is not None and reply.blocks[9].bbox_model.as_tuple() == (
        215,
        2680,
        660,
        2780,
    )
    # reading order is the model's: footnote column first, then the body column
    assert reply.blocks[10].text.startswith("Geruch von Industrierauch")
    assert "$85-\\mathrm{Phon}^{8}$ Grenze" in reply.blocks[10].text
    assert "<p></p>" not in reply.html
    assert reply.report.issues == []


def test_d_formulas_with_latex_and_tail_text(parsed: Callable[[str], ParsedReply]) -> None:
    reply = parsed("d")
    kinds = [b.kind for b in reply.blocks]
    assert [i for i, k in enumerate(kinds) if k is F] == [0, 16, 19, 21]
    assert kinds.count(IMG) == 4  # the <img> inside each formula is not a block of its own
    assert (
        reply.blocks[0].text == "$$h=D \\tan \\theta \\approx D \\theta=D \\frac{\\lambda}{2 L}$$"
    )
    latex, tail = reply.blocks[16].text.split("\n")
    assert latex == "$$\\delta=2 e+\\frac{\\lambda}{2}=k \\lambda \\quad(k=1,2,3, \\cdots)$$"
    assert (
        tail == "暗环条件为 $\\quad \\delta=2 e+\\frac{\\lambda}{2}=(2 k+1) \\frac{\\lambda}{2} "
        "\\quad(k=0,1,2, \\cdots)$"
    )
    assert '<img data-bbox="778 2296 1524 2484">' in reply.blocks[16].html
    assert (
        reply.blocks[1].text == "测出玻璃片长度 $D$ 和条纹间距 $L$, 即可求出薄片的厚度或细丝直径。"
    )
    assert (reply.blocks[7].kind, reply.blocks[7].text) == (H, "2. 牛顿环")
    assert reply.blocks[21].bbox_model is not None and reply.blocks[21].bbox_model.as_tuple() == (
        798,
        2708,
        1448,
        2822,
    )


def test_e_image_caption(parsed: Callable[[str], ParsedReply]) -> None:
    reply = parsed("e")
    figure = reply.blocks[0]
    assert (figure.kind, figure.classes, figure.text) == (IMG, ["image", "caption"], "")
    assert figure.caption is not None
    assert figure.caption.startswith("This is an image of a magazine cover.")
    assert figure.caption.endswith("solar panels lined up in rows as far as you can see.")
    assert figure.bbox_model is not None and figure.bbox_model.as_tuple() == (30, 164, 1225, 807)
    assert all(b.caption is None for b in reply.blocks[1:])
    assert reply.blocks[3].text == "产业圆桌 Industry Round Table"


def test_ids_and_output_are_stable(parsed: Callable[[str], ParsedReply]) -> None:
    for letter in "abcde":
        assert parsed(letter).model_dump() == parsed(letter).model_dump()


def test_any_cut_of_a_reply_parses_as_truncated(
    example: Callable[[str], str], example_transform: Callable[[str], PageTransform]
) -> None:
    """Cut example a at 97 places: never an exception, always truncated, never more blocks."""
    text = example("a")
    transform = example_transform("a")
    full = parse_reply(text, transform)
    for cut in range(len("```html\n<html><body>\n") + 1, len(text) - 3, 31):
        reply = parse_reply(text[:cut], transform)
        assert reply.report.truncated, cut
        assert reply.report.verdict is not Verdict.VALID
        assert len(reply.blocks) <= len(full.blocks)
        kept = [b.text for b in reply.blocks if b.text]
        whole_texts = [b.text for b in full.blocks if b.text]
        for got, whole in zip(kept[:-1], whole_texts, strict=False):
            assert got == whole  # only the last block can be cut short
