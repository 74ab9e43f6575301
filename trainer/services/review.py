"""The result of a submitted attempt, question by question: answer, right answer, feedback, why.

The stored grade is authoritative. When a question's YAML has changed since the attempt (its hash
differs) or was removed, the review shows the stored points and says so, without presenting the
new version's answer key as if it were the one the learner was graded on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from trainer.content.catalogue import Catalogue
from trainer.content.models import (
    Matching,
    Module,
    MultipleChoice,
    Numeric,
    Ordering,
    Question,
    ShortAnswer,
    SingleChoice,
    TrueFalse,
)
from trainer.quiz.grading import grade
from trainer.quiz.shuffle import choice_ids, option_order
from trainer.services.attempts import shown_question
from trainer.store.models import Attempt
from trainer.store.models import Response as StoredResponse


@dataclass(frozen=True)
class OptionRow:
    """An option of a choice question: whether it was chosen, whether it is right, its feedback."""

    text: Markup
    chosen: bool
    right: bool
    feedback: Markup


@dataclass(frozen=True)
class PairRow:
    """A matching prompt or an ordering position: what was chosen and what is right."""

    label: Markup
    chosen: Markup | None
    right: Markup
    correct: bool


@dataclass(frozen=True)
class ReviewedQuestion:
    """One question of a submitted attempt, ready for the result page."""

    number: int
    stored: StoredResponse
    module: Module | None = None
    question: Question | None = None
    prompt: Markup = Markup("")
    changed: bool = False
    options: list[OptionRow] = field(default_factory=list)
    rows: list[PairRow] = field(default_factory=list)
    typed: str | None = None
    accepted: list[str] = field(default_factory=list)
    feedback: Markup = Markup("")
    explanation: Markup = Markup("")


def _html(catalogue: Catalogue, text: str | None) -> Markup:
    return Markup(catalogue.html(text))  # noqa: S704 - sanitised when the content loaded


def _inline(catalogue: Catalogue, text: str) -> Markup:
    return Markup(catalogue.inline_html(text))  # noqa: S704 - sanitised when the content loaded


def _choice_review(catalogue: Catalogue, question: SingleChoice | MultipleChoice | TrueFalse,
                   order: list[str], response: Any) -> list[OptionRow]:
    chosen = set(response) if isinstance(response, list) else {response}
    options = {o.id: o for o in question.options}
    rows = []
    for option_id in order:
        option = options[option_id]
        picked = option_id in chosen
        rows.append(OptionRow(_inline(catalogue, option.text), picked, option.correct,
                              _html(catalogue, option.feedback) if picked else Markup("")))
    return rows


def _matching_review(catalogue: Catalogue, question: Matching, response: Any) -> list[PairRow]:
    texts = {p.id: p.match for p in question.pairs} | {d.id: d.text for d in question.distractors}
    answers = response if isinstance(response, dict) else {}
    rows = []
    for pair in question.pairs:
        picked = answers.get(pair.id)
        rows.append(PairRow(
            _inline(catalogue, pair.prompt),
            _inline(catalogue, texts[picked]) if picked in texts else None,
            _inline(catalogue, pair.match), picked == pair.id))
    return rows


def _ordering_review(catalogue: Catalogue, question: Ordering, response: Any) -> list[PairRow]:
    given = response if isinstance(response, list) else []
    texts = {item.id: item.text for item in question.items}
    rows = []
    for index, item in enumerate(question.items):
        picked = given[index] if index < len(given) else None
        rows.append(PairRow(
            Markup.escape(index + 1), _inline(catalogue, texts[picked]) if picked in texts else None,
            _inline(catalogue, item.text), picked == item.id))
    return rows


def _review_one(catalogue: Catalogue, attempt: Attempt, number: int, stored: StoredResponse,
                language: str | None) -> ReviewedQuestion:
    try:
        module, question = shown_question(catalogue, stored.module_id, stored.question_id,
                                          language)
    except KeyError:
        return ReviewedQuestion(number, stored, changed=True)
    prompt = _html(catalogue, question.prompt)
    if catalogue.question_hash(module.id, question.id) != stored.question_hash:
        return ReviewedQuestion(number, stored, module, question, prompt, changed=True)
    response = stored.response
    result = grade(question, response)
    review = ReviewedQuestion(number, stored, module, question, prompt,
                              explanation=_html(catalogue, question.explanation))
    if isinstance(question, SingleChoice | MultipleChoice | TrueFalse):
        order = (option_order(question, str(attempt.seed)) if module.quiz.shuffle
                 else choice_ids(question))
        review.options.extend(_choice_review(catalogue, question, order, response))
    elif isinstance(question, Matching):
        review.rows.extend(_matching_review(catalogue, question, response))
    elif isinstance(question, Ordering):
        review.rows.extend(_ordering_review(catalogue, question, response))
    elif isinstance(question, ShortAnswer | Numeric):
        right = result.right
        accepted = list(right) if isinstance(right, tuple) else []
        if isinstance(question, Numeric) and len(accepted) == 2:
            accepted = [accepted[0]] if accepted[0] == accepted[1] else [
                f"{accepted[0]} – {accepted[1]}"]
        unit = f" {question.unit}" if isinstance(question, Numeric) and question.unit else ""
        wrong = result.status != "correct"
        return ReviewedQuestion(
            number, stored, module, question, prompt,
            typed=response if isinstance(response, str) else None,
            accepted=[a + unit for a in accepted],
            feedback=_html(catalogue, question.feedback) if wrong else Markup(""),
            explanation=review.explanation)
    return review


def review(catalogue: Catalogue, attempt: Attempt, language: str | None = None
           ) -> list[ReviewedQuestion]:
    """Return every question of a submitted attempt, reviewed, in the order it was shown.

    `language`: show translated modules in that language (same ids and answer keys; the stored
    points are shown either way).
    """
    return [_review_one(catalogue, attempt, number, stored, language)
            for number, stored in enumerate(attempt.responses, start=1)]
