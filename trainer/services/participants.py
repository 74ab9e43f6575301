"""One participant as the trainer sees them: every attempt, their pre/post figures; merge rules.

The participant page lists every attempt, the tests a merge set aside too, with what it was taken
against (its content version: the module's hash, or for a test the hash of its questions' hashes,
shortened) and whether that is still the content served. The pre/post figures are the results
tables' own (trainer.services.results), computed for this one participant. It also lists the live
sessions they were in: answers given and, in a graded session, their score out of all the
session's questions (as the session's results count it).

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
from trainer.quiz.scoring import round_percent
from trainer.services.attempts import attempt_title
from trainer.services.results import build_results
from trainer.store.live import LiveParticipation, LiveSession
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
class LiveRow:
    """One live session on the participant page.

    `title`: the module's or test's title, None for hand-picked questions; `percent`: the score
    in a graded session (None in a poll, or when the content no longer has its questions).
    """

    room_code: str
    title: str | None
    started_at: datetime
    mode: str
    questions: int
    answered: int
    percent: float | None


@dataclass(frozen=True)
class ParticipantDetail:
    """A participant, their figures (grid row, gain), every attempt and every live session they
    were in, newest first."""

    participant: Participant
    figures: ParticipantRow
    attempts: tuple[AttemptRow, ...]
    live: tuple[LiveRow, ...] = ()

    @property
    def live_answers(self) -> int:
        """Return how many live-session answers the participant gave."""
        return sum(row.answered for row in self.live)


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


def _live_title(catalogue: Catalogue, curriculum: Curriculum, live: LiveSession,
                language: str | None) -> str | None:
    if live.source in ("pre", "post"):
        if language:
            curriculum = catalogue.curriculum_in(curriculum.id, language)
        return curriculum.pre_test.title if live.source == "pre" else curriculum.post_test.title
    if live.module_id and live.module_id in catalogue.modules:
        module = (catalogue.module_in(live.module_id, language) if language
                  else catalogue.modules[live.module_id])
        return module.title
    return None


def _live_percent(catalogue: Catalogue, taken: LiveParticipation) -> float | None:
    """Return a live quiz score: points earned of all the session's questions' points."""
    if taken.session.mode != "quiz":
        return None
    try:
        total = sum(catalogue.question(q["module"], q["question"]).points
                    for q in taken.session.questions)
    except KeyError:
        return None
    return round_percent(100.0 * taken.earned / total) if total else None


def live_rows(catalogue: Catalogue, curriculum: Curriculum, taken: list[LiveParticipation],
              language: str | None = None) -> tuple[LiveRow, ...]:
    """Return the participant page's rows of the live sessions a participant was in."""
    return tuple(
        LiveRow(room_code=t.session.room_code,
                title=_live_title(catalogue, curriculum, t.session, language),
                started_at=t.session.created_at, mode=t.session.mode,
                questions=len(t.session.questions), answered=t.answered,
                percent=_live_percent(catalogue, t))
        for t in taken)


def participant_detail(catalogue: Catalogue, curriculum: Curriculum, workshop: Workshop,
                       participant: Participant, language: str | None = None,
                       live: list[LiveParticipation] | None = None) -> ParticipantDetail:
    """Return what the participant page shows (`participant` with every attempt loaded;
    `live`: the live sessions they were in, from trainer.store.live)."""
    figures = build_results(catalogue, curriculum, workshop, [participant]).participants[0]
    rows = tuple(
        AttemptRow(
            public_id=a.public_id, kind=a.kind,
            title=attempt_title(catalogue, curriculum, a, language),
            started_at=a.started_at, submitted_at=a.submitted_at, percent=a.percent,
            passed=a.passed, version=attempt_version(a), current=_current_version(catalogue, a),
            set_aside=a.set_aside)
        for a in sorted(participant.every_attempt, key=lambda a: a.id, reverse=True))
    return ParticipantDetail(participant, figures, rows,
                             live_rows(catalogue, curriculum, live or [], language))
