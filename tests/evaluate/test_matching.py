"""The shared assignment helper: admissibility boundary and "most admissible pairs first"."""

from __future__ import annotations

from docparse.evaluate.matching import max_score_pairs, min_cost_pairs


def test_plain_hungarian_minimises_total_cost() -> None:
    # greedy would take (0, 0) at 1 then be forced to (1, 1) at 9: total 10; optimum is 2 + 3
    assert min_cost_pairs([[1, 2], [3, 9]]) == [(0, 1), (1, 0)]


def test_more_admissible_pairs_beat_a_cheaper_single_pair() -> None:
    # (0,0)=0.1 alone leaves (1,1)=0.9 inadmissible; (0,1)+(1,0) gives two admissible pairs
    assert min_cost_pairs([[0.1, 0.6], [0.65, 0.9]], max_cost=0.7) == [(0, 1), (1, 0)]


def test_cost_equal_to_the_limit_is_admissible_and_above_is_not() -> None:
    assert min_cost_pairs([[0.7]], max_cost=0.7) == [(0, 0)]
    assert min_cost_pairs([[0.7000001]], max_cost=0.7) == []


def test_rectangular_and_empty_inputs() -> None:
    assert min_cost_pairs([[0.5, 0.1, 0.9]]) == [(0, 1)]
    assert min_cost_pairs([[0.5], [0.1], [0.9]]) == [(1, 0)]
    assert min_cost_pairs([]) == []
    assert min_cost_pairs([[0.9, 0.8]], max_cost=0.5) == []


def test_max_score_pairs_with_inclusive_minimum() -> None:
    # both admissible scores sit in column 0: one pair, the larger (0.9)
    assert max_score_pairs([[0.5, 0.4], [0.9, 0.0]], min_score=0.5) == [(1, 0)]
    # 0.5 is admissible at min_score 0.5 (inclusive): two pairs, 0.6 + 0.9
    assert max_score_pairs([[0.5, 0.6], [0.9, 0.0]], min_score=0.5) == [(0, 1), (1, 0)]
    assert max_score_pairs([[0.5]], min_score=0.5) == [(0, 0)]
    assert max_score_pairs([[0.49]], min_score=0.5) == []
