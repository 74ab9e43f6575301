"""Moodle XML question banks → a draft module's quiz (`trainer import moodle-xml FILE`).

Reads every question type `trainer export moodle-xml` writes, and the same types from any Moodle:
multichoice (single → single, or true_false when its two options read True/False; multiple →
multiple, right = a positive fraction), truefalse, shortanswer (100 % answers accepted; a 0 % `*`
answer is the wrong-answer feedback), numerical (the 100 % answer ± its tolerance; a unit with
multiplier 1), matching (a sub-question without text is a distractor) and ordering (answers in
position order; its grading type back as `scoring`, an unknown one noted). The question's name is
its id when it is one (else the part after `/` of its idnumber, else an id made from the name);
option, pair and item ids are not in Moodle XML, so they are made (a, b, c ...; pairs and items
from their text). Texts are HTML turned into Markdown; embedded images (`@@PLUGINFILE@@`) are
extracted. A `trainer-case:<id>` tag (a question's `case`) is noted, not kept: the bank holds no
case-study section. Other types (essay, description, cloze,
calculated, drag and drop ...) and questions that would not pass `trainer check` are listed with
their line, never dropped silently.

Parsed with lxml, entities never resolved, no network, and any DOCTYPE refused first.
"""

from __future__ import annotations

import base64
import binascii
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

from lxml import etree

from trainer.content.models import ORDERING_SCORING_DEFAULT
from trainer.export.moodle_xml import CASE_TAG_PREFIX, ORDERING_GRADING
from trainer.interchange.draft import (
    PLACEHOLDER_SECTION_BODY,
    Draft,
    question_problems,
    skeleton,
    slugify,
    unique_id,
)
from trainer.interchange.html_markdown import escape_markdown, inline_markdown, to_markdown
from trainer.interchange.images import ImageStore
from trainer.interchange.limits import check_file_size, check_xml_bytes, refuse
from trainer.quiz.normalise import distinct_answers

__all__ = ["MAX_XML_BYTES", "moodle_xml_to_draft"]

MAX_XML_BYTES = 50 * 1024 * 1024
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                          remove_comments=True)
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_IMAGE_TYPES = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif",
                "webp": "image/webp"}
_NOT_QUESTIONS = {"category"}
_SCORING = {grading: scoring for scoring, grading in ORDERING_GRADING.items()}


class _Skip(Exception):
    """A question that cannot be imported; its message says why."""


class _Reader:
    def __init__(self, path: Path, images: ImageStore) -> None:
        self.path = path
        self.images = images
        self.links: list[str] = []

    def where(self, element: etree._Element) -> str:
        return f"{self.path}:{_line(element)}:1"

    def _files(self, holder: etree._Element, text: str) -> str:
        """Extract the <file> images of a text element; point @@PLUGINFILE@@ URLs at them."""
        for file in holder.findall("file"):
            name = file.get("name", "")
            extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
            try:
                data = base64.b64decode(file.text or "", validate=False)
            except (binascii.Error, ValueError):
                continue
            src = self.images.add(data, _IMAGE_TYPES.get(extension, extension),
                                  self.where(file))
            if src is not None:
                for spelling in {name, quote(name)}:
                    text = text.replace(f"@@PLUGINFILE@@/{spelling}", src)
        return text

    def raw(self, parent: etree._Element, tag: str) -> tuple[str, str, etree._Element | None]:
        element = parent.find(tag)
        if element is None:
            return "", "html", None
        text = element.findtext("text") or ""
        return self._files(element, text), element.get("format", "html"), element

    def markdown(self, parent: etree._Element, tag: str, *, inline: bool = False) -> str:
        text, fmt, _ = self.raw(parent, tag)
        if not text.strip():
            return ""
        if fmt == "markdown":
            return text.strip()
        if fmt == "plain_text" or (fmt == "moodle_auto_format" and "<" not in text):
            return escape_markdown(" ".join(text.split()) if inline else text.strip())
        if inline:
            return inline_markdown(text, self.links.append)
        return to_markdown(text, on_link=self.links.append)


def _line(element: etree._Element) -> int:
    found: object = element.sourceline
    return found if isinstance(found, int) else 1


def _fraction(answer: etree._Element) -> float:
    try:
        return float(answer.get("fraction", "0"))
    except ValueError:
        return 0.0


def _number(text: str | None, what: str) -> float:
    try:
        return float((text or "").strip())
    except ValueError:
        raise _Skip(f"{what} {text!r} is not a number") from None


def _choice(element: etree._Element, reader: _Reader, notes: list[str]) -> dict[str, Any]:
    single = (element.findtext("single") or "true").strip().lower() in ("true", "1")
    answers = element.findall("answer")
    options: list[dict[str, Any]] = []
    for index, answer in enumerate(answers):
        text = reader.markdown(answer, ".", inline=True) if answer.findtext("text") else ""
        fraction = _fraction(answer)
        option: dict[str, Any] = {"id": _LETTERS[index] if index < 26 else f"o{index}",
                                  "text": text or f"(option {index + 1} has no text)"}
        if (fraction >= 100 if single else fraction > 0):
            option["correct"] = True
        elif single and fraction > 0:
            notes.append(f"{reader.where(answer)}: option {option['id']} earned {fraction:g} %: "
                         "partial credit has no place in a single-choice question; it is now wrong")
        feedback = reader.markdown(answer, "feedback")
        if feedback:
            option["feedback"] = feedback
        options.append(option)
    if single and len(options) == 2 and \
            sorted(o["text"].casefold() for o in options) == ["false", "true"]:
        for option in options:
            option["id"] = option["text"].casefold()
        return {"kind": "true_false", "options": options}
    return {"kind": "single" if single else "multiple", "options": options}


def _true_false(element: etree._Element, reader: _Reader) -> dict[str, Any]:
    options = []
    for answer in element.findall("answer"):
        value = (answer.findtext("text") or "").strip().lower()
        if value not in ("true", "false"):
            raise _Skip(f"a true/false answer reads {value!r}, not true or false")
        option: dict[str, Any] = {"id": value, "text": value.capitalize()}
        if _fraction(answer) >= 100:
            option["correct"] = True
        feedback = reader.markdown(answer, "feedback")
        if feedback:
            option["feedback"] = feedback
        options.append(option)
    return {"kind": "true_false", "options": sorted(options, key=lambda o: o["id"] != "true")}


def _short(element: etree._Element, reader: _Reader, notes: list[str]) -> dict[str, Any]:
    data: dict[str, Any] = {"kind": "short_answer", "accepted": []}
    if (element.findtext("usecase") or "0").strip() == "1":
        notes.append(f"{reader.where(element)}: Moodle compared this answer case by case; "
                     "trainer ignores case")
    for answer in element.findall("answer"):
        text = " ".join((answer.findtext("text") or "").split())
        fraction = _fraction(answer)
        if text == "*" and fraction == 0:
            feedback = reader.markdown(answer, "feedback")
            if feedback:
                data["feedback"] = feedback
        elif fraction >= 100:
            data["accepted"].append(text)
        elif text:
            notes.append(f"{reader.where(answer)}: answer {text!r} earned {fraction:g} %: "
                         "trainer has no partial credit for short answers; it was left out")
    # Spellings that trainer grades as one answer ("l’autorité", "l'autorité": the exporter
    # writes both for Moodle) are kept once.
    data["accepted"] = distinct_answers(data["accepted"])
    return data


def _numerical(element: etree._Element, reader: _Reader, notes: list[str]) -> dict[str, Any]:
    data: dict[str, Any] = {"kind": "numeric"}
    for answer in element.findall("answer"):
        text = (answer.findtext("text") or "").strip()
        fraction = _fraction(answer)
        if text == "*" and fraction == 0:
            feedback = reader.markdown(answer, "feedback")
            if feedback:
                data["feedback"] = feedback
        elif fraction >= 100 and "answer" not in data:
            data["answer"] = _number(text, "the answer")
            tolerance = _number(answer.findtext("tolerance") or "0", "the tolerance")
            if tolerance:
                data["tolerance"] = abs(tolerance)
        else:
            notes.append(f"{reader.where(answer)}: answer {text!r} ({fraction:g} %) was left out: "
                         "trainer accepts one value ± tolerance")
    if "answer" not in data:
        raise _Skip("no answer earns 100 %")
    for unit in element.findall("units/unit"):
        if _number(unit.findtext("multiplier") or "1", "the multiplier") == 1:
            data["unit"] = (unit.findtext("unit_name") or "").strip()[:40] or None
            if data["unit"] is None:
                del data["unit"]
            break
    return data


def _matching(element: etree._Element, reader: _Reader) -> dict[str, Any]:
    pairs: list[dict[str, str]] = []
    distractors: list[dict[str, str]] = []
    taken: set[str] = set()
    for sub in element.findall("subquestion"):
        prompt = reader.markdown(sub, ".", inline=True) if (sub.findtext("text") or "").strip() else ""
        match = " ".join((sub.findtext("answer/text") or "").split())
        if prompt:
            pairs.append({"id": unique_id(slugify(prompt[:40], "pair"), taken), "prompt": prompt,
                          "match": match})
        elif match:
            distractors.append({"id": unique_id(slugify(match[:40], "distractor"), taken),
                                "text": match})
    data: dict[str, Any] = {"kind": "matching", "pairs": pairs}
    if distractors:
        data["distractors"] = distractors
    return data


def _ordering(element: etree._Element, reader: _Reader, notes: list[str]) -> dict[str, Any]:
    answers = sorted(enumerate(element.findall("answer")), key=lambda a: (_fraction(a[1]), a[0]))
    taken: set[str] = set()
    items = []
    for _, answer in answers:
        text = reader.markdown(answer, ".", inline=True)
        items.append({"id": unique_id(slugify(text[:40], "item"), taken), "text": text})
    data: dict[str, Any] = {"kind": "ordering", "items": items}
    grading = (element.findtext("gradingtype") or "").strip()
    if grading in _SCORING:
        if _SCORING[grading] != ORDERING_SCORING_DEFAULT:
            data["scoring"] = _SCORING[grading]
    elif grading:
        notes.append(f"{reader.where(element)}: Moodle grading type {grading!r} has no trainer "
                     f"scoring: `{ORDERING_SCORING_DEFAULT}` instead (or set `scoring:` to one of "
                     f"{', '.join(sorted(_SCORING.values()))})")
    return data


def _question(element: etree._Element, kind: str, reader: _Reader,
              notes: list[str]) -> dict[str, Any]:
    if kind == "multichoice":
        answer = _choice(element, reader, notes)
    elif kind == "truefalse":
        answer = _true_false(element, reader)
    elif kind == "shortanswer":
        answer = _short(element, reader, notes)
    elif kind == "numerical":
        answer = _numerical(element, reader, notes)
    elif kind == "matching":
        answer = _matching(element, reader)
    else:
        answer = _ordering(element, reader, notes)
    data: dict[str, Any] = {"prompt": reader.markdown(element, "questiontext"), **answer}
    grade = element.findtext("defaultgrade")
    if grade is not None and grade.strip():
        points = _number(grade, "the grade")
        if 0 < points <= 100:
            data["points"] = points
        else:
            notes.append(f"{reader.where(element)}: a grade of {points:g} is outside 0-100 "
                         "(exclusive of 0): 1 point instead")
    explanation = reader.markdown(element, "generalfeedback")
    if explanation:
        data["explanation"] = explanation
    return data


_READ = {"multichoice", "truefalse", "shortanswer", "numerical", "matching", "ordering"}


def _cases(element: etree._Element) -> list[str]:
    """Return the case-study ids of the question's `trainer-case:` tags (the export writes them)."""
    tags = [(tag.text or "").strip() for tag in element.findall("tags/tag/text")]
    return [tag.removeprefix(CASE_TAG_PREFIX) for tag in tags if tag.startswith(CASE_TAG_PREFIX)]


def _question_id(element: etree._Element, number: int, taken: set[str]) -> str:
    name = " ".join((element.findtext("name/text") or "").split())
    idnumber = (element.findtext("idnumber") or "").strip().rsplit("/", 1)[-1]
    for candidate in (name, idnumber):
        if candidate and re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", candidate) and \
                len(candidate) <= 64 and candidate not in taken:
            taken.add(candidate)
            return candidate
    return unique_id(slugify(name, f"q-{number}") if name else f"q-{number}", taken)


def moodle_xml_to_draft(path: Path, module_id: str) -> Draft:
    """Read a Moodle XML question bank into a draft module (raise ContentError if refused)."""
    check_file_size(path, MAX_XML_BYTES)
    data = path.read_bytes()
    check_xml_bytes(data, path)
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        found: object = getattr(exc, "lineno", None)
        raise refuse(path, f"not well-formed XML: {exc.msg}",
                     line=found if isinstance(found, int) else 1) from None
    if root.tag != "quiz":
        raise refuse(path, f"not a Moodle XML question bank: the root element is <{root.tag}>, "
                           "not <quiz>", line=_line(root))
    images = ImageStore(module_id)
    reader = _Reader(path, images)
    notes: list[str] = []
    left_out: list[str] = []
    questions: list[dict[str, Any]] = []
    taken: set[str] = set()
    title = ""
    shuffles: list[bool] = []
    elements = root.findall("question")
    for number, element in enumerate(elements, start=1):
        kind = element.get("type", "")
        if kind == "category":
            title = title or " ".join((element.findtext("info/text") or "").split())
            continue
        name = " ".join((element.findtext("name/text") or "").split()) or f"question {number}"
        if kind not in _READ:
            left_out.append(f"{reader.where(element)}: {name!r}: Moodle type '{kind}' has no trainer "
                         "kind: not imported (write it as one of the seven kinds)")
            continue
        question_notes: list[str] = []
        try:
            question = {"id": _question_id(element, number, taken),
                        **_question(element, kind, reader, question_notes)}
        except _Skip as exc:
            left_out.append(f"{reader.where(element)}: {name!r}: not imported: {exc}")
            continue
        problems = question_problems(question)
        if problems:
            left_out.append(f"{reader.where(element)}: {name!r}: not imported: "
                            f"{'; '.join(problems)}")
            continue
        if kind == "multichoice":
            shuffles.append((element.findtext("shuffleanswers") or "").strip() in ("true", "1"))
        notes.extend(question_notes)
        notes += [f"{reader.where(element)}: question {question['id']} showed the case study "
                  f"{case!r}, which a question bank does not hold: `case:` left out (add the "
                  f"section with `kind: case-study` and `case: {case}` to keep it)"
                  for case in _cases(element)]
        questions.append(question)
    if not questions:
        raise refuse(path, "no question could be imported" + (
            f" ({len(left_out)} left out: " + "; ".join(left_out) + ")" if left_out else ""))
    module = skeleton(module_id, title or f"Imported questions ({module_id})")
    module["sections"] = [{"id": "reading", "title": "Reading", "body": PLACEHOLDER_SECTION_BODY}]
    module["quiz"]["questions"] = questions
    if shuffles and all(shuffles):
        module["quiz"]["shuffle"] = True
    notes += images.notes
    notes += [f"{path}: link to {link!r} kept as text only (links may be http, https or mailto)"
              for link in reader.links]
    return Draft(str(path), "moodle-xml", module, images.files, notes, len(questions),
                 ["write the objectives and tie each question to one (`objective:`)",
                  "write the reading and the summary",
                  "give each question an explanation and each wrong option feedback where missing"],
                 left_out + images.left_out)
