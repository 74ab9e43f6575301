"""The store: schema by migrations, connection settings, single-shot submissions under concurrency."""

from __future__ import annotations

import importlib
import multiprocessing
import pkgutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, inspect, select, text
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

import trainer.store
from trainer.errors import StoreError
from trainer.store import Database
from trainer.store.attempts import (
    AttemptScore,
    GradedResponse,
    PlannedQuestion,
    create_participant,
    discard_open_attempt,
    find_attempt,
    participant_attempts,
    start_attempt,
    submit_attempt,
)
from trainer.store.migrate import current_revision, downgrade, head_revision, upgrade
from trainer.store.models import Attempt, AttemptKind, Base, Participant, Response

QUESTIONS = [PlannedQuestion("m", "q1", "h" * 64), PlannedQuestion("m", "q2", "i" * 64)]


def _start(store: Database, participant_id: int, kind: AttemptKind = AttemptKind.MODULE
           ) -> Attempt:
    module = kind is AttemptKind.MODULE
    return start_attempt(store, participant_id=participant_id, kind=kind, curriculum_id="c",
                         module_id="m" if module else None, module_hash="x" * 64 if module else None,
                         questions=QUESTIONS, tokens={"m/q1": {"a": "0badc0de"}}, seed=7,
                         pass_mark=70)


def _graded(earned: float = 1) -> list[GradedResponse]:
    return [GradedResponse("m", "q1", "h" * 64, "a", earned, 1, "correct"),
            GradedResponse("m", "q2", "i" * 64, None, 0, 1, "unanswered")]


SCORE = AttemptScore(1, 2, 50.0, False)


def _count(store: Database, model: type[Base]) -> int:
    with store.read() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_migrations_build_exactly_the_models(store: Database) -> None:
    for module in pkgutil.iter_modules(trainer.store.__path__):  # tables of every store module
        if module.name != "migrations":
            importlib.import_module(f"trainer.store.{module.name}")
    with store.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
    assert current_revision(store) == head_revision()


def test_migrations_go_down_and_up_again(store: Database, migrated_database_url: str) -> None:
    downgrade(migrated_database_url, "base")
    assert inspect(store.engine).get_table_names() == ["alembic_version"]
    upgrade(migrated_database_url)
    assert {"participant", "attempt", "response"} <= set(inspect(store.engine).get_table_names())


def test_sqlite_connections_are_durable_and_patient(sqlite_store: Database) -> None:
    store = sqlite_store
    with store.engine.connect() as connection:
        pragma = {name: connection.execute(text(f"PRAGMA {name}")).scalar()
                  for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")}
    assert pragma["journal_mode"] == "wal"
    assert pragma["synchronous"] == 2  # FULL
    assert pragma["foreign_keys"] == 1
    assert int(pragma["busy_timeout"] or 0) >= 5000


def test_an_attempts_responses_are_found_through_an_index(sqlite_store: Database) -> None:
    """Responses have no index of their own on attempt_id (one less to write per submission):
    every lookup by attempt, the ORM's loading of an attempt's responses and the removal of
    participants' attempts, still searches the unique constraints that lead with it."""
    attempt_responses = Attempt.responses.property.mapper.local_table
    loads = select(attempt_responses).where(attempt_responses.c.attempt_id.in_([1, 2, 3]))
    statements = [str(loads.compile(compile_kwargs={"literal_binds": True})),
                  "SELECT * FROM response WHERE attempt_id = 1 ORDER BY position",
                  "DELETE FROM response WHERE attempt_id IN (1, 2)"]
    with sqlite_store.engine.connect() as connection:
        for sql in statements:
            plan = " ".join(str(row[-1]) for row in
                            connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}"))
            assert "INDEX sqlite_autoindex_response" in plan, (sql, plan)
            assert "SCAN response" not in plan, (sql, plan)


def test_foreign_keys_are_enforced(store: Database) -> None:
    def orphan(session: Session) -> None:
        session.add(Response(attempt_id=999, position=0, module_id="m", question_id="q",
                             question_hash="h", response=None, earned=0, max_points=1,
                             status="wrong"))

    with pytest.raises(IntegrityError):
        store.write(orphan)


def test_a_submission_is_recorded_once(store: Database) -> None:
    participant = create_participant(store, "ws", "Amina")
    attempt = _start(store, participant.id)
    assert submit_attempt(store, attempt.id, _graded(), SCORE) is True
    assert submit_attempt(store, attempt.id, _graded(earned=0), AttemptScore(0, 2, 0, False)
                          ) is False
    stored = find_attempt(store, participant.id, attempt.public_id)
    assert stored is not None
    assert stored.submitted
    assert (stored.earned, stored.percent, stored.passed) == (1, 50.0, False)
    assert [r.response for r in stored.responses] == ["a", None]
    assert _count(store, Response) == 2


def test_concurrent_submissions_of_one_attempt_record_exactly_one(store: Database) -> None:
    participant = create_participant(store, "ws", "Amina")
    attempt = _start(store, participant.id)
    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(lambda _: submit_attempt(store, attempt.id, _graded(), SCORE),
                                 range(16)))
    assert outcomes.count(True) == 1
    assert _count(store, Response) == 2


def _submit_many(url: str, attempt_ids: list[int], queue: multiprocessing.Queue[int]) -> None:
    database = Database(url)
    recorded = sum(submit_attempt(database, attempt_id, _graded(), SCORE)
                   for attempt_id in attempt_ids)
    database.dispose()
    queue.put(recorded)


def test_several_processes_writing_at_once_never_fail_or_duplicate(
        store: Database, migrated_database_url: str) -> None:
    participant = create_participant(store, "ws", "Amina")
    ids = []
    for _ in range(40):
        attempt = _start(store, participant.id)
        ids.append(attempt.id)
        # A start resumes the open attempt of the same module version: move this one aside.
        store.write(lambda s, a=attempt.id: s.execute(
            text("UPDATE attempt SET module_hash = :h WHERE id = :i"), {"h": f"{a:064d}", "i": a}))
    context = multiprocessing.get_context("spawn")
    queue: multiprocessing.Queue[int] = context.Queue()
    # Every process submits every attempt: 4 × 40 tries, 40 records.
    processes = [context.Process(target=_submit_many, args=(migrated_database_url, ids, queue))
                 for _ in range(4)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(60)
        assert process.exitcode == 0
    assert sum(queue.get(timeout=5) for _ in processes) == 40
    assert _count(store, Response) == 80


def test_one_pre_test_per_participant_even_when_started_twice(store: Database) -> None:
    participant = create_participant(store, "ws", "Amina")
    first = _start(store, participant.id, AttemptKind.PRE)
    assert _start(store, participant.id, AttemptKind.PRE).id == first.id
    with pytest.raises(IntegrityError):
        store.write(lambda session: session.add(Attempt(
            public_id="dup", participant_id=participant.id, kind="pre", curriculum_id="c",
            questions=[], tokens={}, seed=1, pass_mark=70)) or session.flush())


def test_an_open_module_attempt_is_resumed_not_duplicated(store: Database) -> None:
    participant = create_participant(store, "ws", "Amina")
    first = _start(store, participant.id)
    assert _start(store, participant.id).id == first.id
    submit_attempt(store, first.id, _graded(), SCORE)
    assert _start(store, participant.id).id != first.id
    assert len(participant_attempts(store, participant.id)) == 2


def test_attempts_are_found_only_by_their_owner(store: Database) -> None:
    alice = create_participant(store, "ws", "Alice")
    bob = create_participant(store, "ws", "Bob")
    attempt = _start(store, alice.id)
    assert find_attempt(store, alice.id, attempt.public_id) is not None
    assert find_attempt(store, bob.id, attempt.public_id) is None
    assert alice.public_id != bob.public_id
    assert len(alice.public_id) >= 22


def test_only_an_unsubmitted_attempt_can_be_discarded(store: Database) -> None:
    participant = create_participant(store, "ws", "Amina")
    attempt = _start(store, participant.id)
    submit_attempt(store, attempt.id, _graded(), SCORE)
    assert discard_open_attempt(store, attempt.id) is False
    fresh = _start(store, participant.id)
    assert discard_open_attempt(store, fresh.id) is True
    assert _count(store, Attempt) == 1


def test_a_write_is_retried_when_the_database_is_busy(sqlite_store: Database) -> None:
    store = sqlite_store
    calls = []

    def flaky(session: Session) -> str:
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("BEGIN", {}, Exception("database is locked"))
        session.add(Participant(public_id="p", workshop_id="ws", display_name="x"))
        return "done"

    assert store.write(flaky) == "done"
    assert len(calls) == 2
    assert _count(store, Participant) == 1


def test_a_write_that_keeps_failing_raises_store_error(store: Database) -> None:
    def broken(_session: Session) -> None:
        raise OperationalError("BEGIN", {}, Exception("database is locked"))

    with pytest.raises(StoreError, match="database is locked"):
        store.write(broken)


def test_the_database_file_lives_where_the_url_says(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'deep' / 'er' / 'db.sqlite3'}"
    upgrade(url)
    assert (tmp_path / "deep" / "er" / "db.sqlite3").exists()
    assert Database(url).ping()
