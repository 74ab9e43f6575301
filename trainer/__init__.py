"""trainer: one YAML source of workshop content, many outputs (quizzes, handbooks, packages)."""

from __future__ import annotations

__version__ = "0.1.0"
__all__ = ["__version__"]
