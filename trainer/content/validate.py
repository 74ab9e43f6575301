"""Rules across fields and files that the models' shapes cannot express.

Each rule returns located issues; nothing here raises for a content mistake. The catalogue runs every
rule and reports all issues at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from trainer.content.loader import Loaded, Loc, SourceMap
from trainer.content.models import (
    Curriculum,
    CurriculumTest,
    Matching,
    Module,
    ModuleRole,
    MultipleChoice,
    Numeric,
    Ordering,
    SectionKind,
    SingleChoice,
    TestQuestionRef,
    TrueFalse,
)
from trainer.errors import Issue


def validate_content(
    modules: Sequence[Loaded[Module]], curricula: Sequence[Loaded[Curriculum]]
) -> list[Issue]:
    """Return every cross-file problem of a content root (empty when the content is sound)."""
    issues: list[Issue] = []
    issues.extend(_unique_ids([(m.model.id, m.source, ("id",)) for m in modules], "module"))
    issues.extend(_unique_ids([(c.model.id, c.source, ("id",)) for c in curricula], "curriculum"))
    by_id = {m.model.id: m.model for m in modules}
    for loaded in modules:
        issues.extend(check_module(loaded.model, loaded.source, by_id))
    workshop_ids: list[tuple[str, SourceMap, Loc]] = []
    for loaded_c in curricula:
        issues.extend(check_curriculum(loaded_c.model, loaded_c.source, by_id))
        workshop_ids.extend(
            (w.id, loaded_c.source, ("workshops", i, "id")) for i, w in enumerate(loaded_c.model.workshops)
        )
    issues.extend(_unique_ids(workshop_ids, "workshop"))
    codes = [
        (w.join_code, c.source, ("workshops", i, "join_code"))
        for c in curricula
        for i, w in enumerate(c.model.workshops)
        if w.join_code
    ]
    issues.extend(_unique_ids(codes, "join code", ""))
    return issues


def _unique_ids(
    entries: Iterable[tuple[str, SourceMap, Loc]], what: str, label: str = "id"
) -> Iterator[Issue]:
    first: dict[str, tuple[SourceMap, Loc]] = {}
    for value, source, loc in entries:
        if value in first:
            other, other_loc = first[value]
            line, _ = other.locate(other_loc)
            yield source.issue(
                loc,
                f"duplicate {what}{' ' + label if label else ''} '{value}' "
                f"(also at {other.path}:{line})",
            )
        else:
            first[value] = (source, loc)


def check_module(module: Module, source: SourceMap,
                 modules: dict[str, Module] | None = None) -> Iterator[Issue]:
    """Yield the problems inside one module (`modules`: every module, for an assessment bank)."""
    bank = module.role is ModuleRole.ASSESSMENT
    if bank and module.objectives:
        yield source.issue(("objectives",),
                           "an assessment bank has no objectives of its own: give each question "
                           "the `module` and `objective` it assesses")
    if not bank:
        if not module.objectives:
            yield source.issue(("objectives",), "a module needs at least one objective")
        if not module.sections:
            yield source.issue(("sections",), "a module needs at least one section")
    yield from _unique_ids(
        ((o.id, source, ("objectives", i, "id")) for i, o in enumerate(module.objectives)),
        "objective",
    )
    yield from _unique_ids(
        ((s.id, source, ("sections", i, "id")) for i, s in enumerate(module.sections)), "section"
    )
    questions = module.quiz.questions
    yield from _unique_ids(
        ((q.id, source, ("quiz", "questions", i, "id")) for i, q in enumerate(questions)),
        "question",
    )
    objectives = {o.id for o in module.objectives}
    cases = {s.id for s in module.sections if s.kind is SectionKind.CASE_STUDY}
    for index, question in enumerate(questions):
        loc: Loc = ("quiz", "questions", index)
        if bank:
            yield from _check_bank_question(question.module, question.objective, source, loc,
                                            modules or {})
        elif question.module is not None:
            yield source.issue((*loc, "module"),
                               "`module` is for questions of an assessment bank (role: assessment); "
                               "a module's own questions assess its own objectives")
        if not bank and question.objective is not None and question.objective not in objectives:
            yield source.issue(
                (*loc, "objective"),
                f"'{question.objective}' is not an objective of this module "
                f"(objectives: {', '.join(sorted(objectives))})",
            )
        if question.case is not None and question.case not in cases:
            listed = ", ".join(sorted(cases)) or "none"
            yield source.issue(
                (*loc, "case"),
                f"'{question.case}' is not a case-study section of this module "
                f"(case studies: {listed})",
            )
        yield from _check_answer_key(question, source, loc)


def _check_bank_question(module_id: str | None, objective: str | None, source: SourceMap, loc: Loc,
                         modules: dict[str, Module]) -> Iterator[Issue]:
    """Yield the problems of an assessment bank question's `module` and `objective`."""
    practice = sorted(k for k, m in modules.items() if m.role is ModuleRole.PRACTICE)
    if module_id is None:
        yield source.issue(loc, "a question of an assessment bank needs `module`: the module whose "
                                f"objective it assesses (modules: {', '.join(practice) or 'none'})")
        return
    target = modules.get(module_id)
    if target is None or target.role is not ModuleRole.PRACTICE:
        yield source.issue((*loc, "module"),
                           f"no module '{module_id}' to assess (modules: {', '.join(practice) or 'none'})")
        return
    ids = [o.id for o in target.objectives]
    if objective is None:
        yield source.issue(loc, f"a question of an assessment bank needs `objective`: one of "
                                f"{module_id}'s objectives ({', '.join(ids)})")
    elif objective not in ids:
        yield source.issue((*loc, "objective"),
                           f"'{objective}' is not an objective of module '{module_id}' "
                           f"(objectives: {', '.join(ids)})")


def _check_answer_key(question: object, source: SourceMap, loc: Loc) -> Iterator[Issue]:
    if isinstance(question, SingleChoice | MultipleChoice | TrueFalse):
        yield from _unique_ids(
            ((o.id, source, (*loc, "options", i, "id")) for i, o in enumerate(question.options)),
            "option",
        )
        right = sum(1 for o in question.options if o.correct)
        if isinstance(question, SingleChoice | TrueFalse) and right != 1:
            kind = "single-choice" if isinstance(question, SingleChoice) else "true/false"
            yield source.issue(
                (*loc, "options"),
                f"a {kind} question needs exactly one option with correct: true (found {right})",
            )
        if isinstance(question, MultipleChoice) and right < 1:
            yield source.issue(
                (*loc, "options"),
                "a multiple-choice question needs at least one option with correct: true",
            )
    elif isinstance(question, Matching):
        ids = [(p.id, source, (*loc, "pairs", i, "id")) for i, p in enumerate(question.pairs)]
        ids += [
            (d.id, source, (*loc, "distractors", i, "id"))
            for i, d in enumerate(question.distractors)
        ]
        yield from _unique_ids(ids, "pair or distractor")
        matches = [
            (p.match, source, (*loc, "pairs", i, "match")) for i, p in enumerate(question.pairs)
        ]
        matches += [
            (d.text, source, (*loc, "distractors", i, "text"))
            for i, d in enumerate(question.distractors)
        ]
        yield from _unique_ids(matches, "match", "text")
    elif isinstance(question, Ordering):
        yield from _unique_ids(
            ((it.id, source, (*loc, "items", i, "id")) for i, it in enumerate(question.items)),
            "item",
        )
    elif isinstance(question, Numeric):
        yield from _check_numeric(question, source, loc)


def _check_numeric(question: Numeric, source: SourceMap, loc: Loc) -> Iterator[Issue]:
    if (question.answer is None) == (question.range is None):
        yield source.issue(loc, "a numeric question needs either 'answer' or 'range' (not both)")
    if question.tolerance < 0:
        yield source.issue((*loc, "tolerance"), "tolerance must be 0 or more")
    if question.range is not None and question.range.min > question.range.max:
        yield source.issue((*loc, "range"), "range.min must not be greater than range.max")
    if question.range is not None and question.tolerance:
        yield source.issue((*loc, "tolerance"), "tolerance applies to 'answer', not to 'range'")


def check_curriculum(
    curriculum: Curriculum, source: SourceMap, modules: dict[str, Module]
) -> Iterator[Issue]:
    """Yield the problems of one curriculum, checked against the modules that exist."""
    known = ", ".join(sorted(modules)) or "none"
    for index, module_id in enumerate(curriculum.modules):
        if module_id not in modules:
            yield source.issue(("modules", index), f"no module '{module_id}' (modules: {known})")
        elif modules[module_id].role is ModuleRole.ASSESSMENT:
            yield source.issue(("modules", index),
                               f"'{module_id}' is an assessment bank, not a module to study: take "
                               "it out of `modules` (the tests draw their questions from it)")
    yield from _unique_ids(
        ((m, source, ("modules", i)) for i, m in enumerate(curriculum.modules)), "module"
    )
    extras = {m: w.id for w in curriculum.workshops for m in w.extra_modules}
    for name in ("pre_test", "post_test"):
        test: CurriculumTest = getattr(curriculum, name)
        if curriculum.forms is not None and test.questions:
            yield source.issue((name, "questions"),
                               "with `forms`, the questions are the forms': leave out "
                               f"{name}.questions (keep its title and pass mark)")
        elif curriculum.forms is None and not test.questions:
            yield source.issue((name, "questions"),
                               f"{name} needs questions (or give the curriculum two `forms`)")
        yield from _check_test(test.questions, source, (name,), modules, curriculum, extras)
    if curriculum.forms is not None:
        for form in ("a", "b"):
            refs = getattr(curriculum.forms, form).questions
            yield from _check_test(refs, source, ("forms", form), modules, curriculum, extras)
    for index, workshop in enumerate(curriculum.workshops):
        loc: Loc = ("workshops", index)
        if workshop.end < workshop.start:
            yield source.issue((*loc, "end"), "the workshop ends before it starts")
        for extra_index, module_id in enumerate(workshop.extra_modules):
            if module_id not in modules:
                yield source.issue(
                    (*loc, "extra_modules", extra_index),
                    f"no module '{module_id}' (modules: {known})",
                )
            elif modules[module_id].role is ModuleRole.ASSESSMENT:
                yield source.issue(
                    (*loc, "extra_modules", extra_index),
                    f"'{module_id}' is an assessment bank, not a module to study",
                )
            elif module_id in curriculum.modules:
                yield source.issue(
                    (*loc, "extra_modules", extra_index),
                    f"'{module_id}' is already one of the curriculum's modules",
                )


def _check_test(
    refs: Sequence[TestQuestionRef], source: SourceMap, loc: Loc, modules: dict[str, Module],
    curriculum: Curriculum, extras: dict[str, str],
) -> Iterator[Issue]:
    seen: dict[tuple[str, str], int] = {}
    for index, ref in enumerate(refs):
        ref_loc: Loc = (*loc, "questions", index)
        module = modules.get(ref.module)
        if module is None:
            yield source.issue((*ref_loc, "module"), f"no module '{ref.module}'")
            continue
        question = next((q for q in module.quiz.questions if q.id == ref.question), None)
        if question is None:
            yield source.issue(
                (*ref_loc, "question"), f"module '{ref.module}' has no question '{ref.question}'"
            )
        assessed = question.module if question is not None and question.module else ref.module
        if module.role is ModuleRole.PRACTICE or assessed != ref.module:
            yield from _check_in_programme(assessed, source, ref_loc, curriculum, extras)
        key = (ref.module, ref.question)
        if key in seen:
            yield source.issue(ref_loc, f"question listed twice (also at item {seen[key]})")
        seen[key] = index


def _check_in_programme(module_id: str, source: SourceMap, loc: Loc, curriculum: Curriculum,
                        extras: dict[str, str]) -> Iterator[Issue]:
    """Yield an error when a test question assesses a module that not every trainee studies."""
    if module_id in curriculum.modules:
        return
    if module_id in extras:
        yield source.issue(
            (*loc, "module"),
            f"this question assesses module '{module_id}', which only workshop "
            f"'{extras[module_id]}' adds (extra_modules): trainees of the other editions never "
            "study it; assess a module of the programme instead",
        )
    else:
        yield source.issue(
            (*loc, "module"),
            f"this question assesses module '{module_id}', which is not in the programme "
            f"(modules: {', '.join(curriculum.modules)}): add the module or pick another question",
        )
