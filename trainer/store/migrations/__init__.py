"""Alembic migrations of the store (env.py, script.py.mako, versions/); run via trainer.store.migrate."""
