"""Read a Moodle GIFT question bank into a module (`trainer import gift FILE [--id ID]`).

Reads the GIFT kinds trainer has: multiple choice (one right answer: single; weights: multiple),
true/false, short answer (a 0 % `*` answer is the wrong-answer feedback), numeric (`#value:tolerance`
or `#min..max`) and matching (`= -> text` is a distractor). `####` is the explanation. Essays,
descriptions and embedded answers (text after the answer block) are reported, not guessed.
The `// trainer: {...}` comments that `trainer export gift` writes restore points and ids; a bank
from elsewhere gets generated ids (`q-1`, options `a`, `b` ...) and 1 point per question.

The result is a module with a placeholder objective and section for the author to fill in
(`gift_to_draft`: a draft, written like the other importers' by trainer.interchange.draft),
validated by the content model before it is returned: every problem is a ContentError with the
GIFT file's line.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from trainer.content.models import Module, is_slug
from trainer.errors import ContentError, Issue
from trainer.export.gift import METADATA_PREFIX
from trainer.interchange.draft import Draft
from trainer.interchange.limits import check_file_size, refuse
from trainer.quiz.normalise import distinct_answers

__all__ = ["MAX_GIFT_BYTES", "GiftQuestion", "gift_to_draft", "gift_to_module", "parse_gift"]

MAX_GIFT_BYTES = 1024 * 1024

_Chars = list[tuple[str, bool]]
_WEIGHT = re.compile(r"^%(-?\d+(?:\.\d+)?)%")
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


@dataclass
class GiftQuestion:
    """One question read from GIFT, as the dict a module file would hold, with its line."""

    line: int
    data: dict[str, Any]
    category: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)


def _chars(text: str) -> _Chars:
    out: _Chars = []
    i = 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            out.append(("\n" if text[i + 1] == "n" else text[i + 1], True))
            i += 2
        else:
            out.append((text[i], False))
            i += 1
    return out


def _text(chars: _Chars) -> str:
    return "".join(char for char, _ in chars).strip()


def _find(chars: _Chars, wanted: str, start: int = 0) -> int:
    """Return the index of the unescaped `wanted` (one or more characters) from `start`, or -1."""
    for i in range(start, len(chars) - len(wanted) + 1):
        if all(chars[i + k] == (wanted[k], False) for k in range(len(wanted))):
            return i
    return -1


def _split_answers(chars: _Chars) -> list[tuple[str, _Chars]]:
    """Split an answer block at unescaped `=` and `~` into (marker, text) pairs."""
    answers: list[tuple[str, _Chars]] = []
    for char, escaped in chars:
        if not escaped and char in "=~":
            answers.append((char, []))
        elif answers:
            answers[-1][1].append((char, escaped))
        elif not char.isspace():
            raise ValueError("an answer must start with = or ~")
    return answers


def _answer_parts(chars: _Chars) -> tuple[float | None, str, str | None]:
    """Return (weight %, text, feedback) of one answer."""
    text = "".join(c for c, _ in chars)
    weight: float | None = None
    match = _WEIGHT.match(text.lstrip())
    if match is not None:
        weight = float(match.group(1))
        chars = chars[len(text) - len(text.lstrip()) + match.end():]
    cut = _find(chars, "#")
    if cut < 0:
        return weight, _text(chars), None
    return weight, _text(chars[:cut]), _text(chars[cut + 1:]) or None


def _option_ids(meta: dict[str, Any], key: str, count: int, prefix: str = "") -> list[str]:
    ids = meta.get(key)
    if isinstance(ids, list) and len(ids) == count and all(isinstance(i, str) for i in ids):
        return ids
    return [f"{prefix}{_LETTERS[i]}" if i < 26 else f"{prefix}o{i}" for i in range(count)]


def _choice(answers: list[tuple[str, _Chars]], meta: dict[str, Any]) -> dict[str, Any]:
    parts = [(marker, *_answer_parts(chars)) for marker, chars in answers]
    weighted = any(weight is not None for _, weight, _, _ in parts)
    rights = [m == "=" or (w is not None and w > 0) for m, w, _, _ in parts]
    kind = "multiple" if weighted or sum(rights) > 1 else "single"
    if meta.get("kind") == "true_false" and len(parts) == 2:
        kind = "true_false"
    ids = _option_ids(meta, "options", len(parts))
    options = []
    for option_id, right, (_, _, text, feedback) in zip(ids, rights, parts, strict=True):
        option: dict[str, Any] = {"id": option_id, "text": text}
        if right:
            option["correct"] = True
        if feedback:
            option["feedback"] = feedback
        options.append(option)
    return {"kind": kind, "options": options}


def _short(answers: list[tuple[str, _Chars]]) -> dict[str, Any]:
    data: dict[str, Any] = {"kind": "short_answer", "accepted": []}
    for _, chars in answers:
        weight, text, feedback = _answer_parts(chars)
        if text == "*" and weight == 0:
            data["feedback"] = feedback
        elif weight is None or weight > 0:
            data["accepted"].append(text)
    data["accepted"] = distinct_answers(data["accepted"])  # the export's second spellings
    return data


def _numeric(chars: _Chars, meta: dict[str, Any]) -> dict[str, Any]:
    text = _text(chars[1:])
    data: dict[str, Any] = {"kind": "numeric"}
    if ".." in text:
        low, high = text.split("..", 1)
        data["range"] = {"min": float(low), "max": float(high)}
    else:
        value, _, tolerance = text.partition(":")
        data["answer"] = float(value)
        if tolerance and float(tolerance) != 0:
            data["tolerance"] = float(tolerance)
    for key in ("unit", "feedback"):
        if isinstance(meta.get(key), str):
            data[key] = meta[key]
    return data


def _matching(answers: list[tuple[str, _Chars]], meta: dict[str, Any]) -> dict[str, Any]:
    pairs: list[tuple[str, str]] = []
    distractors: list[str] = []
    for _, chars in answers:
        arrow = _find(chars, "->")
        prompt, match = _text(chars[:arrow]), _text(chars[arrow + 2:])
        if prompt:
            pairs.append((prompt, match))
        else:
            distractors.append(match)
    pair_ids = _option_ids(meta, "pairs", len(pairs), "p-")
    distractor_ids = _option_ids(meta, "distractors", len(distractors), "x-")
    return {
        "kind": "matching",
        "pairs": [{"id": i, "prompt": p, "match": m}
                  for i, (p, m) in zip(pair_ids, pairs, strict=True)],
        **({"distractors": [{"id": i, "text": t}
                            for i, t in zip(distractor_ids, distractors, strict=True)]}
           if distractors else {}),
    }


def _true_false(text: str) -> dict[str, Any]:
    parts = [part.strip() for part in text.split("\x00")]
    truth = parts[0].upper() in ("T", "TRUE")
    wrong_feedback = parts[1] if len(parts) > 1 and parts[1] else None
    right_feedback = parts[2] if len(parts) > 2 and parts[2] else None
    options = []
    for option_id in ("true", "false"):
        right = (option_id == "true") == truth
        option: dict[str, Any] = {"id": option_id, "text": option_id.capitalize()}
        if right:
            option["correct"] = True
        feedback = right_feedback if right else wrong_feedback
        if feedback:
            option["feedback"] = feedback
        options.append(option)
    return {"kind": "true_false", "options": options}


def _answer_block(chars: _Chars, meta: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    general = _find(chars, "####")
    explanation = _text(chars[general + 4:]) or None if general >= 0 else None
    body = chars[:general] if general >= 0 else chars
    stripped = _text(body)
    if not stripped:
        raise ValueError("essay questions ({}) have no trainer kind")
    first = next(c for c in body if not c[0].isspace())
    if first == ("#", False):
        return _numeric(body[body.index(first):], meta), explanation
    first_word = re.match(r"^(TRUE|FALSE|T|F)\b", stripped, re.IGNORECASE)
    if first_word and _find(body, "=") < 0 and _find(body, "~") < 0:
        joined = "".join("\x00" if (c == "#" and not e) else c for c, e in body)
        return _true_false(joined), explanation
    answers = _split_answers(body)
    if not answers:
        raise ValueError("no answers in the answer block")
    if all(_find(chars_, "->") >= 0 for _, chars_ in answers):
        return _matching(answers, meta), explanation
    markers = {marker for marker, _ in answers}
    weights = [_answer_parts(c)[0] for _, c in answers]
    if markers == {"="} and meta.get("kind") not in ("single", "true_false"):
        return _short(answers), explanation
    if markers == {"~"} and all(w is not None for w in weights) and \
            meta.get("kind") == "short_answer":
        return _short(answers), explanation
    return _choice(answers, meta), explanation


def _parse_block(lines: list[tuple[int, str]], category: str | None) -> GiftQuestion | None:
    meta: dict[str, Any] = {}
    body: list[tuple[int, str]] = []
    for number, raw_line in lines:
        stripped = raw_line.strip()
        if stripped.startswith(METADATA_PREFIX.strip()) and not body:
            try:
                loaded = json.loads(stripped[len(METADATA_PREFIX.strip()):])
            except ValueError:
                loaded = {}
            meta = loaded if isinstance(loaded, dict) else {}
        elif stripped.startswith("//") and not body:
            continue
        else:
            body.append((number, raw_line))
    if not body:
        return None
    first_line = body[0][0]
    chars = _chars("\n".join(text for _, text in body))
    title = None
    if chars[:2] == [(":", False), (":", False)]:
        end = _find(chars, "::", 2)
        if end < 0:
            raise _Located(first_line, "a question title (::title::) is not closed")
        title = _text(chars[2:end])
        chars = chars[end + 2:]
    text = "".join(c for c, _ in chars).lstrip()
    format_match = re.match(r"^\[(html|markdown|plain|moodle)\]", text)
    if format_match is not None:
        chars = chars[len("".join(c for c, _ in chars)) - len(text) + format_match.end():]
    open_at = _find(chars, "{")
    if open_at < 0:
        raise _Located(first_line, "no answer block { }: descriptions have no trainer kind")
    close_at = _find(chars, "}", open_at)
    if close_at < 0:
        raise _Located(first_line, "the answer block { is not closed")
    if _text(chars[close_at + 1:]):
        raise _Located(first_line, "text after the answer block (embedded answers) is not supported")
    prompt = _text(chars[:open_at])
    try:
        answer, explanation = _answer_block(chars[open_at + 1:close_at], meta)
    except ValueError as exc:
        raise _Located(first_line, str(exc)) from None
    data: dict[str, Any] = {"id": title, "prompt": prompt, **answer}
    if isinstance(meta.get("points"), int | float):
        data["points"] = meta["points"]
    for key in ("objective", "case"):
        if isinstance(meta.get(key), str):
            data[key] = meta[key]
    if explanation:
        data["explanation"] = explanation
    return GiftQuestion(first_line, data, category, meta)


class _Located(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def parse_gift(text: str, path: str = "<gift>") -> list[GiftQuestion]:
    """Parse GIFT text into questions; raise ContentError listing every problem with its line."""
    blocks: list[list[tuple[int, str]]] = [[]]
    category: str | None = None
    categories: list[str | None] = [None]
    for number, line in enumerate(text.replace("\r\n", "\n").split("\n"), start=1):
        if line.strip().startswith("$CATEGORY:"):
            category = line.strip()[len("$CATEGORY:"):].strip()
            blocks.append([])
            categories.append(category)
        elif not line.strip():
            blocks.append([])
            categories.append(category)
        else:
            blocks[-1].append((number, line))
    questions: list[GiftQuestion] = []
    issues: list[Issue] = []
    for block, block_category in zip(blocks, categories, strict=True):
        try:
            question = _parse_block(block, block_category)
        except _Located as exc:
            issues.append(Issue(path, exc.line, 1, "", exc.message))
            continue
        if question is not None:
            questions.append(question)
    if issues:
        raise ContentError(issues)
    return questions


def gift_to_module(text: str, module_id: str, path: str = "<gift>",
                   title: str | None = None) -> Module:
    """Return a module holding the questions of a GIFT bank (validated by the content model)."""
    questions = parse_gift(text, path)
    if not questions:
        raise ContentError([Issue(path, 1, 1, "", "no questions found")])
    seen: set[str] = set()
    for number, question in enumerate(questions, start=1):
        given = question.data.get("id")
        if not isinstance(given, str) or not is_slug(given) or given in seen:
            question.data["id"] = f"q-{number}"
        seen.add(question.data["id"])
    objectives = sorted({q.data["objective"] for q in questions if "objective" in q.data})
    cases = sorted({q.data["case"] for q in questions if "case" in q.data})
    data = {
        "id": module_id,
        "title": title or f"Imported questions ({module_id})",
        "language": "en",
        "summary": "Questions imported from a GIFT question bank. Write the module's summary here.",
        "duration_minutes": 30,
        "objectives": [{"id": objective, "text": f"Write objective '{objective}' here."}
                       for objective in objectives or ["imported"]],
        "sections": [{"id": "reading", "title": "Reading", "body": "Write the module's reading here."}]
        + [{"id": case, "title": f"Case study {case}", "kind": "case-study",
            "body": f"Write the case study '{case}' here."} for case in cases if case != "reading"],
        "quiz": {"pass_mark": 70, "questions": [q.data for q in questions]},
    }
    try:
        return Module.model_validate(data)
    except ValidationError as exc:
        issues = []
        for error in exc.errors():
            loc = error["loc"]
            line = 1
            if len(loc) > 2 and loc[:2] == ("quiz", "questions") and isinstance(loc[2], int):
                line = questions[loc[2]].line
            where = ".".join(str(part) for part in loc)
            issues.append(Issue(path, line, 1, where, error["msg"]))
        raise ContentError(issues) from None


def gift_to_draft(path: Path, module_id: str, title: str | None = None) -> Draft:
    """Read a GIFT bank file into a draft module (raise ContentError, located, if refused)."""
    check_file_size(path, MAX_GIFT_BYTES)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise refuse(path, f"not UTF-8 text (byte {exc.start}): save it as UTF-8") from None
    module = gift_to_module(text, module_id, str(path), title)
    return Draft(str(path), "gift", module.model_dump(mode="json", exclude_defaults=True), {}, [],
                 len(module.quiz.questions),
                 ["write the objectives (placeholders name the ones the bank's questions gave) and "
                  "tie each question to one (`objective:`)",
                  "write the reading, the summary and any case study the questions name"])
