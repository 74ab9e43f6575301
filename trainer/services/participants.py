"""One participant as the trainer sees them: every attempt, their pre/post figures; merge rules.

The participant page lists every attempt, the tests a merge set aside too, with what it was taken
against (its content version: the module's hash, or for a test the hash of its questions' hashes,
shortened) and whether that is still the content served. The pre/post figures are the results
tables' own (trainer.services.results), computed for this one participant.

The changes (rename, merge, remove, resume codes) are in trainer.store.participants, each with
its audit event.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from trainer.content.catalogue import Catalogue
from trainer.content.models import Curriculum, Workshop
from trainer.export.report import ParticipantRow
from trainer.services.attempts import attempt_title
from trainer.services.results import build_results
from trainer.store.models import Attempt, AttemptKind, Participant

VERSION_LENGTH = 8


@dataclass(frozen=True)
class AttemptRow:
    """One attempt on the participant page."""

    public_id: str
    kind: str
    title: str
    started_at: datetime
    submitted_at: datetime | None
    percent: float | None
    passed: bool | None
    version: str
    current: bool
    set_aside: bool

    @property
    def submitted(self) -> bool:
        """Return whether the attempt was submitted (and so can be reviewed)."""
        return self.submitted_at is not None


@dataclass(frozen=True)
class ParticipantDetail:
    """A participant, their figures (grid row, gain) and every attempt, newest first."""

    participant: Participant
    figures: ParticipantRow
    attempts: tuple[AttemptRow, ...]


def attempt_version(attempt: Attempt) -> str:
    """Return the content version an attempt was taken against (short hex)."""
    if attempt.kind == AttemptKind.MODULE.value and attempt.module_hash:
        return attempt.module_hash[:VERSION_LENGTH]
    joined = "\n".join(str(q.get("hash", "")) for q in attempt.questions)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:VERSION_LENGTH]


def _current_version(catalogue: Catalogue, attempt: Attempt) -> bool:
    if attempt.kind == AttemptKind.MODULE.value:
        return catalogue.module_hashes.get(attempt.module_id or "") == attempt.module_hash
    return all(catalogue.question_hashes.get((q.get("module"), q.get("question"))) == q.get("hash")
               for q in attempt.questions)


def participant_detail(catalogue: Catalogue, curriculum: Curriculum, workshop: Workshop,
                       participant: Participant, language: str | None = None
                       ) -> ParticipantDetail:
    """Return what the participant page shows (`participant` with every attempt loaded)."""
    figures = build_results(catalogue, curriculum, workshop, [participant]).participants[0]
    rows = tuple(
        AttemptRow(
            public_id=a.public_id, kind=a.kind,
            title=attempt_title(catalogue, curriculum, a, language),
            started_at=a.started_at, submitted_at=a.submitted_at, percent=a.percent,
            passed=a.passed, version=attempt_version(a), current=_current_version(catalogue, a),
            set_aside=a.set_aside)
        for a in sorted(participant.every_attempt, key=lambda a: a.id, reverse=True))
    return ParticipantDetail(participant, figures, rows)
