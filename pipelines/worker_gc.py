"""CPython's cyclic garbage collector, tuned for the processes that post-process and extract.

Post-processing and extraction allocate many short-lived container objects (lxml proxies,
pydantic models, dicts and lists) and make almost no reference cycles: nearly all of it is freed
by reference counting. With CPython's default thresholds ``(700, 10, 10)`` the collector still
runs a young collection every 700 net allocations and every 100th one scans the whole heap, the
imported modules, pydantic's validators and the warm caches included, though none of that is
ever garbage. On the fixture pages that was about 10% of the time
(``benchmarks/postprocess_throughput.py``).

:func:`tune_gc` does what long-running Python services do with the ``gc`` module's own tools:
one full collection, then :func:`gc.freeze` moves everything alive now (the imports, the compiled
patterns, the engines) into the permanent generation that collections never scan, and the young
generation's threshold is raised so that the objects of the documents in hand die by reference
count before a collection ever looks at them. Cycles are still collected, only in larger
batches; the extra memory this allows is bounded by the threshold (at most some tens of
megabytes of small objects, were every one of them garbage in a cycle).

It is applied once per process, by the first worker set up there: where pages are post-processed
(each engine worker) and where documents are assembled and extracted (the runner's process),
unless ``RunnerOptions.tune_gc`` is off.
"""

from __future__ import annotations

import gc

#: Young-generation threshold: net new container objects between young collections (the count
#: goes down as objects are freed). A young collection walks every young object alive, at a cost
#: of memory traffic rather than instructions: ~2 ms for one over the fixture corpus's 16 pages,
#: whose documents and results hold ~10,000 container objects when the last is extracted. Time
#: in the collector per fixture page (``benchmarks/postprocess_throughput.py``, its gc columns):
#: 0.20 ms with the defaults, 0.05 ms after freeze() with 10,000 (one collection a pass), none
#: with 100,000, well above what a batch of documents in hand holds (docs/architecture.md).
YOUNG_THRESHOLD = 100_000

_tuned = False


def tune_gc(enabled: bool = True) -> bool:
    """Freeze what is alive now and raise the young threshold, once per process; True when this
    call applied it (later calls, and calls with ``enabled`` false, change nothing)."""
    global _tuned
    if not enabled or _tuned:
        return False
    gc.collect()
    gc.freeze()
    young, middle, old = gc.get_threshold()
    gc.set_threshold(max(YOUNG_THRESHOLD, young), middle, old)  # a higher one set by the user stays
    _tuned = True
    return True
