"""Which printed block is the seller and which the buyer: labels, the DIN 5008 sender line,
position.

The rules read party units (:mod:`.party_units`): the blocks an engine split one printed party
block into, stacked together again (a company name read as a heading over its address, one
block per line). Field lines (a ``Key: value`` line whose key is an alias of a field outside the
parties, ``Invoice no.: 17``, or such an alias and a value with a digit, ``Facture n° 17``) and
sender lines stand alone; a party's label only opens a unit. In this order, a role found once is
not looked for again:

1. label: a unit beginning with a party alias (``Bill to``, ``Facturé à``, ``Verkäufer``,
   ``Rechnungsempfänger``, ...) holds that party after the label; a unit that is only the
   label points at the nearest unit below it. ``Customer ref.: 123`` is a key, not a label.
2. sender line: a one-line block of ``·``-separated parts with a postcode (``Firma GmbH ·
   Straße 1 · 12345 Stadt``) is the seller's return address; the unit right below it is the
   recipient's address window: the buyer.
3. position: the unlabelled address units (a name and a postcode or country, at most 40 words,
   not beginning with ``Key:``) above the page's first table and in its upper half, top to
   bottom: the first is the seller (letterhead), the next the buyer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from postprocess.extract.addresses import has_postal_part, party_name
from postprocess.extract.boxes import line_height
from postprocess.extract.document import DocView
from postprocess.extract.labels import WORD, AliasHit, AliasIndex, fold
from postprocess.extract.party_units import (
    MAX_UNIT_WORDS,
    PageFacts,
    Unit,
    count_words,
    page_facts,
    stack_units,
    unit_below,
)
from postprocess.extract.patterns import has_tax_id
from postprocess.extract.schema_spec import ObjectSpec
from postprocess.extract.segments import Piece, pieces
from schemas.blocks import Block
from schemas.extraction import FieldRule

LABEL_CONFIDENCE = 0.9
SENDER_CONFIDENCE = 0.8
POSITION_CONFIDENCE = (0.6, 0.5)
#: A party block holds a name, an address and a few ids, not a paragraph.
MAX_ADDRESS_WORDS = MAX_UNIT_WORDS
_DIGIT = re.compile(r"\d")
_POSTCODE = re.compile(
    r"(?<!\S)(?:[A-Z]{1,2}-)?\d{4,5}\s+[^\W\d_]|\b[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}\b"
)


@dataclass(frozen=True)
class PartyText:
    """A party's printed text (label removed), the blocks it was read from, and how."""

    role: str
    page: int
    blocks: tuple[Block, ...]
    text: str
    rule: FieldRule
    confidence: float
    label: str | None = None

    @property
    def block(self) -> Block:
        return self.blocks[0]


@dataclass
class _Search:
    """The state of one party search: the units of every page, the roles placed so far and the
    blocks they used."""

    view: DocView
    index: AliasIndex
    roles: dict[str, str]  # object path -> role
    party_targets: frozenset[str]  # alias targets that belong to a party (labels, sub-fields)
    units: list[Unit]
    found: dict[str, PartyText]
    used: set[str]

    def prefix(self, block: Block) -> AliasHit | None:
        """The alias ``block`` begins with (looked up once per text of the document)."""
        return self.view.prefix(self.index, block.text)

    def free(self, unit: Unit) -> bool:
        return self.used.isdisjoint(unit.ids)

    def take(self, role: str, unit: Unit, text: str, rule: FieldRule, confidence: float,
             label: str | None = None) -> None:  # fmt: skip
        self.found[role] = PartyText(role, unit.page, unit.blocks, text, rule, confidence, label)
        self.used.update(unit.ids)


def find_party_texts(
    view: DocView, objects: tuple[ObjectSpec, ...], index: AliasIndex
) -> dict[str, PartyText]:
    """The text of each party role that could be placed (see the module docstring).

    A page's units are built whole only where a label or a sender line may point at any of
    them; on the first page otherwise only those the position rule can take (above its
    middle and first table), elsewhere none."""
    roles, party_targets = _party_paths(objects)
    blocks = view.text_blocks()
    line = line_height([b for _, b in blocks])
    search = _Search(view, index, roles, party_targets, [], {}, set())
    senders: set[str] = set()
    wanted: set[int] = set()  # the pages whose units are built whole
    for number, block in blocks:
        if " · " in block.text and _is_sender_line(block, line):
            senders.add(block.id)
            wanted.add(number)
    pages = [(number, page_facts(page_blocks)) for number, page_blocks in view.pages]
    labelled: set[str] = set()  # the blocks that begin with a party's label
    prefix = view.prefix
    words = _label_words(index, objects)
    for number, read in pages:
        for fact in read.facts:
            text = fact[5]
            if (
                _first_word(text) in words
                and (hit := prefix(index, text)) is not None
                and hit.target in roles
            ):
                labelled.add(fact[4])
                wanted.add(number)
    first_page = min((number for number, read in pages if read.facts), default=None)
    top = _position_top(view, first_page, [read for number, read in pages if number == first_page])
    until = None if first_page in wanted else top  # the units the position rule can take

    def alone(block: Block) -> bool:
        return block.id in senders or _field_line(search, block)

    def opens(block: Block) -> bool:
        return block.id in labelled and _party_label(search, block)

    for number, read in pages:
        if number in wanted:
            search.units.extend(stack_units(number, read.facts, line, alone, opens))
        elif number == first_page:
            search.units.extend(stack_units(number, read.facts, line, alone, opens, until))
    if labelled:
        _by_label(search, labelled)
    _sender_line(search, senders)
    _by_position(search, first_page, top)
    return search.found


@lru_cache(maxsize=64)
def _party_paths(objects: tuple[ObjectSpec, ...]) -> tuple[dict[str, str], frozenset[str]]:
    """The role of each party object by its path, and the alias targets that belong to a party
    (its labels, its sub-fields): read once per schema."""
    roles = {o.path: o.role or o.path for o in objects}
    return roles, frozenset(roles) | {f.path for o in objects for f in o.fields}


@lru_cache(maxsize=64)
def _label_words(index: AliasIndex, objects: tuple[ObjectSpec, ...]) -> frozenset[str]:
    """The first words (:func:`_first_word`) of the index's aliases that some party alias
    begins with: a text beginning with another word begins with no party's label (read once
    per schema; most blocks are then not looked up whole)."""
    roles = _party_paths(objects)[0]
    return frozenset(
        word
        for word, keys in index.by_first_word.items()
        if any(index.by_key[key] in roles for key in keys)
    )


def _first_word(text: str) -> str | None:
    """The text's first word folded as :meth:`AliasIndex.prefix` folds it to find the aliases
    the text may begin with."""
    first = WORD.search(text)
    if first is None:
        return None
    word = first.group(0)
    return word.lower() if word.isascii() else fold(word)


def _by_label(search: _Search, labelled: set[str]) -> None:
    for unit in search.units:
        head = unit.head
        if head.id not in labelled:
            continue
        hit = search.prefix(head)
        if hit is None or hit.target not in search.roles:
            continue
        role = search.roles[hit.target]
        if role in search.found or _keyed_beyond(search.view, head, len(hit.alias.split())):
            continue
        rest = unit.text[hit.rest_start :].lstrip(" :\n")
        if len(rest.split()) >= 2:
            search.take(role, unit, rest, FieldRule.PARTY_LABEL, LABEL_CONFIDENCE, hit.alias)
            continue
        below = unit_below(unit, [u for u in search.units if u.page == unit.page])
        if below is not None and search.free(below):
            search.used.update(unit.ids)
            search.take(role, below, below.text, FieldRule.PARTY_LABEL, LABEL_CONFIDENCE,
                        hit.alias)  # fmt: skip


def _sender_line(search: _Search, senders: set[str]) -> None:
    if not senders:
        return
    for unit in search.units:
        if unit.head.id not in senders or not search.free(unit):
            continue
        search.used.update(unit.ids)
        same_page = [u for u in search.units if u.page == unit.page and search.free(u)]
        below = unit_below(unit, same_page)
        if "buyer" not in search.found and below is not None and _address_like(below.text):
            search.take("buyer", below, below.text, FieldRule.SENDER_LINE, SENDER_CONFIDENCE)
        if "seller" not in search.found:
            search.take("seller", unit, unit.text, FieldRule.SENDER_LINE, SENDER_CONFIDENCE * 0.9)
        return


def _by_position(search: _Search, first_page: int | None, top: float | None) -> None:
    """The first page's unlabelled address units above ``top``, top to bottom: the seller's,
    then the buyer's (``first_page``: the first page with a unit)."""
    free_roles = [r for r in ("seller", "buyer") if r not in search.found]
    if first_page is None or not free_roles:
        return
    view, used = search.view, search.used
    candidates: list[tuple[float, int, Unit]] = []
    for unit in search.units:
        box = unit.box
        if (
            unit.page == first_page
            and used.isdisjoint(unit.ids)  # search.free, without the call
            and (top is None or box[3] <= top)
            and _first_piece(view, unit.head).key_start is None
        ):
            candidates.append((box[1], unit.head.index, unit))
    if any(c[0] != c[0] for c in candidates):  # a NaN top: no order, sort the address units
        candidates = [c for c in candidates if _address_like(c[2].text)]
    candidates.sort(key=lambda c: (c[0], c[1]))
    # Top down, the address test only until both roles are placed (the test is the dear part).
    placed = (unit for _, _, unit in candidates if _address_like(unit.text))
    for role, unit, confidence in zip(free_roles, placed, POSITION_CONFIDENCE, strict=False):
        search.take(role, unit, unit.text, FieldRule.POSITION, confidence)


def _is_sender_line(block: Block, line: float) -> bool:
    box = block.bbox_page
    return (
        box is not None
        and block.text.count(" · ") >= 2
        and ":" not in block.text
        and box.height <= 1.6 * line
        and _POSTCODE.search(block.text) is not None
    )


def _party_label(search: _Search, block: Block) -> bool:
    """The block begins with a party's label (``Bill to``)."""
    hit = search.prefix(block)
    return hit is not None and hit.target in search.roles


def _field_line(search: _Search, block: Block) -> bool:
    """A line of a field outside the parties: ``Key: value`` whose key is an alias of such a
    field, or such an alias followed by a value with a digit (``Facture n° F-2025-0087``). A
    line printing a VAT/tax id is a party's (``VAT: CHE-123.456.789 MWST``)."""
    text = block.text
    first = _first_piece(search.view, block)
    if first.key_start is not None:
        hit = search.index.lookup(first.key(text))
    else:
        hit = search.prefix(block)
        if hit is not None and not _DIGIT.search(text, hit.rest_start):
            hit = None
    return hit is not None and hit.target not in search.party_targets and not has_tax_id(text)


def _keyed_beyond(view: DocView, block: Block, alias_words: int) -> bool:
    """``Customer ref.: 123``: the block's first key is longer than the party alias it begins
    with, so it is a key of its own, not the label."""
    first = _first_piece(view, block)
    return (
        first.key_start is not None
        and first.key_end is not None
        and len(block.text[first.key_start : first.key_end].split()) > alias_words
    )


def _first_piece(view: DocView, block: Block) -> Piece:
    cut = view.cut.get(block.id)
    return cut[0] if cut else pieces(block.text, 0, len(block.text))[0]


def _address_like(text: str) -> bool:
    n_words = count_words(text, MAX_ADDRESS_WORDS)
    return 3 <= n_words <= MAX_ADDRESS_WORDS and has_postal_part(text) and bool(party_name(text))


def _position_top(view: DocView, page: int | None, read: list[PageFacts]) -> float | None:
    """How far down the page the position rule looks: to its first table and its middle
    (``None``: the whole page); ``read``: the page's facts."""
    if page is None:
        return None
    top = _table_top(view, page)
    if len(read) == 1:  # (a page number given twice: its blocks read together, below)
        y1, y2 = read[0].content_top, read[0].content_bottom
        half = None if y1 is None or y2 is None else y1 + (y2 - y1) / 2
    else:
        half = _middle(view, page)
    if half is not None:  # letterheads and address windows sit in the upper half of a page
        top = half if top is None else min(top, half)
    return top


def _middle(view: DocView, page: int) -> float | None:
    """Half-way down the page's content (the union of its block boxes), from the two
    coordinates it needs (no box is built)."""
    boxes = [b.bbox_page for n, blocks in view.pages if n == page for b in blocks if b.bbox_page]
    if not boxes:
        return None
    y1 = min(b.y1 for b in boxes)
    return y1 + (max(b.y2 for b in boxes) - y1) / 2


def _table_top(view: DocView, page: int) -> float | None:
    tops = [s.bbox.y1 for t in view.tables for s in t.sources if s.page == page and s.bbox]
    return min(tops) if tops else None
