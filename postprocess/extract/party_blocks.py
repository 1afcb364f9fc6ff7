"""Which block is the seller and which the buyer: labels, the DIN 5008 sender line, position.

In this order, a role found once is not looked for again:

1. label: a block beginning with a party alias (``Bill to``, ``Facturé à``, ``Verkäufer``,
   ``Rechnungsempfänger``, ...) holds that party after the label; a block that is only the
   label points at the nearest block below it. ``Customer ref.: 123`` is a key, not a label.
2. sender line: a one-line block of ``·``-separated parts with a postcode (``Firma GmbH ·
   Straße 1 · 12345 Stadt``) is the seller's return address; the block right below it is the
   recipient's address window: the buyer.
3. position: the unlabelled address blocks (a name and a postcode or country, at most 40 words,
   not beginning with ``Key:``) above the page's first table and in its upper half, top to
   bottom: the first is the seller (letterhead), the next the buyer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from postprocess.extract.addresses import has_postal_part, split_party
from postprocess.extract.boxes import horizontal_overlap, line_height
from postprocess.extract.document import DocView
from postprocess.extract.labels import AliasIndex
from postprocess.extract.schema_spec import ObjectSpec
from postprocess.extract.segments import Piece, pieces
from schemas.blocks import Block
from schemas.extraction import FieldRule

LABEL_CONFIDENCE = 0.9
SENDER_CONFIDENCE = 0.8
POSITION_CONFIDENCE = (0.6, 0.5)
#: A party block holds a name, an address and a few ids, not a paragraph.
MAX_ADDRESS_WORDS = 40
_POSTCODE = re.compile(
    r"(?<!\S)(?:[A-Z]{1,2}-)?\d{4,5}\s+[^\W\d_]|\b[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}\b"
)


@dataclass(frozen=True)
class PartyText:
    """A party's printed text (label removed) and where it was found."""

    role: str
    page: int
    block: Block
    text: str
    rule: FieldRule
    confidence: float
    label: str | None = None


def find_party_texts(
    view: DocView, objects: tuple[ObjectSpec, ...], index: AliasIndex
) -> dict[str, PartyText]:
    """The text of each party role that could be placed (see the module docstring)."""
    roles = {o.path: o.role or o.path for o in objects}
    found: dict[str, PartyText] = {}
    used: set[str] = set()
    blocks = view.text_blocks()
    for page, block in blocks:
        hit = index.prefix(block.text)
        if hit is None or hit.target not in roles or roles[hit.target] in found:
            continue
        first = _first_piece(view, block)
        if (
            first.key_start is not None
            and first.key_end is not None
            and len(block.text[first.key_start : first.key_end].split()) > len(hit.alias.split())
        ):
            continue
        rest = block.text[hit.rest_start :].lstrip(" :\n")
        same_page = [b for p, b in blocks if p == page]
        source = block if len(rest.split()) >= 2 else _below(block, same_page)
        if source is None:
            continue
        text = rest if source is block else source.text
        role = roles[hit.target]
        found[role] = PartyText(role, page, source, text, FieldRule.PARTY_LABEL,
                                LABEL_CONFIDENCE, hit.alias)  # fmt: skip
        used.update((block.id, source.id))
    _sender_line(view, blocks, found, used)
    _by_position(view, blocks, found, used)
    return found


def _sender_line(
    view: DocView, blocks: list[tuple[int, Block]], found: dict[str, PartyText], used: set[str]
) -> None:
    line = line_height([b for _, b in blocks])
    for page, block in blocks:
        box = block.bbox_page
        if (
            box is None
            or block.id in used
            or block.text.count(" · ") < 2
            or ":" in block.text
            or box.height > 1.6 * line
            or not _POSTCODE.search(block.text)
        ):
            continue
        used.add(block.id)
        below = _below(block, [b for p, b in blocks if p == page and b.id not in used])
        if "buyer" not in found and below is not None and _address_like(below.text):
            found["buyer"] = PartyText(
                "buyer", page, below, below.text, FieldRule.SENDER_LINE, SENDER_CONFIDENCE
            )
            used.add(below.id)
        if "seller" not in found:
            found["seller"] = PartyText(
                "seller", page, block, block.text, FieldRule.SENDER_LINE, SENDER_CONFIDENCE * 0.9
            )
        return


def _by_position(
    view: DocView, blocks: list[tuple[int, Block]], found: dict[str, PartyText], used: set[str]
) -> None:
    if not blocks:
        return
    first_page = blocks[0][0]
    top = _table_top(view, first_page)
    extent = view.page_extent(first_page)
    if extent is not None:  # letterheads and address windows sit in the upper half of a page
        half = extent.y1 + extent.height / 2
        top = half if top is None else min(top, half)
    candidates = [
        b
        for p, b in blocks
        if p == first_page
        and b.id not in used
        and b.bbox_page is not None
        and (top is None or b.bbox_page.y2 <= top)
        and _address_like(b.text)
        and _first_piece(view, b).key_start is None
    ]
    candidates.sort(key=lambda b: (b.bbox_page.y1 if b.bbox_page else 0.0, b.index))
    free_roles = [r for r in ("seller", "buyer") if r not in found]
    for role, block, confidence in zip(free_roles, candidates, POSITION_CONFIDENCE, strict=False):
        found[role] = PartyText(role, first_page, block, block.text, FieldRule.POSITION, confidence)


def _first_piece(view: DocView, block: Block) -> Piece:
    cut = view.cut.get(block.id)
    return cut[0] if cut else pieces(block.text, 0, len(block.text))[0]


def _address_like(text: str) -> bool:
    n_words = len(text.split())
    return (
        3 <= n_words <= MAX_ADDRESS_WORDS and has_postal_part(text) and bool(split_party(text)[0])
    )


def _below(block: Block, blocks: list[Block]) -> Block | None:
    box = block.bbox_page
    if box is None:
        return None
    under = [
        b
        for b in blocks
        if b is not block
        and b.bbox_page is not None
        and b.bbox_page.y1 >= box.y2 - 1
        and horizontal_overlap(box, b.bbox_page) >= 0.5
    ]
    return min(under, key=lambda b: b.bbox_page.y1 if b.bbox_page else 0.0, default=None)


def _table_top(view: DocView, page: int) -> float | None:
    tops = [s.bbox.y1 for t in view.tables for s in t.sources if s.page == page and s.bbox]
    return min(tops) if tops else None
