"""The page attempt policy (layer 2 stage): engine replies judged, retried up a temperature
ladder, the text layer as fallback, every attempt recorded (see :mod:`docparse.attempts.runner`).

Imports ``schemas`` and ``postprocess`` only; engines are injected.
"""

from docparse.attempts.judge import Judgement, NextStep, after_failure, judge_reply
from docparse.attempts.records import ParsedPage
from docparse.attempts.runner import TEXTLAYER_ENGINE, AttemptRunner, PageEngine

__all__ = [
    "TEXTLAYER_ENGINE",
    "AttemptRunner",
    "Judgement",
    "NextStep",
    "PageEngine",
    "ParsedPage",
    "after_failure",
    "judge_reply",
]
