"""Quiz attempts: plan one, present it as form fields, grade the posted answers.

Planning picks the questions and gives every choice a random per-attempt token; presenting puts
the choices in the attempt's seeded order (matching and ordering choices are always shuffled,
since their authored order is the answer); grading turns posted tokens back into ids and calls
trainer.quiz. Nothing presented before submission carries correctness, feedback or explanations.

No Flask here (trainer.services): the web app passes the interface's words and a cache in, and
builds its WTForms form from the `QuestionFields` this module describes.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from markupsafe import Markup

from trainer.content.catalogue import Catalogue
from trainer.content.models import (
    Curriculum,
    Matching,
    Module,
    MultipleChoice,
    Numeric,
    Ordering,
    Question,
    Section,
    SectionKind,
    ShortAnswer,
    SingleChoice,
    TrueFalse,
)
from trainer.quiz.grading import Response, Result, grade
from trainer.quiz.scoring import score_attempt
from trainer.quiz.shuffle import choice_ids, option_order
from trainer.recent import Recent
from trainer.store.attempts import AttemptScore, GradedResponse, PlannedQuestion, planned_questions
from trainer.store.models import Attempt

SEED_LIMIT = 2**31 - 1


@dataclass(frozen=True)
class Choice:
    """One thing a learner can pick: its per-attempt token and its label as safe HTML."""

    token: str
    label: Markup


@dataclass(frozen=True)
class FieldSpec:
    """One form field of a question: its name, its label and the choices it accepts."""

    name: str
    label: Markup
    choices: tuple[Choice, ...] = ()

    @cached_property
    def tokens(self) -> frozenset[str]:
        """The tokens of its choices: what a draft or a submission may hold for this field."""
        return frozenset(choice.token for choice in self.choices)


@dataclass(frozen=True)
class QuestionFields:
    """The form fields that answer one question."""

    kind: str
    fields: tuple[FieldSpec, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class InterfaceWords:
    """The interface's own words a presented quiz needs, in the learner's interface language."""

    locale: str = "en"
    position: Callable[[int], str] = "Position {}".format  # an ordering field's label


@dataclass(frozen=True)
class Plan:
    """What a new attempt is built from."""

    questions: list[PlannedQuestion]
    tokens: dict[str, dict[str, str]]
    seed: int
    pass_mark: float


def question_key(module_id: str, question_id: str) -> str:
    """Return the key of a question in an attempt's token map."""
    return f"{module_id}/{question_id}"


def _plan(catalogue: Catalogue, pairs: Iterable[tuple[Module, Question]], pass_mark: float
          ) -> Plan:
    questions: list[PlannedQuestion] = []
    tokens: dict[str, dict[str, str]] = {}
    used: set[str] = set()
    for module, question in pairs:
        questions.append(PlannedQuestion(module.id, question.id,
                                         catalogue.question_hash(module.id, question.id)))
        mapping: dict[str, str] = {}
        for choice_id in choice_ids(question):
            token = secrets.token_hex(4)
            while token in used:  # pragma: no cover - 1 in 4 billion
                token = secrets.token_hex(4)
            used.add(token)
            mapping[choice_id] = token
        tokens[question_key(module.id, question.id)] = mapping
    return Plan(questions, tokens, secrets.randbelow(SEED_LIMIT), pass_mark)


def plan_module(catalogue: Catalogue, module: Module) -> Plan:
    """Plan an attempt at a module's quiz."""
    return _plan(catalogue, ((module, q) for q in module.quiz.questions), module.quiz.pass_mark)


def plan_test(catalogue: Catalogue, curriculum: Curriculum, which: str,
              pre_form: str | None = None) -> Plan:
    """Plan an attempt at a curriculum's pre-test ("pre") or post-test ("post").

    With parallel forms, `pre_form` is the participant's pre-test form ("a" or "b"): the
    pre-test is that form and the post-test the other.
    """
    test = curriculum.pre_test if which == "pre" else curriculum.post_test
    return _plan(catalogue, catalogue.test_questions(curriculum, "pre" if which == "pre" else
                                                     "post", pre_form), test.pass_mark)


@dataclass(frozen=True)
class PresentedQuestion:
    """A question as this attempt shows it."""

    number: int
    module: Module
    question: Question
    planned: PlannedQuestion
    prompt: Markup
    case: Section | None
    case_body: Markup
    order: tuple[str, ...]
    fields: QuestionFields

    @cached_property
    def field_names(self) -> tuple[str, ...]:
        """The names of the form fields that answer it."""
        return tuple(spec.name for spec in self.fields.fields)


@dataclass(frozen=True, slots=True)
class GradableQuestion:
    """A question of an attempt as grading needs it: no labels, no order (`grading_plan`)."""

    module: Module
    question: Question
    planned: PlannedQuestion
    field_names: tuple[str, ...]


@dataclass(frozen=True)
class GradingPlan:
    """Every question of an attempt, as grading needs them, with the attempt's pass mark."""

    questions: tuple[GradableQuestion, ...]
    pass_mark: float


@dataclass(frozen=True)
class PresentedAttempt:
    """Every question of an attempt, in order, with the attempt's pass mark."""

    questions: tuple[PresentedQuestion, ...]
    pass_mark: float

    @property
    def total_points(self) -> float:
        """Return the points the attempt is out of."""
        return sum(q.question.points for q in self.questions)


def _choice_text(question: Question, choice_id: str) -> str:
    if isinstance(question, SingleChoice | MultipleChoice | TrueFalse):
        return next(o.text for o in question.options if o.id == choice_id)
    if isinstance(question, Matching):
        return next((p.match for p in question.pairs if p.id == choice_id), None) or next(
            d.text for d in question.distractors if d.id == choice_id)
    if isinstance(question, Ordering):
        return next(i.text for i in question.items if i.id == choice_id)
    raise KeyError(choice_id)  # pragma: no cover - typed answers have no choices


@dataclass(frozen=True, slots=True)
class Shown:
    """What a question shows, whatever the attempt: rendered once per worker and language."""

    prompt: Markup
    labels: dict[str, Markup]  # choice id -> label
    field_labels: tuple[Markup, ...]  # matching: each pair's prompt; ordering: "Position n"
    case: Section | None
    case_body: Markup


# What a worker keeps of questions as shown: (module id, question id, language shown, locale).
ShownKey = tuple[str, str, str, str]
ShownCache = Recent[ShownKey, "Shown"]


def _shown(catalogue: Catalogue, module: Module, question: Question, language: str,
           words: InterfaceWords, cache: ShownCache | None) -> Shown:
    key = (module.id, question.id, language, words.locale)
    found = cache.get(key) if cache is not None else None
    if found is not None:
        return found
    labels = {c: Markup(catalogue.inline_html(_choice_text(question, c)))  # noqa: S704 - sanitised
              for c in choice_ids(question)}
    if isinstance(question, Matching):
        field_labels = tuple(Markup(catalogue.inline_html(pair.prompt))  # noqa: S704 - sanitised
                             for pair in question.pairs)
    elif isinstance(question, Ordering):
        field_labels = tuple(Markup.escape(words.position(index))
                             for index in range(1, len(question.items) + 1))
    else:
        field_labels = ()
    case = _case(module, question)
    found = Shown(
        prompt=Markup(catalogue.html(question.prompt)),  # noqa: S704 - sanitised at load
        labels=labels, field_labels=field_labels, case=case,
        case_body=Markup(catalogue.html(case.body if case else None)))  # noqa: S704
    return cache.put(key, found) if cache is not None else found  # a race renders it twice


def answer_field_names(number: int, question: Question) -> tuple[str, ...]:
    """Return the names of the form fields answering a question shown as number `number`: one
    per pair of a matching question, one per position of an ordering one, else one."""
    name = f"q{number}"
    if isinstance(question, Matching):
        return tuple(f"{name}-{index}" for index in range(1, len(question.pairs) + 1))
    if isinstance(question, Ordering):
        return tuple(f"{name}-{index}" for index in range(1, len(question.items) + 1))
    return (name,)


def _fields(shown: Shown, number: int, question: Question, order: list[str],
            tokens: Mapping[str, str]) -> QuestionFields:
    names = answer_field_names(number, question)
    choices = tuple(Choice(tokens[c], shown.labels[c]) for c in order)
    if isinstance(question, Matching | Ordering):
        return QuestionFields(question.kind, tuple(
            FieldSpec(name, label, choices)
            for name, label in zip(names, shown.field_labels, strict=True)))
    return QuestionFields(question.kind, (FieldSpec(names[0], shown.prompt, choices),))


def _case(module: Module, question: Question) -> Section | None:
    if question.case is None:
        return None
    return next((s for s in module.sections
                 if s.id == question.case and s.kind == SectionKind.CASE_STUDY), None)


def shown_question(catalogue: Catalogue, module_id: str, question_id: str, language: str | None
                   ) -> tuple[Module, Question]:
    """Return a module and one of its questions in `language` when translated, else the source.

    A translation keeps every id and answer key, so the attempt's tokens, hashes and grade are the
    same whichever language it is shown in. KeyError when the module or question is gone.
    """
    catalogue.question(module_id, question_id)  # KeyError when the source no longer has it
    module = catalogue.module_in(module_id, language) if language else catalogue.module(module_id)
    question = next(q for q in module.quiz.questions if q.id == question_id)
    return module, question


def present(catalogue: Catalogue, attempt: Attempt, language: str | None = None, *,
            words: InterfaceWords | None = None, cache: ShownCache | None = None
            ) -> PresentedAttempt | None:
    """Return the attempt's questions as shown, or None when the content changed since it began.

    `language`: show translated modules in that language (None: the source text); `words`: the
    interface's words (English by default); `cache`: where a worker keeps questions as shown.
    """
    words = words or InterfaceWords()
    found = _planned_items(catalogue, planned_questions(attempt), attempt.tokens, language)
    if found is None:
        return None
    presented: list[PresentedQuestion] = []
    for number, (planned, module, question, tokens) in enumerate(found, start=1):
        order = _order(module, question, str(attempt.seed))
        shown = _shown(catalogue, module, question, language or "", words, cache)
        presented.append(PresentedQuestion(
            number=number, module=module, question=question, planned=planned,
            prompt=shown.prompt, case=shown.case, case_body=shown.case_body, order=tuple(order),
            fields=_fields(shown, number, question, order, tokens)))
    return PresentedAttempt(tuple(presented), attempt.pass_mark)


def grading_plan(catalogue: Catalogue, planned: Iterable[PlannedQuestion],
                 tokens: Mapping[str, Mapping[str, str]], pass_mark: float,
                 language: str | None = None) -> GradingPlan | None:
    """Return an attempt's questions as grading needs them (None: the content changed since it
    began, as `present` says): what `present` does but the labels, the order and the fields'
    choices, a fraction of its work, for a submission whose presented attempt a worker no longer
    keeps. Grades as `present`'s attempt does (`grade_answers` takes either)."""
    found = _planned_items(catalogue, planned, tokens, language)
    if found is None:
        return None
    return GradingPlan(tuple(
        GradableQuestion(module, question, item, answer_field_names(number, question))
        for number, (item, module, question, _tokens) in enumerate(found, start=1)), pass_mark)


PlannedItem = tuple[PlannedQuestion, Module, Question, Mapping[str, str]]


def _planned_items(catalogue: Catalogue, planned: Iterable[PlannedQuestion],
                   tokens: Mapping[str, Mapping[str, str]], language: str | None
                   ) -> list[PlannedItem] | None:
    """Return each planned question with its module and question shown in `language` and its
    choice tokens; None when any is gone, changed (its hash) or has other choices than tokens."""
    found: list[PlannedItem] = []
    for item in planned:
        try:
            module, question = shown_question(catalogue, item.module_id, item.question_id,
                                              language)
        except KeyError:
            return None
        if catalogue.question_hash(module.id, question.id) != item.question_hash:
            return None
        mapping = tokens.get(question_key(module.id, question.id), {})
        if set(mapping) != set(choice_ids(question)):
            return None
        found.append((item, module, question, mapping))
    return found


def _order(module: Module, question: Question, seed: str) -> list[str]:
    # Matching and ordering choices in authored order would give the answer away.
    if module.quiz.shuffle or isinstance(question, Matching | Ordering):
        return option_order(question, seed)
    return choice_ids(question)


def _response(item: PresentedQuestion | GradableQuestion, answers: Mapping[str, Any],
              tokens: dict[str, str]) -> Response:
    by_token = {token: choice_id for choice_id, token in tokens.items()}
    question = item.question
    names = item.field_names
    if isinstance(question, MultipleChoice):
        data = answers.get(names[0]) or []
        return [by_token[t] for t in data if t in by_token]
    if isinstance(question, SingleChoice | TrueFalse):
        return by_token.get(answers.get(names[0]) or "")
    if isinstance(question, ShortAnswer | Numeric):
        text = answers.get(names[0])
        return text if text else None
    chosen = [by_token.get(answers.get(name) or "") for name in names]
    if isinstance(question, Matching):
        return {pair.id: c for pair, c in zip(question.pairs, chosen, strict=True) if c}
    answered = [c for c in chosen if c]
    return answered if answered else None


def grade_answers(presented: PresentedAttempt | GradingPlan, answers: Mapping[str, Any],
                  tokens: dict[str, dict[str, str]]) -> tuple[list[GradedResponse], AttemptScore]:
    """Grade validated answers (field name → posted value): every response as ids, and the score.

    `presented`: the attempt as shown, or as grading needs it (`grading_plan`): the same grade."""
    graded: list[GradedResponse] = []
    results: list[Result] = []
    for item in presented.questions:
        key = question_key(item.module.id, item.question.id)
        response = _response(item, answers, tokens[key])
        result = grade(item.question, response)
        results.append(result)
        graded.append(GradedResponse(item.module.id, item.question.id, item.planned.question_hash,
                                     response, result.earned, result.max, result.status))
    score = score_attempt(results, presented.pass_mark)
    return graded, AttemptScore(score.earned, score.max, score.percent, score.passed)


def attempt_title(catalogue: Catalogue, curriculum: Curriculum, attempt: Attempt,
                  language: str | None = None) -> str:
    """Return what an attempt is of, for headings: a module title (in `language`) or a test title."""
    if attempt.module_id:
        if attempt.module_id not in catalogue.modules:
            return attempt.module_id
        found = (catalogue.module_in(attempt.module_id, language) if language
                 else catalogue.modules[attempt.module_id])
        return found.title
    if language:
        curriculum = catalogue.curriculum_in(curriculum.id, language)
    return curriculum.pre_test.title if attempt.kind == "pre" else curriculum.post_test.title


def plan_questions(catalogue: Catalogue, pairs: Iterable[tuple[Module, Question]],
                   pass_mark: float) -> Plan:
    """Plan anything built like an attempt (a live session too) from these questions."""
    return _plan(catalogue, pairs, pass_mark)
