"""Fault injection for the stand-in: scripted per request (or per page image) and/or drawn from
seeded probabilities, so tests get the failures a GPU model server produces, on demand."""

from __future__ import annotations

import random
import threading
from collections import deque
from collections.abc import Mapping
from enum import Enum


class Fault(str, Enum):
    NONE = "none"
    HTTP_500 = "http_500"  # server error, answered at once
    HTTP_429 = "http_429"  # rate limited, with Retry-After
    DROP = "drop"  # connection closed without a response
    HANG = "hang"  # no answer for hang_s (longer than the client's timeout)
    TRUNCATE = "truncate"  # text cut in half, finish_reason "length"
    REPEAT = "repeat"  # text ending in a repeated n-gram, finish_reason "length"
    PLAIN_HTML = "plain_html"  # ordinary web HTML, no boxes, finish_reason "stop"
    MALFORMED = "malformed"  # HTTP 200 whose body is not a chat completion (a proxy's page)


#: Ordinary web-style HTML, the kind "parse the image into html" produces: no data-bbox at all.
PLAIN_HTML_REPLY = (
    "```html\n<!DOCTYPE html>\n<html>\n<head>\n<style>\nbody { font-family: serif; margin: 2em; }\n"
    "</style>\n</head>\n<body>\n<h1>Health check</h1>\n<p>docparse asks for QwenVL HTML.</p>\n"
    "</body>\n</html>\n```"
)
REPEATED_NGRAM = "<td>0.00</td>"
REPEAT_COUNT = 200


def apply_fault(fault: Fault, text: str, finish_reason: str) -> tuple[str, str]:
    """The reply text and finish reason after a text-level fault (others leave them alone)."""
    if fault is Fault.TRUNCATE:
        return text[: max(1, len(text) // 2)], "length"
    if fault is Fault.REPEAT:
        return text[: len(text) // 2] + REPEATED_NGRAM * REPEAT_COUNT, "length"
    if fault is Fault.PLAIN_HTML:
        return PLAIN_HTML_REPLY, "stop"
    return text, finish_reason


class FaultPlan:
    """Which fault the next chat request gets.

    Order of precedence: the script for the request's key (the sha256 of its page image), then
    the shared script, then a draw from ``probabilities`` with a seeded RNG. Thread-safe: tests
    script from their thread while the server draws on its own.
    """

    def __init__(
        self,
        probabilities: Mapping[Fault, float] | None = None,
        *,
        seed: int = 0,
        retry_after_s: float = 1.0,
        hang_s: float = 30.0,
    ) -> None:
        self.probabilities = dict(probabilities or {})
        if sum(self.probabilities.values()) > 1.0:
            raise ValueError("fault probabilities add up to more than 1")
        self.retry_after_s = retry_after_s
        self.hang_s = hang_s
        self._rng = random.Random(seed)
        self._shared: deque[Fault] = deque()
        self._keyed: dict[str, deque[Fault]] = {}
        self._lock = threading.Lock()

    def script(self, *faults: Fault, key: str | None = None) -> None:
        """Queue ``faults`` for the next requests (of page image ``key``, if given)."""
        with self._lock:
            queue = self._shared if key is None else self._keyed.setdefault(key, deque())
            queue.extend(faults)

    def next_fault(self, key: str | None) -> Fault:
        with self._lock:
            keyed = self._keyed.get(key) if key is not None else None
            if keyed:
                return keyed.popleft()
            if self._shared:
                return self._shared.popleft()
            draw = self._rng.random()
            for fault, probability in self.probabilities.items():
                if draw < probability:
                    return fault
                draw -= probability
            return Fault.NONE
