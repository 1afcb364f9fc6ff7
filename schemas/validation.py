"""The verdict on one model reply: is it QwenVL HTML, was it repaired, what is wrong with it."""

from __future__ import annotations

from enum import Enum

from pydantic import BaseModel, Field

from schemas.blocks import Block
from schemas.errors import ErrorRecord, Severity


class Verdict(str, Enum):
    VALID = "valid"  # parsed as is
    REPAIRED = "repaired"  # usable after repair (truncation closed, boxes clamped, ...)
    INVALID = "invalid"  # not usable as QwenVL HTML


class ValidationReport(BaseModel):
    verdict: Verdict
    truncated: bool = Field(default=False, description="The reply was cut off and closed by repair.")
    fenced: bool = Field(default=False, description="The reply came inside a ```html fence.")
    issues: list[ErrorRecord] = Field(default_factory=list)

    @property
    def errors(self) -> list[ErrorRecord]:
        return [i for i in self.issues if i.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[ErrorRecord]:
        return [i for i in self.issues if i.severity is Severity.WARNING]

    @property
    def usable(self) -> bool:
        return self.verdict is not Verdict.INVALID


class ParsedReply(BaseModel):
    """What post-processing makes of one reply: blocks in reading order and the verdict."""

    blocks: list[Block] = Field(default_factory=list)
    report: ValidationReport
    html: str = Field(default="", description="Repaired, sanitised QwenVL HTML (model frame).")
