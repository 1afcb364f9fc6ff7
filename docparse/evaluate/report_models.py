"""Result records of the metrics (per page or document, and summaries), as pydantic models.

Every score is in [0, 1], higher is better. Ratios whose denominator is empty follow one rule,
:func:`ratio`: a perfect 1.0 when there was nothing to find and nothing was claimed, else 0.0.
Derived scores are ``computed_field`` properties, so they appear in ``model_dump()`` and JSON
while only the counts are stored (summaries add counts, never average averages).
"""

from __future__ import annotations

from pydantic import BaseModel, Field, computed_field

__all__ = [
    "Counts",
    "FactCategory",
    "FactResult",
    "FactsSummary",
    "FieldComparison",
    "FieldsDocReport",
    "FieldsSummary",
    "LayoutReport",
    "LayoutScores",
    "TablePageReport",
    "TablePair",
    "TableSummary",
    "TextMatch",
    "TextPageReport",
    "TextSummary",
    "ratio",
]


def ratio(numerator: float, denominator: float, *, empty: float) -> float:
    """``numerator / denominator``, or ``empty`` when the denominator is 0."""
    return numerator / denominator if denominator else empty


def mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


class Counts(BaseModel):
    """True positives, false positives, false negatives, with precision/recall/F1.

    Precision is ``tp / (tp + fp)``; with no predictions it is 1.0 only if nothing was expected
    (``fn == 0``). Recall is ``tp / (tp + fn)``; with nothing expected it is 1.0 only if nothing
    was predicted. F1 is their harmonic mean (0.0 when both are 0).
    """

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(tp=self.tp + other.tp, fp=self.fp + other.fp, fn=self.fn + other.fn)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def precision(self) -> float:
        return ratio(self.tp, self.tp + self.fp, empty=1.0 if self.fn == 0 else 0.0)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def recall(self) -> float:
        return ratio(self.tp, self.tp + self.fn, empty=1.0 if self.fp == 0 else 0.0)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return ratio(2 * p * r, p + r, empty=0.0)


# --- tables (TEDS) ----------------------------------------------------------------------------


class TablePair(BaseModel):
    """A truth table and the prediction it was matched with (``None``: unmatched, scores 0)."""

    true_index: int
    pred_index: int | None
    teds: float
    teds_s: float


class TablePageReport(BaseModel):
    """TEDS and TEDS-S of one page's tables, one pair per truth table."""

    pairs: list[TablePair] = Field(default_factory=list)
    unmatched_pred: list[int] = Field(default_factory=list, description="Extra predicted tables.")

    @computed_field  # type: ignore[prop-decorator]
    @property
    def teds(self) -> float | None:
        """Mean TEDS over truth tables; ``None`` when the truth has no table."""
        return mean([p.teds for p in self.pairs])

    @computed_field  # type: ignore[prop-decorator]
    @property
    def teds_s(self) -> float | None:
        return mean([p.teds_s for p in self.pairs])


class TableSummary(BaseModel):
    """Mean TEDS and TEDS-S over every truth table of every page (tables weigh equally)."""

    pages: int
    tables: int
    unmatched_pred: int
    teds: float | None
    teds_s: float | None


# --- text and reading order -------------------------------------------------------------------


class TextMatch(BaseModel):
    true_index: int
    pred_index: int
    distance: float = Field(description="Normalised Levenshtein distance of the two texts.")
    edits: int = Field(description="Levenshtein distance (character edits).")
    length: int = Field(description="Longer of the two texts, in characters.")


class TextPageReport(BaseModel):
    """Block-matched text edit distance and reading order of one page.

    ``edit_distance = edits / length`` where matched pairs add their Levenshtein distance and the
    longer length, and every unmatched block (missed truth or extra prediction) adds its length
    to both: it counts as entirely wrong, weighted by its size.
    """

    matches: list[TextMatch] = Field(default_factory=list)
    unmatched_true: list[int] = Field(default_factory=list)
    unmatched_pred: list[int] = Field(default_factory=list)
    edits: int = 0
    length: int = 0
    reading_order: float | None = Field(
        default=None, description="1 - normalised edit distance of the order; None: no matches."
    )

    @computed_field  # type: ignore[prop-decorator]
    @property
    def edit_distance(self) -> float:
        return ratio(self.edits, self.length, empty=0.0)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def score(self) -> float:
        return 1.0 - self.edit_distance


class TextSummary(BaseModel):
    pages: int
    score: float | None = Field(description="Mean of the page scores.")
    micro_score: float | None = Field(description="1 - (all edits / all lengths), pooled.")
    reading_order: float | None = Field(description="Mean over pages where it is defined.")


# --- layout boxes -----------------------------------------------------------------------------


class LayoutScores(BaseModel):
    """Detection counts at each IoU threshold and the IoU of one-to-one matches."""

    n_true: int = 0
    n_pred: int = 0
    at: dict[float, Counts] = Field(default_factory=dict, description="IoU threshold -> counts.")
    iou_sum: float = Field(default=0.0, description="IoU summed over the matched pairs.")
    matched: int = Field(default=0, description="True positives at the lowest threshold.")

    def __add__(self, other: LayoutScores) -> LayoutScores:
        thresholds = sorted(set(self.at) | set(other.at))
        return LayoutScores(
            n_true=self.n_true + other.n_true,
            n_pred=self.n_pred + other.n_pred,
            at={t: self.at.get(t, Counts()) + other.at.get(t, Counts()) for t in thresholds},
            iou_sum=self.iou_sum + other.iou_sum,
            matched=self.matched + other.matched,
        )

    @computed_field  # type: ignore[prop-decorator]
    @property
    def mean_iou(self) -> float | None:
        return self.iou_sum / self.matched if self.matched else None


class LayoutReport(BaseModel):
    """Per-kind and overall (all kinds pooled) layout scores, for a page or a whole set."""

    per_kind: dict[str, LayoutScores] = Field(default_factory=dict)
    overall: LayoutScores = Field(default_factory=LayoutScores)


# --- fields (invoice / form JSON) -------------------------------------------------------------


class FieldComparison(BaseModel):
    path: str = Field(description="Dotted path, list items by index: 'line_items[0].amount'.")
    kind: str = Field(description="How the values were normalised: string, date, amount, bool.")
    true: str | None = Field(description="Normalised truth value; None when null or missing.")
    pred: str | None = Field(description="Normalised predicted value; None when null or missing.")

    @computed_field  # type: ignore[prop-decorator]
    @property
    def correct(self) -> bool:
        return self.true == self.pred


class FieldsDocReport(BaseModel):
    doc_id: str = ""
    fields: list[FieldComparison] = Field(default_factory=list)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def counts(self) -> Counts:
        """tp: both non-null and equal; fp: other non-null predictions; fn: other non-null truth."""
        tp = sum(1 for f in self.fields if f.true is not None and f.true == f.pred)
        n_pred = sum(1 for f in self.fields if f.pred is not None)
        n_true = sum(1 for f in self.fields if f.true is not None)
        return Counts(tp=tp, fp=n_pred - tp, fn=n_true - tp)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def all_correct(self) -> bool:
        """Every path agrees, null included: a value predicted where the truth has none is wrong."""
        return all(f.correct for f in self.fields)


class FieldsSummary(BaseModel):
    documents: int
    exact_documents: int
    counts: Counts = Field(description="Micro counts over every field of every document.")
    per_field: dict[str, Counts] = Field(
        default_factory=dict, description="Counts by path with list indices as '[]'."
    )

    @computed_field  # type: ignore[prop-decorator]
    @property
    def exact_share(self) -> float:
        return ratio(self.exact_documents, self.documents, empty=0.0)


# --- fact tests -------------------------------------------------------------------------------


class FactResult(BaseModel):
    id: str | None = None
    type: str
    page: int
    passed: bool
    reason: str = Field(default="", description="Why it failed; empty when it passed.")


class FactCategory(BaseModel):
    passed: int = 0
    total: int = 0

    @computed_field  # type: ignore[prop-decorator]
    @property
    def rate(self) -> float:
        return ratio(self.passed, self.total, empty=0.0)


class FactsSummary(BaseModel):
    per_type: dict[str, FactCategory] = Field(default_factory=dict)
    overall: FactCategory = Field(default_factory=FactCategory)
