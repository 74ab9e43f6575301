"""trainer.services.attempts.grading_plan: an attempt as grading needs it, without presenting it.

A submission whose presented attempt the worker no longer keeps is graded from the plan; it must
grade exactly as the presented attempt does, and say "changed" exactly when presenting would.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from trainer.content.catalogue import Catalogue, load_catalogue
from trainer.services.attempts import (
    PresentedAttempt,
    grade_answers,
    grading_plan,
    plan_module,
    present,
)
from trainer.services.drafts import field_names
from trainer.store.attempts import PlannedQuestion
from trainer.store.models import Attempt

LANGUAGES = (None, "fr", "ar")


@pytest.fixture(scope="module")
def catalogue(sample_root: Path) -> Catalogue:
    return load_catalogue(sample_root)


def _attempt(catalogue: Catalogue, module_id: str) -> Attempt:
    plan = plan_module(catalogue, catalogue.modules[module_id])
    return Attempt(public_id="p", questions=[q.as_json() for q in plan.questions],
                   tokens=plan.tokens, seed=plan.seed, pass_mark=plan.pass_mark)


def _answers(presented: PresentedAttempt, chance: random.Random) -> dict[str, Any]:
    """Random answers of every kind: right, wrong, partial or missing tokens, typed text."""
    answers: dict[str, Any] = {}
    for item in presented.questions:
        for spec in item.fields.fields:
            tokens = [choice.token for choice in spec.choices]
            roll = chance.random()
            if roll < 0.2:
                continue  # not answered
            if not tokens:
                answers[spec.name] = chance.choice(["", "CTED", "5,5", "12", "Interpol"])
            elif item.question.kind == "multiple":
                answers[spec.name] = chance.sample(tokens, chance.randint(1, len(tokens)))
            else:
                answers[spec.name] = chance.choice(tokens)
    return answers


def _planned(attempt: Attempt) -> list[PlannedQuestion]:
    return [PlannedQuestion(q["module"], q["question"], q["hash"]) for q in attempt.questions]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_plan_grades_every_sample_module_as_the_presented_attempt(
        catalogue: Catalogue, language: str | None) -> None:
    chance = random.Random(17)
    kinds: set[str] = set()
    for module_id in catalogue.modules:
        attempt = _attempt(catalogue, module_id)
        presented = present(catalogue, attempt, language)
        plan = grading_plan(catalogue, _planned(attempt), attempt.tokens, attempt.pass_mark,
                            language)
        assert presented is not None
        assert plan is not None
        assert field_names(plan.questions) == field_names(presented.questions)
        for _ in range(5):
            answers = _answers(presented, chance)
            assert (grade_answers(plan, answers, attempt.tokens)
                    == grade_answers(presented, answers, attempt.tokens)), module_id
        kinds.update(item.question.kind for item in plan.questions)
    # Every kind of question went through both (the sample exercises them all).
    assert {"single", "multiple", "true_false", "short_answer", "numeric",
            "matching", "ordering"} <= kinds


def test_the_plan_says_changed_exactly_when_presenting_does(catalogue: Catalogue) -> None:
    module_id = next(iter(catalogue.modules))
    attempt = _attempt(catalogue, module_id)
    first = dict(attempt.questions[0])
    changes: dict[str, Any] = {
        "hash": {"questions": [{**first, "hash": "0" * 64}, *attempt.questions[1:]]},
        "gone": {"questions": [{**first, "question": "no-such-question"},
                               *attempt.questions[1:]]},
        "tokens": {"tokens": {key: dict(list(tokens.items())[1:])
                              for key, tokens in attempt.tokens.items()}},
    }
    for what, change in changes.items():
        changed = Attempt(public_id="p", questions=change.get("questions", attempt.questions),
                          tokens=change.get("tokens", attempt.tokens), seed=attempt.seed,
                          pass_mark=attempt.pass_mark)
        assert present(catalogue, changed) is None, what
        assert grading_plan(catalogue, _planned(changed), changed.tokens,
                            changed.pass_mark) is None, what
    # And unchanged, both are there.
    assert grading_plan(catalogue, _planned(attempt), attempt.tokens, attempt.pass_mark)
