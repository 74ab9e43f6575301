"""Item analysis with small-sample care, through the trainee pages and the dashboard.

Two trainees: every figure is shown with its n, nothing is flagged, and the page says why. Thirty
trainees answering the same way as before flag as before (everyone right: too easy). Typed
answers to a short-answer question are listed with their counts, accepted ones marked.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from tables_support import parse

from trainer.store.accounts import create_trainer
from trainer.web.state import database

MODULE = """\
id: ia-one
title: Item module
summary: A module for item analysis.
duration_minutes: 30
objectives:
  - {id: know, text: Know the rules.}
sections:
  - {id: only, title: Only section, body: Reading.}
quiz:
  questions:
    - id: q-easy
      kind: single
      objective: know
      prompt: An easy question?
      options:
        - {id: a, text: Easy wrong}
        - {id: b, text: Easy right, correct: true}
    - id: q-name
      kind: short_answer
      objective: know
      prompt: Name the principle.
      accepted: [dual criminality, double criminality]
    - id: q-year
      kind: numeric
      objective: know
      prompt: In which year was the resolution adopted?
      answer: 2016
"""

CURRICULUM = """\
id: ia
title: Item curriculum
audience: Testers.
author: The test suite
modules: [ia-one]
pre_test:
  title: IA pre-test
  questions: [{module: ia-one, question: q-easy}, {module: ia-one, question: q-name},
              {module: ia-one, question: q-year}]
post_test:
  title: IA post-test
  questions: [{module: ia-one, question: q-easy}]
workshops:
  - {id: ws-ia, title: IA workshop, region: Region, start: "2017-05", end: "2017-05"}
"""

# What trainees type, in turn (30 answers: 15 accepted, 15 not; "Dual  Criminality" and
# "dual criminality" are the same answer to grading, "speciality" is wrong).
TYPED = (["dual criminality", "Dual  Criminality", "double criminality", "speciality",
          "speciality rule", "extradition"] * 5)
# Typed years, grouped by the number grading reads: "2016", " 2016 " and "٢٠١٦" (Arabic-Indic
# digits) are one answer, 15 of 30, accepted, shown under its commonest spelling; "2,016" is
# 2.016 (a comma is a decimal separator), wrong.
TYPED_YEARS = (["2016", " 2016 ", "٢٠١٦", "2017", "2001", "2,016"] * 5)


@pytest.fixture
def content_root(tmp_path: Path) -> Path:
    """Return a content root with the item-analysis module and curriculum."""
    root = tmp_path / "ia-content"
    (root / "modules").mkdir(parents=True)
    (root / "curriculum").mkdir()
    (root / "modules" / "ia-one.yaml").write_text(MODULE, encoding="utf-8")
    (root / "curriculum" / "ia.yaml").write_text(CURRICULUM, encoding="utf-8")
    return root


@pytest.fixture
def run(app: Flask, join: Callable[..., FlaskClient], csrf: Callable[[str], str],
        parse_quiz: Any, post_answers: Callable[..., Any]) -> Callable[[int], FlaskClient]:
    """Return a function: `count` trainees take the pre-test; a trainer client is returned."""

    def taking(count: int) -> FlaskClient:
        for index in range(count):
            client = join(f"T{index:02d}", "ws-ia")
            token = csrf(client.get("/").get_data(as_text=True))
            url = client.post("/tests/pre/start", data={"csrf_token": token}).headers["Location"]
            page = parse_quiz(client.get(url).get_data(as_text=True))
            data = {"q1": page.choice("q1", "Easy right"), "q2": TYPED[index],
                    "q3": TYPED_YEARS[index]}
            assert post_answers(client, url, page, data).status_code == 303
        create_trainer(database(app), "tess", "a long enough password")
        trainer = app.test_client()
        token = csrf(trainer.get("/trainer/login").get_data(as_text=True))
        trainer.post("/trainer/login", data={"username": "tess", "csrf_token": token,
                                             "password": "a long enough password"})
        return trainer

    return taking


def test_two_participants_flag_nothing_and_the_page_says_why(
        run: Callable[[int], FlaskClient]) -> None:
    trainer = run(2)
    html = trainer.get("/trainer/workshops/ws-ia/items").get_data(as_text=True)
    rows = parse(html).tables["items-table-pre"][1:]
    # Everyone right: facility 100 %, which would be "too easy", but 2 responses are too few.
    assert rows[0][2:] == ["2", "100.0", "0.00", "—", "too few to flag"]
    assert "badge--failed" not in html  # no flag badge anywhere
    assert "Fewer than 10 responses: figures shown, no flags (too few to judge)." in html
    assert "Only from 10 responses" in html
    csv = trainer.get("/trainer/workshops/ws-ia/items.csv").get_data(as_text=True)
    first = csv.lstrip("\ufeff").splitlines()[1].split(",")
    assert first[10:14] == ["", "0", "a=0; b*=2", "yes"]  # no flags; too_few_to_flag
    assert "a=0.0%; b*=100.0%" in csv  # option rates


def test_thirty_participants_flag_as_before_and_typed_answers_have_counts(
        run: Callable[[int], FlaskClient]) -> None:
    trainer = run(30)
    html = trainer.get("/trainer/workshops/ws-ia/items").get_data(as_text=True)
    rows = parse(html).tables["items-table-pre"][1:]
    assert rows[0][2:] == ["30", "100.0", "0.00", "—", "too easy"]
    assert "too few to flag" not in html
    # Typed answers, most frequent first, grouped as grading compares them: "dual criminality"
    # and "Dual  Criminality" are one answer (10 of 30), each accepted one marked.
    typed = rows[1][1]
    assert "dual criminality (accepted) 10 · 33.3 %" in typed
    assert "double criminality (accepted) 5 · 16.7 %" in typed
    assert "speciality 5 · 16.7 %" in typed
    assert "speciality (accepted)" not in typed
    assert "speciality rule 5 · 16.7 %" in typed
    assert "extradition 5 · 16.7 %" in typed
    csv = trainer.get("/trainer/workshops/ws-ia/items.csv").get_data(as_text=True)
    line = next(row for row in csv.splitlines() if ",q-name," in row)
    assert line.endswith('"""dual criminality""*=10; ""double criminality""*=5; ""extradition""=5; '
                         '""speciality""=5; ""speciality rule""=5"')


def test_typed_numbers_are_grouped_as_grading_reads_them(
        run: Callable[[int], FlaskClient]) -> None:
    trainer = run(30)
    html = trainer.get("/trainer/workshops/ws-ia/items").get_data(as_text=True)
    rows = parse(html).tables["items-table-pre"][1:]
    typed = rows[2][1]
    assert "2016 (accepted) 15 · 50 %" in typed
    assert "2017 5 · 16.7 %" in typed  # one rounding rule: half up to one decimal
    assert "2001 5 · 16.7 %" in typed
    assert "2,016 5 · 16.7 %" in typed
    assert "2,016 (accepted)" not in typed
    assert "٢٠١٦" not in typed  # counted in the group of 2016, shown under its commonest spelling
    csv = trainer.get("/trainer/workshops/ws-ia/items.csv").get_data(as_text=True)
    line = next(row for row in csv.splitlines() if ",q-year," in row)
    assert line.endswith('"""2016""*=15; ""2,016""=5; ""2001""=5; ""2017""=5"')
