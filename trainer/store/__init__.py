"""Store: where participants, attempts and responses are kept (SQLAlchemy 2, Alembic).

Knows ids and content hashes only, never content objects: imports trainer.errors and SQLAlchemy,
never trainer.content, trainer.quiz, trainer.web, trainer.cli, Flask or WeasyPrint.
"""

from __future__ import annotations

from trainer.store.database import Database, database_url_for
from trainer.store.models import Attempt, AttemptKind, Base, Participant, Response

__all__ = [
    "Attempt",
    "AttemptKind",
    "Base",
    "Database",
    "Participant",
    "Response",
    "database_url_for",
]
