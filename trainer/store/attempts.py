"""Participants and attempts: join, start, find, submit (single-shot), list.

Functions take plain ids, hashes and JSON-able values, never content objects. Every write is one
transaction run through Database.write, which may run it again after a dropped connection, so each
is idempotent: submitting an attempt twice records it once, starting a pre-test twice returns the
first.
"""

from __future__ import annotations

import fcntl
import os
import secrets
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, bindparam, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from trainer.errors import StoreError
from trainer.recent import Recent
from trainer.store.database import Database
from trainer.store.enrolment import lock_workshop
from trainer.store.models import Attempt, AttemptKind, Base, Participant, Response, utcnow

T = TypeVar("T")

_WRITER = threading.Lock()
_LOCK_FILES: dict[tuple[int, str], int] = {}


@contextmanager
def _one_writer(database: Database) -> Iterator[None]:
    """On a SQLite file, queue this process's threads, then the processes, for the write lock.

    SQLite's busy handler polls a held lock with sleeps of up to 100 ms, so with a few workers and
    threads all starting BEGIN IMMEDIATE, writers sleep far longer than the lock is held (under
    load a submission took a second). A thread lock and an flock on a file next to the database
    wake the next writer the moment the previous one commits. The busy timeout stays as a backstop
    (other writers, other programs).
    """
    path = database.url.database or ""
    if not database.is_sqlite or not path or path == ":memory:" or path.startswith("file:"):
        yield
        return
    with _WRITER:
        key = (os.getpid(), path)  # a forked child must not share its parent's open file
        fd = _LOCK_FILES.get(key)
        if fd is None:
            fd = os.open(f"{Path(path).resolve()}.write-lock", os.O_RDWR | os.O_CREAT, 0o600)
            _LOCK_FILES[key] = fd
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)


def _write(database: Database, work: Callable[[Session], T]) -> T:
    """Run `work` in one write transaction, one writer at a time on SQLite."""
    with _one_writer(database):
        return database.write(work)


def _write_core(database: Database, work: Callable[[Connection], T]) -> T:
    """Run `work` in one write transaction on a bare connection, one writer at a time on SQLite."""
    with _one_writer(database):
        return database.write_core(work)


def new_public_id() -> str:
    """Return a fresh random public id (about 128 bits, URL-safe)."""
    return secrets.token_urlsafe(16)


@dataclass(frozen=True, slots=True)
class PlannedQuestion:
    """A question an attempt is built from: where it lives and its content hash."""

    module_id: str
    question_id: str
    question_hash: str

    def as_json(self) -> dict[str, str]:
        """Return the JSON form stored in Attempt.questions."""
        return {"module": self.module_id, "question": self.question_id,
                "hash": self.question_hash}


@dataclass(frozen=True, slots=True)
class GradedResponse:
    """One graded answer, ready to store."""

    module_id: str
    question_id: str
    question_hash: str
    response: Any
    earned: float
    max_points: float
    status: str


@dataclass(frozen=True, slots=True)
class AttemptScore:
    """The score of a whole attempt."""

    earned: float
    max_points: float
    percent: float
    passed: bool


def planned_questions(attempt: Attempt) -> list[PlannedQuestion]:
    """Return the questions an attempt was built from, in the order shown."""
    return [PlannedQuestion(q["module"], q["question"], q["hash"]) for q in attempt.questions]


def create_participant(database: Database, workshop_id: str, display_name: str) -> Participant:
    """Create a participant of a workshop and return it."""
    created = join_workshop(database, workshop_id, display_name, cap=None)
    if created is None:  # pragma: no cover - without a cap a workshop is never full
        raise StoreError(f"workshop {workshop_id} refused a participant")
    return created


def join_workshop(database: Database, workshop_id: str, display_name: str, *,
                  cap: int | None) -> Participant | None:
    """Create a participant of a workshop; None when it already has `cap` participants.

    With a cap, joins of the workshop are serialised (trainer.store.enrolment.lock_workshop) and
    counted in the same transaction, so a room joining at once never goes over it.
    """
    participant = Participant(public_id=new_public_id(), workshop_id=workshop_id,
                              display_name=display_name, created_at=utcnow())

    def work(session: Session) -> Participant | None:
        existing = session.scalar(
            select(Participant).where(Participant.public_id == participant.public_id))
        if existing is not None:  # a retry after the first run committed
            return existing
        if cap is not None:
            lock_workshop(session, workshop_id)
            joined = session.scalar(select(func.count()).select_from(Participant)
                                    .where(Participant.workshop_id == workshop_id))
            if int(joined or 0) >= cap:
                return None
        session.add(participant)
        session.flush()
        return participant

    return _write(database, work)


# Every trainee page looks its participant up, and the lookup (an ORM read) cost as much as the
# whole /ping route. Participant rows never change once created (nothing updates or deletes them),
# so each process keeps recent ones for a short while; a removal, if one is ever added, would be
# seen within PARTICIPANT_TTL_S. Unknown ids are never cached.
PARTICIPANT_TTL_S = 30.0
PARTICIPANT_CACHE_SIZE = 1024


def get_participant(database: Database, public_id: str) -> Participant | None:
    """Return the participant with this public id, if any (detached, read-only)."""
    cache: Recent[str, Participant] = database.recent("participants", PARTICIPANT_CACHE_SIZE)
    found = cache.get(public_id)
    if found is not None:
        return found
    with database.read() as session:
        participant = session.scalar(
            select(Participant).where(Participant.public_id == public_id))
    if participant is not None:
        cache.put(public_id, participant, ttl=PARTICIPANT_TTL_S)
    return participant


def participant_attempts(database: Database, participant_id: int) -> list[Attempt]:
    """Return every attempt of a participant, oldest first (responses not loaded)."""
    with database.read() as session:
        return list(session.scalars(
            select(Attempt).where(Attempt.participant_id == participant_id).order_by(Attempt.id)))


def find_attempt(database: Database, participant_id: int, public_id: str) -> Attempt | None:
    """Return a participant's attempt with its responses; None for anyone else's.

    An open attempt (no responses yet: the quiz page and the submission) comes from one Core
    SELECT without a session; a submitted one is loaded by the ORM with its responses.
    """
    row = database.read_row(_OWN_ATTEMPT, {"public_id": public_id,
                                           "participant_id": participant_id})
    if row is None:
        return None
    if row.submitted_at is None:
        attempt = Attempt(**row._asdict())
        set_committed_value(attempt, "responses", [])
        return attempt
    with database.read() as session:
        found = session.scalar(
            select(Attempt)
            .where(Attempt.public_id == public_id, Attempt.participant_id == participant_id))
        if found is not None:
            found.responses  # noqa: B018 - load them while the session is open
        return found


@dataclass(frozen=True, slots=True)
class AttemptState:
    """Whether a participant's attempt is still open: the little a cached quiz page needs."""

    id: int
    submitted: bool


def attempt_state(database: Database, participant_id: int, public_id: str) -> AttemptState | None:
    """Return the state of a participant's attempt; None for a missing one or anyone else's."""
    row = database.read_values(_ATTEMPT_STATE, {"public_id": public_id,
                                                "participant_id": participant_id})
    return None if row is None else AttemptState(int(row[0]), row[1] is not None)


_ATTEMPTS = Base.metadata.tables[Attempt.__tablename__]
_OWN_ATTEMPT = select(_ATTEMPTS).where(
    _ATTEMPTS.c.public_id == bindparam("public_id"),
    _ATTEMPTS.c.participant_id == bindparam("participant_id"))
# Built once: it is run on every view of a quiz page (a Core statement, no ORM entities).
_ATTEMPT_STATE = (
    select(Attempt.id, Attempt.submitted_at)
    .where(Attempt.public_id == bindparam("public_id"),
           Attempt.participant_id == bindparam("participant_id")))


def _open_module_attempt(session: Session, participant_id: int, module_id: str,
                         module_hash: str) -> Attempt | None:
    return session.scalar(
        select(Attempt)
        .where(Attempt.participant_id == participant_id, Attempt.module_id == module_id,
               Attempt.module_hash == module_hash, Attempt.submitted_at.is_(None))
        .order_by(Attempt.id.desc()).limit(1))


def _test_attempt(session: Session, participant_id: int, kind: AttemptKind) -> Attempt | None:
    return session.scalar(select(Attempt).where(Attempt.participant_id == participant_id,
                                                Attempt.kind == kind.value))


def start_attempt(
    database: Database,
    *,
    participant_id: int,
    kind: AttemptKind,
    curriculum_id: str,
    module_id: str | None,
    module_hash: str | None,
    questions: Sequence[PlannedQuestion],
    tokens: dict[str, dict[str, str]],
    seed: int,
    pass_mark: float,
) -> Attempt:
    """Start an attempt, or return the one already open.

    A module attempt not yet submitted on the same module version is reused (a double click on
    "Start" or a second tab makes one attempt); a participant has at most one pre-test and one
    post-test, ever.
    """
    def work(session: Session) -> Attempt:
        # Two starts of one participant at once (a double click) must see each other: lock the
        # participant's row (PostgreSQL; SQLite's BEGIN IMMEDIATE already serialises writers).
        session.execute(select(Participant.id).where(Participant.id == participant_id)
                        .with_for_update())
        if kind is AttemptKind.MODULE:
            if module_id is None or module_hash is None:
                raise ValueError("a module attempt needs a module id and hash")
            existing = _open_module_attempt(session, participant_id, module_id, module_hash)
        else:
            existing = _test_attempt(session, participant_id, kind)
        if existing is not None:
            return existing
        attempt = Attempt(
            public_id=new_public_id(), participant_id=participant_id, kind=kind.value,
            curriculum_id=curriculum_id, module_id=module_id, module_hash=module_hash,
            questions=[q.as_json() for q in questions], tokens=tokens, seed=seed,
            pass_mark=pass_mark, started_at=utcnow(),
        )
        session.add(attempt)
        session.flush()
        return attempt

    try:
        return _write(database, work)
    except IntegrityError:
        # Another request started this participant's pre/post test at the same moment.
        with database.read() as session:
            found = _test_attempt(session, participant_id, kind)
        if found is None:
            raise
        return found


def submit_attempt(database: Database, attempt_id: int, responses: Sequence[GradedResponse],
                   score: AttemptScore) -> bool:
    """Record an attempt's responses and score once; return False when it was already submitted.

    The attempt row is claimed with a conditional UPDATE (submitted_at IS NULL) in the same
    transaction as the responses, so of two concurrent submissions exactly one writes anything.
    Both statements are prebuilt Core statements run on a bare connection: the ORM's bulk paths
    and session cost more than the rest of the submission together, with the write lock held.
    """
    claim = {"b_id": attempt_id, "b_submitted_at": utcnow(), "b_earned": score.earned,
             "b_max_points": score.max_points, "b_percent": score.percent, "b_passed": score.passed}
    rows = [{"attempt_id": attempt_id, "position": position, "module_id": r.module_id,
             "question_id": r.question_id, "question_hash": r.question_hash,
             "response": r.response, "earned": r.earned, "max_points": r.max_points,
             "status": r.status} for position, r in enumerate(responses)]

    def work(connection: Connection) -> bool:
        if connection.execute(_CLAIM, claim).rowcount != 1:
            return False
        if rows:  # one executemany
            connection.execute(_INSERT_RESPONSES, rows)
        return True

    return _write_core(database, work)


_CLAIM = (
    update(_ATTEMPTS)
    .where(_ATTEMPTS.c.id == bindparam("b_id"), _ATTEMPTS.c.submitted_at.is_(None))
    .values(submitted_at=bindparam("b_submitted_at"), earned=bindparam("b_earned"),
            max_points=bindparam("b_max_points"), percent=bindparam("b_percent"),
            passed=bindparam("b_passed")))
_INSERT_RESPONSES = insert(Base.metadata.tables[Response.__tablename__])


def discard_open_attempt(database: Database, attempt_id: int) -> bool:
    """Delete an attempt that was never submitted (its content changed); return whether it was."""
    def work(session: Session) -> bool:
        result = session.execute(
            delete(Attempt).where(Attempt.id == attempt_id, Attempt.submitted_at.is_(None))
            .execution_options(synchronize_session=False))
        return getattr(result, "rowcount", 0) == 1

    return _write(database, work)
