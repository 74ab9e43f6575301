"""Teaching-quality warnings: content that loads and validates, but teaches or assesses badly.

Every rule yields a located Issue with severity "warning". `trainer check` prints them; `trainer
check --strict` fails on them. The rules follow common item-writing guidance: every wrong option
explains itself, every question explains its answer and assesses a stated objective, options stand
on their own (they may be shuffled, so "all of the above" breaks), a single-choice question offers
more than a coin toss, a case study comes with notes for the facilitator, and a module cites its
sources.

Runs on a validated catalogue, so references (objective, case) are known to resolve.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence

from trainer.content.catalogue import Catalogue
from trainer.content.loader import Loc, SourceMap
from trainer.content.models import (
    Module,
    MultipleChoice,
    Option,
    SectionKind,
    SingleChoice,
    TrueFalse,
)
from trainer.errors import Issue
from trainer.locales import LANGUAGE_NAMES, LANGUAGES

MIN_SINGLE_OPTIONS = 3

# Matched on text folded by _fold (lower case, no accents, single spaces).
_ABOVE = re.compile(
    r"\b(?:(?:all|none) (?:of )?the above"
    r"|(?:toutes|aucune) (?:de )?ces reponses"
    r"|(?:toutes|aucune) des reponses ci-dessus)\b"
)


def lint_catalogue(catalogue: Catalogue) -> list[Issue]:
    """Return the teaching-quality warnings of every module, in file and line order."""
    issues: list[Issue] = []
    for module_id, module in catalogue.modules.items():
        issues.extend(lint_module(module, catalogue.sources[module_id]))
    return sorted(issues, key=lambda i: (i.path, i.line, i.column))


def workshop_language_warnings(catalogue: Catalogue) -> list[Issue]:
    """Return a warning for every workshop whose language the interface and the handbook's own text
    (headings, notices, dates) are not translated into: its participants would get a mixture."""
    issues: list[Issue] = []
    known = ", ".join(f"{code} ({LANGUAGE_NAMES.get(code, code)})" for code in LANGUAGES)
    for curriculum in catalogue.curricula.values():
        source = catalogue.sources[f"curriculum:{curriculum.id}"]
        for index, workshop in enumerate(curriculum.workshops):
            if workshop.language not in LANGUAGES:
                issues.append(_warn(source, ("workshops", index, "language"),
                                    f"workshop '{workshop.id}' runs in '{workshop.language}', which the "
                                    f"interface and handbooks are not translated into (they are in: "
                                    f"{known}); participants would get English pages and handbook "
                                    "headings. Add the interface catalog first (docs/translations.md)."))
    return issues


def lint_module(module: Module, source: SourceMap) -> list[Issue]:
    """Return the teaching-quality warnings of one validated module."""
    return list(_module_warnings(module, source))


def _warn(source: SourceMap, loc: Loc, message: str) -> Issue:
    return source.issue(loc, message, severity="warning")


def _fold(text: str) -> str:
    """Return text compared loosely: case-folded, accents stripped, spaces collapsed."""
    if text.isascii():  # most option texts: no accents to strip, skip the Unicode work
        return " ".join(text.casefold().split())
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.split())


def _module_warnings(module: Module, source: SourceMap) -> Iterator[Issue]:
    if not module.sources:
        yield _warn(source, ("sources",),
                    "no sources listed: add what the module relies on (title, and url or note)")
    assessed = {q.objective for q in module.quiz.questions if q.objective is not None}
    for index, objective in enumerate(module.objectives):
        if objective.id not in assessed:
            yield _warn(source, ("objectives", index),
                        f"no question assesses objective '{objective.id}'")
    objective_ids = ", ".join(o.id for o in module.objectives)
    for index, question in enumerate(module.quiz.questions):
        loc: Loc = ("quiz", "questions", index)
        if question.explanation is None:
            yield _warn(source, loc,
                        f"question '{question.id}' has no explanation: "
                        "say why the right answer is right")
        if question.objective is None:
            yield _warn(source, loc,
                        f"question '{question.id}' is not tied to an objective "
                        f"(add 'objective:' with one of: {objective_ids})")
        if isinstance(question, SingleChoice | MultipleChoice | TrueFalse):
            yield from _option_warnings(question.options, source, (*loc, "options"))
        if isinstance(question, SingleChoice) and len(question.options) < MIN_SINGLE_OPTIONS:
            yield _warn(source, (*loc, "options"),
                        f"a single-choice question with {len(question.options)} options is a coin "
                        f"toss: give at least {MIN_SINGLE_OPTIONS} (or make it true_false)")
    yield from _case_warnings(module, source)


def _option_warnings(options: Sequence[Option], source: SourceMap, loc: Loc) -> Iterator[Issue]:
    first_with_text: dict[str, str] = {}
    for index, option in enumerate(options):
        option_loc: Loc = (*loc, index)
        if not option.correct and option.feedback is None:
            yield _warn(source, option_loc,
                        f"wrong option '{option.id}' has no feedback: say why it is wrong")
        folded = _fold(option.text)
        found = _ABOVE.search(folded)
        if found:
            yield _warn(source, (*option_loc, "text"),
                        f"option '{option.id}' says \"{found.group(0)}\": write an option that "
                        "stands on its own (options may be shuffled, and it rewards guessing)")
        if folded in first_with_text:
            yield _warn(source, (*option_loc, "text"),
                        f"option '{option.id}' has the same text as option "
                        f"'{first_with_text[folded]}'")
        else:
            first_with_text[folded] = option.id


def _case_warnings(module: Module, source: SourceMap) -> Iterator[Issue]:
    used_by: dict[str, list[str]] = {}
    for question in module.quiz.questions:
        if question.case is not None:
            used_by.setdefault(question.case, []).append(question.id)
    for index, section in enumerate(module.sections):
        questions = used_by.get(section.id)
        if section.kind is SectionKind.CASE_STUDY and questions and not section.facilitator_notes:
            yield _warn(source, ("sections", index),
                        f"case study '{section.id}' is used by question "
                        f"{', '.join(repr(q) for q in questions)} but has no facilitator_notes: "
                        "tell the facilitator how to run it")
