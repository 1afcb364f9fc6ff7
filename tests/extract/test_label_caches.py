"""The caches of label text stay bounded, and can be emptied (as on a worker's first documents)
without changing what is found."""

from __future__ import annotations

import pytest

from postprocess.extract import labels
from postprocess.extract.labels import AliasIndex, forget_labels, norm_key


def test_fuzzy_matches_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(labels, "FUZZY_CACHE_SIZE", 3)
    index = AliasIndex([("invoice_number", ["Invoice number"])])
    for n in range(10):
        index.lookup(f"Invoice numbr {n}", fuzzy=0.8)
        assert len(index._fuzzy) <= 3
    hit = index.lookup("Invoice numbr", fuzzy=0.8)
    assert hit is not None and hit.target == "invoice_number" and not hit.exact


def test_forget_labels_empties_both_caches_and_results_stay() -> None:
    index = AliasIndex([("due_date", ["Due date", "Fällig am"])])
    before = index.lookup("Fallig  am"), index.lookup("Due dat", fuzzy=0.8)
    assert norm_key.cache_info().currsize > 0 and index._fuzzy
    forget_labels()
    assert norm_key.cache_info().currsize == 0 and not index._fuzzy
    after = index.lookup("Fallig  am"), index.lookup("Due dat", fuzzy=0.8)
    assert before == after and after[0] is not None and after[0].target == "due_date"
