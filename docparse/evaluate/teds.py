"""TEDS and TEDS-S: tree-edit-distance-based similarity of HTML tables, and table matching.

Definition (Zhong, ShafieiBavani, Jimeno Yepes 2020, "Image-based table recognition: data,
model, and evaluation", ECCV; the PubTabNet reference evaluation):

* A table is the tree under its ``<table>`` element; nodes are element tags. ``td``/``th`` cells
  are leaves carrying ``colspan``, ``rowspan`` and their content as a token list: one token per
  character of text and one per inline opening/closing tag (``<b>``, ``</b>``, ``<br>``, ...).
* Edit costs: insert and delete 1; rename 1 when the tags, colspans or rowspans differ, else, for
  cells, the normalised Levenshtein distance of the two token lists (distance / longer length),
  else 0.
* ``TEDS = 1 - TED(pred, true) / max(|pred|, |true|)`` where TED is the tree edit distance and
  ``|T|`` counts the element nodes *below* ``<table>``: every descendant element, inline tags
  inside cells included, exactly as the reference does (``len(table.xpath('.//*'))``).
* TEDS-S (structure only) gives every cell empty content, so only tags and spans count.

TED is computed by :mod:`.ted_fast` (Zhang–Shasha compiled with numba; 30x faster on small
tables, over 100x on tables of a few hundred cells) when numba is installed, else by the
``apted`` package (APTED of Pawlik and Augsten, pure Python), which stays the reference the
fast path is tested against.

Choices where the reference is silent or does not apply (all tested):

* The first outermost ``<table>`` of each input is scored (the reference takes ``body/table``).
* ``th`` cells are leaves like ``td`` (PubTabNet has no ``th``); a ``th``/``td`` swap costs 1.
* Empty or unparsable input, or input without a table: 0.0 when exactly one side has a table
  (the reference returns 0 for an empty side); 1.0 when *neither* side has one (nothing to
  recognise, nothing recognised). Two bare ``<table></table>`` score 1.0 (no division by zero).
* The score is clamped at 0 (pathological tree shapes can push the raw formula below 0).
* ``normalize=True`` applies OmniDocBench's normalisation first (see ``normalize.py``).

Multi-table pages (:func:`match_tables`): truth and predicted tables are paired one-to-one by the
Hungarian algorithm on the normalised Levenshtein distance of their texts; every truth table gets a
score (0 when left unmatched) and the page's TEDS is their mean. Extra predicted tables are
reported, not averaged in: the layout metric's table precision is where they count.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from apted import APTED, Config
from lxml import etree
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from docparse.evaluate import ted_fast
from docparse.evaluate.htmltables import (
    element_text,
    extract_tables,
    outermost_tables,
    parse_html,
    span,
)
from docparse.evaluate.matching import min_cost_pairs
from docparse.evaluate.normalize import normalize_table, normalize_text
from docparse.evaluate.report_models import TablePageReport, TablePair, TableSummary, mean
from schemas.blocks import Block, BlockKind

__all__ = ["match_tables", "summarize_tables", "tables_from_blocks", "teds"]

_CELLS = ("td", "th")


@dataclass
class _Node:
    tag: str
    colspan: int | None = None
    rowspan: int | None = None
    content: list[str] = field(default_factory=list)
    children: list[_Node] = field(default_factory=list)


class _TEDSConfig(Config):
    """PubTabNet's costs; insert/delete keep apted's default of 1 and ``children`` is read."""

    def rename(self, node1: _Node, node2: _Node) -> float:
        if (node1.tag, node1.colspan, node1.rowspan) != (node2.tag, node2.colspan, node2.rowspan):
            return 1.0
        if node1.content or node2.content:
            return float(Levenshtein.normalized_distance(node1.content, node2.content))
        return 0.0


def _tokens(element: etree._Element) -> list[str]:
    """A cell's content tokens: characters of text, inline tags as '<tag>' and '</tag>'."""
    tokens: list[str] = list(element.text or "")
    for child in element:
        if isinstance(child.tag, str):
            tokens.append(f"<{child.tag}>")
            tokens.extend(_tokens(child))
            tokens.append(f"</{child.tag}>")
        tokens.extend(child.tail or "")
    return tokens


def _tree(element: etree._Element, structure_only: bool) -> _Node:
    if element.tag in _CELLS:
        return _Node(
            tag=element.tag,
            colspan=span(element, "colspan"),
            rowspan=span(element, "rowspan"),
            content=[] if structure_only else _tokens(element),
        )
    children = [_tree(c, structure_only) for c in element if isinstance(c.tag, str)]
    return _Node(tag=element.tag, children=children)


def _node_count(table: etree._Element) -> int:
    return sum(1 for e in table.iterdescendants() if isinstance(e.tag, str))


def _load(html: str, normalize: bool) -> etree._Element | None:
    root = parse_html(html)
    tables = outermost_tables(root) if root is not None else []
    if not tables:
        return None
    if normalize:
        normalize_table(tables[0])
    return tables[0]


def _distance(pred: _Node, true: _Node) -> float:
    """Tree edit distance: the compiled fast path when usable, else the ``apted`` reference."""
    if ted_fast.available():
        return ted_fast.tree_edit_distance(pred, true)
    return float(APTED(pred, true, _TEDSConfig()).compute_edit_distance())


def _score(pred: etree._Element | None, true: etree._Element | None, structure_only: bool) -> float:
    if pred is None or true is None:
        return 1.0 if pred is None and true is None else 0.0
    n_nodes = max(_node_count(pred), _node_count(true))
    if n_nodes == 0:
        return 1.0
    distance = _distance(_tree(pred, structure_only), _tree(true, structure_only))
    return max(0.0, 1.0 - distance / n_nodes)


def teds(
    pred_html: str, true_html: str, *, structure_only: bool = False, normalize: bool = False
) -> float:
    """TEDS (or TEDS-S with ``structure_only``) of the first table in each input, in [0, 1]."""
    return _score(_load(pred_html, normalize), _load(true_html, normalize), structure_only)


def _table_text(table: etree._Element | None) -> str:
    return normalize_text(element_text(table)) if table is not None else ""


def match_tables(
    pred_tables: Sequence[str], true_tables: Sequence[str], *, normalize: bool = False
) -> TablePageReport:
    """Pair a page's tables one-to-one (Hungarian on text distance) and score each pair.

    Every truth table gets a :class:`TablePair`; unmatched ones score 0 for TEDS and TEDS-S.
    """
    preds = [_load(html, normalize) for html in pred_tables]
    trues = [_load(html, normalize) for html in true_tables]
    pairs: list[tuple[int, int]] = []
    if preds and trues:
        cost = process.cdist(
            [_table_text(t) for t in trues],
            [_table_text(p) for p in preds],
            scorer=Levenshtein.normalized_distance,
            dtype=float,
        )
        pairs = min_cost_pairs(cost)
    pred_of = dict(pairs)
    report_pairs = []
    for t, true in enumerate(trues):
        p = pred_of.get(t)
        pred = preds[p] if p is not None else None
        scored = p is not None and true is not None
        report_pairs.append(
            TablePair(
                true_index=t,
                pred_index=p,
                teds=_score(pred, true, False) if scored else 0.0,
                teds_s=_score(pred, true, True) if scored else 0.0,
            )
        )
    matched = set(pred_of.values())
    return TablePageReport(
        pairs=report_pairs, unmatched_pred=[i for i in range(len(preds)) if i not in matched]
    )


def tables_from_blocks(blocks: Iterable[Block]) -> list[str]:
    """The ``<table>`` HTML of each table block, in reading order (for :func:`match_tables`)."""
    return [html for b in blocks if b.kind is BlockKind.TABLE for html in extract_tables(b.html)]


def summarize_tables(reports: Sequence[TablePageReport]) -> TableSummary:
    """Pool every truth table of every page: mean TEDS and TEDS-S, tables weighing equally."""
    pairs = [p for r in reports for p in r.pairs]
    return TableSummary(
        pages=len(reports),
        tables=len(pairs),
        unmatched_pred=sum(len(r.unmatched_pred) for r in reports),
        teds=mean([p.teds for p in pairs]),
        teds_s=mean([p.teds_s for p in pairs]),
    )
