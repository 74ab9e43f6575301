"""The one exception tree of trainer.

Imports nothing from trainer: every layer may raise these, and the CLI and the web app turn them
into messages for the user (never tracebacks).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Issue:
    """One located problem in a content file: `path:line:col: where: message`."""

    path: str
    line: int
    column: int
    where: str
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        where = f"{self.where}: " if self.where else ""
        tag = "warning: " if self.severity == "warning" else ""
        return f"{self.path}:{self.line}:{self.column}: {tag}{where}{self.message}"


class TrainerError(Exception):
    """Base class of every error trainer raises on purpose."""


class ContentError(TrainerError):
    """Content (YAML) that cannot be loaded or does not validate; carries every located issue."""

    def __init__(self, issues: Iterable[Issue]) -> None:
        self.issues: tuple[Issue, ...] = tuple(issues)
        super().__init__("\n".join(str(issue) for issue in self.issues))


class ExportError(TrainerError):
    """A handbook, package or question bank could not be produced."""


class StoreError(TrainerError):
    """The database refused or lost an operation."""
