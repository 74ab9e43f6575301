"""The store's fast paths: an attempt's state, participants kept briefly, one SQLite writer at once."""

from __future__ import annotations

import fcntl
import os
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from pg_server import free_port
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from trainer.store import Database
from trainer.store.attempts import (
    _ATTEMPT_STATE,
    _SAVE_DRAFT,
    AttemptScore,
    GradedResponse,
    PlannedQuestion,
    _group_writer,
    attempt_state,
    create_participant,
    find_attempt,
    get_participant,
    save_draft,
    start_attempt,
    submit_attempt,
    submit_draft,
)
from trainer.store.database import DatabaseUnavailable, Statements
from trainer.store.models import Attempt, AttemptKind, Response

QUESTIONS = [PlannedQuestion("m", "q1", "h" * 64), PlannedQuestion("m", "q2", "i" * 64)]
GRADED = [GradedResponse("m", "q1", "h" * 64, ["a", "b"], 1, 1, "correct"),
          GradedResponse("m", "q2", "i" * 64, None, 0, 1, "unanswered")]
SCORE = AttemptScore(1, 2, 50.0, False)


def _start(store: Database, participant_id: int) -> Attempt:
    return start_attempt(store, participant_id=participant_id, kind=AttemptKind.MODULE,
                         curriculum_id="c", module_id="m", module_hash="x" * 64,
                         questions=QUESTIONS, tokens={"m/q1": {"a": "0badc0de"}}, seed=7,
                         pass_mark=70)


def test_attempt_state_is_the_owners_only_and_follows_the_submission(store: Database) -> None:
    alice = create_participant(store, "w", "Alice")
    bob = create_participant(store, "w", "Bob")
    attempt = _start(store, alice.id)
    state = attempt_state(store, alice.id, attempt.public_id)
    assert state is not None
    assert (state.id, state.submitted) == (attempt.id, False)
    assert attempt_state(store, bob.id, attempt.public_id) is None
    assert attempt_state(store, alice.id, "no-such-attempt") is None
    assert submit_attempt(store, attempt.id, GRADED, SCORE)
    state = attempt_state(store, alice.id, attempt.public_id)
    assert state is not None
    assert state.submitted


def test_a_kept_sqlite_reader_sees_what_another_process_commits_at_once(store: Database) -> None:
    """The one-row reads keep their SQLite connection: no snapshot may outlive its statement."""
    alice = create_participant(store, "w", "Alice")
    attempt = _start(store, alice.id)
    state = attempt_state(store, alice.id, attempt.public_id)
    assert state is not None
    assert not state.submitted
    other = Database(store.url)  # another worker: its own engine, its own connections
    try:
        assert submit_attempt(other, attempt.id, GRADED, SCORE)
    finally:
        other.dispose()
    state = attempt_state(store, alice.id, attempt.public_id)
    assert state is not None
    assert state.submitted


def test_an_open_attempt_read_without_a_session_carries_its_whole_plan(store: Database) -> None:
    participant = create_participant(store, "w", "Alice")
    attempt = _start(store, participant.id)
    found = find_attempt(store, participant.id, attempt.public_id)
    assert found is not None
    assert (found.id, found.public_id, found.kind, found.module_id, found.seed) == (
        attempt.id, attempt.public_id, "module", "m", 7)
    assert found.questions == [q.as_json() for q in QUESTIONS]
    assert found.tokens == {"m/q1": {"a": "0badc0de"}}
    assert found.pass_mark == 70
    assert found.started_at is not None
    assert not found.submitted
    assert found.responses == []
    assert find_attempt(store, participant.id + 1, attempt.public_id) is None


def test_the_drivers_own_read_waits_briefly_then_reports_the_database_unavailable(
        tmp_path: Path) -> None:
    away = Database(f"postgresql+psycopg://trainer:x@127.0.0.1:{free_port()}/trainer")
    away.read_wait_seconds = 0.2
    began = time.monotonic()
    try:
        with pytest.raises(DatabaseUnavailable, match="cannot be reached"):
            away.read_values(_ATTEMPT_STATE, {"public_id": "p", "participant_id": 1})
    finally:
        away.dispose()
    assert time.monotonic() - began < 5


def test_responses_are_stored_as_given_json_null_and_lists_included(store: Database) -> None:
    participant = create_participant(store, "w", "Alice")
    attempt = _start(store, participant.id)
    assert submit_attempt(store, attempt.id, GRADED, SCORE)
    found = find_attempt(store, participant.id, attempt.public_id)
    assert found is not None
    assert [(r.position, r.question_id, r.response, r.status) for r in found.responses] == [
        (0, "q1", ["a", "b"], "correct"), (1, "q2", None, "unanswered")]


def test_participants_are_found_again_and_unknown_ids_are_not_kept(store: Database) -> None:
    assert get_participant(store, "not-yet") is None
    participant = create_participant(store, "w", "Alice")
    first = get_participant(store, participant.public_id)
    again = get_participant(store, participant.public_id)
    assert first is not None
    assert again is first
    assert (first.id, first.display_name, first.workshop_id) == (participant.id, "Alice", "w")


def test_a_writer_waits_for_the_write_queue_instead_of_failing(sqlite_store: Database,
                                                              tmp_path: Path) -> None:
    store = sqlite_store  # the queue is SQLite's: PostgreSQL has row locks
    participant = create_participant(store, "w", "Alice")
    attempt = _start(store, participant.id)
    lock = tmp_path / "store.sqlite3.write-lock"
    assert lock.exists()  # made by the writes above
    fd = os.open(lock, os.O_RDWR)  # another process's place in the queue
    fcntl.flock(fd, fcntl.LOCK_EX)
    done: list[bool] = []
    writer = threading.Thread(
        target=lambda: done.append(submit_attempt(store, attempt.id, GRADED, SCORE)))
    writer.start()
    time.sleep(0.3)
    assert done == []  # still queued: nothing written while the other writer holds its turn
    with store.read() as session:
        assert session.scalars(select(Response)).first() is None
    fcntl.flock(fd, fcntl.LOCK_UN)
    os.close(fd)
    writer.join(10)
    assert done == [True]


def test_hot_writes_store_exactly_what_the_orm_stores(store: Database) -> None:
    """`write_core` runs on SQLite's driver with statements compiled once: every value (JSON,
    times, floats, booleans) must be stored as SQLAlchemy's own execution stores it."""
    participant = create_participant(store, "w", "Alice")
    hot = _start(store, participant.id)
    orm = _start(store, create_participant(store, "w", "Bob").id)
    assert hot.id != orm.id
    answers = {"q1": ["a", "b"], "q2": "٥,٥ — « l’entraide »", "q3": None}
    saved = save_draft(store, hot.id, 41, answers)
    assert saved.status == "saved"
    assert submit_attempt(store, hot.id, GRADED, SCORE)

    def same_through_the_orm(session: Session) -> None:
        row = session.get(Attempt, orm.id)
        assert row is not None
        assert saved.saved_at is not None
        row.draft_answers, row.draft_seq, row.draft_saved_at = answers, 41, saved.saved_at
        row.submitted_at = session.get(Attempt, hot.id).submitted_at  # type: ignore[union-attr]
        row.earned, row.max_points = SCORE.earned, SCORE.max_points
        row.percent, row.passed = SCORE.percent, SCORE.passed
        session.add_all([Response(attempt_id=orm.id, position=position, module_id=r.module_id,
                                  question_id=r.question_id, question_hash=r.question_hash,
                                  response=r.response, earned=r.earned,
                                  max_points=r.max_points, status=r.status)
                         for position, r in enumerate(GRADED)])

    store.write(same_through_the_orm)
    attempt_row = text("SELECT draft_answers, draft_seq, draft_saved_at, submitted_at, earned, "
                       "max_points, percent, passed FROM attempt WHERE id = :id")
    response_rows = text("SELECT position, response, earned, status FROM response "
                         "WHERE attempt_id = :id ORDER BY position")
    with store.engine.connect() as connection:  # the values as the database holds them
        stored = {a.id: (tuple(connection.execute(attempt_row, {"id": a.id}).one()),
                         [tuple(r) for r in connection.execute(response_rows, {"id": a.id})])
                  for a in (hot, orm)}
    assert stored[hot.id] == stored[orm.id]
    assert len(stored[hot.id][1]) == len(GRADED)
    # Read back on the driver (a save after the submission reports the stored draft) as the ORM
    # reads it.
    again = save_draft(store, hot.id, 42, {"q1": "late"})
    found = find_attempt(store, participant.id, hot.public_id)
    assert found is not None
    assert again.status == "submitted"
    assert (again.seq, again.answers, again.saved_at) == (
        found.draft_seq, found.draft_answers, found.draft_saved_at)
    assert found.draft_answers == answers


def test_a_hot_write_that_fails_changes_nothing_and_the_next_one_works(store: Database) -> None:
    participant = create_participant(store, "w", "Alice")
    attempt = _start(store, participant.id)
    duplicate = [GRADED[0], GRADED[0]]  # one question twice: refused by a unique constraint
    with pytest.raises(IntegrityError):
        submit_attempt(store, attempt.id, duplicate, SCORE)
    state = attempt_state(store, participant.id, attempt.public_id)
    assert state is not None
    assert not state.submitted  # the claim was rolled back with the rest

    def fails(statements: Statements) -> None:
        statements.run(_SAVE_DRAFT, {"b_id": attempt.id, "b_answers": {"q1": "x"}, "b_seq": 1,
                                     "b_seqs": None, "b_saved_at": None})
        raise RuntimeError("the work failed half-way")

    with pytest.raises(RuntimeError):
        store.write_core(fails, durable=False)
    assert save_draft(store, attempt.id, 2, {"q1": "y"}).status == "saved"
    assert submit_attempt(store, attempt.id, GRADED, SCORE)
    found = find_attempt(store, participant.id, attempt.public_id)
    assert found is not None
    assert (found.draft_seq, found.draft_answers, len(found.responses)) == (2, {"q1": "y"}, 2)


def test_writes_queued_together_share_one_commit_and_a_failing_one_fails_alone(
        store: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """Group commit: submissions (durable) that arrive while a commit is under way are written in
    the next one together; a write that fails in a batch is run again alone, failing only itself."""
    attempts = [_start(store, create_participant(store, "w", f"P{n}").id) for n in range(5)]
    transactions: list[int] = []
    real = store.write_core

    def counted(work: Any, *, durable: bool = True) -> Any:
        transactions.append(1)
        return real(work, durable=durable)

    monkeypatch.setattr(store, "write_core", counted)
    first_in, release = threading.Event(), threading.Event()

    def held(draft: dict[str, Any], tokens: dict[str, Any]) -> tuple[list[GradedResponse],
                                                                   AttemptScore]:
        del draft, tokens
        first_in.set()
        release.wait(10)
        return GRADED, SCORE

    def broken(draft: dict[str, Any], tokens: dict[str, Any]) -> tuple[list[GradedResponse],
                                                                     AttemptScore]:
        del draft, tokens
        raise ValueError("this grader fails")

    results: dict[int, object] = {}

    def submit(attempt: Attempt, grader: Any) -> None:
        try:
            results[attempt.id] = submit_draft(store, attempt.id, grader)
        except ValueError as exc:
            results[attempt.id] = exc

    leader = threading.Thread(target=submit, args=(attempts[0], held))
    leader.start()
    assert first_in.wait(10)
    def fine(draft: dict[str, Any], tokens: dict[str, Any]) -> tuple[list[GradedResponse],
                                                                   AttemptScore]:
        del draft, tokens
        return GRADED, SCORE

    queued = [threading.Thread(target=submit, args=(a, broken if a is attempts[2] else fine))
              for a in attempts[1:]]
    for thread in queued:
        thread.start()
    writer = _group_writer(store, durable=True)
    deadline = time.monotonic() + 20
    while len(writer.queue) < 4 and time.monotonic() < deadline:  # queued behind the leader
        time.sleep(0.01)
    assert len(writer.queue) == 4
    release.set()
    for thread in (leader, *queued):
        thread.join(20)
    assert isinstance(results[attempts[2].id], ValueError)
    assert [results[a.id] for a in attempts if a is not attempts[2]] == [True] * 4
    # The leader's transaction, then the four together (failing on the broken one), then each of
    # the four alone: 6, not 1 + 4 per write as with a commit each and retries.
    assert len(transactions) == 1 + 1 + 4
    for attempt in attempts:
        state = attempt_state(store, attempt.participant_id, attempt.public_id)
        assert state is not None
        assert state.submitted is (attempt is not attempts[2])
