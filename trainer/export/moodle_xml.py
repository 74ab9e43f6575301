"""Moodle XML question banks: every question kind, one category per module.

Built with ElementTree (never by string formatting). Texts are the sanitised HTML the catalogue
rendered at load (`format="html"`), the same HTML as the web app and the packages. Kinds map to
Moodle question types: single and true/false → multichoice (single) or truefalse (when the options
are `true`/`false`); multiple → multichoice with Moodle's weights (+100/R % per right option,
-100/R % per wrong one, as trainer.quiz.grading); short answer → shortanswer (case-insensitive; a
0 % `*` answer carries the wrong-answer feedback); numeric → numerical (a range becomes its midpoint
± half its width; a 0 % `*` answer carries the feedback); matching → matching (distractors are
sub-questions with no text); ordering → ordering (Moodle's Ordering question type, with the
grading type of the question's `scoring`: ABSOLUTE_POSITION, RELATIVE_NEXT_EXCLUDE_LAST or
LONGEST_ORDERED_SUBSET, the Moodle methods trainer's grader follows). A question's `case` (the id
of a case-study section, which a bank has no place for) is a tag `trainer-case:<id>`.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET  # noqa: S405 - used to build XML, never to parse untrusted XML
from collections.abc import Callable, Sequence

from trainer.content.catalogue import Catalogue
from trainer.content.models import (
    Matching,
    Module,
    MultipleChoice,
    Numeric,
    Ordering,
    Question,
    ShortAnswer,
    TrueFalse,
)
from trainer.export.gift import CATEGORY_ROOT, is_truth_pair, moodle_spellings
from trainer.locales import text_direction
from trainer.quiz.normalise import format_number

__all__ = ["CASE_TAG_PREFIX", "ORDERING_GRADING", "modules_moodle_xml"]

# Moodle's ordering grading types for trainer's `scoring` (qtype_ordering, question.php).
ORDERING_GRADING = {"position": "ABSOLUTE_POSITION", "relative_to_next": "RELATIVE_NEXT_EXCLUDE_LAST",
                   "longest_ordered_subset": "LONGEST_ORDERED_SUBSET"}
# A question's `case` (a section of the module, not in the bank) travels as a Moodle tag.
CASE_TAG_PREFIX = "trainer-case:"


def _fraction(value: float) -> str:
    return f"{value * 100:.5f}".rstrip("0").rstrip(".")


def _text(parent: ET.Element, tag: str, html: str, *, fmt: str = "html") -> ET.Element:
    element = ET.SubElement(parent, tag, {"format": fmt})
    ET.SubElement(element, "text").text = html.strip()
    return element


def _plain(parent: ET.Element, tag: str, value: str) -> None:
    ET.SubElement(parent, tag).text = value


def _answer(parent: ET.Element, fraction: float, html: str, feedback: str,
            fmt: str = "html") -> None:
    answer = ET.SubElement(parent, "answer", {"fraction": _fraction(fraction), "format": fmt})
    ET.SubElement(answer, "text").text = html
    _text(answer, "feedback", feedback)


def _category(quiz: ET.Element, module: Module, root: str) -> None:
    question = ET.SubElement(quiz, "question", {"type": "category"})
    category = ET.SubElement(question, "category")
    ET.SubElement(category, "text").text = f"$course$/top/{root}/{module.id}"
    _text(question, "info", module.title, fmt="moodle_auto_format")


def _type(question: Question) -> str:
    if isinstance(question, TrueFalse) and is_truth_pair(question.options):
        return "truefalse"
    return {
        "single": "multichoice", "multiple": "multichoice", "true_false": "multichoice",
        "short_answer": "shortanswer", "numeric": "numerical", "matching": "matching",
        "ordering": "ordering",
    }[question.kind]


def _directed(render: Callable[[str | None], str], language: str, tag: str
              ) -> Callable[[str | None], str]:
    """Return `render` (Markdown to HTML), its HTML in an element with the language's `lang` and
    `dir` when the language is written right to left: an Arabic question keeps its direction in
    a Moodle course whose pages are left to right."""
    if text_direction(language) == "ltr":
        return render

    def directed(markdown: str | None) -> str:
        html = render(markdown).strip()
        return f'<{tag} lang="{language}" dir="rtl">{html}</{tag}>' if html else html
    return directed


def _question(quiz: ET.Element, catalogue: Catalogue, module: Module, question: Question) -> None:
    kind = _type(question)
    element = ET.SubElement(quiz, "question", {"type": kind})
    name = ET.SubElement(element, "name")
    ET.SubElement(name, "text").text = question.id
    html = _directed(catalogue.html, module.language, "div")
    inline = _directed(catalogue.inline_html, module.language, "span")
    _text(element, "questiontext", html(question.prompt))
    _text(element, "generalfeedback", html(question.explanation))
    _plain(element, "defaultgrade", format_number(question.points))
    _plain(element, "penalty", "0")
    _plain(element, "hidden", "0")
    _plain(element, "idnumber", f"{module.id}/{question.id}")
    if question.case:
        tags = ET.SubElement(element, "tags")
        ET.SubElement(ET.SubElement(tags, "tag"), "text").text = CASE_TAG_PREFIX + question.case
    if isinstance(question, ShortAnswer):
        _plain(element, "usecase", "0")
        for accepted in moodle_spellings(question.accepted):
            _answer(element, 1, accepted, "", fmt="moodle_auto_format")
        if question.feedback:
            _answer(element, 0, "*", html(question.feedback), fmt="moodle_auto_format")
    elif isinstance(question, Numeric):
        if question.answer is not None:
            value, tolerance = question.answer, abs(question.tolerance)
        else:
            assert question.range is not None  # validation requires one  # noqa: S101
            value = (question.range.min + question.range.max) / 2
            tolerance = (question.range.max - question.range.min) / 2
        answer = ET.SubElement(element, "answer", {"fraction": "100", "format": "moodle_auto_format"})
        ET.SubElement(answer, "text").text = format_number(value)
        _plain(answer, "tolerance", format_number(tolerance))
        _text(answer, "feedback", "")
        if question.feedback:
            _answer(element, 0, "*", html(question.feedback), fmt="moodle_auto_format")
        if question.unit:
            units = ET.SubElement(element, "units")
            unit = ET.SubElement(units, "unit")
            _plain(unit, "multiplier", "1")
            _plain(unit, "unit_name", question.unit)
            _plain(element, "unitgradingtype", "0")
            _plain(element, "showunits", "3")
    elif isinstance(question, Matching):
        _plain(element, "shuffleanswers", "true")
        for pair in question.pairs:
            sub = _text(element, "subquestion", inline(pair.prompt))
            answer = ET.SubElement(sub, "answer")
            ET.SubElement(answer, "text").text = pair.match
        for distractor in question.distractors:
            sub = _text(element, "subquestion", "")
            answer = ET.SubElement(sub, "answer")
            ET.SubElement(answer, "text").text = distractor.text
    elif isinstance(question, Ordering):
        _plain(element, "layouttype", "VERTICAL")
        _plain(element, "selecttype", "ALL")
        _plain(element, "selectcount", "0")
        _plain(element, "gradingtype", ORDERING_GRADING[question.scoring])
        _plain(element, "showgrading", "SHOW")
        _plain(element, "numberingstyle", "none")
        for position, item in enumerate(question.items, start=1):
            answer = ET.SubElement(element, "answer",
                                   {"fraction": f"{position}.0000000", "format": "html"})
            ET.SubElement(answer, "text").text = inline(item.text)
    elif isinstance(question, TrueFalse) and kind == "truefalse":
        for option in sorted(question.options, key=lambda o: o.id != "true"):
            answer = ET.SubElement(element, "answer",
                                   {"fraction": "100" if option.correct else "0",
                                    "format": "moodle_auto_format"})
            ET.SubElement(answer, "text").text = option.id
            _text(answer, "feedback", html(option.feedback))
    else:
        rights = sum(1 for o in question.options if o.correct)
        multiple = isinstance(question, MultipleChoice)
        _plain(element, "single", "false" if multiple else "true")
        _plain(element, "shuffleanswers", "true" if module.quiz.shuffle else "false")
        _plain(element, "answernumbering", "abc")
        for option in question.options:
            fraction = (1 / rights if option.correct else -1 / rights) if multiple else (
                1.0 if option.correct else 0.0)
            _answer(element, fraction, inline(option.text), html(option.feedback))


def modules_moodle_xml(catalogue: Catalogue, modules: Sequence[Module],
                       category_root: str = CATEGORY_ROOT) -> bytes:
    """Return a Moodle XML question bank of the modules' quizzes, one category per module under
    `category_root` (`trainer.export.gift.category_root`)."""
    quiz = ET.Element("quiz")
    for module in modules:
        _category(quiz, module, category_root)
        for question in module.quiz.questions:
            _question(quiz, catalogue, module, question)
    ET.indent(quiz)
    body: bytes = ET.tostring(quiz, encoding="utf-8", xml_declaration=True)
    return body + b"\n"
