"""Retry delays for transient HTTP failures: exponential with jitter, Retry-After honoured, capped.

Transport retries never spend a page attempt; they are bounded per request by a number of
retries and by the total time one request may sleep.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delay seconds or an HTTP date); None if absent
    or unreadable. Fractional seconds are accepted (some servers send them)."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


@dataclass
class RetryBudget:
    """How many more times, and after how long, one request may be retried."""

    max_retries: int
    base_s: float
    max_s: float
    total_s: float
    rng: random.Random = field(default_factory=random.Random)
    retries: int = 0
    slept_s: float = 0.0

    def next_delay(self, retry_after: float | None = None) -> float | None:
        """Delay before the next retry, or None when the budget is spent (give up now).

        The computed delay is ``min(max_s, base_s * 2**retries)``, half fixed and half random
        (so concurrent retries spread out); a server's Retry-After is a lower bound.
        """
        if self.retries >= self.max_retries:
            return None
        ceiling = min(self.max_s, self.base_s * 2**self.retries)
        delay = ceiling / 2 + self.rng.uniform(0.0, ceiling / 2)
        if retry_after is not None:
            delay = max(delay, retry_after)
        if self.slept_s + delay > self.total_s:
            return None
        self.retries += 1
        self.slept_s += delay
        return delay
