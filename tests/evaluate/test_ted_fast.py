"""The compiled Zhang–Shasha TED (docparse.evaluate.ted_fast) against the apted reference.

Equality is checked to 1e-9 on (a) every distinct fixture-corpus table against perturbed versions
of it, (b) thousands of seeded random ordered trees, and through ``teds()`` itself; the
hand-computed cases of test_teds.py run on the fast path by default. The apted fallback is
checked too: used (and equal) when the fast path is switched off or numba cannot be imported.
"""

from __future__ import annotations

import copy
import functools
import importlib
import random
import re
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from apted import APTED
from lxml import etree

from docparse.evaluate import ted_fast
from docparse.evaluate.htmltables import extract_tables

# The package re-exports the function ``teds`` under the module's name: import the module itself.
teds_module = importlib.import_module("docparse.evaluate.teds")
_Node = teds_module._Node

CORPUS = Path(__file__).resolve().parents[2] / "fixtures" / "corpus"
TOLERANCE = 1e-9

needs_numba = pytest.mark.skipif(
    not ted_fast.available(), reason="numba is not installed (the eval extra)"
)


def reference_distance(a: _Node, b: _Node) -> float:
    return float(APTED(a, b, teds_module._TEDSConfig()).compute_edit_distance())


def trees(pred_html: str, true_html: str, structure_only: bool) -> tuple[_Node, _Node]:
    pred = teds_module._load(pred_html, False)
    true = teds_module._load(true_html, False)
    return teds_module._tree(pred, structure_only), teds_module._tree(true, structure_only)


# --- (a) fixture tables and perturbed versions of them ---------------------------------------


def fixture_tables() -> list[tuple[str, str]]:
    """(id, html) of each distinct table in the corpus truth (scan copies differ in boxes only)."""
    seen: dict[str, tuple[str, str]] = {}
    for page in sorted(CORPUS.rglob("page-*.html")):
        for index, html in enumerate(extract_tables(page.read_text(encoding="utf-8"))):
            key = re.sub(r'\sdata-bbox="[^"]*"', "", html)
            name = f"{page.parent.relative_to(CORPUS).as_posix()}/{page.stem}#{index}"
            seen.setdefault(key, (name, html))
    return list(seen.values())


def _table(html: str) -> etree._Element:
    return etree.fromstring(html, etree.HTMLParser()).find(".//table")


def _html(table: etree._Element) -> str:
    return etree.tostring(table, encoding="unicode", method="html")


def _rows(table: etree._Element) -> list[etree._Element]:
    return list(table.iter("tr"))


def _cells(table: etree._Element) -> list[etree._Element]:
    return [c for c in table.iter("td", "th")]


def delete_rows(table: etree._Element) -> None:
    rows = _rows(table)
    for row in {rows[len(rows) // 2], rows[-1]}:
        row.getparent().remove(row)


def change_spans(table: etree._Element) -> None:
    cells = _cells(table)
    spanned = [c for c in cells if c.get("colspan") or c.get("rowspan")]
    for cell in spanned[:2]:
        for name in ("colspan", "rowspan"):
            if cell.get(name):
                del cell.attrib[name]
    cells[len(cells) // 2].set("colspan", "2")
    cells[-1].set("rowspan", "3")


def change_cells(table: etree._Element) -> None:
    cells = _cells(table)
    cells[0].text = (cells[0].text or "") + "x"
    cells[len(cells) // 3].text = "completely different"
    cells[-1].text = ""


def insert_column(table: etree._Element) -> None:
    for number, row in enumerate(_rows(table)):
        cell = etree.Element("td")
        cell.text = f"new {number}"
        row.insert(min(1, len(row)), cell)


def inline_tags(table: etree._Element) -> None:
    cells = _cells(table)
    for cell in (
        cells[0],
        cells[len(cells) // 2],
    ):  # <td>text...</td> -> <td><b>text</b>...</td>
        bold = etree.Element("b")
        bold.text, cell.text = cell.text, None
        cell.insert(0, bold)
    etree.SubElement(cells[-1], "br").tail = "second line"
    italic = etree.SubElement(cells[1], "i")
    italic.text = "\U000f0000"  # a private-use character, as the code point of a tag token might be


def everything(table: etree._Element) -> None:
    for perturb in (
        delete_rows,
        change_spans,
        change_cells,
        insert_column,
        inline_tags,
    ):
        perturb(table)


PERTURBATIONS: list[Callable[[etree._Element], None]] = [
    delete_rows,
    change_spans,
    change_cells,
    insert_column,
    inline_tags,
    everything,
]


def perturbed(html: str, perturb: Callable[[etree._Element], None]) -> str:
    table = copy.deepcopy(_table(html))
    perturb(table)
    return _html(table)


TABLES = fixture_tables()


def test_the_corpus_has_tables_to_check() -> None:
    assert len(TABLES) >= 8
    assert max(html.count("<td") for _, html in TABLES) >= 100  # the 30-row inventory tables


@needs_numba
@pytest.mark.slow
@pytest.mark.parametrize(("name", "html"), TABLES, ids=[name for name, _ in TABLES])
def test_fixture_tables_against_perturbed_versions_equal_apted(name: str, html: str) -> None:
    for perturb in PERTURBATIONS:
        pred = perturbed(html, perturb)
        assert pred != html
        for structure_only in (False, True):
            a, b = trees(pred, html, structure_only)
            fast = ted_fast.tree_edit_distance(a, b)
            reference = reference_distance(a, b)
            assert abs(fast - reference) < TOLERANCE, (
                name,
                perturb.__name__,
                structure_only,
            )
            if not structure_only:
                assert fast > 0  # every perturbation changes the TEDS tree


@needs_numba
def test_identical_fixture_tables_are_distance_zero_without_the_dp(monkeypatch) -> None:
    calls = []
    monkeypatch.setattr(ted_fast, "rename_costs", lambda *a: calls.append(a))
    for _, html in TABLES:
        for structure_only in (False, True):
            a, b = trees(html, html, structure_only)
            assert a is not b
            assert ted_fast.tree_edit_distance(a, b) == 0.0
    assert calls == []


@needs_numba
def test_teds_scores_equal_with_and_without_the_fast_path(monkeypatch) -> None:
    """Through the public ``teds()``: fast scores == apted scores (small tables: apted is slow)."""
    small = [html for _, html in TABLES if html.count("<td") < 40]
    cases = [(perturbed(html, p), html) for html in small for p in PERTURBATIONS]
    fast = [teds_module.teds(p, t, structure_only=s) for p, t in cases for s in (False, True)]
    monkeypatch.setattr(ted_fast, "ENABLED", False)
    slow = [teds_module.teds(p, t, structure_only=s) for p, t in cases for s in (False, True)]
    assert len(fast) >= 60
    assert all(abs(f - s) < TOLERANCE for f, s in zip(fast, slow, strict=True))
    assert len(set(fast)) > 10  # the cases are not all alike


# --- (b) random ordered trees -----------------------------------------------------------------

INNER_TAGS = ("thead", "tbody", "tr", "div", "table")
#: Characters, inline-tag tokens, and private-use characters that could collide with the
#: code points given to tag tokens.
TOKENS = (
    "a",
    "b",
    "1",
    " ",
    "é",
    "\U000f0000",
    "\U000f0001",
    "<b>",
    "</b>",
    "<br>",
    "<i>",
)


def random_cell(rng: random.Random) -> _Node:
    return _Node(
        tag=rng.choice(("td", "td", "td", "th")),
        colspan=rng.choice((1, 1, 1, 2)),
        rowspan=rng.choice((1, 1, 1, 2, 3)),
        content=[rng.choice(TOKENS) for _ in range(rng.choice((0, 1, 2, 3, 5, 8)))],
    )


def random_tree(rng: random.Random, depth: int) -> _Node:
    if depth == 0 or rng.random() < 0.25:
        return random_cell(rng) if rng.random() < 0.85 else _Node(tag=rng.choice(INNER_TAGS))
    children = [random_tree(rng, depth - 1) for _ in range(rng.randint(0, 4))]
    return _Node(tag=rng.choice(INNER_TAGS), children=children)


def mutate(node: _Node, rng: random.Random, p: float) -> _Node:
    """A copy of ``node`` with random deletions, insertions, relabels and content changes."""
    children: list[_Node] = []
    for child in node.children:
        changed = mutate(child, rng, p)
        roll = rng.random()
        if roll < p:
            children.extend(changed.children)  # delete the child: its children move up
        elif roll < 2 * p:
            children.append(_Node(tag=rng.choice(INNER_TAGS), children=[changed]))  # new parent
        else:
            children.append(changed)
    if rng.random() < p:
        children.insert(rng.randint(0, len(children)), random_cell(rng))
    new = _Node(node.tag, node.colspan, node.rowspan, list(node.content), children)
    roll = rng.random()
    if new.colspan is not None and roll < p:
        new.content = [t for t in new.content if rng.random() < 0.7] + [rng.choice(TOKENS)]
    elif new.colspan is not None and roll < 2 * p:
        new.colspan, new.rowspan = new.rowspan, new.colspan
    elif roll < 3 * p:
        new.tag = rng.choice(INNER_TAGS) if new.colspan is None else rng.choice(("td", "th"))
    return new


def random_pairs(count: int, seed: int) -> list[tuple[_Node, _Node]]:
    rng = random.Random(seed)
    pairs = []
    for n in range(count):
        tree = random_tree(rng, rng.randint(0, 4))
        if n % 3 == 0:
            pairs.append((tree, random_tree(rng, rng.randint(0, 4))))  # unrelated trees
        else:
            pairs.append((mutate(tree, rng, rng.choice((0.0, 0.05, 0.15, 0.3))), tree))
    return pairs


def _size(node: _Node) -> int:
    return 1 + sum(_size(c) for c in node.children)


class _Sub:
    """A subtree for :func:`optimal_mapping`, hashable by identity (forests are tuples of them)."""

    __slots__ = ("children", "node")

    def __init__(self, node: _Node) -> None:
        self.node = node
        self.children = tuple(_Sub(c) for c in node.children)


def optimal_mapping(a: _Node, b: _Node) -> tuple[float, float]:
    """An independent check: the textbook forest recursion, and the cost of its mapping.

    ``d(F, G)`` with ``v``/``w`` the rightmost roots of forests ``F``/``G`` is the minimum of
    deleting ``v``, inserting ``w``, or mapping ``v`` to ``w`` (their child forests matched, the
    rest of ``F`` with the rest of ``G``). The optimal mapping found is verified to be a valid
    Tai mapping (one-to-one, ancestor and sibling order preserved) and re-costed from scratch.
    Returns (recursion value, cost of the verified mapping). Exponential in the worst case: only
    for the few small trees where the fast path and apted differ.
    """
    config = teds_module._TEDSConfig()
    root1, root2 = _Sub(a), _Sub(b)
    Mapping = tuple[tuple[_Sub, _Sub], ...]

    @functools.cache
    def d(f: tuple[_Sub, ...], g: tuple[_Sub, ...]) -> tuple[float, Mapping]:
        if not f and not g:
            return 0.0, ()
        options: list[tuple[float, Mapping]] = []
        if f:
            cost, mapping = d(f[:-1] + f[-1].children, g)
            options.append((cost + 1.0, mapping))
        if g:
            cost, mapping = d(f, g[:-1] + g[-1].children)
            options.append((cost + 1.0, mapping))
        if f and g:
            v, w = f[-1], g[-1]
            inner, inner_map = d(v.children, w.children)
            rest, rest_map = d(f[:-1], g[:-1])
            rename = config.rename(v.node, w.node)
            options.append((inner + rest + rename, (*inner_map, *rest_map, (v, w))))
        return min(options, key=lambda option: option[0])

    value, mapping = d((root1,), (root2,))
    pre1, post1 = _orders(root1)
    pre2, post2 = _orders(root2)
    assert len({id(v) for v, _ in mapping}) == len({id(w) for _, w in mapping}) == len(mapping)
    for v1, w1 in mapping:
        for v2, w2 in mapping:
            assert (pre1[v1] < pre1[v2]) == (pre2[w1] < pre2[w2])
            assert (post1[v1] < post1[v2]) == (post2[w1] < post2[w2])
    unmapped = len(pre1) + len(pre2) - 2 * len(mapping)
    return value, unmapped + sum(config.rename(v.node, w.node) for v, w in mapping)


def _orders(root: _Sub) -> tuple[dict[_Sub, int], dict[_Sub, int]]:
    pre: dict[_Sub, int] = {}
    post: dict[_Sub, int] = {}

    def walk(sub: _Sub) -> None:
        pre[sub] = len(pre)
        for child in sub.children:
            walk(child)
        post[sub] = len(post)

    walk(root)
    return pre, post


def _without_content(node: _Node) -> _Node:
    return _Node(
        node.tag,
        node.colspan,
        node.rowspan,
        [],
        [_without_content(c) for c in node.children],
    )


@needs_numba
@pytest.mark.parametrize("costs", ["content", "structure"])
def test_random_trees_equal_apted(costs: str) -> None:
    """Equal to apted, except where apted is not minimal: there the fast path is lower and
    equals an independent exhaustive recursion whose mapping is verified valid.

    apted 1.0.3 (pure Python) returns a non-minimal, and asymmetric, distance for a few random
    trees with fractional (content) rename costs, about 1 pair in 1,500; with 0/1 costs it has
    agreed on every pair tried.
    """
    pairs = random_pairs(2400, seed=20240611)
    if costs == "structure":
        pairs = [(_without_content(a), _without_content(b)) for a, b in pairs]
    differing = []
    for a, b in pairs:
        fast, reference = ted_fast.tree_edit_distance(a, b), reference_distance(a, b)
        if abs(fast - reference) >= TOLERANCE:
            differing.append((a, b, fast, reference))
    for a, b, fast, reference in differing:
        assert fast < reference  # apted's answer is the cost of some valid mapping: an upper bound
        value, mapping_cost = optimal_mapping(a, b)
        assert abs(fast - value) < TOLERANCE and abs(fast - mapping_cost) < TOLERANCE
    assert len(differing) <= len(pairs) // 500
    sizes = [_size(a) + _size(b) for a, b in pairs]
    assert max(sizes) >= 60 and min(sizes) == 2  # from single nodes to sizeable trees
    distances = [ted_fast.tree_edit_distance(a, b) for a, b in pairs[:300]]
    assert sum(d == 0 for d in distances) < 150  # mostly different pairs
    if costs == "content":
        assert any(d != int(d) for d in distances)  # content renames with fractional costs


def test_rename_cost_matrix_equals_the_reference_costs() -> None:
    config = teds_module._TEDSConfig()
    for a, b in random_pairs(150, seed=7):
        t1, t2 = ted_fast.flatten(a), ted_fast.flatten(b)
        nodes1, nodes2 = _post_order(a), _post_order(b)
        expected = np.array([[config.rename(x, y) for y in nodes2] for x in nodes1])
        np.testing.assert_array_equal(ted_fast.rename_costs(t1, t2), expected)


def _post_order(node: _Node) -> list[_Node]:
    return [n for c in node.children for n in _post_order(c)] + [node]


def test_flatten_numbers_in_post_order_with_leftmost_leaves_and_keyroots() -> None:
    # table(tr(td, td), tr(td)) -> post-order td0 td1 tr2 td3 tr4 table5
    tree = _Node(
        "table",
        children=[
            _Node("tr", children=[_Node("td", 1, 1, ["a"]), _Node("td", 1, 1)]),
            _Node("tr", children=[_Node("td", 2, 1, ["<b>", "c", "</b>"])]),
        ],
    )
    flat = ted_fast.flatten(tree)
    assert [label[0] for label in flat.labels] == [
        "td",
        "td",
        "tr",
        "td",
        "tr",
        "table",
    ]
    assert flat.leftmost.tolist() == [0, 1, 0, 3, 3, 0]
    assert flat.keyroots.tolist() == [1, 4, 5]
    assert flat.arity == [0, 0, 2, 0, 1, 2]


def test_token_strings_keep_distances_when_code_points_run_out(monkeypatch) -> None:
    """Without free code points for tag tokens the token lists themselves are compared."""
    a = _Node(
        "tr",
        children=[_Node("td", 1, 1, ["<b>", "x", "</b>"]), _Node("td", 1, 1, ["y"])],
    )
    b = _Node(
        "tr",
        children=[_Node("td", 1, 1, ["x", "<i>"]), _Node("td", 1, 1, ["<b>", "y"])],
    )
    t1, t2 = ted_fast.flatten(a), ted_fast.flatten(b)
    with_strings = ted_fast.rename_costs(t1, t2)
    monkeypatch.setattr(ted_fast, "_MAX_CODE_POINT", ted_fast._PRIVATE_USE)  # room for one
    assert ted_fast._as_strings([t1.contents, t2.contents]) is None
    np.testing.assert_array_equal(ted_fast.rename_costs(t1, t2), with_strings)
    assert with_strings[0, 0] == pytest.approx(2 / 3)  # <b> x </b> -> x <i>: 2 edits / 3


def test_plain_python_kernel_equals_apted() -> None:
    """The kernel's source is also valid Python (what runs when numba is missing)."""
    for a, b in random_pairs(60, seed=3):
        t1, t2 = ted_fast.flatten(a), ted_fast.flatten(b)
        costs = ted_fast.rename_costs(t1, t2)
        got = ted_fast._zhang_shasha(t1.leftmost, t1.keyroots, t2.leftmost, t2.keyroots, costs)
        assert abs(got - reference_distance(a, b)) < TOLERANCE


# --- the apted fallback ------------------------------------------------------------------------


class _CountingAPTED(APTED):  # type: ignore[misc]
    calls = 0

    def __init__(self, *args: object) -> None:
        type(self).calls += 1
        super().__init__(*args)


def _spy_on_paths(monkeypatch) -> type[_CountingAPTED]:
    counter = type("Counter", (_CountingAPTED,), {"calls": 0})
    monkeypatch.setattr(teds_module, "APTED", counter)

    def fast_path_must_not_run(*args: object) -> float:
        raise AssertionError("the fast path ran")

    monkeypatch.setattr(ted_fast, "tree_edit_distance", fast_path_must_not_run)
    return counter


@needs_numba
def test_apted_is_used_and_agrees_when_the_fast_path_is_off(monkeypatch) -> None:
    _, html = next(t for t in TABLES if t[1].count("<td") >= 20 and t[1].count("<td") < 40)
    cases = [perturbed(html, p) for p in PERTURBATIONS]
    fast = [teds_module.teds(pred, html) for pred in cases]
    monkeypatch.setattr(ted_fast, "ENABLED", False)
    counter = _spy_on_paths(monkeypatch)
    assert not ted_fast.available()
    slow = [teds_module.teds(pred, html) for pred in cases]
    assert counter.calls == len(cases)
    assert all(abs(f - s) < TOLERANCE for f, s in zip(fast, slow, strict=True))


def test_apted_is_used_when_numba_cannot_be_imported(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "numba", None)  # ``import numba`` raises ImportError
    monkeypatch.setattr(ted_fast, "_kernel", None)
    monkeypatch.setattr(ted_fast, "_kernel_tried", False)
    assert not ted_fast.available()
    counter = _spy_on_paths(monkeypatch)
    pred = "<table><tr><td>Apples</td><td>3</td></tr></table>"
    true = "<table><tr><td>Apple</td><td>3</td></tr><tr><td>Pear</td></tr></table>"
    # rename Apples -> Apple: 1/6; insert tr and td: 2; nodes below <table>: max(3, 5)
    assert teds_module.teds(pred, true) == pytest.approx(1 - (2 + 1 / 6) / 5)
    assert counter.calls == 1


@needs_numba
def test_kernel_compiles_without_a_cache_when_no_cache_location_is_writable(
    monkeypatch,
) -> None:
    """numba refuses ``cache=True`` when neither __pycache__ nor its user cache is writable."""
    numba = pytest.importorskip("numba")
    real_njit = numba.njit
    asked = []

    def njit(
        **options: object,
    ) -> Callable[[Callable[..., float]], Callable[..., float]]:
        asked.append(options["cache"])
        if options["cache"]:
            raise RuntimeError("cannot cache function: no locator available")
        return real_njit(**options)

    monkeypatch.setattr(numba, "njit", njit)
    monkeypatch.setattr(ted_fast, "_kernel", None)
    monkeypatch.setattr(ted_fast, "_kernel_tried", False)
    assert ted_fast.available()
    assert asked == [True, False]
    a, b = random_pairs(1, seed=11)[0]
    assert abs(ted_fast.tree_edit_distance(a, b) - reference_distance(a, b)) < TOLERANCE
