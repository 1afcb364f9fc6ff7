"""Where one page stands in the attempt policy: its attempts so far and what comes next."""

from __future__ import annotations

from docparse.attempts.judge import Judgement, NextStep, after_failure
from schemas.errors import ErrorRecord, Severity
from schemas.page import RenderedPage
from schemas.results import Attempt


class PageTrack:
    """Attempts of one page, model attempts first, then at most one fallback attempt."""

    def __init__(self, page: RenderedPage) -> None:
        self.page = page
        self.attempts: list[Attempt] = []
        self.chosen: Judgement | None = None
        self.chosen_by_fallback = False
        self.last: Judgement | None = None
        self.next = NextStep.RETRY
        self.model_failures = 0
        self.model_failure: ErrorRecord | None = None  # the last model attempt's reason
        self.fallback_failure: ErrorRecord | None = None

    @property
    def next_number(self) -> int:
        """1-based number of the attempt about to be made (fallback attempts count too)."""
        return len(self.attempts) + 1

    @property
    def may_fall_back(self) -> bool:
        """The model attempts are over without a usable page and the text layer may serve."""
        return (
            self.chosen is None
            and self.model_failure is not None
            and self.next is not NextStep.GIVE_UP
            and self.page.has_text_layer
        )

    def add(self, attempt: Attempt, judgement: Judgement, *, fallback: bool) -> None:
        """Record one judged attempt (``fallback``: made by the fallback engine)."""
        self.attempts.append(attempt)
        self.last = judgement
        failure = judgement.failure
        if failure is None:
            self.chosen = judgement
            self.chosen_by_fallback = fallback
            return
        if fallback:
            self.fallback_failure = failure
            return
        self.model_failures += 1
        self.model_failure = failure
        self.next = after_failure(failure.code)

    def model_failure_error(self, why: str) -> ErrorRecord:
        """The failed page's error: the last model attempt's code, counted and explained."""
        last = self._last_model_failure()
        message = f"{self._count('attempt')} failed; last: {last.message}; {why}"
        return last.model_copy(update={"message": message, "severity": Severity.ERROR})

    def model_failure_note(self) -> ErrorRecord:
        """The warning on a fallback page: why the model's pages were not used."""
        last = self._last_model_failure()
        count = self._count("model attempt")
        message = f"{count} failed (last: {last.message}); page built from the text layer"
        return last.model_copy(update={"message": message, "severity": Severity.WARNING})

    def _count(self, noun: str) -> str:
        n = self.model_failures
        return f"{n} {noun}" + ("s" if n != 1 else "")

    def _last_model_failure(self) -> ErrorRecord:
        if self.model_failure is None:
            raise RuntimeError(f"page {self.page.page_id} has no failed model attempt")
        return self.model_failure
