"""Store attempts taken offline (the offline site's results files), once each, in one transaction.

Knows ids, hashes and JSON values only (like the rest of the store): checking a file against the
content and grading it happen before (trainer.interchange.results_check).

Idempotency comes from the ids: an offline participant's public id is derived from the workshop
and the learner's key, an offline attempt's from those and the attempt's key, so importing the same
file again, or a later file that repeats earlier attempts, finds them already there (the unique
public ids make that hold under concurrent imports too). Every offline public id starts with
OFFLINE_PREFIX, which web sign-in ids (secrets.token_urlsafe) never contain, so the dashboard can
tell offline participants apart with no extra column. A participant keeps one pre-test and one
post-test, offline as online: a different one arriving later is refused, never stored beside it.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from trainer.store.attempts import GradedResponse, PlannedQuestion
from trainer.store.database import Database
from trainer.store.models import (
    DISPLAY_NAME_LENGTH,
    PUBLIC_ID_LENGTH,
    Attempt,
    AttemptKind,
    Participant,
    Response,
    utcnow,
)

__all__ = [
    "OFFLINE_PREFIX",
    "OfflineAttempt",
    "StoredOffline",
    "is_offline",
    "offline_public_id",
    "store_offline_attempts",
]

OFFLINE_PREFIX = "offline."  # "." is not in the URL-safe base64 alphabet of web public ids
_RETRIES = 2


def offline_public_id(*parts: str) -> str:
    """Return the public id derived from `parts` (workshop, learner key[, attempt key])."""
    digest = hashlib.sha256("\x00".join(parts).encode("utf-8")).digest()
    encoded = base64.urlsafe_b64encode(digest).decode("ascii")
    return (OFFLINE_PREFIX + encoded)[:PUBLIC_ID_LENGTH]


def is_offline(public_id: str) -> bool:
    """Return whether a participant or attempt came from an offline results file."""
    return public_id.startswith(OFFLINE_PREFIX)


@dataclass(frozen=True)
class OfflineAttempt:
    """A checked, re-graded attempt ready to store; `key` is stable across exports of it."""

    key: str
    kind: AttemptKind
    module_id: str | None
    module_hash: str | None
    pass_mark: float
    started_at: datetime
    submitted_at: datetime
    responses: Sequence[GradedResponse]
    earned: float
    max_points: float
    percent: float
    passed: bool


@dataclass(frozen=True)
class StoredOffline:
    """What storing did: the participant, and each attempt's fate by key."""

    participant_public_id: str
    participant_created: bool
    imported: tuple[str, ...]
    duplicates: tuple[str, ...]
    test_taken: tuple[str, ...]  # pre/post tests refused: the participant already has one


def _row(attempt: OfflineAttempt, participant_id: int, public_id: str, curriculum_id: str
         ) -> Attempt:
    questions = [PlannedQuestion(r.module_id, r.question_id, r.question_hash).as_json()
                 for r in attempt.responses]
    return Attempt(
        public_id=public_id, participant_id=participant_id, kind=attempt.kind.value,
        curriculum_id=curriculum_id, module_id=attempt.module_id,
        module_hash=attempt.module_hash, questions=questions, tokens={}, seed=0,
        pass_mark=attempt.pass_mark, started_at=attempt.started_at,
        submitted_at=attempt.submitted_at, earned=attempt.earned,
        max_points=attempt.max_points, percent=attempt.percent, passed=attempt.passed)


def store_offline_attempts(database: Database, *, workshop_id: str, curriculum_id: str,
                           learner_key: str, display_name: str,
                           attempts: Sequence[OfflineAttempt]) -> StoredOffline:
    """Store a learner's offline attempts in one transaction; skip those already stored."""
    participant_public_id = offline_public_id(workshop_id, learner_key)
    public_ids = {a.key: offline_public_id(workshop_id, learner_key, a.key) for a in attempts}

    def work(session: Session) -> StoredOffline:
        participant = session.scalar(
            select(Participant).where(Participant.public_id == participant_public_id)
            .with_for_update())
        created = participant is None
        if participant is None:
            participant = Participant(public_id=participant_public_id, workshop_id=workshop_id,
                                      display_name=display_name[:DISPLAY_NAME_LENGTH].strip(),
                                      created_at=utcnow())
            session.add(participant)
            session.flush()
        existing = set(session.scalars(
            select(Attempt.public_id).where(Attempt.public_id.in_(list(public_ids.values())))))
        tests = set(session.scalars(
            select(Attempt.kind).where(Attempt.participant_id == participant.id,
                                       Attempt.kind != AttemptKind.MODULE.value,
                                       Attempt.set_aside.is_(False))))
        imported: list[str] = []
        duplicates: list[str] = []
        taken: list[str] = []
        for attempt in attempts:
            public_id = public_ids[attempt.key]
            if public_id in existing:
                duplicates.append(attempt.key)
                continue
            if attempt.kind is not AttemptKind.MODULE and attempt.kind.value in tests:
                taken.append(attempt.key)
                continue
            row = _row(attempt, participant.id, public_id, curriculum_id)
            session.add(row)
            session.flush()
            if attempt.responses:
                session.execute(insert(Response), [
                    {"attempt_id": row.id, "position": position, "module_id": r.module_id,
                     "question_id": r.question_id, "question_hash": r.question_hash,
                     "response": r.response, "earned": r.earned, "max_points": r.max_points,
                     "status": r.status}
                    for position, r in enumerate(attempt.responses)])
            existing.add(public_id)
            if attempt.kind is not AttemptKind.MODULE:
                tests.add(attempt.kind.value)
            imported.append(attempt.key)
        return StoredOffline(participant_public_id, created, tuple(imported),
                             tuple(duplicates), tuple(taken))

    for _ in range(_RETRIES):
        try:
            return database.write(work)
        except IntegrityError:
            # Another import of the same learner committed first: run again, it now sees them.
            continue
    return database.write(work)
