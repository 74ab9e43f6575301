"""Tables: participant, attempt, response (SQLAlchemy 2 declarative models).

The store keeps ids and content hashes, never content: a workshop, curriculum, module or question is
referred to by the id it has in the YAML, and an attempt records the hashes of what it was built
from, so editing the YAML later never changes a stored grade. Unique constraints make a double
submission impossible: one response per question of an attempt, one pre-test and one post-test per
participant.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Named constraints, so Alembic migrations can alter them on SQLite and PostgreSQL alike.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ID_LENGTH = 64  # content ids are slugs of at most 64 characters
HASH_LENGTH = 64  # SHA-256 hex
PUBLIC_ID_LENGTH = 32
DISPLAY_NAME_LENGTH = 80
USERNAME_LENGTH = 64
AUDIT_ACTION_LENGTH = 32


def utcnow() -> datetime:
    """Return the current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


class AttemptKind(StrEnum):
    """What an attempt is of: a module's quiz, or a curriculum's pre-test or post-test."""

    MODULE = "module"
    PRE = "pre"
    POST = "post"


class Base(DeclarativeBase):
    """Base of every table; constraint names follow NAMING_CONVENTION."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class Participant(Base):
    """A trainee in one workshop: no password, known by a random public id kept in their session."""

    __tablename__ = "participant"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    public_id: Mapped[str] = mapped_column(String(PUBLIC_ID_LENGTH), unique=True)
    workshop_id: Mapped[str] = mapped_column(String(ID_LENGTH), index=True)
    display_name: Mapped[str] = mapped_column(String(DISPLAY_NAME_LENGTH))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # A keyed hash (HMAC-SHA256, hex) of the participant's personal resume code, never the code;
    # NULL when the trainer revoked it (trainer.services.resume_codes).
    resume_code_hash: Mapped[str | None] = mapped_column(String(HASH_LENGTH), unique=True,
                                                         index=True)
    # The parallel test form ("a" or "b") taken as pre-test; the post-test is the other one.
    # Participants alternate at join (trainer.store.attempts.create_participant); NULL means "a".
    pre_form: Mapped[str | None] = mapped_column(String(1), nullable=True, default=None)

    # The attempts that count: every one but the tests a merge set aside (see Attempt.set_aside).
    attempts: Mapped[list[Attempt]] = relationship(
        back_populates="participant", cascade="all, delete-orphan", passive_deletes=True,
        order_by="Attempt.id",
        primaryjoin="and_(Participant.id == Attempt.participant_id, Attempt.set_aside.is_(False))",
    )
    # Every attempt, the set-aside tests too (the participant page, merges, removals).
    every_attempt: Mapped[list[Attempt]] = relationship(
        viewonly=True, order_by="Attempt.id", overlaps="attempts,participant")


COUNTED_TEST = "kind != 'module' AND set_aside = false"


class Attempt(Base):
    """One sitting of a module quiz or a pre/post test, with what it was built from and its score.

    `questions` lists the questions in the order shown: [{"module", "question", "hash"}].
    `tokens` maps "module/question" to {choice id: per-attempt token}; the page posts tokens, never
    option ids. The score columns stay NULL until the attempt is submitted. `set_aside`: a pre- or
    post-test that a merge of two participants kept but does not count (the merged participant
    counts the first pre-test and the last post-test); nothing is deleted by a merge.

    `draft_answers` holds what the trainee has entered so far, as the quiz form posts it (field
    name → token, typed text or list of tokens), saved before grading; `draft_seq` orders the
    saves and `draft_saved_at` says when the stored one was made. `draft_seqs` maps each field
    name to the sequence number of the save that last wrote (or cleared) it, and "*" to the floor
    of every field not named (a save that spoke for every field): a save only writes the fields
    it is newer for, so a save with a lower or equal number than a field's changes nothing there.
    NULL (a draft saved before per-field numbers): every field counts as written by `draft_seq`.
    All four stay NULL until a first save.
    """

    __tablename__ = "attempt"
    __table_args__ = (
        CheckConstraint("kind IN ('module', 'pre', 'post')", name="kind"),
        CheckConstraint("(kind = 'module') = (module_id IS NOT NULL)", name="module_id"),
        # At most one pre-test and one post-test per participant, even under concurrent starts
        # (a test a merge set aside is kept beside the one that counts).
        Index(
            "uq_attempt_participant_test", "participant_id", "kind", unique=True,
            sqlite_where=text(COUNTED_TEST), postgresql_where=text(COUNTED_TEST),
        ),
        Index("ix_attempt_participant_module", "participant_id", "module_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    public_id: Mapped[str] = mapped_column(String(PUBLIC_ID_LENGTH), unique=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE")
    )
    kind: Mapped[str] = mapped_column(String(8))
    curriculum_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    module_id: Mapped[str | None] = mapped_column(String(ID_LENGTH))
    module_hash: Mapped[str | None] = mapped_column(String(HASH_LENGTH))
    questions: Mapped[list[Any]] = mapped_column(JSON)
    tokens: Mapped[dict[str, Any]] = mapped_column(JSON)
    seed: Mapped[int] = mapped_column(Integer)
    pass_mark: Mapped[float] = mapped_column(Float)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    earned: Mapped[float | None] = mapped_column(Float)
    max_points: Mapped[float | None] = mapped_column(Float)
    percent: Mapped[float | None] = mapped_column(Float)
    passed: Mapped[bool | None] = mapped_column(Boolean)
    set_aside: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    draft_answers: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    draft_seq: Mapped[int | None] = mapped_column(BigInteger)
    draft_seqs: Mapped[dict[str, int] | None] = mapped_column(JSON)
    draft_saved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    participant: Mapped[Participant] = relationship(back_populates="attempts")
    responses: Mapped[list[Response]] = relationship(
        back_populates="attempt", cascade="all, delete-orphan", passive_deletes=True,
        order_by="Response.position",
    )

    @property
    def submitted(self) -> bool:
        """Return whether the attempt has been submitted (and scored)."""
        return self.submitted_at is not None


class Response(Base):
    """A learner's answer to one question of an attempt, as ids (never tokens), and its grade."""

    __tablename__ = "response"
    __table_args__ = (
        UniqueConstraint("attempt_id", "module_id", "question_id",
                         name="uq_response_attempt_question"),
        UniqueConstraint("attempt_id", "position", name="uq_response_attempt_position"),
    )

    # No index of their own on attempt_id or question_hash: the unique constraints above lead
    # with attempt_id and serve every lookup by attempt (joins, deletes, the cascade), and no
    # query selects by question_hash. Each index was written on every graded submission, one
    # entry per response: the question_hash one alone was half the pages a submission wrote.
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempt.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    module_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    question_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    question_hash: Mapped[str] = mapped_column(String(HASH_LENGTH))
    response: Mapped[Any] = mapped_column(JSON, nullable=True)
    earned: Mapped[float] = mapped_column(Float)
    max_points: Mapped[float] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(16))

    attempt: Mapped[Attempt] = relationship(back_populates="responses")


class AuditEvent(Base):
    """One thing a trainer did to participants' records: who, what, when (the audit log).

    `participant_id` is the database id of the participant acted on (no foreign key: the record
    outlives a removal); `details` holds what the page shows (names, counts). Removing a
    participant blanks the names in their earlier events, so nothing personal of theirs stays.
    """

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    trainer: Mapped[str] = mapped_column(String(USERNAME_LENGTH))
    action: Mapped[str] = mapped_column(String(AUDIT_ACTION_LENGTH))
    workshop_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    participant_id: Mapped[int | None] = mapped_column(Integer, index=True)
    details: Mapped[dict[str, Any]] = mapped_column(JSON)
