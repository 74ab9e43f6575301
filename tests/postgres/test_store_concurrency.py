"""The store under concurrent requests and dropped connections, on SQLite and PostgreSQL.

Two requests of one trainee at the same moment (a double click on "Start", two tabs submitting)
must make one attempt and record one submission on either backend; on PostgreSQL a connection cut
in the middle of a submission is retried and the submission recorded once.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import psycopg
import pytest
from sqlalchemy import event, func, select, text
from sqlalchemy.engine import make_url

from trainer.store.attempts import (
    AttemptScore,
    GradedResponse,
    PlannedQuestion,
    create_participant,
    save_draft,
    start_attempt,
    submit_attempt,
    submit_draft,
)
from trainer.store.database import Database, Statements
from trainer.store.models import Attempt, AttemptKind, Response

T = TypeVar("T")
ROUNDS = 15
QUESTIONS = [PlannedQuestion("mod", f"q{n}", f"{n:064x}") for n in range(1, 4)]


@pytest.fixture
def database(migrated_database_url: str) -> Iterator[Database]:
    """Return a Database on a migrated database of either backend."""
    found = Database(migrated_database_url)
    yield found
    found.dispose()


def _at_once(action: Callable[[], T], copies: int = 2) -> list[T]:
    """Run `action` in `copies` threads released together; return the results, re-raise errors."""
    barrier = threading.Barrier(copies)
    results: list[Any] = []
    lock = threading.Lock()

    def run() -> None:
        barrier.wait()
        try:
            outcome: Any = action()
        except Exception as exc:  # noqa: BLE001 - re-raised in the test's thread below
            outcome = exc
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=run) for _ in range(copies)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for outcome in results:
        if isinstance(outcome, Exception):
            raise outcome
    return results


def _start(database: Database, participant_id: int) -> Attempt:
    return start_attempt(
        database, participant_id=participant_id, kind=AttemptKind.MODULE, curriculum_id="cur",
        module_id="mod", module_hash="a" * 64, questions=QUESTIONS, tokens={}, seed=7,
        pass_mark=50.0)


def _graded() -> list[GradedResponse]:
    return [GradedResponse("mod", q.question_id, q.question_hash, ["a"], 1.0, 1.0, "correct")
            for q in QUESTIONS]


SCORE = AttemptScore(earned=3.0, max_points=3.0, percent=100.0, passed=True)


def _count(database: Database, *where: Any) -> int:
    with database.read() as session:
        return session.scalar(select(func.count()).select_from(Response).where(*where)) or 0


def test_a_double_click_on_start_makes_one_attempt(database: Database) -> None:
    for round_ in range(ROUNDS):
        participant = create_participant(database, "ws", f"Trainee {round_}")
        first, second = _at_once(partial(_start, database, participant.id))
        assert first.id == second.id


def test_two_submissions_at_once_record_one(database: Database) -> None:
    for round_ in range(ROUNDS):
        participant = create_participant(database, "ws", f"Trainee {round_}")
        attempt = _start(database, participant.id)
        outcomes = _at_once(partial(submit_attempt, database, attempt.id, _graded(), SCORE))
        assert sorted(outcomes) == [False, True]
        assert _count(database, Response.attempt_id == attempt.id) == len(QUESTIONS)


def _cut_connection_on_first(database: Database, statement_start: str, admin_url: str) -> list[int]:
    """Terminate the session's own backend the first time it runs `statement_start`."""
    cut: list[int] = []
    url = make_url(admin_url)

    @event.listens_for(database.engine, "before_cursor_execute")
    def cut_once(conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if cut or not statement.lstrip().upper().startswith(statement_start):
            return
        pid = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
        cut.append(pid)
        with psycopg.connect(host=url.host, port=url.port, user=url.username,
                             password=url.password, dbname=url.database,
                             autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", [pid])

    return cut


@pytest.mark.postgres
def test_a_connection_cut_mid_submit_is_retried_and_recorded_once(
        postgres_database_url: str) -> None:
    database = Database(postgres_database_url)
    try:
        participant = create_participant(database, "ws", "Trainee")
        attempt = _start(database, participant.id)
        cut = _cut_connection_on_first(database, "INSERT INTO RESPONSE", postgres_database_url)
        assert submit_attempt(database, attempt.id, _graded(), SCORE) is True
        assert cut, "the connection was never cut: the test did not test anything"
        assert _count(database, Response.attempt_id == attempt.id) == len(QUESTIONS)
        with database.read() as session:
            stored = session.get(Attempt, attempt.id)
            assert stored is not None
            assert stored.submitted
            assert stored.percent == 100.0
    finally:
        database.dispose()


def _commit_setting(database: Database, *, durable: bool) -> str:
    """Return the backend's commit durability setting inside a write_core transaction."""
    def work(statements: Statements) -> str:
        if database.is_sqlite:
            level = statements.first(text("PRAGMA synchronous"), {})[0]
            return {1: "NORMAL", 2: "FULL"}[int(level)]
        return str(statements.first(text("SHOW synchronous_commit"), {})[0])

    return database.write_core(work, durable=durable)


def _log_flushes(monkeypatch: pytest.MonkeyPatch, call: str = "fdatasync") -> list[str]:
    """Record the file of every `os.<call>` (fdatasync, fsync) from now on; the call still
    happens."""
    flushed: list[str] = []
    real = getattr(os, call)

    def flush(fd: int) -> None:
        flushed.append(os.readlink(f"/proc/self/fd/{fd}"))
        real(fd)

    monkeypatch.setattr(os, call, flush)
    return flushed


def test_drafts_commit_without_waiting_for_the_disk_and_everything_else_waits(
        migrated_database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    if not migrated_database_url.startswith("sqlite"):
        # The test server commits without waiting (tests/pg_server.py): this database waits, as
        # a production server does, so that a light write has something to turn off.
        url = make_url(migrated_database_url)
        with psycopg.connect(url.set(drivername="postgresql").render_as_string(False),
                             autocommit=True) as admin:
            admin.execute(f'ALTER DATABASE "{url.database}" SET synchronous_commit TO on')
    database = Database(migrated_database_url)
    flushed = _log_flushes(monkeypatch)
    if database.is_sqlite:
        # Every write_core commits without waiting for the disk (NORMAL); a durable one then
        # flushes the WAL itself, after the write lock is released, before it returns.
        wal = f"{make_url(migrated_database_url).database}-wal"
        assert _commit_setting(database, durable=False) == "NORMAL"
        assert flushed == []
        assert _commit_setting(database, durable=True) == "NORMAL"
        assert [Path(f).resolve() for f in flushed] == [Path(wal).resolve()]
        assert _commit_setting(database, durable=True) == "NORMAL"
        assert len(flushed) == 2
    else:
        assert _commit_setting(database, durable=False) == "off"
        assert _commit_setting(database, durable=True) == "on"
        # The setting stays with its own writes: a durable write after a light one waits again.
        assert _commit_setting(database, durable=True) == "on"
    database.dispose()


def test_a_durable_sqlite_write_flushes_whichever_wal_file_is_there(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The WAL file replaced (every connection closed, the log checkpointed and deleted, then
    made again) is flushed under its new name; no WAL file at all is nothing to flush."""
    database = Database(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    database.write_core(lambda s: s.run(text("CREATE TABLE t (v INTEGER)"), {}))
    flushed = _log_flushes(monkeypatch)
    insert = text("INSERT INTO t (v) VALUES (:v)")
    database.write_core(lambda s: s.run(insert, {"v": 1}))
    wal = tmp_path / "db.sqlite3-wal"
    assert [Path(f) for f in flushed] == [wal]
    first = os.stat(wal).st_ino
    database.dispose()  # the last connection checkpoints and deletes the WAL
    assert not wal.exists()
    database.write_core(lambda s: s.run(insert, {"v": 2}))
    assert os.stat(wal).st_ino != first or len(flushed) == 2
    assert [Path(f) for f in flushed] == [wal, wal]
    assert all("(deleted)" not in f for f in flushed)
    with database.read() as session:
        assert session.execute(text("SELECT count(*) FROM t")).scalar() == 2
    database.dispose()


def test_draft_saves_keep_the_newest_and_the_submission_grades_it(database: Database) -> None:
    attempt = _start(database, create_participant(database, "ws", "Amina").id)
    assert save_draft(database, attempt.id, 20, {"q1": "b"}).status == "saved"
    assert save_draft(database, attempt.id, 10, {"q1": "stale"}).status == "stale"
    # Saves at once (two tabs): each is stored or stale, and the newest sequence stays.
    outcomes = _at_once(partial(save_draft, database, attempt.id, 30, {"q1": "c"}), copies=4)
    assert sorted(o.status for o in outcomes) == ["saved"] * 4  # a repeat of 30 is "saved"
    graded: list[dict[str, Any]] = []

    def grader(draft: dict[str, Any], tokens: dict[str, dict[str, str]]
               ) -> tuple[list[GradedResponse], AttemptScore]:
        del tokens
        graded.append(draft)
        return ([GradedResponse("mod", q.question_id, q.question_hash, draft.get("q1"), 1.0, 1.0,
                                "correct") for q in QUESTIONS], AttemptScore(3.0, 3.0, 100.0, True))

    assert submit_draft(database, attempt.id, grader)
    assert graded == [{"q1": "c"}]
    assert save_draft(database, attempt.id, 40, {"q1": "late"}).status == "submitted"
    with database.read() as session:
        stored = session.get(Attempt, attempt.id)
        assert stored is not None
        assert stored.draft_answers == {"q1": "c"}
        assert session.scalar(select(func.count()).select_from(Response)
                              .where(Response.attempt_id == attempt.id)) == len(QUESTIONS)


def test_a_durable_sqlite_write_with_no_wal_where_expected_is_made_durable_another_way(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    """The log not at `<database>-wal` (SQLite keeps it elsewhere, or is not in WAL mode): the
    commit is checkpointed and the database file flushed, and later durable writes commit FULL."""
    database = Database(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    database.write_core(lambda s: s.run(text("CREATE TABLE t (v INTEGER)"), {}))
    database._wal_path = str(tmp_path / "elsewhere-wal")  # noqa: SLF001 - where SQLite is not
    synced = _log_flushes(monkeypatch, "fsync")
    insert = text("INSERT INTO t (v) VALUES (:v)")
    with caplog.at_level("WARNING"):
        database.write_core(lambda s: s.run(insert, {"v": 1}))
    assert "no write-ahead log at" in caplog.text
    assert [Path(f).name for f in synced] == ["db.sqlite3"]
    assert database._wal_path is None  # noqa: SLF001
    assert _commit_setting(database, durable=True) == "FULL"
    with database.read() as session:
        assert session.execute(text("SELECT count(*) FROM t")).scalar() == 1
    database.dispose()
