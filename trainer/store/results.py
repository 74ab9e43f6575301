"""What the trainer dashboard reads: a workshop's participants with their attempts and responses.

Read-only queries. Everything is loaded in a few statements (participants, then their attempts
with responses via selectin loading), so a dashboard page costs the same for 5 or 50 trainees.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from trainer.store.database import Database
from trainer.store.models import Attempt, Participant

__all__ = [
    "find_participant_attempt",
    "find_participant_by_id",
    "find_workshop_participant",
    "participant_counts",
    "workshop_participants",
]


def participant_counts(database: Database) -> dict[str, int]:
    """Return how many participants joined each workshop (workshop id → count)."""
    with database.read() as session:
        rows = session.execute(
            select(Participant.workshop_id, func.count()).group_by(Participant.workshop_id))
        return {workshop_id: int(count) for workshop_id, count in rows}


def workshop_participants(database: Database, workshop_id: str) -> list[Participant]:
    """Return a workshop's participants (oldest first) with their attempts and responses loaded."""
    with database.read() as session:
        return list(session.scalars(
            select(Participant)
            .where(Participant.workshop_id == workshop_id)
            .order_by(Participant.id)
            .options(selectinload(Participant.attempts).selectinload(Attempt.responses))))


def find_workshop_participant(database: Database, workshop_id: str, public_id: str
                              ) -> Participant | None:
    """Return a participant of this workshop, or None; the attempts that count are loaded with
    their responses, and every attempt (set-aside tests too) without."""
    with database.read() as session:
        return session.scalar(
            select(Participant)
            .where(Participant.workshop_id == workshop_id, Participant.public_id == public_id)
            .options(selectinload(Participant.attempts).selectinload(Attempt.responses),
                     selectinload(Participant.every_attempt)))


def find_participant_attempt(database: Database, workshop_id: str, participant_public_id: str,
                             attempt_public_id: str) -> Attempt | None:
    """Return one attempt (responses loaded) of a participant of this workshop, or None."""
    with database.read() as session:
        return session.scalar(
            select(Attempt).join(Participant, Attempt.participant_id == Participant.id)
            .where(Participant.workshop_id == workshop_id,
                   Participant.public_id == participant_public_id,
                   Attempt.public_id == attempt_public_id)
            .options(selectinload(Attempt.responses)))


def find_participant_by_id(database: Database, participant_id: int) -> Participant | None:
    """Return a participant by database id (attempts and responses loaded), or None."""
    with database.read() as session:
        return session.scalar(
            select(Participant)
            .where(Participant.id == participant_id)
            .options(selectinload(Participant.attempts).selectinload(Attempt.responses)))
