"""One-to-one matching shared by the metrics: the assignment problem, solved by scipy.

``scipy.optimize.linear_sum_assignment`` (a Hungarian-type solver, Jonker-Volgenant) finds the
one-to-one pairing of rows and columns with the least total cost; nothing is hand-written here
beyond handling *inadmissible* pairs (too far apart to count as a match).

A rectangular assignment always pairs ``min(n, m)`` rows, so inadmissible pairs are given a cost
so large that the solver first maximises the number of admissible pairs, then minimises their
total cost; inadmissible pairs it still had to use are then dropped.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy.optimize import linear_sum_assignment

__all__ = ["max_score_pairs", "min_cost_pairs"]


def min_cost_pairs(cost: ArrayLike, *, max_cost: float | None = None) -> list[tuple[int, int]]:
    """Row/column pairs of a least-total-cost one-to-one assignment, sorted by row.

    Pairs whose cost exceeds ``max_cost`` are inadmissible (a cost equal to it is admissible).
    """
    matrix = np.asarray(cost, dtype=np.float64)
    if matrix.ndim != 2 or matrix.size == 0:
        return []
    admissible = np.ones(matrix.shape, dtype=bool) if max_cost is None else matrix <= max_cost
    if not admissible.any():
        return []
    values = matrix[admissible]
    k = min(matrix.shape)
    # Larger than any difference in admissible totals: one more admissible pair always wins.
    penalty = float(values.max() - values.min()) * k + abs(float(values.max())) + 1.0
    solved = np.where(admissible, matrix, penalty)
    rows, cols = linear_sum_assignment(solved)
    return [(int(r), int(c)) for r, c in zip(rows, cols, strict=True) if admissible[r, c]]


def max_score_pairs(score: ArrayLike, *, min_score: float | None = None) -> list[tuple[int, int]]:
    """Row/column pairs of a greatest-total-score assignment; pairs below ``min_score`` dropped.

    A score equal to ``min_score`` is admissible.
    """
    matrix = np.asarray(score, dtype=np.float64)
    return min_cost_pairs(-matrix, max_cost=None if min_score is None else -min_score)
