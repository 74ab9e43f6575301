"""Aiken question banks → a draft module's quiz (`trainer import aiken FILE`).

Aiken holds single-choice questions only: a prompt line, options `A.` or `A)` one per line, then
`ANSWER: X`; a blank line separates questions. Each becomes a `single` question (ids q-1, q-2 ...;
options a, b, c ...). A block that is not a whole question is listed with its line, not guessed.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from trainer.interchange.draft import (
    PLACEHOLDER_SECTION_BODY,
    Draft,
    question_problems,
    skeleton,
)
from trainer.interchange.html_markdown import escape_markdown
from trainer.interchange.limits import check_file_size, refuse

__all__ = ["MAX_AIKEN_BYTES", "aiken_to_draft"]

MAX_AIKEN_BYTES = 1024 * 1024
_OPTION = re.compile(r"^([A-Z])[.)]\s+(.*)$")
_ANSWER = re.compile(r"^ANSWER:\s*([A-Z])\s*$", re.IGNORECASE)


def _blocks(text: str) -> list[list[tuple[int, str]]]:
    blocks: list[list[tuple[int, str]]] = [[]]
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            blocks[-1].append((number, line.strip()))
        elif blocks[-1]:
            blocks.append([])
    return [block for block in blocks if block]


def _question(block: list[tuple[int, str]], number: int) -> dict[str, Any]:
    """Return the question of one block; raise ValueError saying what is missing."""
    prompt: list[str] = []
    options: list[tuple[str, str]] = []
    answer = None
    for _, line in block:
        option = _OPTION.match(line)
        found = _ANSWER.match(line)
        if found:
            answer = found.group(1).upper()
        elif option and (options or prompt):
            options.append((option.group(1), option.group(2).strip()))
        elif options:
            raise ValueError(f"the line {line!r} comes after the options but is not "
                             "`ANSWER: X`")
        else:
            prompt.append(line)
    if not prompt:
        raise ValueError("no question text before the options")
    if len(options) < 2:
        raise ValueError("fewer than two options (write them as `A. text`)")
    if answer is None:
        raise ValueError("no `ANSWER: X` line")
    letters = [letter for letter, _ in options]
    if answer not in letters:
        raise ValueError(f"ANSWER: {answer} names no option (options: {', '.join(letters)})")
    return {
        "id": f"q-{number}",
        "kind": "single",
        "prompt": escape_markdown(" ".join(prompt)),
        "options": [{"id": letter.lower(), "text": escape_markdown(text),
                     **({"correct": True} if letter == answer else {})}
                    for letter, text in options],
    }


def aiken_to_draft(path: Path, module_id: str) -> Draft:
    """Read an Aiken question bank into a draft module (raise ContentError if refused)."""
    check_file_size(path, MAX_AIKEN_BYTES)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise refuse(path, f"not UTF-8 text (byte {exc.start}): save it as UTF-8") from None
    left_out: list[str] = []
    questions: list[dict[str, Any]] = []
    for block in _blocks(text):
        line = block[0][0]
        try:
            question = _question(block, len(questions) + 1)
        except ValueError as exc:
            left_out.append(f"{path}:{line}:1: not imported: {exc}")
            continue
        problems = question_problems(question)
        if problems:
            left_out.append(f"{path}:{line}:1: not imported: {'; '.join(problems)}")
            continue
        questions.append(question)
    if not questions:
        raise refuse(path, "no question could be imported" + (
            f" ({len(left_out)} left out: " + "; ".join(left_out) + ")" if left_out else
            ": write `question`, `A. option` lines and `ANSWER: A`"))
    module = skeleton(module_id, f"Imported questions ({module_id})")
    module["sections"] = [{"id": "reading", "title": "Reading", "body": PLACEHOLDER_SECTION_BODY}]
    module["quiz"]["questions"] = questions
    return Draft(str(path), "aiken", module, {}, [], len(questions),
                 ["write the objectives and tie each question to one (`objective:`)",
                  "give each question an explanation and each wrong option feedback "
                  "(Aiken has neither)",
                  "write the reading and the summary"], left_out)
