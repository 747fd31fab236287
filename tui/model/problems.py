"""Problems: what validation, loading and resolution report, each with its path."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong (or risky) with an input, addressed by a dotted path.

    ``path`` uses the profile's own keys: ``management.ipv4.gateway``, ``networks[1].route.cidr``.
    """

    path: str
    message: str
    severity: Severity = Severity.ERROR

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def line(self) -> str:
        where = f"{self.path}: " if self.path else ""
        return f"{self.severity.value}: {where}{self.message}"

    def as_dict(self) -> dict:
        return {"path": self.path, "severity": self.severity.value, "message": self.message}


def error(path: str, message: str) -> Problem:
    return Problem(path, message, Severity.ERROR)


def warning(path: str, message: str) -> Problem:
    return Problem(path, message, Severity.WARNING)


def has_errors(problems) -> bool:
    return any(p.is_error for p in problems)


def errors_line(problems) -> str:
    """The errors among ``problems`` on one line, ``; ``-separated (a failed step's reason)."""
    return "; ".join(p.line() for p in problems if p.is_error)


def join(path: str, key: str | int) -> str:
    """Extend a dotted path by a key or a list index."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key
