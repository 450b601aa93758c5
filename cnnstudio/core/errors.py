"""Exceptions the core raises for user-facing problems (each with a one-line message)."""

from __future__ import annotations


class CnnStudioError(Exception):
    """Base of every error cnnstudio reports to a user in words rather than a traceback."""


class DesignError(CnnStudioError):
    """A file or document that is not a cnnstudio design (bad JSON, wrong format, newer version)."""


class DesignInvalidError(CnnStudioError):
    """A design that loads but has layer errors, where an operation needs a valid one."""

    def __init__(self, messages: list[str]) -> None:
        self.messages = list(messages)
        count = len(self.messages)
        head = f"the design has {count} error{'s' if count != 1 else ''}"
        super().__init__(head + (": " + "; ".join(self.messages[:3]) if self.messages else ""))
