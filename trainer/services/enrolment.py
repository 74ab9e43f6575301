"""Who may join which workshop: the YAML's defaults with the dashboard's overrides, join codes,
and how long a trainee's session lasts.

A workshop's YAML says whether it is listed on the start page (else join-code only), whether
enrolment is open, an optional participant cap and an optional join code; a trainer may change
any of them on the dashboard (trainer.store.enrolment keeps those overrides). Everything here
takes the catalogue and the overrides as values: no Flask, no queries of its own.
"""

from __future__ import annotations

import calendar
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from trainer.content.catalogue import Catalogue
from trainer.content.models import Curriculum, Question, Workshop
from trainer.store.enrolment import EnrolmentOverride

__all__ = [
    "Enrolment",
    "effective_enrolment",
    "find_by_code",
    "largest_quiz_form",
    "new_join_code",
    "trainee_session_end",
]

# Letters and digits that cannot be confused when read off a projector: no 0/O, 1/I/L.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
NO_OVERRIDE = EnrolmentOverride()


@dataclass(frozen=True, slots=True)
class Enrolment:
    """How a workshop takes new trainees now."""

    listed: bool
    open: bool
    max_participants: int | None  # None: no cap
    join_code: str | None

    def full(self, joined: int) -> bool:
        """Return whether `joined` participants fill the workshop."""
        return self.max_participants is not None and joined >= self.max_participants


def effective_enrolment(workshop: Workshop, override: EnrolmentOverride | None) -> Enrolment:
    """Return a workshop's enrolment: the dashboard's settings where set, else the YAML's."""
    found = override or NO_OVERRIDE
    cap = workshop.max_participants if found.max_participants is None else (
        found.max_participants or None)
    return Enrolment(
        listed=workshop.listed if found.listed is None else found.listed,
        open=(workshop.enrolment == "open") if found.open is None else found.open,
        max_participants=cap,
        join_code=found.join_code or workshop.join_code,
    )


def find_by_code(catalogue: Catalogue, overrides: Mapping[str, EnrolmentOverride], code: str
                 ) -> tuple[Curriculum, Workshop] | None:
    """Return the workshop whose current join code is `code` (case and spaces ignored)."""
    wanted = "".join(code.split()).upper()
    if not wanted:
        return None
    for curriculum, workshop in catalogue.workshops():
        if effective_enrolment(workshop, overrides.get(workshop.id)).join_code == wanted:
            return curriculum, workshop
    return None


def new_join_code(taken: Iterable[str]) -> str:
    """Return a fresh random join code (8 unambiguous capitals and digits) not in `taken`."""
    used = set(taken)
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if code not in used:
            return code


def all_join_codes(catalogue: Catalogue, overrides: Mapping[str, EnrolmentOverride]) -> set[str]:
    """Return every join code in use or written in the YAML (a new code must differ from all)."""
    codes = {w.join_code for _c, w in catalogue.workshops() if w.join_code}
    codes.update(o.join_code for o in overrides.values() if o.join_code)
    return codes


def _last_moment(day: str) -> datetime:
    """Return the end of a workshop date: the day's last second, or the month's for YYYY-MM."""
    parts = [int(part) for part in day.split("-")]
    year, month = parts[0], parts[1]
    last = parts[2] if len(parts) == 3 else calendar.monthrange(year, month)[1]
    return datetime(year, month, last, 23, 59, 59, tzinfo=UTC)


def trainee_session_end(workshop: Workshop, grace_s: float, now: float) -> float:
    """Return when a trainee session started `now` ends: the workshop's end plus the grace.

    Never sooner than the grace from now: a trainee who joins a workshop that has ended (a late
    comer, the sample content) keeps the session for the grace period.
    """
    return max(_last_moment(workshop.end).timestamp() + grace_s, now + grace_s)


def _form_parts(question: Question) -> int:
    """Return the most form fields an answer to `question` sends."""
    for many in ("options", "pairs", "items"):
        values = getattr(question, many, None)
        if values and question.kind in ("multiple", "matching", "ordering"):
            return len(values)
    return 1


def largest_quiz_form(catalogue: Catalogue) -> int:
    """Return the most answer fields any quiz, pre-test or post-test of the content sends."""
    largest = max((sum(_form_parts(q) for q in module.quiz.questions)
                   for module in catalogue.modules.values()), default=0)
    for curriculum in catalogue.curricula.values():
        for which in ("pre", "post"):
            parts = sum(_form_parts(q) for _m, q in catalogue.test_questions(curriculum, which))
            largest = max(largest, parts)
    return largest
