"""Alembic migrations on SQLite and on a real PostgreSQL server: up from empty, down, up again.

Each test runs once per backend (the `database_url` fixture is parametrised).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

import trainer.store
from trainer.store.database import Database
from trainer.store.migrate import MIGRATIONS, current_revision, downgrade, head_revision, upgrade
from trainer.store.models import Base

# Tables are declared in several store modules (models, accounts …): load them all, so that the
# comparison with the migrated schema sees every table the code knows.
for _module in pkgutil.iter_modules(trainer.store.__path__):
    if _module.name != "migrations":
        importlib.import_module(f"trainer.store.{_module.name}")


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    """Return a Database on the test's empty database, disposed afterwards."""
    found = Database(database_url)
    yield found
    found.dispose()


def _revisions() -> list[str]:
    """Return every revision, oldest first."""
    script = ScriptDirectory(str(MIGRATIONS))
    return [r.revision for r in reversed(list(script.walk_revisions()))]


def _tables(database: Database) -> set[str]:
    with database.engine.connect() as connection:
        return set(inspect(connection).get_table_names()) - {"alembic_version"}


def _schema_differences(database: Database) -> list[object]:
    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))


def test_upgrade_from_empty_reaches_head_with_every_table(database: Database) -> None:
    assert current_revision(database) is None
    upgrade(database.url)
    assert current_revision(database) == head_revision()
    assert _tables(database) == set(Base.metadata.tables)


def test_head_schema_matches_the_models(database: Database) -> None:
    upgrade(database.url)
    assert _schema_differences(database) == []


def test_downgrade_one_step_then_upgrade_again(database: Database) -> None:
    revisions = _revisions()
    upgrade(database.url)
    downgrade(database.url, "-1")
    previous = revisions[-2] if len(revisions) > 1 else None
    assert current_revision(database) == previous
    upgrade(database.url)
    assert current_revision(database) == head_revision()
    assert _schema_differences(database) == []


def test_every_step_down_to_empty_and_back(database: Database) -> None:
    revisions = _revisions()
    upgrade(database.url)
    for expected in reversed([None, *revisions[:-1]]):
        downgrade(database.url, "-1")
        assert current_revision(database) == expected
    assert _tables(database) == set()
    for revision in revisions:
        upgrade(database.url, revision)
        assert current_revision(database) == revision
    assert _tables(database) == set(Base.metadata.tables)
