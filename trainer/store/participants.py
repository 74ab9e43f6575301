"""What trainers change about participants: rename, merge, remove, resume codes; the audit log.

Each change is one transaction that also writes its audit event (who, what, when), so the log
never misses a change nor records one that did not happen. After the commit the worker forgets
the participant from its cache (trainer.store.attempts explains what other workers see).

Merging keeps nothing out: every attempt of the merged participant moves to the kept one, with
its responses and grades. A participant counts one pre-test and one post-test, so when both took
a test the merged participant counts the FIRST pre-test (what they knew before the workshop) and
the LAST post-test (what they knew at the end); the other is kept, `set_aside`, beside it.
Their live-session answers move too. A participant has one answer per live question, so when both
answered the same question of a session the LATER answer is kept, as when one phone answers twice
(the second replaces the first); on a tie, the kept participant's. Being in a session's room
(`live_member`) moves the same way, once per session.

Removing deletes the participant, their attempts and responses, their live-session answers and
room memberships (explicit deletes; foreign keys would cascade too), and blanks
the names in the audit events about them: the log says that participant #id was removed, and by
whom, but nothing personal of theirs stays in any table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from trainer.errors import StoreError
from trainer.store.attempts import forget_participant
from trainer.store.database import Database
from trainer.store.live import LiveAnswer, LiveMember
from trainer.store.models import (
    DISPLAY_NAME_LENGTH,
    Attempt,
    AttemptKind,
    AuditEvent,
    Participant,
    Response,
    utcnow,
)

__all__ = [
    "AUDIT_ACTIONS",
    "MergeOutcome",
    "ParticipantNotFound",
    "audit_events",
    "find_by_resume_code",
    "merge_participants",
    "remove_participant",
    "rename_participant",
    "set_resume_code",
]

AUDIT_ACTIONS = ("rename", "merge", "remove", "revoke-code", "issue-code")
REMOVED = "—"  # what a removed participant's name becomes in earlier audit events
_NAME_KEYS = frozenset({"old", "new", "kept", "merged", "name"})


class ParticipantNotFound(StoreError):
    """No participant with this public id in this workshop (or it was just removed)."""


def _participant(session: Session, workshop_id: str, public_id: str) -> Participant:
    found = session.scalar(
        select(Participant)
        .where(Participant.workshop_id == workshop_id, Participant.public_id == public_id)
        .with_for_update())
    if found is None:
        raise ParticipantNotFound(public_id)
    return found


def _audit(session: Session, trainer: str, action: str, participant: Participant,
           **details: Any) -> None:
    session.add(AuditEvent(at=utcnow(), trainer=trainer, action=action,
                           workshop_id=participant.workshop_id, participant_id=participant.id,
                           details=details))


def rename_participant(database: Database, workshop_id: str, public_id: str, name: str,
                       trainer: str) -> None:
    """Give a participant a new display name (1-80 characters, spaces tidied)."""
    tidy = " ".join(name.split())
    if not tidy or len(tidy) > DISPLAY_NAME_LENGTH:
        raise ValueError(f"a name has 1 to {DISPLAY_NAME_LENGTH} characters")

    def work(session: Session) -> None:
        participant = _participant(session, workshop_id, public_id)
        if participant.display_name == tidy:
            return
        _audit(session, trainer, "rename", participant, old=participant.display_name, new=tidy)
        participant.display_name = tidy

    database.write(work)
    forget_participant(database, public_id)


@dataclass(frozen=True)
class MergeOutcome:
    """What a merge did: attempts moved, the tests set aside (by kind), live answers moved and
    live answers dropped (both answered the same live question: the later answer is kept)."""

    moved: int
    set_aside: tuple[str, ...]
    live_moved: int = 0
    live_dropped: int = 0


def _merge_live(session: Session, kept_id: int, merged_id: int) -> tuple[int, int]:
    """Move a participant's live answers and room memberships to another; return (moved, dropped).

    One answer per participant and live question: where both answered, the later answer stays
    (on a tie, the kept participant's) and the other is deleted before the move.
    """
    answers = session.scalars(select(LiveAnswer).where(
        LiveAnswer.participant_id.in_([kept_id, merged_id])))
    by_question: dict[tuple[int, int], list[LiveAnswer]] = {}
    for answer in answers:
        by_question.setdefault((answer.session_id, answer.position), []).append(answer)
    dropped = 0
    for pair in by_question.values():
        if len(pair) == 2:
            first, _later = sorted(pair, key=lambda a: (a.answered_at,
                                                        a.participant_id == kept_id))
            session.delete(first)
            dropped += 1
    kept_rooms = select(LiveMember.session_id).where(LiveMember.participant_id == kept_id)
    session.flush()
    session.execute(delete(LiveMember).where(LiveMember.participant_id == merged_id,
                                             LiveMember.session_id.in_(kept_rooms))
                    .execution_options(synchronize_session=False))
    session.execute(update(LiveMember).where(LiveMember.participant_id == merged_id)
                    .values(participant_id=kept_id)
                    .execution_options(synchronize_session=False))
    moved = session.execute(update(LiveAnswer).where(LiveAnswer.participant_id == merged_id)
                            .values(participant_id=kept_id)
                            .execution_options(synchronize_session=False))
    return int(getattr(moved, "rowcount", 0)), dropped


def _test_to_set_aside(kept: Attempt | None, merged: Attempt | None, kind: AttemptKind
                       ) -> Attempt | None:
    """Return which of two tests of one kind stops counting: keep the first pre-test and the
    last post-test (submitted ones before open ones; on a tie, the kept participant's)."""
    if kept is None or merged is None:
        return None
    if kept.submitted_at is None or merged.submitted_at is None:
        return merged if kept.submitted_at is not None or merged.submitted_at is None else kept
    if kind is AttemptKind.PRE:
        return merged if kept.submitted_at <= merged.submitted_at else kept
    return merged if kept.submitted_at >= merged.submitted_at else kept


def merge_participants(database: Database, workshop_id: str, kept_id: str, merged_id: str,
                       trainer: str) -> MergeOutcome:
    """Move every attempt of participant `merged_id` to `kept_id`, then delete `merged_id`.

    Both must be participants of `workshop_id`, and different. See the module docstring for the
    pre-test and post-test rule.
    """
    if kept_id == merged_id:
        raise ValueError("a participant cannot be merged with themselves")

    def work(session: Session) -> MergeOutcome:
        kept = _participant(session, workshop_id, kept_id)
        merged = _participant(session, workshop_id, merged_id)
        tests = session.scalars(
            select(Attempt).where(Attempt.participant_id.in_([kept.id, merged.id]),
                                  Attempt.kind != AttemptKind.MODULE.value,
                                  Attempt.set_aside.is_(False)))
        by_owner = {(a.participant_id, a.kind): a for a in tests}
        aside: list[str] = []
        for kind in (AttemptKind.PRE, AttemptKind.POST):
            loser = _test_to_set_aside(by_owner.get((kept.id, kind.value)),
                                       by_owner.get((merged.id, kind.value)), kind)
            if loser is not None:
                loser.set_aside = True
                aside.append(kind.value)
        session.flush()  # set aside before moving: one counted test of a kind per participant
        moved = session.execute(
            update(Attempt).where(Attempt.participant_id == merged.id)
            .values(participant_id=kept.id).execution_options(synchronize_session=False))
        count = int(getattr(moved, "rowcount", 0))
        live_moved, live_dropped = _merge_live(session, kept.id, merged.id)
        # The merged participant's history is the kept one's now (a later removal blanks it).
        session.execute(update(AuditEvent).where(AuditEvent.participant_id == merged.id)
                        .values(participant_id=kept.id)
                        .execution_options(synchronize_session=False))
        _audit(session, trainer, "merge", kept, kept=kept.display_name,
               merged=merged.display_name, merged_participant=merged.id, attempts=count,
               set_aside=aside, live_answers=live_moved, live_dropped=live_dropped)
        session.execute(delete(Participant).where(Participant.id == merged.id)
                        .execution_options(synchronize_session=False))
        return MergeOutcome(count, tuple(aside), live_moved, live_dropped)

    outcome = database.write(work)
    forget_participant(database, kept_id)
    forget_participant(database, merged_id)
    return outcome


def _blank_names(session: Session, participant_id: int) -> None:
    """Blank a participant's names in the audit events about them (they are being removed)."""
    events = session.scalars(select(AuditEvent).where(AuditEvent.participant_id == participant_id))
    for event in events:
        event.details = {key: REMOVED if key in _NAME_KEYS else value
                         for key, value in event.details.items()}


def remove_participant(database: Database, workshop_id: str, public_id: str, trainer: str
                       ) -> int:
    """Delete a participant with every attempt, response and live answer of theirs; return
    attempts deleted.

    Irreversible. The audit log keeps that participant #id was removed, and by whom.
    """
    def work(session: Session) -> int:
        participant = _participant(session, workshop_id, public_id)
        attempts = int(session.scalar(select(func.count()).select_from(Attempt)
                                      .where(Attempt.participant_id == participant.id)) or 0)
        live_answers = int(session.scalar(select(func.count()).select_from(LiveAnswer)
                                          .where(LiveAnswer.participant_id == participant.id))
                           or 0)
        _blank_names(session, participant.id)
        _audit(session, trainer, "remove", participant, attempts=attempts,
               live_answers=live_answers)
        attempt_ids = select(Attempt.id).where(Attempt.participant_id == participant.id)
        # Explicit deletes, child tables first: the same on every backend, cascade or not.
        session.execute(delete(Response).where(Response.attempt_id.in_(attempt_ids))
                        .execution_options(synchronize_session=False))
        session.execute(delete(Attempt).where(Attempt.participant_id == participant.id)
                        .execution_options(synchronize_session=False))
        for table in (LiveAnswer, LiveMember):
            session.execute(delete(table).where(table.participant_id == participant.id)
                            .execution_options(synchronize_session=False))
        session.execute(delete(Participant).where(Participant.id == participant.id)
                        .execution_options(synchronize_session=False))
        return attempts

    removed = database.write(work)
    forget_participant(database, public_id)
    return removed


def set_resume_code(database: Database, workshop_id: str, public_id: str,
                    code_hash: str | None, trainer: str | None = None) -> None:
    """Store the hash of a participant's new resume code (None: revoke it).

    `trainer`: the trainer who did it (recorded in the audit log); None when the trainee asked
    for a new code themselves (not recorded).
    """
    def work(session: Session) -> None:
        participant = _participant(session, workshop_id, public_id)
        participant.resume_code_hash = code_hash
        if trainer is not None:
            _audit(session, trainer, "issue-code" if code_hash else "revoke-code", participant,
                   name=participant.display_name)

    database.write(work)
    forget_participant(database, public_id)


def find_by_resume_code(database: Database, code_hash: str) -> Participant | None:
    """Return the participant whose resume code has this hash, if any."""
    with database.read() as session:
        return session.scalar(select(Participant).where(Participant.resume_code_hash == code_hash))


def audit_events(database: Database, workshop_id: str | None = None, limit: int = 500
                 ) -> Sequence[AuditEvent]:
    """Return the newest audit events first (of one workshop, if given)."""
    with database.read() as session:
        query = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        if workshop_id is not None:
            query = query.where(AuditEvent.workshop_id == workshop_id)
        return list(session.scalars(query.limit(limit)))
