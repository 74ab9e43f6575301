"""Fixtures for the store tests: a migrated database (SQLite here; a PostgreSQL run overrides
`database_url`)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from trainer.store import Database
from trainer.store.migrate import upgrade


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """Return the URL of an empty database for one test."""
    return f"sqlite:///{tmp_path / 'store.sqlite3'}"


@pytest.fixture
def store(database_url: str) -> Iterator[Database]:
    """Return a migrated database."""
    upgrade(database_url)
    database = Database(database_url)
    yield database
    database.dispose()
