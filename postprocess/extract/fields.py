"""Label synonyms -> field candidates: form pairs, labelled lines, check boxes, text patterns.

Sources, each with a base confidence (times ``FUZZY`` when the key only resembles an alias):

- a form pair whose key is an alias (``colon``/``table`` 0.95, ``box`` 0.85, ``spatial`` 0.8);
- a text piece beginning with an alias, the value after it (``"Facture n° F-2025-0087"``) 0.9;
- a check-box group whose question is an alias: its checked labels, 0.9 (``Paperless billing:
  ☒ Yes ☐ No`` -> ``Yes`` -> true for a boolean field);
- a check box whose label is an alias of a boolean field: its state, 0.9;
- ``x-patterns`` on the text of every block, 0.6; for ``x-kind: iban``, any valid IBAN, 0.8.

A candidate counts only when its text converts to the field's type (:mod:`.values`).
``x-sum-aliases`` hits are collected apart, as parts of a sum (:func:`sum_candidate`).
"""

from __future__ import annotations

from collections import defaultdict

from postprocess.extract.boxes import estimate_sub_box
from postprocess.extract.candidates import Candidate, Candidates, Source
from postprocess.extract.document import DocView
from postprocess.extract.form_text import checkbox_groups
from postprocess.extract.labels import AliasIndex
from postprocess.extract.patterns import find_ibans_in
from postprocess.extract.schema_spec import FieldSpec, SchemaSpec
from postprocess.extract.values import clean_value, convert
from schemas.extraction import ExtractOptions, FieldRule
from schemas.forms import PairRule

PAIR_CONFIDENCE = {
    PairRule.COLON: 0.95,
    PairRule.TABLE: 0.95,
    PairRule.BOX: 0.85,
    PairRule.SPATIAL: 0.8,
}
CHECKBOX_CONFIDENCE = 0.9
LABEL_CONFIDENCE = 0.9
PATTERN_CONFIDENCE = 0.6
IBAN_SCAN_CONFIDENCE = 0.8
FUZZY = 0.8
SUM_PREFIX = "sum:"


def alias_index(spec: SchemaSpec) -> AliasIndex:
    """Aliases of every field; sum parts under ``sum:path``; party labels and party-field labels
    too, so that the longest printed label decides (``VAT No.`` is a tax id, not a VAT line)."""
    entries = [(f.path, f.aliases) for f in spec.fields]
    entries += [(SUM_PREFIX + f.path, f.sum_aliases) for f in spec.fields if f.sum_aliases]
    entries += [(o.path, o.aliases) for o in spec.objects]
    entries += [(f.path, f.aliases) for o in spec.objects for f in o.fields]
    return AliasIndex(entries)


def label_candidates(
    view: DocView, spec: SchemaSpec, index: AliasIndex, options: ExtractOptions
) -> tuple[Candidates, Candidates]:
    """``(candidates, sum parts)`` by field path, from pairs, labelled pieces and check boxes."""
    by_path = {f.path: f for f in spec.fields}
    found: Candidates = defaultdict(list)
    parts: Candidates = defaultdict(list)

    def add(target: str, text: str, candidate: Candidate) -> None:
        is_sum = target.startswith(SUM_PREFIX)
        fspec = by_path.get(target[len(SUM_PREFIX) :] if is_sum else target)
        if fspec is None:
            return
        candidate.value = convert(fspec, text, dayfirst=options.dayfirst)
        if candidate.value is not None:
            (parts if is_sum else found)[fspec.path].append(candidate)

    for pair in view.pairs:
        hit = index.lookup(pair.key, fuzzy=options.fuzzy_labels)
        if hit is None:
            continue
        source = Source(
            pair.page, pair.value_block_id, pair.value_bbox, f"{pair.key}: {pair.value}"
        )
        confidence = PAIR_CONFIDENCE[pair.rule] * (1.0 if hit.exact else FUZZY)
        order = _order(view, pair.value_block_id)
        candidate = Candidate(None, pair.value, FieldRule.PAIR, confidence, order, label=pair.key,
                              sources=[source], estimated=pair.estimated_boxes)  # fmt: skip
        add(hit.target, pair.value, candidate)
    for group in checkbox_groups(view.checkboxes):
        hit = index.lookup(group.name, fuzzy=options.fuzzy_labels)
        if hit is None:
            continue
        source = Source(group.page, group.block_id, group.bbox, f"{group.name}: {group.value}")
        confidence = CHECKBOX_CONFIDENCE * (1.0 if hit.exact else FUZZY)
        order = _order(view, group.block_id)
        candidate = Candidate(None, group.value, FieldRule.PAIR, confidence, order,
                              label=group.name, sources=[source])  # fmt: skip
        add(hit.target, group.value, candidate)
    for piece in view.pieces:
        hit = None if piece.keyed else view.prefix(index, piece.text)
        if hit is None:
            continue
        text = piece.block.text
        start = piece.start + hit.rest_start
        value = clean_value(text[start : piece.end])
        start = text.find(value[:1], start) if value else start
        box = estimate_sub_box(piece.block.bbox_page, text, start, piece.end)
        source = Source(piece.page, piece.block.id, box, piece.text)
        order = (piece.page, piece.block.index)
        candidate = Candidate(None, value, FieldRule.LABEL, LABEL_CONFIDENCE, order,
                              label=hit.alias, sources=[source])  # fmt: skip
        add(hit.target, value, candidate)
    for mark in view.checkboxes:
        hit = index.lookup(mark.label)
        fspec = by_path.get(hit.target) if hit else None
        if fspec is not None and fspec.type == "boolean":
            source = Source(mark.page, mark.block_id, mark.bbox, mark.label)
            confidence = CHECKBOX_CONFIDENCE
            order = _order(view, mark.block_id)
            candidate = Candidate(mark.checked, mark.label, FieldRule.PAIR, confidence, order,
                                  label=mark.label, sources=[source])  # fmt: skip
            found[fspec.path].append(candidate)
    return found, parts


def pattern_candidates(view: DocView, fspec: FieldSpec, options: ExtractOptions) -> list[Candidate]:
    """Candidates from ``x-patterns`` and, for IBAN fields, valid IBANs anywhere."""
    blocks = view.text_blocks()
    # spans by block index: a block's pattern matches, then its IBANs (most blocks have none,
    # so they are gathered first and only the blocks that have some are visited after)
    spans: dict[int, list[tuple[int, int, str, float]]] = defaultdict(list)
    for pattern in fspec.patterns:
        group = "value" if "value" in pattern.groupindex else 0
        for i, (_, block) in enumerate(blocks):
            text = block.text
            # most blocks hold no match: a search (finditer's first match) costs half what
            # setting up finditer's iterator and scanner does
            if pattern.search(text) is None:
                continue
            for m in pattern.finditer(text):
                spans[i].append((m.start(group), m.end(group), m.group(group), PATTERN_CONFIDENCE))
    if fspec.kind == "iban":  # one scan of all the texts
        for i, f in find_ibans_in([block.text for _, block in blocks]):
            spans[i].append((f.start, f.end, f.value, IBAN_SCAN_CONFIDENCE))
    out: list[Candidate] = []
    for i in sorted(spans):
        page, block = blocks[i]
        text = block.text
        for start, end, raw, confidence in spans[i]:
            value = convert(fspec, raw, dayfirst=options.dayfirst)
            if value is None:
                continue
            box = estimate_sub_box(block.bbox_page, text, start, end)
            source = Source(page, block.id, box, text[start:end])
            order = (page, block.index)
            out.append(
                Candidate(value, raw, FieldRule.PATTERN, confidence, order, sources=[source])
            )
    return out


def sum_candidate(parts: list[Candidate]) -> Candidate | None:
    """The sum of distinct labelled amounts (one per printed line), as one candidate."""
    unique: dict[tuple[str | None, str], Candidate] = {}
    for part in parts:
        source = part.sources[0] if part.sources else None
        unique.setdefault((source.block_id if source else None, part.raw), part)
    chosen = list(unique.values())
    if not chosen:
        return None
    return Candidate(
        value=sum((c.value for c in chosen), start=type(chosen[0].value)(0)),
        raw=" + ".join(c.raw for c in chosen),
        rule=FieldRule.SUM,
        confidence=round(min(c.confidence for c in chosen) * 0.95, 3),
        order=min(c.order for c in chosen),
        label=chosen[0].label,
        sources=[s for c in chosen for s in c.sources],
    )


def _order(view: DocView, block_id: str | None) -> tuple[int, int]:
    page, block = view.blocks.get(block_id or "", (10**6, None))
    return page, block.index if block is not None else 0
