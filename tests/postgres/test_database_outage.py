"""A PostgreSQL server that restarts or goes away: requests wait it out, or answer 503, never 500.

The restart test restarts the session's throwaway server, so it runs on PostgreSQL only.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from pg_server import ThrowawayPostgres, free_port
from sqlalchemy import func, select

from trainer.store.attempts import (
    AttemptScore,
    GradedResponse,
    PlannedQuestion,
    attempt_state,
    create_participant,
    find_attempt,
    get_participant,
    start_attempt,
    submit_attempt,
)
from trainer.store.database import Database, DatabaseUnavailable
from trainer.store.models import Attempt, AttemptKind, Participant, Response
from trainer.web import create_app
from trainer.web.state import database

pytestmark = pytest.mark.postgres

WEB_DATA = Path(__file__).resolve().parent.parent / "web" / "data"


def _restart_soon(server: ThrowawayPostgres) -> tuple[threading.Thread, threading.Event]:
    """Return a thread that restarts `server` 0.3 s after it starts, and the event it then sets."""
    restarted = threading.Event()

    def restart() -> None:
        time.sleep(0.3)
        server.restart()
        restarted.set()

    return threading.Thread(target=restart), restarted


def test_reads_and_writes_ride_out_a_server_restart(
        postgres_server: ThrowawayPostgres, postgres_database_url: str) -> None:
    store = Database(postgres_database_url)
    stored: list[str] = []
    unavailable = 0
    try:
        create_participant(store, "ws", "before")  # fills the pool with soon-dead connections
        thread, restarted = _restart_soon(postgres_server)
        thread.start()
        deadline = time.monotonic() + 30
        while not restarted.is_set() or len(stored) < 5:
            assert time.monotonic() < deadline
            participant = create_participant(store, "ws", f"trainee {len(stored)}")
            stored.append(participant.public_id)
            try:
                found = get_participant(store, participant.public_id)
            except DatabaseUnavailable:
                # A read whose connection the shutdown cut between checkout and query is not
                # retried (the web app answers 503 and the browser asks again); never worse.
                unavailable += 1
                found = get_participant(store, participant.public_id)
            assert found is not None
        thread.join()
        with store.read() as session:
            names = session.scalars(select(Participant.display_name)
                                    .where(Participant.display_name != "before")).all()
            assert session.scalar(select(func.count()).select_from(Participant)) == len(stored) + 1
        assert sorted(names) == sorted(f"trainee {n}" for n in range(len(stored)))
        assert unavailable <= 1
    finally:
        store.dispose()


def test_submissions_and_quiz_reads_ride_out_a_server_restart(
        postgres_server: ThrowawayPostgres, postgres_database_url: str) -> None:
    """The quiz page's one-statement read and the submission's Core write wait out a restart."""
    store = Database(postgres_database_url)
    submitted: list[int] = []
    unavailable = 0
    def read_again(public_id: str) -> None:
        nonlocal unavailable
        for _ in range(2):
            try:
                state = attempt_state(store, participant.id, public_id)
                found = find_attempt(store, participant.id, public_id)
            except DatabaseUnavailable:
                unavailable += 1  # a read cut by the shutdown is not retried: a 503, then again
                continue
            assert state is not None
            assert state.submitted
            assert found is not None
            assert len(found.responses) == 1
            return
        raise AssertionError("the read failed twice")

    try:
        participant = create_participant(store, "ws", "trainee")
        thread, restarted = _restart_soon(postgres_server)
        thread.start()
        deadline = time.monotonic() + 30
        while not restarted.is_set() or len(submitted) < 5:
            assert time.monotonic() < deadline
            attempt = start_attempt(
                store, participant_id=participant.id, kind=AttemptKind.MODULE,
                curriculum_id="c", module_id=f"m{len(submitted)}", module_hash="h",
                questions=[PlannedQuestion(f"m{len(submitted)}", "q1", "qh")],
                tokens={}, seed=1, pass_mark=50.0)
            assert submit_attempt(
                store, attempt.id, [GradedResponse(f"m{len(submitted)}", "q1", "qh", "a", 1.0,
                                                   1.0, "correct")],
                AttemptScore(1.0, 1.0, 100.0, True))
            submitted.append(attempt.id)
            read_again(attempt.public_id)
        thread.join()
        with store.read() as session:
            assert session.scalar(select(func.count()).select_from(Attempt)
                                  .where(Attempt.submitted_at.is_not(None))) == len(submitted)
            assert session.scalar(select(func.count()).select_from(Response)) == len(submitted)
        assert unavailable <= 2
    finally:
        store.dispose()


@pytest.fixture
def unreachable_app(tmp_path: Path) -> Iterator[Flask]:
    """Return the app on a PostgreSQL URL where nothing listens, waiting only briefly."""
    app = create_app({
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "TRAINER_CONTENT_ROOT": str(WEB_DATA),
        "DATABASE_URL": f"postgresql+psycopg://trainer:x@127.0.0.1:{free_port()}/trainer",
        "TESTING": True,
    })
    store = database(app)
    store.read_wait_seconds = store.write_retry_seconds = 0.2
    yield app
    store.dispose()


def test_an_unreachable_database_answers_503_with_retry_after(unreachable_app: Flask) -> None:
    client = unreachable_app.test_client()
    home = client.get("/")
    assert home.status_code == 200  # the start page needs no database
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                      home.get_data(as_text=True))
    assert token is not None
    joined = client.post("/join", data={"csrf_token": token.group(1), "name": "Amina",
                                        "workshop": "ws-alpha"})
    assert joined.status_code == 503
    assert joined.headers["Retry-After"] == "5"
    assert "The site is busy for a moment" in joined.get_data(as_text=True)
    with client.session_transaction() as session:
        session["participant"] = "someone"
        session["sid"] = "a server session, looked up in the database"
    programme = client.get("/programme")
    assert programme.status_code == 503
    assert "send the page again" in programme.get_data(as_text=True)
