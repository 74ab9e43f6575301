"""Live sessions: what the facilitator's buttons do, what the room sees, and what is kept.

A live session is planned like an attempt (questions, per-session choice tokens, a seed), so a
phone answers it with the same form fields as a quiz and its answers are graded by the same
`trainer.quiz.grading.grade` (through `attempts.grade_answers`). The state machine:

    ready --open--> open --close--> closed --reveal--> revealed
      |               `----reveal----------^   closed --open--> open (again)
    next / previous: to the neighbouring question, "ready" (its answers so far are kept)
    end: from anywhere, for good

A session started as the pre-test or the post-test becomes each participant's attempt at that
test when it ends (unless they already have one: one attempt each, as ever); any other session
never counts as a test. No Flask here (trainer.services): the web passes words and caches in.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from trainer.content.catalogue import Catalogue
from trainer.content.models import (
    Curriculum,
    Matching,
    MultipleChoice,
    Numeric,
    Ordering,
    Question,
    ShortAnswer,
    SingleChoice,
    TrueFalse,
    Workshop,
)
from trainer.export.live_chart import Bar, bar_chart
from trainer.quiz.grading import Result, grade, right_answer
from trainer.quiz.normalise import format_number, normalise_text, parse_number
from trainer.quiz.scoring import score_attempt
from trainer.quiz.statistics import ItemResponse, ItemStatistics, item_statistics
from trainer.services.attempts import (
    InterfaceWords,
    Plan,
    PresentedAttempt,
    PresentedQuestion,
    ShownCache,
    grade_answers,
    plan_module,
    plan_questions,
    plan_test,
    present,
    shown_question,
)
from trainer.services.results import plain_text
from trainer.store.attempts import (
    AttemptScore,
    GradedResponse,
    participant_attempts,
    planned_questions,
    start_attempt,
    submit_attempt,
)
from trainer.store.database import Database
from trainer.store.live import LiveSession, StoredAnswer
from trainer.store.models import Attempt, AttemptKind

__all__ = [
    "ACTIONS",
    "Bar",
    "DistributionWords",
    "answer_key",
    "field_values",
    "InvalidAction",
    "LiveScore",
    "apply_action",
    "distribution",
    "distribution_chart",
    "grade_live_answer",
    "live_item_statistics",
    "live_scores",
    "plan_live",
    "present_live",
    "response_text",
    "record_test_attempts",
    "session_attempt",
]

ACTIONS = ("open", "close", "reveal", "next", "previous", "end")
TEST_KINDS = {"pre": AttemptKind.PRE, "post": AttemptKind.POST}
TYPED_BARS = 6  # short and numeric answers: the most frequent answers shown, the rest grouped


class InvalidAction(ValueError):  # noqa: N818 - a refusal the presenter is told about
    """The action does not apply to the session's state (e.g. "next" on the last question)."""


def apply_action(action: str, phase: str, position: int, total: int) -> tuple[str, int]:
    """Return the (phase, position) after `action`; raise InvalidAction when it does not apply."""
    if phase == "ended" or action not in ACTIONS:
        raise InvalidAction(action)
    if action == "open" and phase in ("ready", "closed"):
        return "open", position
    if action == "close" and phase == "open":
        return "closed", position
    if action == "reveal" and phase in ("open", "closed"):
        return "revealed", position
    if action == "next" and position + 1 < total:
        return "ready", position + 1
    if action == "previous" and position > 0:
        return "ready", position - 1
    if action == "end":
        return "ended", position
    raise InvalidAction(action)


def plan_live(catalogue: Catalogue, curriculum: Curriculum, workshop: Workshop, source: str,
              module_id: str | None = None, picks: Sequence[str] = ()) -> Plan:
    """Plan a live session: a module's quiz, the pre-test or post-test, or picked questions.

    `picks` are "module/question" keys of the workshop's modules, in the order to ask them.
    Raises ValueError when the module or a picked question is not one of the workshop's.
    """
    modules = {m.id: m for m in catalogue.curriculum_modules(curriculum, workshop)}
    if source == "module":
        if module_id not in modules:
            raise ValueError("not a module of this workshop")
        return plan_module(catalogue, modules[module_id])
    if source in TEST_KINDS:
        return plan_test(catalogue, curriculum, source)
    if source != "pick":
        raise ValueError(f"unknown source {source!r}")
    pairs = []
    for key in dict.fromkeys(picks):
        found_module, _sep, question_id = key.partition("/")
        module = modules.get(found_module)
        question = next((q for q in module.quiz.questions if q.id == question_id),
                        None) if module else None
        if module is None or question is None:
            raise ValueError(f"not a question of this workshop: {key}")
        pairs.append((module, question))
    if not pairs:
        raise ValueError("no question picked")
    return plan_questions(catalogue, pairs, 50.0)


def session_attempt(live: LiveSession) -> Attempt:
    """Return the session as an (unsaved) attempt: what presenting and grading read."""
    return Attempt(public_id=f"live-{live.room_code}", questions=live.questions,
                   tokens=live.tokens, seed=live.seed, pass_mark=live.pass_mark)


def present_live(catalogue: Catalogue, live: LiveSession, language: str | None, *,
                 words: InterfaceWords | None = None, cache: ShownCache | None = None
                 ) -> PresentedAttempt | None:
    """Return every question of the session as phones show it (None: the content changed)."""
    return present(catalogue, session_attempt(live), language, words=words, cache=cache)


def grade_live_answer(item: PresentedQuestion, answers: Mapping[str, Any],
                      tokens: dict[str, dict[str, str]]) -> GradedResponse:
    """Grade a phone's validated answer to one question with the quiz grader."""
    graded, _score = grade_answers(PresentedAttempt((item,), 0.0), answers, tokens)
    return graded[0]


# -- what the room sees ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DistributionWords:
    """The interface's words a distribution needs (status groups, "other answers")."""

    correct: str = "All right"
    partial: str = "Partly right"
    wrong: str = "Wrong"
    other: str = "Other answers"


def _typed_key(question: Question, response: str) -> str:
    if isinstance(question, Numeric):
        value = parse_number(response)
        return format_number(value) if value is not None else response.strip()
    return normalise_text(response)


def distribution(catalogue: Catalogue, question: Question, order: Sequence[str],
                 responses: Sequence[Any], words: DistributionWords | None = None
                 ) -> list[Bar]:
    """Return the bars of how the room answered: one per option, or per typed answer or grade.

    Choice kinds: one bar per option in the order shown (`order`), a multiple-choice answer
    counting for every option it chose; short and numeric answers: the most frequent answers
    (as normalised for grading), the rest as one bar; matching and ordering: right, partly right,
    wrong. `right` marks what the grader accepts.
    """
    words = words or DistributionWords()
    answered = [r for r in responses if r not in (None, "", [], {})]
    if isinstance(question, SingleChoice | MultipleChoice | TrueFalse):
        counts: Counter[str] = Counter()
        for response in answered:
            chosen = response if isinstance(response, list) else [response]
            counts.update(c for c in set(chosen) if isinstance(c, str))
        options = {o.id: o for o in question.options}
        return [Bar(plain_text(catalogue, options[o].text, 60), counts.get(o, 0), options[o].correct)
                for o in order if o in options]
    if isinstance(question, ShortAnswer | Numeric):
        typed: Counter[str] = Counter()
        shown: dict[str, str] = {}
        right: dict[str, bool] = {}
        for response in answered:
            if not isinstance(response, str):
                continue
            key = _typed_key(question, response)
            typed[key] += 1
            shown.setdefault(key, " ".join(response.split())[:60])
            right.setdefault(key, grade(question, response).status == "correct")
        top = typed.most_common(TYPED_BARS)
        bars = [Bar(shown[key], count, right[key]) for key, count in top]
        rest = sum(typed.values()) - sum(count for _key, count in top)
        if rest:
            bars.append(Bar(words.other, rest, False))
        return bars
    statuses = Counter(grade(question, r).status for r in answered)
    return [Bar(words.correct, statuses.get("correct", 0), True, named=False),
            Bar(words.partial, statuses.get("partial", 0), False),
            Bar(words.wrong, statuses.get("wrong", 0), False)]


def distribution_chart(bars: Sequence[Bar], *, chart_id: str, title: str, right_label: str,
                       answers_label: Callable[[int], str], size: str = "page") -> Markup:
    """Return the distribution as an SVG bar chart, the right answer marked (text, not colour)."""
    parts = [f"{bar.label}: {answers_label(bar.count)}" + (f" ({right_label})" if bar.right else "")
             for bar in bars]
    return bar_chart(bars, chart_id=chart_id, title=title, description="; ".join(parts),
                     right_label=right_label, size=size)


def answer_key(catalogue: Catalogue, question: Question) -> list[Markup]:
    """Return what is right, as lines to show once revealed (options, accepted answers, pairs)."""
    def inline(text: str) -> Markup:
        return Markup(catalogue.inline_html(text))  # noqa: S704 - sanitised when loaded

    if isinstance(question, SingleChoice | MultipleChoice | TrueFalse):
        return [inline(o.text) for o in question.options if o.correct]
    if isinstance(question, ShortAnswer):
        return [Markup.escape(a) for a in question.accepted]
    if isinstance(question, Numeric):
        right = right_answer(question)
        unit = f" {question.unit}" if question.unit else ""
        if isinstance(right, tuple) and len(right) == 2:
            text = right[0] if right[0] == right[1] else f"{right[0]} – {right[1]}"
            return [Markup.escape(text + unit)]
        return []
    if isinstance(question, Matching):
        return [inline(p.prompt) + Markup(" → ") + inline(p.match) for p in question.pairs]
    if isinstance(question, Ordering):
        return [inline(i.text) for i in question.items]
    return []  # pragma: no cover - every kind is handled above


def field_values(item: PresentedQuestion, response: Any, tokens: dict[str, str]) -> dict[str, Any]:
    """Return a stored response as the form's field values (to show a phone its answer)."""
    specs = item.fields.fields
    question = item.question
    if isinstance(question, MultipleChoice):
        chosen = response if isinstance(response, list) else []
        return {specs[0].name: [tokens[c] for c in chosen if c in tokens]}
    if isinstance(question, SingleChoice | TrueFalse):
        return {specs[0].name: tokens.get(response) if isinstance(response, str) else None}
    if isinstance(question, ShortAnswer | Numeric):
        return {specs[0].name: response if isinstance(response, str) else ""}
    if isinstance(question, Matching) and isinstance(response, dict):
        pairs = [p.id for p in question.pairs]
        return {spec.name: tokens.get(response.get(pair) or "") for spec, pair in zip(specs, pairs,
                                                                                      strict=True)}
    if isinstance(question, Ordering) and isinstance(response, list):
        return {spec.name: tokens.get(c) for spec, c in zip(specs, response, strict=False)}
    return {}


def response_text(response: Any) -> str:
    """Return a stored response (ids, or typed text) as one line for a CSV cell."""
    if isinstance(response, list):
        return "; ".join(str(r) for r in response)
    if isinstance(response, dict):
        return "; ".join(f"{k}={v}" for k, v in response.items())
    return "" if response is None else str(response)


# -- what is kept ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class LiveScore:
    """A participant's score in a live quiz."""

    public_id: str
    name: str
    answered: int
    earned: float
    max_points: float

    @property
    def percent(self) -> float:
        """Return the score in percent of the session's points."""
        return 100.0 * self.earned / self.max_points if self.max_points else 0.0


def live_scores(answers: Sequence[StoredAnswer], max_points: float) -> list[LiveScore]:
    """Return each participant's score (highest first), out of every question's points."""
    by_participant: dict[str, list[StoredAnswer]] = defaultdict(list)
    for stored in answers:
        by_participant[stored.participant_public_id].append(stored)
    scores = [LiveScore(public_id, given[0].participant_name, len(given),
                        sum(s.answer.earned for s in given), max_points)
              for public_id, given in by_participant.items()]
    return sorted(scores, key=lambda s: (-s.earned, s.name))


def live_item_statistics(answers: Sequence[StoredAnswer]) -> dict[str, ItemStatistics]:
    """Return the item analysis of a live quiz (per question version), as for any attempt."""
    responses = []
    for stored in answers:
        answer = stored.answer
        value = answer.response
        chosen = (value,) if isinstance(value, str) else tuple(
            v for v in value if isinstance(v, str)) if isinstance(value, list) else ()
        responses.append(ItemResponse(
            participant=stored.participant_public_id, question_hash=answer.question_hash,
            fraction=answer.earned / answer.max_points if answer.max_points > 0 else 0.0,
            chosen=chosen, points=answer.max_points))
    return item_statistics(responses)


def record_test_attempts(database: Database, catalogue: Catalogue, live: LiveSession,
                         answers: Sequence[StoredAnswer], participant_ids: Mapping[str, int]
                         ) -> int:
    """Make a pre/post-test session each answering participant's attempt at that test.

    Only for sessions started as the pre-test or post-test; a participant who already has an
    attempt at that test keeps it (one attempt each). Questions they did not answer score 0.
    Returns how many attempts were recorded.
    """
    kind = TEST_KINDS.get(live.source)
    if kind is None:
        return 0
    planned = planned_questions(session_attempt(live))
    by_participant: dict[str, dict[int, StoredAnswer]] = defaultdict(dict)
    for stored in answers:
        by_participant[stored.participant_public_id][stored.answer.position] = stored
    recorded = 0
    for public_id, given in by_participant.items():
        participant_id = participant_ids[public_id]
        if any(a.kind == kind.value for a in participant_attempts(database, participant_id)):
            continue
        graded = []
        for position, plan in enumerate(planned):
            found = given.get(position)
            if found is not None:
                a = found.answer
                graded.append(GradedResponse(a.module_id, a.question_id, a.question_hash,
                                             a.response, a.earned, a.max_points, a.status))
                continue
            _module, question = shown_question(catalogue, plan.module_id, plan.question_id, None)
            result = grade(question, None)
            graded.append(GradedResponse(plan.module_id, plan.question_id, plan.question_hash,
                                         None, result.earned, result.max, result.status))
        score = score_attempt((Result(g.earned, g.max_points, "partial", 0.0, ()) for g in graded),
                              live.pass_mark)
        attempt = start_attempt(
            database, participant_id=participant_id, kind=kind, curriculum_id=live.curriculum_id,
            module_id=None, module_hash=None, questions=planned, tokens=live.tokens,
            seed=live.seed, pass_mark=live.pass_mark)
        if not attempt.submitted and submit_attempt(
                database, attempt.id, graded,
                AttemptScore(score.earned, score.max, score.percent, score.passed)):
            recorded += 1
    return recorded
