"""Enrolment settings a trainer changed on the dashboard: the `workshop_enrolment` table.

A workshop's YAML gives its defaults (listed on the start page or join-code only, enrolment open
or closed, an optional participant cap, a join code); a row here overrides them. A NULL column
keeps the YAML's value; `max_participants` 0 means "no cap" (overriding a cap in the YAML). Rows
are few (one per workshop at most) and read whole.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Boolean, DateTime, Integer, String, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from trainer.errors import StoreError
from trainer.store.database import Database
from trainer.store.models import ID_LENGTH, Base, utcnow

__all__ = [
    "JOIN_CODE_LENGTH",
    "EnrolmentOverride",
    "JoinCodeTaken",
    "WorkshopEnrolment",
    "enrolment_overrides",
    "lock_workshop",
    "save_enrolment",
    "set_join_code",
]

JOIN_CODE_LENGTH = 12


class JoinCodeTaken(StoreError):
    """Another workshop already has this join code."""


class WorkshopEnrolment(Base):
    """The dashboard's overrides of one workshop's enrolment settings."""

    __tablename__ = "workshop_enrolment"

    workshop_id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    listed: Mapped[bool | None] = mapped_column(Boolean)
    open: Mapped[bool | None] = mapped_column(Boolean)
    max_participants: Mapped[int | None] = mapped_column(Integer)
    join_code: Mapped[str | None] = mapped_column(String(JOIN_CODE_LENGTH), unique=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


@dataclass(frozen=True, slots=True)
class EnrolmentOverride:
    """What the dashboard set for a workshop (None: the YAML's value)."""

    listed: bool | None = None
    open: bool | None = None
    max_participants: int | None = None
    join_code: str | None = None


def enrolment_overrides(database: Database) -> dict[str, EnrolmentOverride]:
    """Return every workshop's overrides (workshop id → override)."""
    with database.read() as session:
        rows = session.scalars(select(WorkshopEnrolment))
        return {row.workshop_id: EnrolmentOverride(row.listed, row.open, row.max_participants,
                                                   row.join_code) for row in rows}


def _row(session: Session, workshop_id: str) -> WorkshopEnrolment:
    row = session.get(WorkshopEnrolment, workshop_id)
    if row is None:
        row = WorkshopEnrolment(workshop_id=workshop_id, updated_at=utcnow())
        session.add(row)
    return row


def save_enrolment(database: Database, workshop_id: str, *, listed: bool, open_: bool,
                   max_participants: int) -> None:
    """Store a workshop's settings from the dashboard (`max_participants` 0: no cap)."""
    if max_participants < 0:
        raise ValueError("a participant cap is 0 (none) or more")

    def work(session: Session) -> None:
        row = _row(session, workshop_id)
        row.listed, row.open, row.max_participants = listed, open_, max_participants
        row.updated_at = utcnow()

    _writing(database, work)


def set_join_code(database: Database, workshop_id: str, code: str) -> None:
    """Give a workshop a new join code (the old one stops working); raise JoinCodeTaken."""
    def work(session: Session) -> None:
        taken = session.scalar(select(WorkshopEnrolment.workshop_id).where(
            WorkshopEnrolment.join_code == code, WorkshopEnrolment.workshop_id != workshop_id))
        if taken is not None:
            raise JoinCodeTaken(f"the join code {code} is taken")
        row = _row(session, workshop_id)
        row.join_code = code
        row.updated_at = utcnow()

    try:
        _writing(database, work)
    except IntegrityError as exc:  # the same code given to another workshop at the same moment
        raise JoinCodeTaken(f"the join code {code} is taken") from exc


def _writing(database: Database, work: Callable[[Session], None]) -> None:
    """Run `work` in a write transaction; a row inserted meanwhile by another request: again."""
    for tries in (1, 2):
        try:
            database.write(work)
            return
        except IntegrityError:
            if tries == 2:
                raise


def lock_workshop(session: Session, workshop_id: str) -> None:
    """Serialise joins of one workshop inside the caller's write transaction (cap, form count).

    PostgreSQL: the workshop's row is made if missing, then locked FOR UPDATE. SQLite's BEGIN
    IMMEDIATE already lets one writer in at a time.
    """
    if session.get_bind().dialect.name == "sqlite":
        return
    locking = (select(WorkshopEnrolment.workshop_id)
               .where(WorkshopEnrolment.workshop_id == workshop_id).with_for_update())
    # Only what this very statement locked counts: a row another join commits just after it
    # (visible to a later read, but not locked by us) must be locked by the statement below.
    if session.execute(locking).first() is None:
        try:
            with session.begin_nested():
                session.add(WorkshopEnrolment(workshop_id=workshop_id, updated_at=utcnow()))
        except IntegrityError:
            pass  # made by a join of the same workshop at the same moment: lock that one
        session.execute(locking)
