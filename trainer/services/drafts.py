"""Draft answers of an open attempt: cleaning what a page posts, and where each question stands.

A draft is what the quiz form posts, kept before grading (trainer.store.attempts.save_draft):
field name → the chosen token, the typed text, or the list of chosen tokens. Cleaning keeps only
the attempt's own field names and tokens, so a draft can be graded as a submission would be
(trainer.services.attempts.grade_answers). Nothing here grades.

A question's state, for the review page and the navigator: answered, not answered, or needing
attention (a number box holding something that is not a number, a matching or an ordering left
incomplete, a step used twice).

No Flask here (trainer.services).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from trainer.quiz.normalise import normalise_text, parse_number
from trainer.services.attempts import GradableQuestion, PresentedAttempt, PresentedQuestion

ANSWER_MAX = 500  # characters kept of a typed answer (the form refuses longer ones)
TYPED_KINDS = frozenset({"short_answer", "numeric"})  # answered by typing, not by choosing

State = Literal["answered", "unanswered", "attention"]
Problem = Literal["", "not_a_number", "incomplete", "repeated"]


@dataclass(frozen=True, slots=True)
class QuestionState:
    """Where one question of a draft stands; `problem` says why it needs attention."""

    number: int
    state: State
    problem: Problem = ""


def field_names(questions: Sequence[PresentedQuestion | GradableQuestion]) -> list[str]:
    """Return the form field names of these questions, in page order."""
    return [name for item in questions for name in item.field_names]


def clean_answers(questions: Sequence[PresentedQuestion], posted: Mapping[str, Sequence[str]]
                  ) -> dict[str, Any]:
    """Return the answers of `questions` in `posted` (name → every value posted under it).

    Kept: a token of the field's own choices (a list of them for multiple choice), or typed text
    (stripped, at most ANSWER_MAX characters). Anything else (unknown names, other tokens, blank
    values) is dropped, so a draft never holds what a submission would refuse.
    """
    answers: dict[str, Any] = {}
    for item in questions:
        kind = item.question.kind
        for spec in item.fields.fields:
            values = posted.get(spec.name)
            if not values:
                continue
            if kind in TYPED_KINDS:
                text = next((v for v in values if isinstance(v, str) and v), "")
                text = text.strip()[:ANSWER_MAX]
                if text:
                    answers[spec.name] = text
                continue
            allowed = spec.tokens
            chosen = [v for v in values if isinstance(v, str) and v in allowed]
            if chosen:
                answers[spec.name] = list(dict.fromkeys(chosen)) if kind == "multiple" else chosen[0]
    return answers


def question_state(item: PresentedQuestion, answers: Mapping[str, Any]) -> QuestionState:
    """Return whether `item` is answered in `answers`, not answered, or needs attention."""
    names = item.field_names
    kind = item.question.kind
    if kind in TYPED_KINDS:
        text = answers.get(names[0])
        if not isinstance(text, str) or not normalise_text(text):
            return QuestionState(item.number, "unanswered")
        if kind == "numeric" and parse_number(text) is None:
            return QuestionState(item.number, "attention", "not_a_number")
        return QuestionState(item.number, "answered")
    if kind in ("matching", "ordering"):
        chosen = [answers.get(name) for name in names if answers.get(name)]
        if not chosen:
            return QuestionState(item.number, "unanswered")
        if kind == "ordering" and len(set(chosen)) != len(chosen):
            return QuestionState(item.number, "attention", "repeated")
        if len(chosen) != len(names):
            return QuestionState(item.number, "attention", "incomplete")
        return QuestionState(item.number, "answered")
    return QuestionState(item.number, "answered" if answers.get(names[0]) else "unanswered")


def question_states(presented: PresentedAttempt, answers: Mapping[str, Any]
                    ) -> list[QuestionState]:
    """Return the state of every question of an attempt in a draft, in order."""
    return [question_state(item, answers) for item in presented.questions]


def pages(presented: PresentedAttempt, per_page: int | None) -> list[tuple[PresentedQuestion, ...]]:
    """Split an attempt's questions into pages of `per_page` (None: one page with all)."""
    questions = presented.questions
    if not per_page or per_page >= len(questions):
        return [questions]
    return [questions[start:start + per_page] for start in range(0, len(questions), per_page)]


def page_of(pages_: Sequence[Sequence[PresentedQuestion]], number: int) -> int:
    """Return the page (from 1) that shows question `number` (1 when there is none)."""
    for index, page in enumerate(pages_, start=1):
        if any(item.number == number for item in page):
            return index
    return 1
