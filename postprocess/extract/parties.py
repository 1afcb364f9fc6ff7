"""Seller and buyer fields (name, address, tax id) from the party blocks, with provenance.

A party's tax id is the first VAT/tax id printed in its block (:data:`.patterns.TAX_ID`), else
the value after a tax-id label in it; its label is cut from the text before the name and address
are read (:func:`.addresses.split_party`). Ids printed elsewhere (footer, info block) go to a
party still without one: to the buyer when the label says it is the reader's (``Ihre``, ``Your``,
``Votre``, ``Customer``, ``Kunden``, ``Client``), else to the seller. Sub-fields are matched by
``x-kind`` (``party-name``, ``address``, ``tax-id``) or by name (``name``, ``address``,
``tax_id``/``vat_id``). Sources are the blocks of the party's unit that print the value (the
name's block, the address lines' blocks), boxes the whole blocks (``estimated_box``).
"""

from __future__ import annotations

import re
from functools import lru_cache

from postprocess.extract.addresses import split_party
from postprocess.extract.candidates import Candidate, Candidates, Source
from postprocess.extract.document import DocView
from postprocess.extract.labels import WORD, AliasIndex, norm_key
from postprocess.extract.party_blocks import PartyText, find_party_texts
from postprocess.extract.patterns import find_tax_ids, find_tax_ids_in
from postprocess.extract.schema_spec import FieldSpec, ObjectSpec
from postprocess.extract.segments import pieces
from schemas.blocks import Block
from schemas.extraction import FieldRule

ELSEWHERE_CONFIDENCE = 0.7
#: A whitespace-separated token (one that begins after whitespace also when the scan starts
#: inside the text).
_TOKEN = re.compile(r"(?<!\S)\S+")
_READER = re.compile(r"(?i)\b(?:ihre|ihr|your|votre|vos|customer|kunden|client|acheteur)\b")
_ROLE_NAMES = {
    "party-name": {"name", "company", "company_name"},
    "address": {"address"},
    "tax-id": {"tax_id", "vat_id", "vat", "vat_number", "tax_number"},
}


def party_candidates(
    view: DocView, objects: tuple[ObjectSpec, ...], index: AliasIndex
) -> Candidates:
    """Candidates for every party sub-field, by path (``seller.name``, ``buyer.tax_id``, ...)."""
    if not objects:
        return {}
    tax_keys = _tax_keys(objects)
    texts = find_party_texts(view, objects, index)
    out: Candidates = {}
    taken: set[str] = set()
    for obj in objects:
        party = texts.get(obj.role or obj.path)
        if party is None:
            continue
        tax_id, text = _own_tax_id(party.text, tax_keys)
        name, lines = split_party(text)
        values = {
            "party-name": (name, [name] if name else []),
            "address": (", ".join(lines) or None, lines),
            "tax-id": (tax_id, [tax_id] if tax_id else []),
        }
        if tax_id:
            taken.add(tax_id)
        for fspec in obj.fields:
            value, printed = values.get(_role(fspec) or "", (None, []))
            if value:
                out[fspec.path] = [_candidate(party, value, party.confidence, printed)]
    _tax_ids_elsewhere(view, objects, texts, out, taken)
    return out


@lru_cache(maxsize=64)
def _tax_keys(objects: tuple[ObjectSpec, ...]) -> frozenset[str]:
    """The normalised labels of the parties' tax-id fields (read once per schema)."""
    return frozenset(
        norm_key(a) for o in objects for f in o.fields if _role(f) == "tax-id" for a in f.aliases
    )


def _own_tax_id(text: str, tax_keys: frozenset[str]) -> tuple[str | None, str]:
    """The tax id printed in a party's text, and the text without it and its label."""
    for found in find_tax_ids(text):
        cut = _label_start(text, found.start, tax_keys)
        return found.value, text[:cut] + " " + text[found.end :]
    for piece in pieces(text, 0, len(text)):
        if piece.key_start is not None and norm_key(piece.key(text)) in tax_keys:
            value = piece.value(text).split()
            if value:
                return value[0], text[: piece.key_start]
    return None, text


def _label_start(text: str, start: int, tax_keys: frozenset[str]) -> int:
    """Where the tax-id label right before ``start`` begins (``start`` when there is none)."""
    head = text[:start]
    # A label of n words is no text of more than n words (norm_key keeps every word, folding
    # never joins two): only the last few tokens of a long party text need normalising.
    words = [m.start() for m in WORD.finditer(head)]
    most = _most_words(tax_keys)
    first = words[-most - 1] + 1 if len(words) > most else 0
    for m in _TOKEN.finditer(head, first):
        if norm_key(text[m.start() : start]) in tax_keys:
            return m.start()
    return start


@lru_cache(maxsize=64)
def _most_words(tax_keys: frozenset[str]) -> int:
    """The most words a tax-id label has (read once per schema)."""
    return max((key.count(" ") + 1 for key in tax_keys), default=0)


def _tax_ids_elsewhere(
    view: DocView,
    objects: tuple[ObjectSpec, ...],
    texts: dict[str, PartyText],
    out: Candidates,
    taken: set[str],
) -> None:
    missing = {
        o.role or o.path: f
        for o in objects
        for f in o.fields
        if _role(f) == "tax-id" and f.path not in out
    }
    if not missing:
        return
    blocks = view.text_blocks()
    for i, found in find_tax_ids_in([block.text for _, block in blocks]):
        page, block = blocks[i]
        if found.value in taken:
            continue
        before = block.text[max(0, found.start - 40) : found.start]
        role = "buyer" if _READER.search(before) else "seller"
        fspec = missing.pop(role, None)
        if fspec is None:
            continue
        party = PartyText(role, page, (block,), block.text, FieldRule.LABEL, ELSEWHERE_CONFIDENCE)
        out[fspec.path] = [_candidate(party, found.value, ELSEWHERE_CONFIDENCE)]
        taken.add(found.value)
        if not missing:
            return


def _role(fspec: FieldSpec) -> str | None:
    if fspec.kind in _ROLE_NAMES:
        return fspec.kind
    return next((role for role, names in _ROLE_NAMES.items() if fspec.name in names), None)


def _candidate(
    party: PartyText, value: str, confidence: float, printed: list[str] | None = None
) -> Candidate:
    sources = [
        Source(party.page, b.id, b.bbox_page, b.text)
        for b in _holding(party.blocks, printed or [value])
    ]
    order = (party.page, party.block.index)
    return Candidate(value, value, party.rule, confidence, order, label=party.label,
                     sources=sources, estimated=True)  # fmt: skip


def _holding(blocks: tuple[Block, ...], parts: list[str]) -> list[Block]:
    """The blocks that print any of ``parts`` (each part may run over a line break); all the
    blocks when none can be placed."""
    if len(blocks) == 1:  # (most parties) the block, whether or not a part is placed in it
        return list(blocks)
    offsets: list[tuple[int, int, Block]] = []
    start = 0
    for block in blocks:
        offsets.append((start, start + len(block.text), block))
        start += len(block.text) + 1
    text = "\n".join(b.text for b in blocks)
    held: dict[str, Block] = {}
    for part in parts:
        found = _find_words(text, part.split())
        if found is None:
            continue
        for lo, hi, block in offsets:
            if lo < found[1] and found[0] < hi:
                held.setdefault(block.id, block)
    return [b for b in blocks if b.id in held] or list(blocks)


def _find_words(text: str, words: list[str]) -> tuple[int, int] | None:
    """Where ``words`` are first printed in ``text`` one after the other, any whitespace (line
    breaks too) between them: ``(start, end)``, or ``None``."""
    if not words:
        return None
    first, rest = words[0], words[1:]
    start = text.find(first)
    while start >= 0:
        end = start + len(first)
        for word in rest:
            gap = end
            while gap < len(text) and text[gap].isspace():
                gap += 1
            if gap == end or not text.startswith(word, gap):
                break
            end = gap + len(word)
        else:
            return start, end
        start = text.find(first, start + 1)
    return None
