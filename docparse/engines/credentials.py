"""The API key: read from an environment variable, sent as a Bearer header, never shown."""

from __future__ import annotations

import os


class ApiKey:
    """A secret whose ``repr``/``str`` never include it; :meth:`scrub` removes it from text."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value.strip()

    @classmethod
    def from_env(cls, variable: str | None) -> ApiKey:
        """The key held in ``variable``; empty when the variable is None, unset or blank."""
        return cls(os.environ.get(variable, "") if variable else "")

    def __bool__(self) -> bool:
        return bool(self._value)

    def __repr__(self) -> str:
        return f"ApiKey({'set' if self else 'unset'})"

    __str__ = __repr__

    def headers(self) -> dict[str, str]:
        """``{"Authorization": "Bearer ..."}``, or nothing when there is no key."""
        return {"Authorization": f"Bearer {self._value}"} if self._value else {}

    def scrub(self, text: str) -> str:
        """``text`` with the key replaced by ``***`` (servers sometimes echo what they refuse)."""
        return text.replace(self._value, "***") if self._value else text
