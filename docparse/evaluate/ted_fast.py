"""Exact tree edit distance for TEDS: Zhang–Shasha compiled with numba.

Why this module exists: TEDS needs the exact tree edit distance of two table trees. The reference
implementation used by :mod:`.teds` is the ``apted`` package, which is pure Python: about 0.25 s
per pair of ~180-node tables, so 1,000 evaluated pages take minutes where the target is under a
minute — about 100x too slow. The compiled alternative that was found (``edist``) is GPL and
cannot be used here, and ``zss`` is slower still. So this module implements the Zhang–Shasha
algorithm (K. Zhang and D. Shasha, "Simple fast algorithms for the editing distance between
trees and related problems", SIAM J. Comput. 18(6), 1989) in about sixty lines and compiles it
with numba (BSD). It computes the same distance as APTED (both are exact); the tests in
``tests/evaluate/test_ted_fast.py`` check it against ``apted`` on the fixture tables, on perturbed
versions of them and on thousands of random trees. ``apted`` stays the reference and the fallback
when numba cannot be imported (see :func:`available`).

Costs are PubTabNet's, as in ``teds._TEDSConfig``: insert and delete 1; rename 1 when the tags,
colspans or rowspans differ, else the normalised Levenshtein distance of the two content token
lists when either is non-empty, else 0. Renames are precomputed into an ``n1 x n2`` matrix: the
structural part with numpy, the content part with ``rapidfuzz.process.cdist`` only for pairs of
nodes with equal (tag, colspan, rowspan). Token lists become strings, one code point per token:
text tokens are single characters already; inline-tag tokens (``"<b>"``, ``"</b>"``) get private-use
code points that occur nowhere else in the two trees, so edit distances are unchanged.

Numba compiles the kernel on first use (about a second) and caches the machine code
(``cache=True``): next to this file in ``__pycache__`` when that is writable, else in numba's
user-wide cache (``~/.cache/numba``), or wherever ``NUMBA_CACHE_DIR`` points. Where no cache
location is writable at all the kernel is compiled without a cache. numba is imported lazily, on
the first distance computed, so importing :mod:`docparse.evaluate` stays cheap.
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Callable, Sequence
from typing import Protocol

import numpy as np
from numpy.typing import NDArray
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

__all__ = [
    "ENABLED",
    "FlatTree",
    "TreeNode",
    "available",
    "flatten",
    "rename_costs",
    "tree_edit_distance",
]

#: Switch for the fast path; ``False`` makes :mod:`.teds` use ``apted`` (tests, comparisons).
ENABLED: bool = True

#: First code point tried for inline-tag tokens: Supplementary Private Use Area-A.
_PRIVATE_USE = 0xF0000
_MAX_CODE_POINT = 0x10FFFF


class TreeNode(Protocol):
    """What the distance reads of a node (``teds._Node`` has exactly this shape)."""

    @property
    def tag(self) -> str: ...
    @property
    def colspan(self) -> int | None: ...
    @property
    def rowspan(self) -> int | None: ...
    @property
    def content(self) -> list[str]: ...
    @property
    def children(self) -> Sequence[TreeNode]: ...


class FlatTree:
    """A tree in post-order: labels, contents, leftmost-leaf descendants and keyroots.

    ``leftmost[k]`` is the post-order index of the leftmost leaf below node ``k`` (``k`` itself
    for a leaf); ``keyroots`` are the nodes with no later node sharing their leftmost leaf,
    ascending: the root and every node that is not its parent's first child.
    """

    __slots__ = ("arity", "contents", "keyroots", "labels", "leftmost")

    def __init__(
        self,
        labels: list[tuple[str, int | None, int | None]],
        contents: list[list[str]],
        arity: list[int],
        leftmost: NDArray[np.int64],
    ) -> None:
        self.labels = labels
        self.contents = contents
        self.arity = arity
        self.leftmost = leftmost
        last: dict[int, int] = {}
        for k, lk in enumerate(leftmost.tolist()):
            last[lk] = k
        self.keyroots: NDArray[np.int64] = np.array(sorted(last.values()), dtype=np.int64)

    def __len__(self) -> int:
        return len(self.labels)

    def same_as(self, other: FlatTree) -> bool:
        """True when both trees are identical (post-order labels, contents and arities)."""
        return (
            self.labels == other.labels
            and self.arity == other.arity
            and self.contents == other.contents
        )


def flatten(root: TreeNode) -> FlatTree:
    """Number ``root``'s nodes in post-order (iteratively: no recursion limit on deep trees)."""
    labels: list[tuple[str, int | None, int | None]] = []
    contents: list[list[str]] = []
    arity: list[int] = []
    leftmost: list[int] = []
    # Each frame: node, index of its next child to visit, its leftmost leaf (-1 until known).
    stack: list[list[object]] = [[root, 0, -1]]
    while stack:
        frame = stack[-1]
        node: TreeNode = frame[0]  # type: ignore[assignment]
        child_index: int = frame[1]  # type: ignore[assignment]
        if child_index < len(node.children):
            frame[1] = child_index + 1
            stack.append([node.children[child_index], 0, -1])
            continue
        stack.pop()
        k = len(labels)
        lk: int = frame[2] if node.children else k  # type: ignore[assignment]
        labels.append((node.tag, node.colspan, node.rowspan))
        contents.append(node.content)
        arity.append(len(node.children))
        leftmost.append(lk)
        if stack and stack[-1][2] == -1:  # the parent's first child finished: its leftmost leaf
            stack[-1][2] = lk
    return FlatTree(labels, contents, arity, np.array(leftmost, dtype=np.int64))


def _as_strings(
    groups: Sequence[Sequence[list[str]]],
) -> list[list[str]] | None:
    """Each token list as a string with one code point per token, one mapping for all groups.

    Text tokens are single characters and stay themselves; every distinct multi-character token
    (an inline tag) gets a private-use code point that no single-character token uses, so
    Levenshtein distances on the strings equal those on the token lists. ``None`` in the
    (theoretical) case that there are not enough free code points.
    """
    multi = {t for group in groups for tokens in group for t in tokens if len(t) != 1}
    if not multi:
        return [["".join(tokens) for tokens in group] for group in groups]
    used = {t for group in groups for tokens in group for t in tokens if len(t) == 1}
    code: dict[str, str] = {}
    point = _PRIVATE_USE
    for token in sorted(multi):
        while point <= _MAX_CODE_POINT and (chr(point) in used or 0xD800 <= point <= 0xDFFF):
            point += 1
        if point > _MAX_CODE_POINT:
            return None
        code[token] = chr(point)
        point += 1
    return [["".join(code.get(t, t) for t in tokens) for tokens in group] for group in groups]


def rename_costs(t1: FlatTree, t2: FlatTree) -> NDArray[np.float64]:
    """The ``len(t1) x len(t2)`` matrix of PubTabNet rename costs (see the module docstring)."""
    ids: dict[tuple[str, int | None, int | None], int] = {}
    codes1 = np.array([ids.setdefault(lab, len(ids)) for lab in t1.labels], dtype=np.int64)
    codes2 = np.array([ids.setdefault(lab, len(ids)) for lab in t2.labels], dtype=np.int64)
    cost = (codes1[:, None] != codes2[None, :]).astype(np.float64)
    for label_id in np.intersect1d(codes1, codes2).tolist():
        rows = np.flatnonzero(codes1 == label_id)
        cols = np.flatnonzero(codes2 == label_id)
        left = [t1.contents[i] for i in rows.tolist()]
        right = [t2.contents[j] for j in cols.tolist()]
        if not any(left) and not any(right):
            continue  # same label, no content on either side: rename is free (already 0)
        strings = _as_strings([left, right])
        queries: Sequence[Sequence[str]] = strings[0] if strings else left
        choices: Sequence[Sequence[str]] = strings[1] if strings else right
        cost[np.ix_(rows, cols)] = process.cdist(
            queries,
            choices,
            scorer=Levenshtein.normalized_distance,
            dtype=np.float64,
            workers=1,
        )
    return cost


def _zhang_shasha(
    l1: NDArray[np.int64],
    keyroots1: NDArray[np.int64],
    l2: NDArray[np.int64],
    keyroots2: NDArray[np.int64],
    rename: NDArray[np.float64],
) -> float:
    """Zhang–Shasha tree edit distance; unit insert/delete, ``rename[i, j]`` from the matrix.

    Nodes are post-order indices, ``l1``/``l2`` their leftmost leaves. For each pair of keyroots
    ``(i, j)`` the forest distance ``fd`` between the forests ``l1[i]..x`` and ``l2[j]..y`` is
    filled in; ``fd`` row/column 0 is the empty forest, row ``x`` is node ``l1[i] + x - 1``.
    When both ``x`` and ``y`` are whole subtrees of the keyroot forests their distance is final
    and is stored in ``td``; otherwise the already known ``td`` of the subtrees is reused.
    """
    n1 = l1.shape[0]
    n2 = l2.shape[0]
    td = np.zeros((n1, n2), dtype=np.float64)
    fd = np.zeros((n1 + 1, n2 + 1), dtype=np.float64)
    for a in range(keyroots1.shape[0]):
        i = keyroots1[a]
        li = l1[i]
        rows = i - li + 2
        for b in range(keyroots2.shape[0]):
            j = keyroots2[b]
            lj = l2[j]
            cols = j - lj + 2
            fd[0, 0] = 0.0
            for x in range(1, rows):
                fd[x, 0] = fd[x - 1, 0] + 1.0
            for y in range(1, cols):
                fd[0, y] = fd[0, y - 1] + 1.0
            for x in range(1, rows):
                node1 = li + x - 1
                lx = l1[node1]
                for y in range(1, cols):
                    node2 = lj + y - 1
                    ly = l2[node2]
                    delete = fd[x - 1, y] + 1.0  # delete node1
                    insert = fd[x, y - 1] + 1.0  # insert node2
                    if lx == li and ly == lj:  # both forests are whole trees: rename the roots
                        best = min(delete, insert, fd[x - 1, y - 1] + rename[node1, node2])
                        fd[x, y] = best
                        td[node1, node2] = best
                    else:  # match the subtrees of node1 and node2, known from an earlier pair
                        fd[x, y] = min(delete, insert, fd[lx - li, ly - lj] + td[node1, node2])
    return td[n1 - 1, n2 - 1]


_Kernel = Callable[
    [
        NDArray[np.int64],
        NDArray[np.int64],
        NDArray[np.int64],
        NDArray[np.int64],
        NDArray[np.float64],
    ],
    float,
]
_kernel: _Kernel | None = None
_kernel_tried = False
_kernel_lock = threading.Lock()


def _compiled_kernel() -> _Kernel | None:
    """The numba-compiled kernel, built once per process; ``None`` when numba is unusable."""
    global _kernel, _kernel_tried
    if _kernel_tried:
        return _kernel
    with _kernel_lock:
        if _kernel_tried:
            return _kernel
        try:
            from numba import njit
            from numba.core.errors import NumbaWarning
        except Exception:  # noqa: BLE001 - ImportError, or numba refusing this numpy version
            _kernel_tried = True
            return None
        try:
            kernel = njit(cache=True, nogil=True)(_zhang_shasha)
        except RuntimeError:  # no writable cache location at all: compile without a cache
            kernel = njit(cache=False, nogil=True)(_zhang_shasha)
        with warnings.catch_warnings():
            # A cache that cannot be written is not an error: the kernel works without it.
            warnings.simplefilter("ignore", NumbaWarning)
            one = np.zeros(1, dtype=np.int64)
            kernel(one, one, one, one, np.zeros((1, 1), dtype=np.float64))  # compile or load
        _kernel = kernel
        _kernel_tried = True
        return _kernel


def available() -> bool:
    """True when the fast path is on (:data:`ENABLED`) and numba compiled the kernel."""
    return ENABLED and _compiled_kernel() is not None


def tree_edit_distance(tree1: TreeNode | FlatTree, tree2: TreeNode | FlatTree) -> float:
    """Exact TED of two ordered trees under PubTabNet's costs (0 for identical trees).

    Uses the compiled kernel; without numba the same algorithm runs as plain Python, which is
    correct but slow (:mod:`.teds` uses ``apted`` then, see :func:`available`).
    """
    t1 = tree1 if isinstance(tree1, FlatTree) else flatten(tree1)
    t2 = tree2 if isinstance(tree2, FlatTree) else flatten(tree2)
    if t1.same_as(t2):
        return 0.0  # every node renames to itself at cost 0: exact, and skips the DP
    kernel = _compiled_kernel() or _zhang_shasha
    return float(kernel(t1.leftmost, t1.keyroots, t2.leftmost, t2.keyroots, rename_costs(t1, t2)))
