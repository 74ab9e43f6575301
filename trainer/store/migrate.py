"""Run the store's Alembic migrations without an alembic.ini: `trainer db upgrade` calls these."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import URL

from trainer.store.database import Database

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str | URL) -> Config:
    """Return an Alembic configuration for the database at `url`."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    # ConfigParser interpolation would read a '%' in a password as a placeholder.
    config.set_main_option(
        "sqlalchemy.url",
        (url.render_as_string(hide_password=False) if isinstance(url, URL) else url)
        .replace("%", "%%"),
    )
    return config


def upgrade(url: str | URL, revision: str = "head") -> None:
    """Upgrade the database at `url` to `revision` (default: the newest)."""
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str | URL, revision: str = "-1") -> None:
    """Downgrade the database at `url` to `revision` (default: one step back)."""
    command.downgrade(alembic_config(url), revision)


def head_revision() -> str | None:
    """Return the newest revision the code knows."""
    return ScriptDirectory(str(MIGRATIONS)).get_current_head()


def current_revision(database: Database) -> str | None:
    """Return the revision the database is at (None when it was never migrated)."""
    with database.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def is_up_to_date(database: Database) -> bool:
    """Return whether the database is at the newest revision."""
    return current_revision(database) == head_revision()
