"""Fixtures for the store tests: a migrated database, on SQLite and on PostgreSQL
(`migrated_database_url`, from tests/pg_server.py: a copy of a database migrated once per run)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from trainer.store import Database
from trainer.store.migrate import upgrade


@pytest.fixture
def store(migrated_database_url: str) -> Iterator[Database]:
    """Return a migrated database (the migrations, run again, find nothing to do)."""
    upgrade(migrated_database_url)
    database = Database(migrated_database_url)
    yield database
    database.dispose()


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[Database]:
    """Return a migrated SQLite database (for tests of SQLite's own settings and messages)."""
    url = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    upgrade(url)
    database = Database(url)
    yield database
    database.dispose()
