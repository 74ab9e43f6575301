"""The handbook prints choice options as the web shows them: shuffled when the module says so.

A `shuffle: true` module whose author wrote every right option first must not print an answer
key of "A, A, A": the options are printed in a seeded shuffled order (the same in the participant
and facilitator editions, so the key matches the worksheet), never three right answers in a row
in the same position. Read back from the PDFs with pdfplumber, as a trainer would read them.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pdfplumber
import pytest

from trainer.content.catalogue import load_catalogue
from trainer.export.handbook import build_handbook

QUESTIONS = 8


def _module(shuffle: bool) -> str:
    questions = "".join(f"""
    - id: q-{n}
      kind: single
      objective: know
      prompt: Question number {n}?
      options:
        - {{id: a, text: Rightanswer{n}, correct: true}}
        - {{id: b, text: Wrongfirst{n}, feedback: No.}}
        - {{id: c, text: Wrongsecond{n}, feedback: No.}}
        - {{id: d, text: Wrongthird{n}, feedback: No.}}
      explanation: Because.""" for n in range(1, QUESTIONS + 1))
    return f"""\
id: shuffled
title: Shuffled options
summary: Every right option is written first.
duration_minutes: 30
objectives:
  - {{id: know, text: Know the answers.}}
sections:
  - {{id: only, title: Only section, body: Reading.}}
quiz:
  shuffle: {'true' if shuffle else 'false'}
  questions:{questions}
"""


CURRICULUM = """\
id: prog
title: Programme
audience: Testers.
author: The test suite
modules: [shuffled]
pre_test:
  title: Pre
  questions: [{module: shuffled, question: q-1}]
post_test:
  title: Post
  questions: [{module: shuffled, question: q-2}]
workshops:
  - {id: ws, title: Workshop, region: Region, start: "2017-05", end: "2017-05"}
"""


def _text(pdf: bytes) -> str:
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        return "\n".join(page.extract_text() or "" for page in document.pages)


def _books(tmp_path: Path, shuffle: bool) -> tuple[str, str]:
    root = tmp_path / ("shuffled" if shuffle else "written")
    (root / "modules").mkdir(parents=True)
    (root / "curriculum").mkdir()
    (root / "modules" / "shuffled.yaml").write_text(_module(shuffle), encoding="utf-8")
    (root / "curriculum" / "prog.yaml").write_text(CURRICULUM, encoding="utf-8")
    catalogue = load_catalogue(root)
    curriculum, workshop = catalogue.workshop("ws")
    return (_text(build_handbook(catalogue, curriculum, workshop, "participant")),
            _text(build_handbook(catalogue, curriculum, workshop, "facilitator")))


def _printed_letters(text: str) -> dict[str, str]:
    """Return, for every option text, the letter printed before it on the worksheet."""
    return {f"{kind}{n}": letter for letter, kind, n in
            re.findall(r"\b([A-D])\s*(Rightanswer|Wrongfirst|Wrongsecond|Wrongthird)(\d+)\b", text)}


def _key(text: str) -> list[str]:
    """Return the answer key's letter of each question, in order (facilitator edition)."""
    key = text[text.rindex("Answer key"):]
    found = re.findall(r"\b([A-D])\s*Rightanswer(\d+)\b", key)
    return [letter for letter, _n in sorted(found, key=lambda f: int(f[1]))]


@pytest.fixture(scope="module")
def shuffled(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    """Return the text of the participant and facilitator editions of the shuffled module."""
    return _books(tmp_path_factory.mktemp("books"), shuffle=True)


def test_the_key_of_a_right_first_shuffled_module_is_not_all_a(shuffled: tuple[str, str]) -> None:
    _participant, facilitator = shuffled
    key = _key(facilitator)
    assert len(key) == QUESTIONS
    assert set(key) != {"A"}
    # Never three right answers in a row in the same position.
    assert all(not (key[i] == key[i + 1] == key[i + 2]) for i in range(len(key) - 2)), key


def test_the_key_matches_the_options_printed_in_both_editions(shuffled: tuple[str, str]) -> None:
    participant, facilitator = shuffled
    worksheet = _printed_letters(participant)
    assert len(worksheet) == 4 * QUESTIONS  # every option printed once, with its letter
    # The facilitator edition prints the same worksheet (same order) before its key.
    worksheet_part = facilitator[:facilitator.rindex("Answer key")]
    assert _printed_letters(worksheet_part) == worksheet
    assert _key(facilitator) == [worksheet[f"Rightanswer{n}"] for n in range(1, QUESTIONS + 1)]
    # Each question's four options take the four letters once each.
    for n in range(1, QUESTIONS + 1):
        letters = {worksheet[f"{kind}{n}"] for kind in
                   ("Rightanswer", "Wrongfirst", "Wrongsecond", "Wrongthird")}
        assert letters == {"A", "B", "C", "D"}


def test_without_shuffle_the_written_order_is_printed(tmp_path: Path) -> None:
    participant, facilitator = _books(tmp_path, shuffle=False)
    assert _key(facilitator) == ["A"] * QUESTIONS  # as written (check --strict warns about it)
    assert _printed_letters(participant)["Wrongthird3"] == "D"
