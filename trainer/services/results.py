"""Turn a workshop's stored attempts into `WorkshopResults`: the grid, learning gain, item analysis.

Which attempts count, and why:
- the grid shows each participant's best submitted percent per step, and "passed" when any
  submitted attempt passed (the trainee's own programme page says the same, via web.progress);
- learning gain compares the pre-test with the post-test (one of each per participant), per
  participant, per learning objective ("module/objective" of each question) and for the cohort;
- item analysis of a module quiz uses each participant's FIRST submitted attempt: later attempts
  come after the feedback of the first, so they would flatter the item. Statistics are per
  question hash: an edited question is a new version, analysed on its own.
- with parallel forms, each participant's order (A then B, or B then A) is read from the questions
  of their pre-test attempt (what they actually took), or else from the form they were assigned
  at join; the design summary compares the two orders and the two forms.
- typed answers (short answer, numeric) are grouped as grading compares them (normalised text,
  parsed number) and shown most frequent first, each with its count and whether it was accepted.
All numbers come from trainer.quiz.statistics.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from markupsafe import Markup

from trainer.content.catalogue import FORMS, Catalogue, refs_of_test
from trainer.content.models import (
    Curriculum,
    Module,
    MultipleChoice,
    Numeric,
    Question,
    ShortAnswer,
    SingleChoice,
    TrueFalse,
    Workshop,
)
from trainer.export.report import (
    ChoiceCount,
    ItemRow,
    ItemSection,
    ModuleColumn,
    ObjectiveGain,
    ParticipantRow,
    StepResult,
    TypedAnswer,
    WorkshopResults,
)
from trainer.quiz.normalise import format_number, normalise_text, parse_number
from trainer.quiz.statistics import (
    CounterbalancedDesign,
    GainSummary,
    ItemResponse,
    ParticipantGain,
    counterbalanced_design,
    item_statistics,
    learning_gain,
)
from trainer.services.progress import module_progress, test_progress
from trainer.store.models import Attempt, AttemptKind, Participant, Response

PROMPT_LIMIT = 160
TYPED_SHOWN = 5  # the most frequent typed answers listed per item; the rest are counted together


def participant_key(participant: Participant) -> str:
    """Return the key statistics use for a participant (sorts in joining order)."""
    return f"{participant.id:010d}"


def plain_text(catalogue: Catalogue, markdown: str, limit: int = PROMPT_LIMIT) -> str:
    """Return author Markdown as short plain text (for tables and CSV cells)."""
    # striptags also unescapes entities: the result is plain text, escaped again where shown.
    text = " ".join(Markup(catalogue.html(markdown)).striptags().split())  # noqa: S704
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def _step(progress_state: str, percent: float | None, attempts: int) -> StepResult:
    return StepResult(progress_state, percent, attempts)


def _current_question(catalogue: Catalogue, module_id: str, question_id: str) -> Question | None:
    try:
        return catalogue.question(module_id, question_id)
    except KeyError:
        return None


def _objective_key(question: Question | None, module_id: str) -> str | None:
    if question is None or question.objective is None:
        return None
    # A question of an assessment bank names the module whose objective it assesses.
    return f"{question.module or module_id}/{question.objective}"


def _chosen(response: Response) -> tuple[str, ...]:
    value = response.response
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list):
        return tuple(v for v in value if isinstance(v, str))
    return ()


def _item_response(catalogue: Catalogue, participant: Participant, response: Response
                   ) -> ItemResponse:
    question = _current_question(catalogue, response.module_id, response.question_id)
    fraction = response.earned / response.max_points if response.max_points > 0 else 0.0
    return ItemResponse(
        participant=participant_key(participant), question_hash=response.question_hash,
        fraction=fraction, chosen=_chosen(response), points=response.max_points,
        objective=_objective_key(question, response.module_id),
    )


def _submitted(participant: Participant, kind: AttemptKind, module_id: str | None = None
               ) -> list[Attempt]:
    return [a for a in participant.attempts if a.submitted and a.kind == kind.value
            and (module_id is None or a.module_id == module_id)]


def _grid_row(participant: Participant, modules: Sequence[Module],
              gains: dict[str, ParticipantGain], pre_forms: dict[str, str]) -> ParticipantRow:
    attempts = list(participant.attempts)
    pre = test_progress(attempts, AttemptKind.PRE)
    post = test_progress(attempts, AttemptKind.POST)
    cells = tuple(
        _step(p.state, p.best_percent, p.submitted)
        for p in (module_progress(attempts, m.id) for m in modules))
    key = participant_key(participant)
    return ParticipantRow(
        key=key, public_id=participant.public_id, name=participant.display_name,
        joined=participant.created_at, pre=_step(pre.state, pre.best_percent, pre.submitted),
        modules=cells, post=_step(post.state, post.best_percent, post.submitted),
        gain=gains.get(key), form_order={"a": "AB", "b": "BA"}.get(pre_forms.get(key, ""), ""),
    )


def _choices(catalogue: Catalogue, question: Question | None, shown: Question | None,
             chosen: Counter[str], answered: int) -> tuple[ChoiceCount, ...]:
    if not isinstance(question, SingleChoice | MultipleChoice | TrueFalse):
        return ()
    labels = {option.id: option.text for option in getattr(shown, "options", ())}
    return tuple(
        ChoiceCount(option.id, plain_text(catalogue, labels.get(option.id, option.text)),
                    option.correct, chosen.get(option.id, 0),
                    100.0 * chosen.get(option.id, 0) / answered if answered else 0.0)
        for option in question.options)


def _typed_key(question: Question | None, value: str) -> str:
    """Return the key typed answers are grouped by: what grading compares."""
    if isinstance(question, Numeric):
        number = parse_number(value)
        return value.strip() if number is None else format_number(number)
    return normalise_text(value)


def _typed(question: Question | None, responses: Sequence[Response]
           ) -> tuple[tuple[TypedAnswer, ...], int]:
    """Return the most frequent typed answers (and how many other answers there were)."""
    if not isinstance(question, ShortAnswer | Numeric):
        return (), 0
    groups: dict[str, Counter[str]] = defaultdict(Counter)
    accepted: dict[str, bool] = {}
    for response in responses:
        if not isinstance(response.response, str | int | float) or response.status == "unanswered":
            continue
        value = str(response.response)
        key = _typed_key(question, value)
        groups[key][" ".join(value.split())] += 1
        accepted[key] = accepted.get(key, False) or response.status == "correct"
    answered = sum(sum(c.values()) for c in groups.values())
    ranked = sorted(groups.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))
    shown = tuple(
        TypedAnswer(text=counts.most_common(1)[0][0], count=sum(counts.values()),
                    share=100.0 * sum(counts.values()) / answered, accepted=accepted[key])
        for key, counts in ranked[:TYPED_SHOWN])
    return shown, answered - sum(t.count for t in shown)


@dataclass(frozen=True)
class _Shown:
    """The texts of the results in one language: modules and questions as translated into it
    (the source's where they are not)."""

    catalogue: Catalogue
    language: str | None

    def module(self, module_id: str) -> Module | None:
        if module_id not in self.catalogue.modules:
            return None
        if self.language is None:
            return self.catalogue.modules[module_id]
        return self.catalogue.module_in(module_id, self.language)

    def question(self, module_id: str, question_id: str) -> Question | None:
        module = self.module(module_id)
        return next((q for q in module.quiz.questions if q.id == question_id), None) if module else None


def _section(catalogue: Catalogue, key: str, title: str,
             answered: Iterable[tuple[Participant, Attempt]],
             numbering: dict[tuple[str, str], int],
             forms: dict[tuple[str, str], str] | None = None, *, shown: _Shown,
             language: str | None = None) -> ItemSection:
    """Analyse the responses of `answered` attempts (one per participant); the texts as `shown`
    says, in `language`."""
    items: list[ItemResponse] = []
    stored: dict[str, list[Response]] = defaultdict(list)
    first_seen: dict[tuple[str, str], list[str]] = defaultdict(list)
    participants = 0
    for participant, attempt in answered:
        participants += 1
        for response in attempt.responses:
            items.append(_item_response(catalogue, participant, response))
            stored[response.question_hash].append(response)
            versions = first_seen[(response.module_id, response.question_id)]
            if response.question_hash not in versions:
                versions.append(response.question_hash)
    statistics = item_statistics(items)
    rows: list[ItemRow] = []
    for (module_id, question_id), versions in first_seen.items():
        question = _current_question(catalogue, module_id, question_id)
        text = shown.question(module_id, question_id) or question
        current_hash = catalogue.question_hashes.get((module_id, question_id))
        for version, question_hash in enumerate(versions, start=1):
            responses = stored[question_hash]
            chosen: Counter[str] = Counter()
            for response in responses:
                chosen.update(set(_chosen(response)))
            unanswered = sum(1 for r in responses if r.status == "unanswered")
            same = question_hash == current_hash
            typed, typed_other = _typed(question, responses)
            rows.append(ItemRow(
                number=numbering.get((module_id, question_id), 0), module_id=module_id,
                question_id=question_id, kind=question.kind if question else "",
                prompt=plain_text(catalogue, text.prompt) if text else question_id,
                version=version, versions=len(versions), current=same,
                stats=statistics[question_hash],
                choices=_choices(catalogue, question if same else None, text, chosen,
                                 len(responses) - unanswered),
                unanswered=unanswered, typed=typed, typed_other=typed_other,
                form=(forms or {}).get((module_id, question_id), ""),
            ))
    rows.sort(key=lambda row: (row.form, row.number, row.module_id, row.question_id, row.version))
    return ItemSection(key, title, participants, tuple(rows), language)


def _objective_gains(shown: _Shown, modules: Sequence[Module],
                     by_objective: dict[str, GainSummary]) -> tuple[ObjectiveGain, ...]:
    """Return the gain per objective, in teaching order (module order, then objective order)."""
    order = {f"{m.id}/{o.id}": (i, j) for i, m in enumerate(modules)
             for j, o in enumerate(m.objectives)}
    found = []
    for key, summary in by_objective.items():
        module_id, _, objective_id = key.partition("/")
        module = shown.module(module_id)
        text = objective_id
        if module is not None:
            text = next((o.text for o in module.objectives if o.id == objective_id), objective_id)
        found.append(ObjectiveGain(key, module.title if module else module_id, text, summary,
                                   module.language if module else None))
    return tuple(sorted(found, key=lambda o: (order.get(o.key, (len(order), 0)), o.key)))


def _pre_forms(curriculum: Curriculum, pre_attempts: Sequence[tuple[Participant, Attempt]]
               ) -> dict[str, str]:
    """Return each participant's pre-test form: the form their pre-test's questions came from."""
    if curriculum.forms is None:
        return {}
    by_form = {form: {(r.module, r.question) for r in refs_of_test(curriculum, "pre", form)}
               for form in FORMS}
    found: dict[str, str] = {}
    for participant, attempt in pre_attempts:
        taken = {(q["module"], q["question"]) for q in attempt.questions}
        form = next((f for f in FORMS if taken and taken <= by_form[f]), None)
        found[participant_key(participant)] = form or participant.pre_form or "a"
    return found


def _design(curriculum: Curriculum, gains: Sequence[ParticipantGain],
            pre_forms: dict[str, str]) -> CounterbalancedDesign | None:
    if curriculum.forms is None:
        return None
    return counterbalanced_design(gains, pre_forms)


def build_results(catalogue: Catalogue, curriculum: Curriculum, workshop: Workshop,
                  participants: Sequence[Participant], *, now: datetime | None = None,
                  language: str | None = None) -> WorkshopResults:
    """Return a workshop's results computed from its participants' stored attempts.

    `language`: the texts (the curriculum, the workshop, module titles, objectives, questions
    and options) as translated into it, where they are; default: the source's. The figures do
    not depend on it."""
    modules = catalogue.curriculum_modules(curriculum, workshop)
    shown = _Shown(catalogue, language)
    if language is not None:
        curriculum, workshop = catalogue.workshop_in(workshop.id, language)
    pre_attempts = [(p, a[0]) for p in participants if (a := _submitted(p, AttemptKind.PRE))]
    post_attempts = [(p, a[0]) for p in participants if (a := _submitted(p, AttemptKind.POST))]
    gain = learning_gain(
        (_item_response(catalogue, p, r) for p, a in pre_attempts for r in a.responses),
        (_item_response(catalogue, p, r) for p, a in post_attempts for r in a.responses),
    )
    gains = {g.participant: g for g in gain.overall.participants}
    pre_forms = _pre_forms(curriculum, pre_attempts)
    rows = tuple(_grid_row(p, modules, gains, pre_forms) for p in participants)
    numbers: dict[tuple[str, str], int] = {}
    forms: dict[tuple[str, str], str] = {}
    for form in FORMS if curriculum.forms is not None else ():
        for n, ref in enumerate(refs_of_test(curriculum, "pre", form), start=1):
            numbers[(ref.module, ref.question)] = n
            forms[(ref.module, ref.question)] = form.upper()

    def test_numbers(which: str) -> dict[tuple[str, str], int]:
        if curriculum.forms is not None:
            return numbers
        test = curriculum.pre_test if which == "pre" else curriculum.post_test
        return {(q.module, q.question): n for n, q in enumerate(test.questions, start=1)}

    sections = [
        _section(catalogue, "pre", curriculum.pre_test.title, pre_attempts, test_numbers("pre"),
                 forms, shown=shown),
        _section(catalogue, "post", curriculum.post_test.title, post_attempts,
                 test_numbers("post"), forms, shown=shown),
    ]
    titled = [shown.module(module.id) or module for module in modules]
    for module, title in zip(modules, titled, strict=True):
        firsts = [(p, a[0]) for p in participants
                  if (a := _submitted(p, AttemptKind.MODULE, module.id))]
        numbers = {(module.id, q.id): n for n, q in enumerate(module.quiz.questions, start=1)}
        sections.append(_section(catalogue, module.id, title.title, firsts, numbers, shown=shown,
                                 language=title.language))
    return WorkshopResults(
        curriculum=curriculum, workshop=workshop,
        modules=tuple(ModuleColumn(m.id, t.title, m.quiz.pass_mark, t.language)
                      for m, t in zip(modules, titled, strict=True)),
        participants=rows, gain=gain.overall,
        design=_design(curriculum, gain.overall.participants, pre_forms),
        objectives=_objective_gains(shown, modules, dict(gain.by_objective)),
        items=tuple(sections), generated=now or datetime.now(UTC),
    )
