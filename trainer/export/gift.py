"""Moodle GIFT question banks: one `$CATEGORY` per module, every question kind GIFT can express.

GIFT expresses single and multiple choice (multiple with Moodle's weights: each right option
+100/R %, each wrong one -100/R %, the same rule as trainer.quiz.grading), true/false (when the
options are the statement's truth: ids `true` and `false`), short answer (the wrong-answer feedback
becomes a 0 % catch-all `*` answer), numeric (value:tolerance or min..max) and matching (distractors
as answers with no prompt). Ordering questions cannot be written in GIFT: they are left out and
named in the result's `skipped` (use Moodle XML for them). Numeric wrong-answer feedback has no
place in GIFT either (Moodle XML keeps it).

Text is written as `[markdown]`, the author's own Markdown, with GIFT's special characters
(`\\ ~ = # { } :`) escaped and newlines written as `\\n` (a blank line would end the question). A
comment line `// trainer: {...}` before each question keeps what GIFT cannot hold (points, ids,
objective, case) so that `trainer import gift` gives back the same questions; Moodle ignores it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from trainer.content.models import (
    Matching,
    Module,
    MultipleChoice,
    Numeric,
    Option,
    Ordering,
    Question,
    ShortAnswer,
    TrueFalse,
)
from trainer.quiz.normalise import format_number

__all__ = ["CATEGORY_ROOT", "GiftExport", "METADATA_PREFIX", "category_root", "escape_gift", "module_gift",
           "modules_gift", "moodle_spellings"]

METADATA_PREFIX = "// trainer: "
CATEGORY_ROOT = "trainer"  # the category of a bank in the content's own language
_SPECIAL = "\\~=#{}:"


@dataclass(frozen=True)
class GiftExport:
    """A GIFT text and the questions (module id, question id) it could not express."""

    text: str
    skipped: tuple[tuple[str, str], ...]


def escape_gift(text: str) -> str:
    """Escape GIFT's special characters and newlines in a text."""
    out = []
    for char in text.strip().replace("\r\n", "\n"):
        if char in _SPECIAL:
            out.append("\\" + char)
        elif char == "\n":
            out.append("\\n")
        else:
            out.append(char)
    return "".join(out)




def _weight(fraction: float) -> str:
    return f"{fraction * 100:.5f}".rstrip("0").rstrip(".")


def _feedback(text: str | None) -> str:
    return f"#{escape_gift(text)}" if text else ""


def is_truth_pair(options: Sequence[Option]) -> bool:
    """Return whether true/false options are literally `true` and `false` (GIFT's T/F)."""
    return sorted(option.id for option in options) == ["false", "true"]


_APOSTROPHES = ("\u2019", "'")  # the typographic apostrophe (French text), the keyboard's


def moodle_spellings(accepted: Sequence[str]) -> list[str]:
    """Return accepted short answers for Moodle, each followed by its spelling with the other
    apostrophe ("l’autorité" and "l'autorité"): Moodle compares the characters as typed, where
    trainer takes them as one, and a phone types either."""
    found: dict[str, None] = {}
    for answer in accepted:
        found[answer] = None
        for old, new in (_APOSTROPHES, _APOSTROPHES[::-1]):
            found[answer.replace(old, new)] = None
    return list(found)


def _answers(question: Question) -> str | None:
    """Return the inside of the answer block, or None when GIFT cannot express the question."""
    if isinstance(question, Ordering):
        return None
    if isinstance(question, TrueFalse) and is_truth_pair(question.options):
        right = next(o for o in question.options if o.correct)
        wrong = next(o for o in question.options if not o.correct)
        # Moodle: {TRUE#feedback when answered wrong#feedback when answered right}
        feedback = ""
        if wrong.feedback or right.feedback:
            feedback = f"#{escape_gift(wrong.feedback or '')}#{escape_gift(right.feedback or '')}"
        return ("TRUE" if right.id == "true" else "FALSE") + feedback
    if isinstance(question, MultipleChoice):
        rights = sum(1 for o in question.options if o.correct)
        return "\n".join(
            f"~%{_weight(1 / rights) if o.correct else _weight(-1 / rights)}%"
            f"{escape_gift(o.text)}{_feedback(o.feedback)}"
            for o in question.options
        )
    if isinstance(question, ShortAnswer):
        lines = [f"={escape_gift(answer)}" for answer in moodle_spellings(question.accepted)]
        if question.feedback:
            lines.append(f"=%0%*{_feedback(question.feedback)}")
        return "\n".join(lines)
    if isinstance(question, Numeric):
        if question.answer is not None:
            return f"#{format_number(question.answer)}:{format_number(abs(question.tolerance))}"
        assert question.range is not None  # validation requires answer or range  # noqa: S101
        return f"#{format_number(question.range.min)}..{format_number(question.range.max)}"
    if isinstance(question, Matching):
        lines = [f"={escape_gift(p.prompt.replace('->', '→'))} -> {escape_gift(p.match)}"
                 for p in question.pairs]
        lines += [f"= -> {escape_gift(d.text)}" for d in question.distractors]
        return "\n".join(lines)
    return "\n".join(
        f"{'=' if o.correct else '~'}{escape_gift(o.text)}{_feedback(o.feedback)}"
        for o in question.options
    )


def _metadata(question: Question) -> str:
    data: dict[str, object] = {"kind": question.kind, "points": question.points}
    if question.objective:
        data["objective"] = question.objective
    if question.case:
        data["case"] = question.case
    if isinstance(question, Numeric) and question.unit:
        data["unit"] = question.unit
    if isinstance(question, Numeric) and question.feedback:
        data["feedback"] = question.feedback
    if hasattr(question, "options"):
        data["options"] = [option.id for option in question.options]
    if isinstance(question, Matching):
        data["pairs"] = [pair.id for pair in question.pairs]
        data["distractors"] = [d.id for d in question.distractors]
    return METADATA_PREFIX + json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _question(question: Question, answers: str) -> str:
    general = f"\n####{escape_gift(question.explanation)}" if question.explanation else ""
    return (
        f"{_metadata(question)}\n"
        f"::{escape_gift(question.id)}::[markdown]{escape_gift(question.prompt)}{{\n"
        f"{answers}{general}\n}}\n"
    )


def category_root(language: str | None, source_language: str) -> str:
    """Return the question bank category that holds a bank's module categories: "trainer" for a
    bank in the content's own language, "trainer-fr" for its French translation, so that a bank
    in each language can go into one course (Moodle keeps an idnumber unique in a category)."""
    return CATEGORY_ROOT if language in (None, source_language) else f"{CATEGORY_ROOT}-{language}"


def module_gift(module: Module, root: str = CATEGORY_ROOT) -> GiftExport:
    """Return a module's quiz as GIFT (a category named after the module, under `root`)."""
    blocks = [f"// {module.title.replace(chr(10), ' ')}\n$CATEGORY: {root}/{module.id}\n"]
    skipped: list[tuple[str, str]] = []
    for question in module.quiz.questions:
        answers = _answers(question)
        if answers is None:
            skipped.append((module.id, question.id))
            continue
        blocks.append(_question(question, answers))
    return GiftExport("\n".join(blocks), tuple(skipped))


def modules_gift(modules: Sequence[Module], category_root: str = CATEGORY_ROOT) -> GiftExport:
    """Return several modules as one GIFT file, one category each (under `category_root`)."""
    parts = [module_gift(module, category_root) for module in modules]
    return GiftExport("\n".join(part.text for part in parts),
                      tuple(s for part in parts for s in part.skipped))
