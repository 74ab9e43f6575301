"""Live sessions in the workshop room: the session, who is in the room, and every answer.

A live session is a row every worker reads: its phase ("ready", "open", "closed", "revealed",
"ended"), the position of the current question and a `version` number raised by every change of
either. Nothing about a session lives only in one process's memory, so any worker (or host, on a
shared PostgreSQL) can serve any phone; a phone's poll reads the version alone (one prebuilt
statement on the driver) and gets 304 while it has not changed.

Changes of state are conditional UPDATEs on the version the presenter saw (two windows, or a
double click on "Next", move one step). An answer is written only while its question is open,
checked in the same transaction that writes it: on PostgreSQL the session row is read FOR SHARE,
so closing the answers waits for the answers being written, and an answer after the close is
refused. One answer per participant, session and question (a unique constraint; a second submit
replaces the first while answers are open).
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    bindparam,
    func,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from trainer.recent import Recent
from trainer.store.attempts import GradedResponse, PlannedQuestion
from trainer.store.database import Database, Statements
from trainer.store.models import HASH_LENGTH, ID_LENGTH, Base, Participant, utcnow

__all__ = [
    "LiveAnswer",
    "LiveMember",
    "LiveParticipation",
    "LiveSession",
    "ROOM_CODE_ALPHABET",
    "StoredAnswer",
    "change_state",
    "create_live_session",
    "current_live_session",
    "find_live_session",
    "join_live_session",
    "live_answer_of",
    "live_answers",
    "live_counts",
    "live_session_of_version",
    "participant_live_sessions",
    "record_live_answer",
    "workshop_live_sessions",
]

PHASES = ("ready", "open", "closed", "revealed", "ended")
SOURCES = ("module", "pre", "post", "pick")
MODES = ("poll", "quiz")
# No 0/O, 1/I/L: read aloud and typed on a phone without confusion.
ROOM_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
ROOM_CODE_LENGTH = 6
ROOM_CODE_MAX = 12


def _in(values: Sequence[str]) -> str:
    return ", ".join(f"'{v}'" for v in values)


class LiveSession(Base):
    """A live session of a workshop: its questions (as an attempt has them), mode and state."""

    __tablename__ = "live_session"
    __table_args__ = (
        CheckConstraint(f"phase IN ({_in(PHASES)})", name="phase"),
        CheckConstraint(f"source IN ({_in(SOURCES)})", name="source"),
        CheckConstraint(f"mode IN ({_in(MODES)})", name="mode"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    room_code: Mapped[str] = mapped_column(String(ROOM_CODE_MAX), unique=True)
    workshop_id: Mapped[str] = mapped_column(String(ID_LENGTH), index=True)
    curriculum_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    source: Mapped[str] = mapped_column(String(8))
    module_id: Mapped[str | None] = mapped_column(String(ID_LENGTH))
    mode: Mapped[str] = mapped_column(String(8))
    questions: Mapped[list[Any]] = mapped_column(JSON)
    tokens: Mapped[dict[str, Any]] = mapped_column(JSON)
    seed: Mapped[int] = mapped_column(Integer)
    pass_mark: Mapped[float] = mapped_column(Float)
    position: Mapped[int] = mapped_column(Integer, default=0)
    phase: Mapped[str] = mapped_column(String(10), default="ready")
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    @property
    def ended(self) -> bool:
        """Return whether the session has ended."""
        return self.phase == "ended"


class LiveMember(Base):
    """A participant who opened a live session on their phone (the "of 27" in "18 of 27")."""

    __tablename__ = "live_member"
    __table_args__ = (UniqueConstraint("session_id", "participant_id",
                                       name="uq_live_member_session_participant"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("live_session.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"),
                                                index=True)
    joined_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class LiveAnswer(Base):
    """A participant's answer to one question of a live session, as ids, and its grade."""

    __tablename__ = "live_answer"
    __table_args__ = (
        UniqueConstraint("session_id", "participant_id", "position",
                         name="uq_live_answer_session_participant_position"),
        Index("ix_live_answer_session_position", "session_id", "position"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("live_session.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"),
                                                index=True)
    position: Mapped[int] = mapped_column(Integer)
    module_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    question_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    question_hash: Mapped[str] = mapped_column(String(HASH_LENGTH))
    response: Mapped[Any] = mapped_column(JSON, nullable=True)
    earned: Mapped[float] = mapped_column(Float)
    max_points: Mapped[float] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(16))
    answered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


def new_room_code() -> str:
    """Return a fresh random room code (6 characters that read aloud without confusion)."""
    return "".join(secrets.choice(ROOM_CODE_ALPHABET) for _ in range(ROOM_CODE_LENGTH))


def create_live_session(database: Database, *, workshop_id: str, curriculum_id: str, source: str,
                        module_id: str | None, mode: str, questions: Sequence[PlannedQuestion],
                        tokens: dict[str, dict[str, str]], seed: int, pass_mark: float
                        ) -> LiveSession:
    """Create a live session (first question ready, answers not yet open) with a new room code."""
    for _try in range(5):
        live = LiveSession(
            room_code=new_room_code(), workshop_id=workshop_id, curriculum_id=curriculum_id,
            source=source, module_id=module_id, mode=mode,
            questions=[q.as_json() for q in questions], tokens=tokens, seed=seed,
            pass_mark=pass_mark, position=0, phase="ready", version=1, created_at=utcnow())

        def work(session: Session, live: LiveSession = live) -> LiveSession | None:
            existing = session.scalar(select(LiveSession).where(LiveSession.room_code ==
                                                                live.room_code))
            if existing is not None:
                # Ours when a retry follows a commit whose answer was lost; else the code is taken.
                ours = existing.workshop_id == live.workshop_id and existing.seed == live.seed
                return existing if ours else None
            session.add(live)
            session.flush()
            return live

        try:
            created = database.write(work)
        except IntegrityError:
            created = None  # taken at the same moment by another session
        if created is not None:
            return created
    raise RuntimeError("no free room code after 5 tries")  # pragma: no cover


def find_live_session(database: Database, room_code: str) -> LiveSession | None:
    """Return the live session with this room code (any case), or None."""
    code = room_code.strip().upper()
    if not code or len(code) > ROOM_CODE_MAX:
        return None
    with database.read() as session:
        return session.scalar(select(LiveSession).where(LiveSession.room_code == code))


def workshop_live_sessions(database: Database, workshop_id: str) -> list[LiveSession]:
    """Return a workshop's live sessions, newest first."""
    with database.read() as session:
        return list(session.scalars(select(LiveSession)
                                    .where(LiveSession.workshop_id == workshop_id)
                                    .order_by(LiveSession.id.desc())))


def current_live_session(database: Database, workshop_id: str) -> LiveSession | None:
    """Return the workshop's newest live session that has not ended, if any."""
    with database.read() as session:
        return session.scalar(select(LiveSession)
                              .where(LiveSession.workshop_id == workshop_id,
                                     LiveSession.phase != "ended")
                              .order_by(LiveSession.id.desc()).limit(1))


# The phones' poll: one prebuilt statement run on the driver (see Database.read_values).
_VERSION = (select(LiveSession.version, LiveSession.workshop_id)
            .where(LiveSession.room_code == bindparam("code")))
_ANSWERS = Base.metadata.tables[LiveAnswer.__tablename__]
_MEMBERS = Base.metadata.tables[LiveMember.__tablename__]
_SESSIONS = Base.metadata.tables[LiveSession.__tablename__]
_COUNTS = select(
    _SESSIONS.c.version,
    select(func.count()).select_from(_ANSWERS)
    .where(_ANSWERS.c.session_id == _SESSIONS.c.id, _ANSWERS.c.position == _SESSIONS.c.position)
    .scalar_subquery(),
    select(func.count()).select_from(_MEMBERS)
    .where(_MEMBERS.c.session_id == _SESSIONS.c.id).scalar_subquery(),
).where(_SESSIONS.c.room_code == bindparam("code"))


def live_session_of_version(database: Database, room_code: str) -> tuple[int, str] | None:
    """Return (state version, workshop id) of a live session, or None: the phones' poll.

    The room code is matched as given (codes are stored in capitals).
    """
    row = database.read_values(_VERSION, {"code": room_code})
    return None if row is None else (int(row[0]), str(row[1]))


def live_counts(database: Database, room_code: str) -> tuple[int, int, int] | None:
    """Return (version, answers to the current question, participants in the room), or None."""
    row = database.read_values(_COUNTS, {"code": room_code})
    return None if row is None else (int(row[0]), int(row[1]), int(row[2]))


def change_state(database: Database, session_id: int, expected_version: int, *, phase: str,
                 position: int) -> bool:
    """Move a session to `phase` at `position` if it is still at `expected_version`.

    Returns False (and changes nothing) when someone else changed it first.
    """
    values: dict[str, Any] = {"phase": phase, "position": position,
                              "version": LiveSession.version + 1}
    if phase == "ended":
        values["ended_at"] = utcnow()

    def work(session: Session) -> bool:
        result = session.execute(
            update(LiveSession)
            .where(LiveSession.id == session_id, LiveSession.version == expected_version)
            .values(**values).execution_options(synchronize_session=False))
        return getattr(result, "rowcount", 0) == 1

    return database.write(work)


def _add_member(session: Session, session_id: int, participant_id: int) -> None:
    found = session.scalar(select(LiveMember.id).where(LiveMember.session_id == session_id,
                                                       LiveMember.participant_id == participant_id))
    if found is None:
        session.add(LiveMember(session_id=session_id, participant_id=participant_id,
                               joined_at=utcnow()))
        session.flush()


MEMBERS_CACHE_SIZE = 4096


def join_live_session(database: Database, session_id: int, participant_id: int) -> None:
    """Count a participant as in the room (once; joining again changes nothing).

    Each worker remembers who it has counted, so a phone's page views write only the first time
    (losing the memory only costs one more "insert if missing").
    """
    seen: Recent[tuple[int, int], bool] = database.recent("live_members", MEMBERS_CACHE_SIZE)
    if seen.get((session_id, participant_id)):
        return
    try:
        database.write(lambda session: _add_member(session, session_id, participant_id))
    except IntegrityError:
        pass  # the same phone's two requests at once: the other one counted it
    seen.put((session_id, participant_id), True)


def _upsert(insert: Any) -> Any:
    """Return the dialect's INSERT of an answer that replaces the participant's earlier one."""
    statement = insert(_ANSWERS)
    return statement.on_conflict_do_update(
        index_elements=["session_id", "participant_id", "position"],
        set_={name: statement.excluded[name] for name in (
            "module_id", "question_id", "question_hash", "response", "earned", "max_points",
            "status", "answered_at")})


# Built once per dialect (keyed by Database.is_sqlite): (answer upsert, member insert).
_ANSWER_WRITES = {
    is_sqlite: (_upsert(insert), insert(_MEMBERS).on_conflict_do_nothing(
        index_elements=["session_id", "participant_id"]))
    for is_sqlite, insert in ((True, sqlite_insert), (False, postgresql_insert))}


# The state check of an answer: the session row, read FOR SHARE on PostgreSQL (SQLite's
# BEGIN IMMEDIATE already keeps writers apart), so a close waits for the answers being written.
_OPEN_STATE = (select(_SESSIONS.c.phase, _SESSIONS.c.position)
               .where(_SESSIONS.c.id == bindparam("b_session")).with_for_update(read=True))


def record_live_answer(database: Database, session_id: int, participant_id: int, position: int,
                       graded: GradedResponse) -> bool:
    """Store (or replace) an answer while its question is open; return False when it is not.

    One transaction of prebuilt Core statements (an answer is the room's hottest write): the
    state check, the participant counted in the room, and one INSERT … ON CONFLICT DO UPDATE,
    so a double submit replaces, never duplicates, and needs no retry.
    """
    row = {"session_id": session_id, "participant_id": participant_id, "position": position,
           "module_id": graded.module_id, "question_id": graded.question_id,
           "question_hash": graded.question_hash, "response": graded.response,
           "earned": graded.earned, "max_points": graded.max_points, "status": graded.status,
           "answered_at": utcnow()}
    upsert, member = _ANSWER_WRITES[database.is_sqlite]

    def work(statements: Statements) -> bool:
        state = statements.first(_OPEN_STATE, {"b_session": session_id})
        if state is None or state.phase != "open" or state.position != position:
            return False
        statements.run(member, {"session_id": session_id, "participant_id": participant_id,
                                "joined_at": row["answered_at"]})
        statements.run(upsert, row)
        return True

    return database.write_core(work)


def live_answer_of(database: Database, session_id: int, participant_id: int, position: int
                   ) -> LiveAnswer | None:
    """Return a participant's answer to one question of a session, if any."""
    with database.read() as session:
        return session.scalar(select(LiveAnswer).where(
            LiveAnswer.session_id == session_id, LiveAnswer.participant_id == participant_id,
            LiveAnswer.position == position))


@dataclass(frozen=True)
class StoredAnswer:
    """An answer with who gave it (for the dashboard; never for the room's screen)."""

    answer: LiveAnswer
    participant_public_id: str
    participant_name: str


def live_answers(database: Database, session_id: int) -> tuple[list[StoredAnswer], int]:
    """Return every answer of a session (by position, then participant) and how many joined it."""
    with database.read() as session:
        rows = session.execute(
            select(LiveAnswer, Participant.public_id, Participant.display_name)
            .join(Participant, Participant.id == LiveAnswer.participant_id)
            .where(LiveAnswer.session_id == session_id)
            .order_by(LiveAnswer.position, LiveAnswer.participant_id)).all()
        members = session.scalar(select(func.count()).select_from(LiveMember)
                                 .where(LiveMember.session_id == session_id)) or 0
    return [StoredAnswer(answer, public_id, name) for answer, public_id, name in rows], int(members)


@dataclass(frozen=True)
class LiveParticipation:
    """One live session a participant was in: how many questions they answered, points earned."""

    session: LiveSession
    answered: int
    earned: float


def participant_live_sessions(database: Database, participant_id: int) -> list[LiveParticipation]:
    """Return the live sessions a participant opened or answered in, newest first."""
    with database.read() as session:
        answered = {
            session_id: (int(count), float(earned or 0.0))
            for session_id, count, earned in session.execute(
                select(LiveAnswer.session_id, func.count(), func.sum(LiveAnswer.earned))
                .where(LiveAnswer.participant_id == participant_id)
                .group_by(LiveAnswer.session_id))}
        joined = select(LiveMember.session_id).where(LiveMember.participant_id == participant_id)
        sessions = session.scalars(
            select(LiveSession).where(LiveSession.id.in_(joined)
                                      | LiveSession.id.in_(list(answered)))
            .order_by(LiveSession.id.desc())).all()
    return [LiveParticipation(live, *answered.get(live.id, (0, 0.0))) for live in sessions]
