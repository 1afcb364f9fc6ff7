"""Check boxes in text: a mark, then its label up to the next mark.

Checked: ``☑ ☒ ✓ ✔ ✗ ✘ ■ [x] [X] [✓] [✔]``; unchecked: ``☐ □ [ ] []``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CHECKED = frozenset("☑☒✓✔✗✘■")
UNCHECKED = frozenset("☐□")
_MARK = re.compile(r"[☑☒✓✔✗✘■☐□]|\[\s*[xX✓✔]?\s*\]")
#: The characters a mark begins with: searched for first, as one character set that the regex
#: engine scans for quickly (a search for ``_MARK`` tries both of its branches at every place).
_MARK_START = re.compile(r"[☑☒✓✔✗✘■☐□\[]")


@dataclass(frozen=True)
class Mark:
    """One check box: checked or not, the label's text and its offsets (mark included)."""

    checked: bool
    label: str
    start: int
    end: int


def may_have_marks(text: str) -> bool:
    """Whether ``text`` holds a character a mark begins with (none: no part of it has marks)."""
    # an ASCII text holds no mark character but "[": one substring test, no regex scan
    return "[" in text or (not text.isascii() and _MARK_START.search(text) is not None)


def has_marks(text: str) -> bool:
    return _MARK_START.search(text) is not None and _MARK.search(text) is not None


def find_marks(text: str, start: int = 0, end: int | None = None) -> list[Mark]:
    """The check boxes in ``text[start:end]`` in order."""
    end = len(text) if end is None else end
    found = list(_MARK.finditer(text, start, end))
    marks: list[Mark] = []
    for i, m in enumerate(found):
        label_end = found[i + 1].start() if i + 1 < len(found) else end
        label = text[m.end() : label_end].strip()
        token = m.group(0)
        checked = token in CHECKED or (token.startswith("[") and token.strip("[] ") != "")
        marks.append(Mark(checked, label, m.start(), label_end))
    return marks
