"""Teaching-quality warnings: content that loads and validates, but teaches or assesses badly.

Every rule yields a located Issue with severity "warning". `trainer check` prints them; `trainer
check --strict` fails on them. The rules follow common item-writing guidance: every wrong option
explains itself, every question explains its answer and assesses a stated objective, options stand
on their own (they may be shuffled, so "all of the above" breaks), a single-choice question offers
more than a coin toss, a case study comes with notes for the facilitator, and a module cites its
sources.

Item-writing rules guard against answers given away by form rather than known: where options are
not shuffled, the right answer must not sit in the same position in most questions, nor the right
options of a multiple-choice question be exactly the first ones; the right option must not be the
longest by far (LONGEST_RATIO, LONGEST_MARGIN; in translations too); no accepted short answer or right
option text may appear verbatim in another question shown on the same page (a module's quiz, a
test or a form; translations too). Pre-tests, post-tests and forms should draw on test-only items
(an assessment bank) that no practice quiz shows, and two forms should assess the same objectives
with different questions; nor may a test item's answer (a right option's text, an accepted short
answer, a numeric answer) appear verbatim in what a practice quiz of the programme prints (its
prompts, options and explanations): the post-test would then measure what trainees read there.

Runs on a validated catalogue, so references (objective, case) are known to resolve.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from functools import lru_cache

from markupsafe import Markup

from trainer.content.catalogue import Catalogue
from trainer.content.loader import Loc, SourceMap
from trainer.content.markdown import literal_emphasis, render_inline
from trainer.content.models import (
    Curriculum,
    Matching,
    Module,
    ModuleRole,
    MultipleChoice,
    Numeric,
    Option,
    Question,
    SectionKind,
    ShortAnswer,
    SingleChoice,
    TestQuestionRef,
    TrueFalse,
)
from trainer.content.placeholders import placeholder_in
from trainer.errors import Issue
from trainer.locales import LANGUAGE_NAMES, LANGUAGES, base_language

MIN_SINGLE_OPTIONS = 3
# Position bias is judged on at least this many choice questions (fewer say little).
MIN_POSITION_QUESTIONS = 3
# An answer shorter than this (folded) is too common a word to call a giveaway.
MIN_GIVEAWAY_LENGTH = 3
VOCABULARY_PROMPTS = 3
# "The right option is the longest by far": the right option (for a multiple-choice question, its
# shortest right option) is more than LONGEST_RATIO times as long as the longest wrong option, and
# longer by at least LONGEST_MARGIN characters, counted on the text as shown (after Markdown).
LONGEST_RATIO = 1.5
LONGEST_MARGIN = 20

# A straight apostrophe between letters (l'État, d'**entraide**): French text writes ’.
_STRAIGHT_APOSTROPHE = re.compile(r"(?<=\w)'(?=\w|[*_]+\w)")

# Matched on text folded by _fold (lower case, no accents, single spaces).
_ABOVE = re.compile(
    r"\b(?:(?:all|none) (?:of )?the above"
    r"|(?:toutes|aucune) (?:de )?ces reponses"
    r"|(?:toutes|aucune) des reponses ci-dessus)\b"
)


def lint_catalogue(catalogue: Catalogue) -> list[Issue]:
    """Return the teaching-quality warnings of every module and curriculum, in file and line order."""
    issues: list[Issue] = []
    for module_id, module in catalogue.modules.items():
        issues.extend(lint_module(module, catalogue.sources[module_id]))
    issues.extend(lint_curricula(catalogue))
    return sorted(issues, key=lambda i: (i.path, i.line, i.column))


def lint_curricula(catalogue: Catalogue) -> list[Issue]:
    """Return the warnings of the curricula's tests and forms, and of the translated quizzes (their
    giveaways, and right options longest by far in the translated text)."""
    issues: list[Issue] = []
    for (module_id, language), loaded in catalogue.translations.loaded.items():
        translated = catalogue.translations.translated[(module_id, language)].module
        index = {q.id: i for i, q in enumerate(loaded.model.quiz.questions)} if loaded.model.quiz else {}
        issues.extend(_translated_longest_warnings(catalogue.modules[module_id], translated,
                                                   loaded.source, index))
        issues.extend(_text_warnings(loaded.model.model_dump(mode="json", exclude_defaults=True),
                                     loaded.source, language))
        if translated.role is not ModuleRole.PRACTICE:
            continue
        page = [(q, ("quiz", "questions", index[q.id]) if q.id in index else ())
                for q in translated.quiz.questions]
        vocabulary = _vocabulary_questions(catalogue.modules[module_id].quiz.questions)
        issues.extend(_giveaway_warnings(page, loaded.source, vocabulary))
    for curriculum_id, curriculum in catalogue.curricula.items():
        source = catalogue.sources[f"curriculum:{curriculum_id}"]
        dumped = curriculum.model_dump(mode="json")
        issues.extend(_placeholder_warnings(dumped, source, ()))
        issues.extend(_text_warnings(dumped, source, curriculum.language))
        issues.extend(_curriculum_warnings(catalogue, curriculum, source))
    for (_curriculum_id, language), found in catalogue.translations.curricula_loaded.items():
        issues.extend(_text_warnings(found.model.model_dump(mode="json", exclude_defaults=True),
                                     found.source, language))
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


def _texts(value: object, loc: Loc) -> Iterator[tuple[str, Loc]]:
    """Yield every text of a dumped model (dicts and lists of them) with its location."""
    if isinstance(value, str):
        yield value, loc
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(item, (*loc, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _texts(item, (*loc, index))


def _placeholder_warnings(value: object, source: SourceMap, loc: Loc) -> Iterator[Issue]:
    """Warn about every text that still holds a skeleton's or a draft's placeholder."""
    for text, where in _texts(value, loc):
        phrase = placeholder_in(text)
        if phrase is not None:
            shown = text.strip().splitlines()[0] if text.strip() else text
            shown = shown if len(shown) <= 80 else shown[:77] + "..."
            yield _warn(source, where, f"still a placeholder (\"{shown}\"): write your own text")


def _emphasis_warnings(value: object, source: SourceMap, loc: Loc) -> Iterator[Issue]:
    """Warn about every text where Markdown would print a bold or italic marker as typed."""
    for text, where in _texts(value, loc):
        marker = literal_emphasis(text)
        if marker is not None:
            yield _warn(source, where, f"'{marker}' is printed as typed, not as bold or italic: "
                        "Markdown ignores a marker with a letter on one side and a quotation mark "
                        f"or bracket on the other; put it inside them («{marker}word{marker}», not "
                        f"x{marker}«word»{marker})")


def _text_warnings(dumped: object, source: SourceMap, language: str) -> Iterator[Issue]:
    """Warn about the writing of every text of a file's content (dumped as JSON) in `language`:
    its bold and italic markers, and its apostrophes in French."""
    yield from _emphasis_warnings(dumped, source, ())
    yield from _apostrophe_warnings(dumped, source, (), language)


def _apostrophe_warnings(value: object, source: SourceMap, loc: Loc, language: str
                         ) -> Iterator[Issue]:
    """Warn about every French text that writes the apostrophe straight (l'État): French text,
    the interface's and the rest of the content's, writes ’ (typed answers are graded either way)."""
    if base_language(language) != "fr":
        return
    for text, where in _texts(value, loc):
        found = _STRAIGHT_APOSTROPHE.search(text)
        if found is not None:
            excerpt = " ".join(text[max(found.start() - 15, 0):found.end() + 15].split())
            yield _warn(source, where, f"straight apostrophe in French text (\"...{excerpt}...\"): "
                        "write the typographic apostrophe ’ (l’État, d’entraide), as the interface "
                        "and the rest of the French content do")


def _module_warnings(module: Module, source: SourceMap) -> Iterator[Issue]:
    dumped = module.model_dump(mode="json", exclude_defaults=True)
    yield from _placeholder_warnings(dumped, source, ())
    yield from _text_warnings(dumped, source, module.language)
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
        if isinstance(question, SingleChoice | MultipleChoice):
            yield from _longest_warnings(question, source, loc)
        if isinstance(question, SingleChoice) and len(question.options) < MIN_SINGLE_OPTIONS:
            yield _warn(source, (*loc, "options"),
                        f"a single-choice question with {len(question.options)} options is a coin "
                        f"toss: give at least {MIN_SINGLE_OPTIONS} (or make it true_false)")
    yield from _case_warnings(module, source)
    page = [(q, ("quiz", "questions", i)) for i, q in enumerate(module.quiz.questions)]
    if not module.quiz.shuffle:
        yield from _position_warnings(page, source, ("quiz", "questions"), "this quiz")
    if module.role is ModuleRole.PRACTICE:  # a bank's pages are the tests and forms drawn from it
        yield from _giveaway_warnings(page, source)


# -- item writing: positions and giveaways ----------------------------------------------------------

_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _position_warnings(page: Sequence[tuple[Question, Loc]], source: SourceMap, where: Loc,
                       what: str) -> Iterator[Issue]:
    """Warn when the right answer sits in one position too often, or is the first N options."""
    positions: Counter[int] = Counter()
    named: dict[int, list[str]] = {}
    for question, loc in page:
        if isinstance(question, SingleChoice | TrueFalse):
            right = next(i for i, o in enumerate(question.options) if o.correct)
            positions[right] += 1
            named.setdefault(right, []).append(question.id)
        elif isinstance(question, MultipleChoice):
            right_ids = [i for i, o in enumerate(question.options) if o.correct]
            if len(right_ids) < len(question.options) and right_ids == list(range(len(right_ids))):
                yield _warn(source, (*loc, "options"),
                            f"question '{question.id}': the right options are exactly the first "
                            f"{len(right_ids)} ({', '.join(_LETTERS[:len(right_ids)])}): mix right "
                            "and wrong options, or set quiz.shuffle: true")
    total = sum(positions.values())
    if total >= MIN_POSITION_QUESTIONS:
        position, count = positions.most_common(1)[0]
        if count * 2 > total:
            ids = ", ".join(named[position])
            yield _warn(source, where,
                        f"position bias: the right answer is option {_LETTERS[position]} in "
                        f"{count} of the {total} single-choice and true/false questions of {what} "
                        f"({ids}): move right answers so no position holds more than half, or set "
                        "quiz.shuffle: true")


def _answers(question: Question) -> list[str]:
    """Return the texts that answer a question: accepted short answers, right option texts."""
    if isinstance(question, ShortAnswer):
        return list(question.accepted)
    if isinstance(question, SingleChoice | MultipleChoice):
        return [o.text for o in question.options if o.correct]
    return []


def _shown_text(question: Question) -> list[str]:
    """Return a question's prompt texts: its prompt, and a matching question's item labels."""
    texts = [question.prompt]
    if isinstance(question, Matching):
        texts += [p.prompt for p in question.pairs]
    return texts


def _giveaway_warnings(page: Sequence[tuple[Question, Loc]], source: SourceMap,
                       vocabulary: frozenset[str] = frozenset()) -> Iterator[Issue]:
    """Warn when a question's answer appears verbatim in another question's prompt on the page.

    An answer that the page's prompts use throughout (in VOCABULARY_PROMPTS other questions or
    more) is the topic's vocabulary, known to everyone on that page, rather than a giveaway. A
    translated page passes `vocabulary`: the questions whose answer is vocabulary in the source
    (a translation may say "the central authority" in fewer words than the source does).
    """
    shown = [(question, _fold(" \n ".join(_shown_text(question)))) for question, _ in page]
    for question, loc in page:
        if question.id in vocabulary:
            continue
        for answer in _answers(question):
            folded = _fold(answer)
            if len(folded) < MIN_GIVEAWAY_LENGTH:
                continue
            pattern = re.compile(r"(?<!\w)" + re.escape(folded) + r"(?!\w)")
            others = [other.id for other, text in shown
                      if other is not question and pattern.search(text)]
            if others and len(others) < VOCABULARY_PROMPTS:
                yield _warn(source, loc,
                            f"question '{question.id}': its answer \"{answer}\" appears verbatim "
                            f"in the prompt of question {', '.join(repr(o) for o in others)} on the "
                            "same page: reword that prompt (or this question)")
                break


def _vocabulary_questions(page: Sequence[Question]) -> frozenset[str]:
    """Return the ids of the questions whose answer the page's prompts use as vocabulary."""
    shown = [(question, _fold(" \n ".join(_shown_text(question)))) for question in page]
    found = set()
    for question in page:
        for answer in _answers(question):
            folded = _fold(answer)
            pattern = re.compile(r"(?<!\w)" + re.escape(folded) + r"(?!\w)")
            others = [o for o, text in shown if o is not question and pattern.search(text)]
            if len(others) >= VOCABULARY_PROMPTS:
                found.add(question.id)
    return frozenset(found)


# -- curricula: tests drawn from practice, forms that differ ----------------------------------------


def _test_pages(curriculum: Curriculum) -> Iterator[tuple[Loc, str, Sequence[TestQuestionRef]]]:
    """Yield every page of test questions: (location, name, references)."""
    if curriculum.forms is not None:
        yield ("forms", "a"), "form A", curriculum.forms.a.questions
        yield ("forms", "b"), "form B", curriculum.forms.b.questions
    else:
        yield ("pre_test",), "the pre-test", curriculum.pre_test.questions
        yield ("post_test",), "the post-test", curriculum.post_test.questions


def _curriculum_warnings(catalogue: Catalogue, curriculum: Curriculum, source: SourceMap
                         ) -> Iterator[Issue]:
    objectives: dict[str, set[str]] = {}
    for where, name, refs in _test_pages(curriculum):
        page: list[tuple[Question, Loc]] = []
        unshuffled: list[tuple[Question, Loc]] = []
        covered: set[str] = set()
        for index, ref in enumerate(refs):
            loc: Loc = (*where, "questions", index)
            module = catalogue.modules[ref.module]
            question = catalogue.question(ref.module, ref.question)
            page.append((question, loc))
            if not module.quiz.shuffle:
                unshuffled.append((question, loc))
            if question.objective is not None:
                covered.add(f"{question.module or ref.module}/{question.objective}")
            if module.role is ModuleRole.PRACTICE:
                yield _warn(source, loc,
                            f"'{ref.question}' is a practice question of module '{ref.module}': "
                            "trainees meet it, with its answer and explanation, in that quiz, so "
                            "the test measures recall; write a test-only question in an assessment "
                            "bank (a module file with role: assessment) and use that")
        yield from _position_warnings(unshuffled, source, where, name)
        yield from _giveaway_warnings(page, source)
        yield from _practice_giveaways(
            catalogue, curriculum,
            [(q, loc) for (q, loc), ref in zip(page, refs, strict=True)
             if catalogue.modules[ref.module].role is not ModuleRole.PRACTICE],  # warned above
            source)
        for language in sorted({lang for _, lang in catalogue.translations.translated}):
            translated = [(_question_in(catalogue, ref, language), loc) for ref, (_, loc)
                          in zip(refs, page, strict=True)]
            for issue in _giveaway_warnings(translated, source):
                yield replace(issue, message=f"in {language}: {issue.message}")
        objectives[name] = covered
    if curriculum.forms is not None:
        yield from _form_warnings(catalogue, curriculum, source, objectives)


def _practice_text(question: Question) -> str:
    """Return what a practice question prints: prompt, item labels, options, explanation."""
    texts = [*_shown_text(question), question.explanation or ""]
    if isinstance(question, SingleChoice | MultipleChoice | TrueFalse):
        texts += [option.text for option in question.options]
    if isinstance(question, Matching):
        texts += [pair.match for pair in question.pairs]
    return _fold(" \n ".join(texts))


def _test_answers(question: Question) -> list[str]:
    """Return the texts that answer a test question, its numeric answer written as authors do."""
    if isinstance(question, Numeric):  # one digit is too common to call a giveaway
        written = "" if question.answer is None else f"{question.answer:.12g}"
        return [written] if len(written.lstrip("-")) >= 2 else []
    return [answer for answer in _answers(question) if len(_fold(answer)) >= MIN_GIVEAWAY_LENGTH]


def _names(prompt: str) -> list[re.Pattern[str]]:
    """Return patterns of the names a prompt is about: its capitalised words but the first."""
    words = re.findall(r"\w[\w-]*", prompt)[1:]
    names = {_fold(re.sub(r"['’]s$", "", w)) for w in words if w[0].isupper() and len(w) >= 3}
    return [re.compile(r"(?<!\w)" + re.escape(name) + r"(?!\w)") for name in sorted(names)]


def _practice_giveaways(catalogue: Catalogue, curriculum: Curriculum,
                        page: Sequence[tuple[Question, Loc]], source: SourceMap) -> Iterator[Issue]:
    """Warn when a test item's answer is printed verbatim by a practice question of the programme.

    A number counts only where the practice text also names what the item asks about (one of the
    prompt's capitalised words: "15" beside "ECOWAS" does not answer how many good practices the
    Rabat Memorandum has). A text answer printed by VOCABULARY_PROMPTS practice questions or more
    is the programme's vocabulary ("extradition"), not a giveaway.
    """
    modules = dict.fromkeys([*curriculum.modules,
                             *(m for w in curriculum.workshops for m in w.extra_modules)])
    practice = [(module_id, q.id, _practice_text(q)) for module_id in modules
                for q in catalogue.modules[module_id].quiz.questions]
    for question, loc in page:
        number = isinstance(question, Numeric)
        names = _names(question.prompt)
        for answer in _test_answers(question):
            pattern = re.compile(r"(?<![\w.,])" + re.escape(_fold(answer)) + r"(?![\w]|[.,]\d)")
            found = [f"'{module_id}/{question_id}'" for module_id, question_id, text in practice
                     if pattern.search(text)
                     and (not number or any(name.search(text) for name in names))]
            if found and (number or len(found) < VOCABULARY_PROMPTS):
                yield _warn(source, loc,
                            f"test item '{question.id}': its answer \"{answer}\" is printed verbatim "
                            f"by practice question {', '.join(found[:3])} (prompt, option or "
                            "explanation): trainees read it there before the post-test; reword "
                            "this item or that practice question")
                break


def _question_in(catalogue: Catalogue, ref: TestQuestionRef, language: str) -> Question:
    """Return a test question as it reads in `language` (the source text where not translated)."""
    module = catalogue.module_in(ref.module, language)
    return next(q for q in module.quiz.questions if q.id == ref.question)


def _form_warnings(catalogue: Catalogue, curriculum: Curriculum, source: SourceMap,
                   objectives: dict[str, set[str]]) -> Iterator[Issue]:
    assert curriculum.forms is not None  # noqa: S101 - checked by the caller
    a_refs = {(r.module, r.question): i for i, r in enumerate(curriculum.forms.a.questions)}
    for index, ref in enumerate(curriculum.forms.b.questions):
        if (ref.module, ref.question) in a_refs:
            item = a_refs[(ref.module, ref.question)] + 1
            yield _warn(source, ("forms", "b", "questions", index),
                        f"'{ref.question}' is in both forms (form A item {item}): parallel forms "
                        "need different questions on the same objectives")
    for this, other, where in (("form A", "form B", ("forms", "a")),
                               ("form B", "form A", ("forms", "b"))):
        missing = sorted(objectives[other] - objectives[this])
        if missing:
            yield _warn(source, where,
                        f"{this} assesses no question on objective {', '.join(missing)}, which "
                        f"{other} assesses: give each form at least one question per objective")
    assessed = objectives["form A"] | objectives["form B"]
    unassessed = [f"{m.id}/{o.id}" for m in _programme(catalogue, curriculum) for o in m.objectives
                  if f"{m.id}/{o.id}" not in assessed]
    if unassessed:
        yield _warn(source, ("forms",),
                    f"no test question assesses objective {', '.join(unassessed)}: the gain per "
                    "objective will not show it; add a question on it to each form")


def _programme(catalogue: Catalogue, curriculum: Curriculum) -> Iterable[Module]:
    return (catalogue.modules[m] for m in curriculum.modules)


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


@lru_cache(maxsize=4096)
def _shown_length(markdown: str) -> int:
    """Return the length of an option's text as a participant reads it (Markdown rendered)."""
    return len(" ".join(Markup(render_inline(markdown)).striptags().split()))  # noqa: S704


def _longest_warnings(question: SingleChoice | MultipleChoice, source: SourceMap, loc: Loc
                      ) -> Iterator[Issue]:
    """Warn when the right option is the longest by far: a test-wise participant picks it unread.

    For a multiple-choice question, when even its shortest right option is: the right options
    would then be the long ones.
    """
    right = [(_shown_length(o.text), o.id) for o in question.options if o.correct]
    wrong = [(_shown_length(o.text), o.id) for o in question.options if not o.correct]
    if not right or not wrong:
        return
    right_length, right_id = min(right)
    wrong_length, wrong_id = max(wrong)
    if right_length > LONGEST_RATIO * wrong_length and right_length - wrong_length >= LONGEST_MARGIN:
        which = "right option" if len(right) == 1 else "shortest right option"
        yield _warn(source, loc,
                    f"question '{question.id}': the right option is the longest by far ({which} "
                    f"'{right_id}' has {right_length} characters, the longest wrong option "
                    f"'{wrong_id}' {wrong_length}): a test-wise participant picks it unread; make "
                    "the options parallel in length, grammar and hedging (tighten the right "
                    "option, or give wrong options plausible detail)")


def _translated_longest_warnings(source_module: Module, translated: Module, source: SourceMap,
                                 index: dict[str, int]) -> Iterator[Issue]:
    """Warn, at the translation file's question, when a translated right option is the longest by
    far as the catalogue shows it. A question whose options all show the source's text (none
    translated, or a stale translation) is the source's own warning, not repeated here."""
    source_texts = {q.id: [o.text for o in q.options] for q in source_module.quiz.questions
                    if isinstance(q, SingleChoice | MultipleChoice)}
    for question in translated.quiz.questions:
        if question.id not in index or not isinstance(question, SingleChoice | MultipleChoice):
            continue
        if [o.text for o in question.options] == source_texts.get(question.id):
            continue
        yield from _longest_warnings(question, source, ("quiz", "questions", index[question.id]))


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
