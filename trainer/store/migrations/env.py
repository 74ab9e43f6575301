"""Alembic environment: migrate the database whose URL (or connection) trainer.store.migrate passes."""

from __future__ import annotations

import importlib
import pkgutil

from alembic import context
from sqlalchemy import Connection

import trainer.store
from trainer.store.database import make_engine
from trainer.store.models import Base

# Tables may be declared in any module of trainer.store (models.py, accounts.py ...): import them
# all so that the metadata compared and migrated is the whole schema.
for _module in pkgutil.iter_modules(trainer.store.__path__):
    if _module.name != "migrations":
        importlib.import_module(f"trainer.store.{_module.name}")

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite cannot ALTER most things
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run the migrations on the connection given, or on a new engine for the URL given."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url") or "")
    try:
        with engine.connect() as new_connection:
            _run(new_connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline (SQL script) migrations are not supported; run `trainer db upgrade`")
run_migrations_online()
