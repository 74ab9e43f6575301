"""Import a participant's results file from the offline site: the one function the CLI and the
dashboard upload both call. No Flask here (the CLI imports it too).

`import_results(database, catalogue, data, workshop_id)` parses the bytes (never trusting them:
trainer.interchange.results_file), checks and re-grades every attempt against the current content
(trainer.interchange.results_check), and stores what passed in one transaction
(trainer.store.imports). It lives at this level because it needs both the export layer and the
store, which must not import each other.

Choice for a partly bad file: the good attempts are imported and each refused one is listed with
where and why; an attempt is always stored whole or not at all, and a file that cannot go to the
workshop at all (not a results file, another workshop or curriculum) imports nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from trainer.content.catalogue import Catalogue
from trainer.interchange.results_check import (
    CheckedAttempt,
    Refusal,
    ScoreDifference,
    check_results,
)
from trainer.interchange.results_file import ResultsFileError, parse_results_file
from trainer.store.attempts import GradedResponse
from trainer.store.database import Database
from trainer.store.imports import OfflineAttempt, store_offline_attempts
from trainer.store.models import AttemptKind

__all__ = ["ImportReport", "import_results"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ImportReport:
    """What importing one file did. `problems` non-empty: the file was refused and nothing stored."""

    source: str
    problems: tuple[str, ...] = ()
    workshop_id: str | None = None
    participant: str | None = None
    participant_public_id: str | None = None
    participant_created: bool = False
    imported: tuple[str, ...] = ()  # labels of the attempts stored, in file order
    duplicates: int = 0
    refused: tuple[Refusal, ...] = ()
    differences: tuple[ScoreDifference, ...] = ()

    @property
    def participant_matched(self) -> bool:
        """Return whether the file's participant was already known from an earlier import."""
        return self.participant_public_id is not None and not self.participant_created

    def lines(self) -> list[str]:
        """Return the report as English lines (the CLI prints them)."""
        if self.problems:
            return [f"{self.source}: not imported:"] + [f"  {p}" for p in self.problems]
        who = "created" if self.participant_created else "matched"
        out = [
            f"{self.source}: participant {self.participant!r} ({who}) in workshop "
            f"{self.workshop_id}: {len(self.imported)} attempt(s) imported, "
            f"{self.duplicates} already imported (skipped), {len(self.refused)} refused"]
        out += [f"  refused: {self.participant}, attempt {r.attempt} ({r.label})"
                + (f", question {r.question}" if r.question else "") + f": {r.message}"
                for r in self.refused]
        out += [f"  score differs: {self.participant}, attempt {d.attempt} ({d.label}): the file "
                f"says {d.claimed_percent:g}%, re-graded {d.percent:g}%"
                + (f" (questions {', '.join(d.questions)})" if d.questions else "")
                for d in self.differences]
        return out


def _offline(attempt: CheckedAttempt) -> OfflineAttempt:
    return OfflineAttempt(
        key=attempt.key, kind=AttemptKind(attempt.kind), module_id=attempt.module_id,
        module_hash=attempt.module_hash, pass_mark=attempt.pass_mark,
        started_at=attempt.started_at, submitted_at=attempt.submitted_at,
        responses=[GradedResponse(a.module_id, a.question_id, a.question_hash, a.response,
                                  a.earned, a.max_points, a.status) for a in attempt.answers],
        earned=attempt.earned, max_points=attempt.max_points, percent=attempt.percent,
        passed=attempt.passed)


def import_results(database: Database, catalogue: Catalogue, data: bytes,
                   workshop_id: str | None = None, *, source: str = "results file"
                   ) -> ImportReport:
    """Import one results file into `workshop_id` (default: the workshop the file names)."""
    try:
        checked = check_results(catalogue, parse_results_file(data), workshop_id)
    except ResultsFileError as exc:
        logger.info("results file %s refused: %s", source, exc)
        return ImportReport(source, problems=exc.problems)
    stored = store_offline_attempts(
        database, workshop_id=checked.workshop_id, curriculum_id=checked.curriculum_id,
        learner_key=checked.learner_key, display_name=checked.participant,
        attempts=[_offline(a) for a in checked.attempts])
    by_key = {a.key: a for a in checked.attempts}
    refused = list(checked.refused)
    taken = {by_key[key].number for key in stored.test_taken}
    for key in stored.test_taken:
        attempt = by_key[key]
        refused.append(Refusal(attempt.number, attempt.label, None, "test-taken",
                               f"the participant already has a {attempt.label} (one each)"))
    refused.sort(key=lambda r: r.attempt or 0)
    report = ImportReport(
        source, workshop_id=checked.workshop_id, participant=checked.participant,
        participant_public_id=stored.participant_public_id,
        participant_created=stored.participant_created,
        imported=tuple(by_key[k].label for k in stored.imported),
        duplicates=len(stored.duplicates), refused=tuple(refused),
        differences=tuple(d for d in checked.differences if d.attempt not in taken))
    logger.info("results file %s imported into %s: %d new, %d duplicate, %d refused", source,
                checked.workshop_id, len(report.imported), report.duplicates, len(refused))
    return report

