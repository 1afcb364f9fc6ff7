"""What the stand-in answers: recorded replies keyed by the sha256 of the page image.

A reply policy is any ``(ChatCall) -> (text, finish_reason)`` callable; the default,
:class:`RecordedReplies`, looks the page image up in a registry and falls back to one fixed
QwenVL HTML reply.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

#: Answered for any page image without a recorded reply: short, valid QwenVL HTML.
FALLBACK_REPLY = (
    '```html\n<html><body>\n<h2 data-bbox="28 28 308 70">Stand-in reply</h2>\n'
    '<p data-bbox="28 84 420 126">No recorded reply for this page image.</p>\n</body></html>\n```'
)
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_FACTOR = 28
_TEMPLATE_TOKENS = 20  # chat-template tokens around the prompt


@dataclass
class ChatCall:
    """One chat-completions request as the stand-in understood it (its request log entry)."""

    model: str
    max_tokens: int | None
    temperature: float | None
    top_p: float | None
    top_k: int | None
    repetition_penalty: float | None
    seed: int | None
    system_prompt: str | None
    prompt_text: str
    image: bytes
    image_sha256: str
    authorization: str | None
    received_at: float
    fault: str = "none"
    status: int = 0


ReplyPolicy = Callable[[ChatCall], tuple[str, str]]


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class RecordedReplies:
    """Replies by page-image sha256, with a fallback; ``load_dir`` reads ``<sha256>.html`` files."""

    def __init__(self, replies: Mapping[str, str] | None = None, fallback: str = FALLBACK_REPLY):
        self.replies = dict(replies or {})
        self.fallback = fallback

    def add(self, image: bytes, text: str) -> str:
        """Record ``text`` as the reply for page image bytes ``image``; returns its sha256."""
        key = sha256_hex(image)
        self.replies[key] = text
        return key

    @classmethod
    def load_dir(cls, directory: Path, fallback: str = FALLBACK_REPLY) -> RecordedReplies:
        return cls(
            {path.stem: path.read_text(encoding="utf-8") for path in directory.glob("*.html")},
            fallback,
        )

    def __call__(self, call: ChatCall) -> tuple[str, str]:
        return self.replies.get(call.image_sha256, self.fallback), "stop"


def png_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) from a PNG header, without decoding; None for anything else."""
    if len(data) >= 24 and data.startswith(_PNG_SIGNATURE) and data[12:16] == b"IHDR":
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    return None


def prompt_tokens(call: ChatCall) -> int:
    """Estimate: visual tokens of the image (28-pixel patches) plus prompt text at ~4 chars each."""
    size = png_size(call.image)
    visual = max(1, (size[0] // _FACTOR) * (size[1] // _FACTOR)) if size else 256
    text = len(call.system_prompt or "") + len(call.prompt_text)
    return visual + text // 4 + _TEMPLATE_TOKENS


def completion_tokens(text: str) -> int:
    return max(1, len(text) // 4)
