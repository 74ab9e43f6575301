"""Check a parsed results file against the catalogue and re-grade it: what an import may store.

`check_results(catalogue, results, workshop_id)` is pure (no database, no I/O). It decides which
workshop the file goes to (or raises `ResultsFileError` when that cannot be right), then looks at
every attempt: each module and question must exist, be part of this curriculum's step, and carry
the hash of the current content. An attempt taken against another version of any of its questions
is refused whole, never graded against the new text, and never stored in part: a partial attempt
would score out of different points than everyone else's. Every response is graded again with
`trainer.quiz.grading.grade`; the scores the browser claimed are only compared, and differences
are reported.

Each accepted attempt carries a stable key (version 2: the id the browser gave it; version 1: a
digest of what it holds), and the file a learner key (version 2: the browser's random id; version
1: the typed name), so the store can tell an attempt it already has from a new one.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from trainer.content.catalogue import Catalogue, TestName, refs_of_test
from trainer.content.models import Curriculum, Question, Workshop
from trainer.interchange.results_file import Attempt, ResultsFile, ResultsFileError
from trainer.quiz.grading import Result, grade
from trainer.quiz.scoring import score_attempt

__all__ = [
    "CheckedAnswer",
    "CheckedAttempt",
    "CheckedResults",
    "Refusal",
    "ScoreDifference",
    "check_results",
    "describe_attempt",
]

Kind = Literal["module", "pre", "post"]
PERCENT_SLACK = 0.05  # the browser rounds to 2 decimals, the server to 1
POINTS_SLACK = 1e-4


@dataclass(frozen=True)
class Refusal:
    """An attempt of the file that is not imported, and why (`code` for programs, `message` for people).

    `attempt` is the attempt's 1-based number in the file (None: the whole file), `question`
    "module/question" when one question is the reason.
    """

    attempt: int | None
    label: str
    question: str | None
    code: str
    message: str


@dataclass(frozen=True)
class ScoreDifference:
    """An attempt whose score, as the browser stated it, is not what the grader gives."""

    attempt: int
    label: str
    claimed_percent: float
    percent: float
    questions: tuple[str, ...]


@dataclass(frozen=True)
class CheckedAnswer:
    """One re-graded answer, as the store keeps it."""

    module_id: str
    question_id: str
    question_hash: str
    response: Any
    earned: float
    max_points: float
    status: str


@dataclass(frozen=True)
class CheckedAttempt:
    """An attempt that may be stored: current content, re-graded."""

    number: int
    label: str
    key: str
    kind: Kind
    module_id: str | None
    module_hash: str | None
    pass_mark: float
    started_at: datetime
    submitted_at: datetime
    answers: tuple[CheckedAnswer, ...]
    earned: float
    max_points: float
    percent: float
    passed: bool


@dataclass(frozen=True)
class CheckedResults:
    """What a file holds once checked: where it goes, whose it is, what may be stored, what not."""

    curriculum_id: str
    workshop_id: str
    learner_key: str
    participant: str
    attempts: tuple[CheckedAttempt, ...]
    refused: tuple[Refusal, ...]
    differences: tuple[ScoreDifference, ...]


def _resolve_workshop(catalogue: Catalogue, results: ResultsFile, workshop_id: str | None
                      ) -> tuple[Curriculum, Workshop]:
    wanted = workshop_id or results.workshop
    if wanted is None:
        raise ResultsFileError([
            "the file names no workshop (its site was made without --workshop): "
            "choose the workshop to import it into"])
    try:
        curriculum, workshop = catalogue.workshop(wanted)
    except KeyError:
        raise ResultsFileError([f"there is no workshop {wanted!r}"]) from None
    if results.workshop is not None and results.workshop != workshop.id:
        raise ResultsFileError([
            f"the file is from workshop {results.workshop!r}, not {workshop.id!r}"])
    if results.curriculum != curriculum.id:
        raise ResultsFileError([
            f"the file is from curriculum {results.curriculum!r}; workshop {workshop.id!r} "
            f"runs {curriculum.id!r}"])
    return curriculum, workshop


def describe_attempt(kind: str, module_id: str | None) -> str:
    """Return how an attempt is named in a report: "module quiz all-kinds", "pre-test"."""
    return f"module quiz {module_id}" if kind == "module" else f"{kind}-test"


def _digest(*parts: object) -> str:
    text = json.dumps(parts, sort_keys=True, ensure_ascii=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def _attempt_key(attempt: Attempt) -> str:
    if attempt.id is not None:
        return attempt.id
    # Version 1 had no ids: the same stored attempt exports identically every time.
    return "v1-" + _digest(attempt.kind, attempt.module, attempt.module_hash,
                           attempt.started_at.isoformat(), attempt.submitted_at.isoformat(),
                           [(a.question, a.response) for a in attempt.answers])[:40]


def _learner_key(results: ResultsFile) -> str:
    if results.learner is not None:
        return results.learner
    return "name-" + _digest(" ".join(results.participant.casefold().split()))[:40]


class _Refused(Exception):
    """One attempt cannot be imported (caught per attempt, never leaves this module)."""

    def __init__(self, code: str, message: str, question: str | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.question = code, message, question


def _expected(catalogue: Catalogue, curriculum: Curriculum, workshop: Workshop,
              attempt: Attempt) -> tuple[list[tuple[str, str]], float]:
    """Return the (module, question) pairs this attempt must answer now, and its pass mark."""
    if attempt.kind == "module":
        module_id = attempt.module or ""
        if module_id not in catalogue.modules:
            raise _Refused("unknown-module", f"there is no module {module_id!r}")
        if module_id not in {m.id for m in catalogue.curriculum_modules(curriculum, workshop)}:
            raise _Refused("module-not-in-workshop",
                           f"module {module_id!r} is not part of workshop {workshop.id!r}")
        module = catalogue.modules[module_id]
        return [(module_id, q.id) for q in module.quiz.questions], module.quiz.pass_mark
    which: TestName = "pre" if attempt.kind == "pre" else "post"
    test = curriculum.pre_test if which == "pre" else curriculum.post_test
    # An offline package carries form A as pre-test and form B as post-test (no assignment there).
    return [(r.module, r.question) for r in refs_of_test(curriculum, which)], test.pass_mark


def _current_question(catalogue: Catalogue, module_id: str, question_id: str) -> Question:
    try:
        return catalogue.question(module_id, question_id)
    except KeyError:
        raise _Refused("unknown-question", f"there is no question {question_id!r} in module "
                       f"{module_id!r}", f"{module_id}/{question_id}") from None


def _check_attempt(catalogue: Catalogue, curriculum: Curriculum, workshop: Workshop,
                   attempt: Attempt, number: int) -> tuple[CheckedAttempt, ScoreDifference | None]:
    expected, pass_mark = _expected(catalogue, curriculum, workshop, attempt)
    label = describe_attempt(attempt.kind, attempt.module)
    if attempt.submitted_at < attempt.started_at:
        raise _Refused("impossible-times", "it was submitted before it was started")
    answers: list[CheckedAnswer] = []
    results: list[Result] = []
    differing: list[str] = []
    seen: set[tuple[str, str]] = set()
    for answer in attempt.answers:
        module_id = answer.module or attempt.module or ""
        where = f"{module_id}/{answer.question}"
        question = _current_question(catalogue, module_id, answer.question)
        if (module_id, answer.question) in seen:
            raise _Refused("repeated-question", f"question {where} is answered twice", where)
        seen.add((module_id, answer.question))
        if (module_id, answer.question) not in expected:
            raise _Refused("question-not-in-step", f"question {where} is not part of the {label}",
                           where)
        current_hash = catalogue.question_hash(module_id, answer.question)
        if answer.question_hash != current_hash:
            raise _Refused("stale-question", f"question {where} has changed since the site was "
                           "made: the attempt was taken against another version and is not "
                           "graded against this one (give the participant a new site)", where)
        result = grade(question, answer.response)
        results.append(result)
        if abs(result.earned - answer.earned) > POINTS_SLACK:
            differing.append(where)
        answers.append(CheckedAnswer(module_id, answer.question, current_hash, answer.response,
                                     result.earned, result.max, result.status))
    missing = [f"{m}/{q}" for m, q in expected if (m, q) not in seen]
    if missing:
        raise _Refused("questions-missing", f"the {label} now has questions the attempt does not "
                       f"answer ({', '.join(missing)}): it was taken against another version")
    score = score_attempt(results, pass_mark)
    checked = CheckedAttempt(
        number=number, label=label, key=_attempt_key(attempt), kind=attempt.kind,
        module_id=attempt.module, module_hash=attempt.module_hash, pass_mark=pass_mark,
        started_at=attempt.started_at, submitted_at=attempt.submitted_at, answers=tuple(answers),
        earned=score.earned, max_points=score.max, percent=score.percent, passed=score.passed)
    difference = None
    if (differing or abs(attempt.percent - score.percent) > PERCENT_SLACK
            or attempt.passed != score.passed):
        difference = ScoreDifference(number, label, attempt.percent, score.percent,
                                     tuple(differing))
    return checked, difference


def check_results(catalogue: Catalogue, results: ResultsFile, workshop_id: str | None = None
                  ) -> CheckedResults:
    """Check and re-grade a results file for `workshop_id` (default: the workshop it names).

    Raise ResultsFileError when the file cannot go to that workshop at all.
    """
    curriculum, workshop = _resolve_workshop(catalogue, results, workshop_id)
    accepted: list[CheckedAttempt] = []
    refused: list[Refusal] = []
    differences: list[ScoreDifference] = []
    tests_seen: set[str] = set()
    for number, attempt in enumerate(results.attempts, start=1):
        label = describe_attempt(attempt.kind, attempt.module)
        try:
            if attempt.kind in tests_seen:
                raise _Refused("test-repeated", f"a participant takes the {label} once; the "
                               "file's first one is kept")
            checked, difference = _check_attempt(catalogue, curriculum, workshop, attempt,
                                                 number)
        except _Refused as refusal:
            refused.append(Refusal(number, label, refusal.question, refusal.code,
                                   refusal.message))
            continue
        if attempt.kind != "module":
            tests_seen.add(attempt.kind)
        accepted.append(checked)
        if difference is not None:
            differences.append(difference)
    return CheckedResults(curriculum.id, workshop.id, _learner_key(results), results.participant,
                          tuple(accepted), tuple(refused), tuple(differences))

