"""Participants and attempts: join, start, find, save drafts, submit (single-shot), list.

Functions take plain ids, hashes and JSON-able values, never content objects. Every write is one
transaction run through Database.write, which may run it again after a dropped connection, so each
is idempotent: submitting an attempt twice records it once, starting a pre-test twice returns the
first, a save repeated with its sequence number changes nothing. Draft saves and the submission
of one attempt lock its row (PostgreSQL: FOR UPDATE; SQLite: the one writer), so none is lost
between them and none is accepted once the attempt is submitted.
"""

from __future__ import annotations

import secrets
import threading
import weakref
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, TypeVar, cast

from sqlalchemy import bindparam, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from trainer.errors import StoreError
from trainer.recent import Recent
from trainer.store.database import Database, Statements
from trainer.store.enrolment import lock_workshop
from trainer.store.models import Attempt, AttemptKind, Base, Participant, Response, utcnow

T = TypeVar("T")

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
    return _planned(attempt.questions)


def _planned(questions: list[Any]) -> list[PlannedQuestion]:
    return [PlannedQuestion(q["module"], q["question"], q["hash"]) for q in questions]


class ParticipantGone(StoreError):
    """The participant of a session no longer exists (a trainer removed or merged them)."""


def create_participant(database: Database, workshop_id: str, display_name: str,
                       resume_code_hash: str | None = None) -> Participant:
    """Create a participant of a workshop (with the hash of their resume code) and return it."""
    created = join_workshop(database, workshop_id, display_name, cap=None,
                            resume_code_hash=resume_code_hash)
    if created is None:  # pragma: no cover - without a cap a workshop is never full
        raise StoreError(f"workshop {workshop_id} refused a participant")
    return created


def join_workshop(database: Database, workshop_id: str, display_name: str, *,
                  cap: int | None, resume_code_hash: str | None = None) -> Participant | None:
    """Create a participant of a workshop; None when it already has `cap` participants.

    Joins of the workshop are serialised (trainer.store.enrolment.lock_workshop) and counted in
    the same transaction, so a room joining at once never goes over a cap, and participants
    alternate between the two parallel test forms as they join: the workshop's 1st, 3rd, 5th...
    take form A as pre-test ("a"), the 2nd, 4th... form B ("b"). Without the lock, two joins at
    once on PostgreSQL would count the same number and take the same form, cap or no cap.
    """
    participant = Participant(public_id=new_public_id(), workshop_id=workshop_id,
                              display_name=display_name, created_at=utcnow(),
                              resume_code_hash=resume_code_hash)

    def work(session: Session) -> Participant | None:
        existing = session.scalar(
            select(Participant).where(Participant.public_id == participant.public_id))
        if existing is not None:  # a retry after the first run committed
            return existing
        lock_workshop(session, workshop_id)
        joined = int(session.scalar(select(func.count()).select_from(Participant)
                                    .where(Participant.workshop_id == workshop_id)) or 0)
        if cap is not None and joined >= cap:
            return None
        participant.pre_form = "a" if joined % 2 == 0 else "b"
        session.add(participant)
        session.flush()
        return participant

    return database.write(work)


# Every trainee page looks its participant up, and the lookup (an ORM read) cost as much as the
# whole /ping route, so each process keeps recent ones for a short while. A trainer may rename,
# merge or remove a participant (trainer.store.participants): the worker that did it forgets the
# participant at once (`forget_participant`); other workers see it within PARTICIPANT_TTL_S. Until
# then another worker may show the old name, or a removed participant's empty pages, but never
# writes for them: starting an attempt checks the participant row in its own transaction
# (ParticipantGone), and a submission of a removed attempt claims nothing. Unknown ids are never
# cached.
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


def forget_participant(database: Database, public_id: str) -> None:
    """Drop a participant from this worker's cache (after a rename, merge or removal)."""
    database.recent("participants", PARTICIPANT_CACHE_SIZE).discard(public_id)


def participant_attempts(database: Database, participant_id: int) -> list[Attempt]:
    """Return the attempts of a participant that count, oldest first (responses not loaded)."""
    with database.read() as session:
        return list(session.scalars(
            select(Attempt).where(Attempt.participant_id == participant_id,
                                  Attempt.set_aside.is_(False)).order_by(Attempt.id)))


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
    """Whether a participant's attempt is still open, and which draft it holds (its sequence
    number, None before a first save): the little a cached quiz page needs."""

    id: int
    submitted: bool
    draft_seq: int | None = None


def attempt_state(database: Database, participant_id: int, public_id: str) -> AttemptState | None:
    """Return the state of a participant's attempt; None for a missing one or anyone else's."""
    row = database.read_values(_ATTEMPT_STATE, {"public_id": public_id,
                                                "participant_id": participant_id})
    if row is None:
        return None
    return AttemptState(int(row[0]), row[1] is not None, None if row[2] is None else int(row[2]))


@dataclass(frozen=True, slots=True)
class AttemptPlan:
    """What an attempt was built from (fixed when it starts): its questions, in the order shown,
    its choice tokens and its pass mark: what grading it needs, without the ORM."""

    questions: list[PlannedQuestion]
    tokens: dict[str, dict[str, str]]
    pass_mark: float


def attempt_plan(database: Database, attempt_id: int) -> AttemptPlan | None:
    """Return the plan of an attempt (by its id: the caller has checked whose it is), or None."""
    row = database.read_row(_ATTEMPT_PLAN, {"b_id": attempt_id})
    if row is None:
        return None
    return AttemptPlan(_planned(row.questions), dict(row.tokens or {}), float(row.pass_mark))


_ATTEMPTS = Base.metadata.tables[Attempt.__tablename__]
_OWN_ATTEMPT = select(_ATTEMPTS).where(
    _ATTEMPTS.c.public_id == bindparam("public_id"),
    _ATTEMPTS.c.participant_id == bindparam("participant_id"))
_ATTEMPT_PLAN = select(_ATTEMPTS.c.questions, _ATTEMPTS.c.tokens, _ATTEMPTS.c.pass_mark).where(
    _ATTEMPTS.c.id == bindparam("b_id"))
# Built once: it is run on every view of a quiz page (a Core statement, no ORM entities).
_ATTEMPT_STATE = (
    select(Attempt.id, Attempt.submitted_at, Attempt.draft_seq)
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
                                                Attempt.kind == kind.value,
                                                Attempt.set_aside.is_(False)))


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
        # A participant removed or merged away meanwhile (another worker's cache still had
        # them) gets nothing written.
        if session.scalar(select(Participant.id).where(Participant.id == participant_id)
                          .with_for_update()) is None:
            raise ParticipantGone(f"participant {participant_id} no longer exists")
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
        return database.write(work)
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
    return database.write_core(lambda statements: _record(statements, attempt_id, responses,
                                                            score))


def _record(statements: Statements, attempt_id: int, responses: Sequence[GradedResponse],
            score: AttemptScore) -> bool:
    """Claim the attempt (if still open) and insert its responses, in the caller's transaction."""
    claim = {"b_id": attempt_id, "b_submitted_at": utcnow(), "b_earned": score.earned,
             "b_max_points": score.max_points, "b_percent": score.percent, "b_passed": score.passed}
    rows = [{"attempt_id": attempt_id, "position": position, "module_id": r.module_id,
             "question_id": r.question_id, "question_hash": r.question_hash,
             "response": r.response, "earned": r.earned, "max_points": r.max_points,
             "status": r.status} for position, r in enumerate(responses)]
    if statements.run(_CLAIM, claim) != 1:
        return False
    statements.run_many(_INSERT_RESPONSES, rows)  # one executemany
    return True


Grader = Callable[[dict[str, Any], dict[str, dict[str, str]]],
                  tuple[Sequence[GradedResponse], AttemptScore]]


def submit_draft(database: Database, attempt_id: int, grader: Grader) -> bool:
    """Grade an attempt's stored draft and record it once; return False when already submitted.

    The attempt row is locked (PostgreSQL: FOR UPDATE; SQLite: the write transaction) before the
    draft is read, so a save cannot slip in between: what is graded is the last accepted save.
    `grader` turns the draft (field name → posted value) and the attempt's choice tokens into
    graded responses and a score. Submissions arriving together share one durable commit
    (`_GroupWriter`).
    """
    def work(statements: Statements) -> bool:
        row = statements.first(_SUBMISSION_FOR_UPDATE, {"b_id": attempt_id})
        if row is None or row.submitted_at is not None:
            return False
        responses, score = grader(dict(row.draft_answers or {}), dict(row.tokens or {}))
        return _record(statements, attempt_id, responses, score)

    return _group_writer(database, durable=True).write(attempt_id, work)


SaveStatus = Literal["saved", "stale", "submitted", "missing"]
EVERY_FIELD = "*"  # in Attempt.draft_seqs: the number of every field not named there


@dataclass(frozen=True, slots=True)
class DraftSave:
    """What became of a save: its status, and the draft stored afterwards (seq, time, answers)."""

    status: SaveStatus
    seq: int | None = None
    saved_at: datetime | None = None
    answers: Mapping[str, Any] | None = None


def save_draft(database: Database, attempt_id: int, seq: int | None, answers: Mapping[str, Any],
               replaced: Collection[str] | None = None,
               numbers: Mapping[str, int] | None = None) -> DraftSave:
    """Store the draft answers of an open attempt, unless a newer save is stored. Never grades.

    `answers`: field name → value as posted; `replaced`: the field names this save speaks for
    (a page, or the questions a browser tab changed: those not in `answers` were cleared), None
    for every field. `seq` orders the saves, field by field: a field is written only by a save
    newer than the one that last wrote it (Attempt.draft_seqs), so a stale save (a tab that lost
    its connection, a second tab) never overwrites a newer answer, and still keeps what it says of
    fields no newer save spoke for. A save that writes nothing is "stale" when a newer save holds
    one of its fields, else a repeat of a stored save (a retry): "saved". None takes the next
    number (a save without JavaScript: now in milliseconds, above the stored one). `numbers`
    gives some fields their own number (when each was changed, in a save that gathers changes
    made at different moments); the others take `seq`'s. The stored
    `draft_seq` grows with every save that writes something. An attempt already submitted is
    "submitted" and nothing changes. The attempt row is locked while its draft is read and
    written, so saves and the submission of one attempt take turns.

    Saves arriving together share one transaction (group commit, see _GroupWriter).
    """
    kept = dict(answers)
    cleared = None if replaced is None else frozenset(replaced)
    own = dict(numbers or {})
    return _group_writer(database, durable=False).write(
        attempt_id, lambda statements: _save_one(statements, attempt_id, seq, kept, cleared, own))


@dataclass(slots=True, eq=False)
class _Pending:
    """One write waiting for its batch: the row it locks, and what it does in the transaction."""

    attempt_id: int
    run: Callable[[Statements], Any]
    wake: threading.Event = field(default_factory=threading.Event)
    lead: bool = False
    outcome: Any = None
    error: BaseException | None = None


class _GroupWriter:
    """Group commit in one process: one writer at a time takes every write queued meanwhile and
    runs them in one transaction, then hands the pen to the next in the queue.

    With several threads per worker, the writes that arrive while a commit waits for the disk
    share the next commit (one `fsync` for the batch, not one each). A batch that fails is run
    again one write at a time, so a write that fails fails alone (each write must be safe to run
    again: the failed batch was rolled back whole). With one thread per worker every batch is a
    single write.
    """

    def __init__(self, database: Database, durable: bool) -> None:
        self.database = database
        self.durable = durable
        self.lock = threading.Lock()
        self.queue: list[_Pending] = []
        self.writing = False

    def write(self, attempt_id: int, run: Callable[[Statements], T]) -> T:
        """Run `run` in a write transaction shared with the writes queued with it; return its
        result (or raise its error)."""
        pending = _Pending(attempt_id, run)
        with self.lock:
            self.queue.append(pending)
            lead = not self.writing
            self.writing = True
        if not lead:
            pending.wake.wait()
        if pending.lead or lead:
            self._write_batch(pending)
        if pending.error is not None:
            raise pending.error
        return cast("T", pending.outcome)

    def _write_batch(self, leader: _Pending) -> None:
        with self.lock:
            batch, self.queue = self.queue, []
        # Rows locked in id order, so two processes' batches cannot deadlock on PostgreSQL.
        ordered = sorted(batch, key=lambda p: p.attempt_id)
        try:
            self._run(ordered)
        finally:
            with self.lock:
                if self.queue:
                    self.queue[0].lead = True
                    self.queue[0].wake.set()
                else:
                    self.writing = False
            for p in batch:
                if p is not leader:
                    p.wake.set()

    def _run(self, ordered: list[_Pending]) -> None:
        try:
            outcomes = self.database.write_core(
                lambda statements: [p.run(statements) for p in ordered], durable=self.durable)
        except BaseException as exc:
            if len(ordered) == 1 or not isinstance(exc, Exception):
                for p in ordered:  # every waiter hears of it, then the leader raises it
                    p.error = exc
                return
            for p in ordered:  # one by one: only the write that fails fails
                self._run([p])
        else:
            for p, outcome in zip(ordered, outcomes, strict=True):
                p.outcome = outcome


_GROUP_WRITERS: weakref.WeakKeyDictionary[Database, dict[bool, _GroupWriter]] = (
    weakref.WeakKeyDictionary())
_GROUP_WRITERS_LOCK = threading.Lock()


def _group_writer(database: Database, *, durable: bool) -> _GroupWriter:
    with _GROUP_WRITERS_LOCK:
        writers = _GROUP_WRITERS.setdefault(database, {})
        found = writers.get(durable)
        if found is None:
            found = writers[durable] = _GroupWriter(database, durable)
        return found


def _save_one(statements: Statements, attempt_id: int, seq: int | None, answers: dict[str, Any],
              replaced: frozenset[str] | None, numbers: dict[str, int]) -> DraftSave:
    row = statements.first(_DRAFT_FOR_UPDATE, {"b_id": attempt_id})
    if row is None:
        return DraftSave("missing")
    stored = dict(row.draft_answers or {})
    if row.submitted_at is not None:
        return DraftSave("submitted", row.draft_seq, row.draft_saved_at, stored)
    last = row.draft_seq or 0
    number = seq if seq is not None else max(_now_ms(), last + 1)
    # A draft saved before per-field numbers: every field was written by its draft_seq.
    seqs: dict[str, int] = (dict(row.draft_seqs) if row.draft_seqs is not None
                            else {EVERY_FIELD: last})
    floor = seqs.get(EVERY_FIELD, 0)
    if replaced is None:
        names = set(answers) | set(stored) | (set(seqs) - {EVERY_FIELD})
    else:
        names = set(replaced)
    own = {name: numbers.get(name, number) for name in names}
    fresh = [name for name in names if own[name] > seqs.get(name, floor)]
    every = replaced is None and number > floor
    if not fresh and not every:
        newer = any(own[name] < seqs.get(name, floor) for name in names)
        return DraftSave("stale" if newer else "saved", row.draft_seq, row.draft_saved_at, stored)
    written = set(fresh)
    merged = {name: value for name, value in stored.items() if name not in written}
    merged.update((name, value) for name, value in answers.items() if name in written)
    for name in fresh:
        seqs[name] = own[name]
    if every:  # this save speaks for every field: one floor instead of a number each
        seqs = {name: kept for name, kept in seqs.items() if kept > number}
        seqs[EVERY_FIELD] = number
    # The draft's own number names what is stored now (cached pages are keyed by it): it grows
    # even when an older save fills fields no newer one spoke for.
    newest = max([number, *(own[name] for name in fresh)])
    stored_seq = newest if newest > last else last + 1
    now = utcnow()
    statements.run(_SAVE_DRAFT, {"b_id": attempt_id, "b_answers": merged, "b_seq": stored_seq,
                                 "b_seqs": seqs, "b_saved_at": now})
    return DraftSave("saved", stored_seq, now, merged)


def _now_ms() -> int:
    return int(utcnow().timestamp() * 1000)


_CLAIM = (
    update(_ATTEMPTS)
    .where(_ATTEMPTS.c.id == bindparam("b_id"), _ATTEMPTS.c.submitted_at.is_(None))
    .values(submitted_at=bindparam("b_submitted_at"), earned=bindparam("b_earned"),
            max_points=bindparam("b_max_points"), percent=bindparam("b_percent"),
            passed=bindparam("b_passed")))
_INSERT_RESPONSES = insert(Base.metadata.tables[Response.__tablename__])
_DRAFT_FOR_UPDATE = (
    select(_ATTEMPTS.c.submitted_at, _ATTEMPTS.c.draft_answers, _ATTEMPTS.c.draft_seq,
           _ATTEMPTS.c.draft_seqs, _ATTEMPTS.c.draft_saved_at)
    .where(_ATTEMPTS.c.id == bindparam("b_id")).with_for_update())
_SUBMISSION_FOR_UPDATE = (
    select(_ATTEMPTS.c.submitted_at, _ATTEMPTS.c.draft_answers, _ATTEMPTS.c.tokens)
    .where(_ATTEMPTS.c.id == bindparam("b_id")).with_for_update())
_SAVE_DRAFT = (
    update(_ATTEMPTS)
    .where(_ATTEMPTS.c.id == bindparam("b_id"), _ATTEMPTS.c.submitted_at.is_(None))
    .values(draft_answers=bindparam("b_answers"), draft_seq=bindparam("b_seq"),
            draft_seqs=bindparam("b_seqs"), draft_saved_at=bindparam("b_saved_at")))


def discard_open_attempt(database: Database, attempt_id: int) -> bool:
    """Delete an attempt that was never submitted (its content changed); return whether it was."""
    def work(session: Session) -> bool:
        result = session.execute(
            delete(Attempt).where(Attempt.id == attempt_id, Attempt.submitted_at.is_(None))
            .execution_options(synchronize_session=False))
        return getattr(result, "rowcount", 0) == 1

    return database.write(work)
