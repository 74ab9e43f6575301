"""GET /healthz answers 200 when the database answers, on SQLite and PostgreSQL, and 503 when not."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from pg_server import free_port

from trainer.web import create_app
from trainer.web.state import database

WEB_DATA = Path(__file__).resolve().parent.parent / "web" / "data"


def _app(tmp_path: Path, url: str) -> Flask:
    return create_app({"INSTANCE_PATH": str(tmp_path / "instance"),
                       "TRAINER_CONTENT_ROOT": str(WEB_DATA), "DATABASE_URL": url,
                       "TESTING": True})


@pytest.fixture
def app(tmp_path: Path, migrated_database_url: str) -> Iterator[Flask]:
    """Return the app on a migrated database of either backend."""
    found = _app(tmp_path, migrated_database_url)
    yield found
    database(found).dispose()


def test_healthz_is_ok_when_the_database_answers(app: Flask) -> None:
    response = app.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.get_data(as_text=True) == "ok"
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.postgres
def test_healthz_is_503_when_the_database_is_unreachable(tmp_path: Path) -> None:
    app = _app(tmp_path, f"postgresql+psycopg://trainer:x@127.0.0.1:{free_port()}/trainer")
    try:
        response = app.test_client().get("/healthz")
        assert response.status_code == 503
        assert response.get_data(as_text=True) == "database unavailable"
        assert app.test_client().get("/ping").status_code == 200  # liveness needs no database
    finally:
        database(app).dispose()
