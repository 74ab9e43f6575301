"""Counterbalanced parallel forms, end to end: 20 trainees join, alternate between A-then-B and
B-then-A, take their tests through the trainee pages; the gain page and CSV state the design,
each order's and each form's means with n and 95 % t-based intervals, against figures computed
by hand.

Forms A and B have two one-point questions each (objective `know` then `apply`), so a test
scores 0, 50 or 100 %. Joining order decides the form: the 1st, 3rd... trainee takes A first.

  A then B (10):  pre (form A)  50 50 50  0  0  0  0 100 50  0   mean 30.0
                  post (form B) 100 50 100 50 100 50 50 100 100 50  mean 75.0
  B then A (10):  pre (form B)   0  0 50  0  0 50  0   0 50  0   mean 15.0
                  post (form A) 100 100 100 50 100 100 50 100 100 100  mean 90.0

t(0.975, 9) = 2.262157, t(0.975, 19) = 2.093024, t(0.975, 18) = 2.100922, t(0.975, 8) = 2.306004.
  AB pre 30.0, s = 34.96, half 25.01 -> 5.0-55.0; post 75.0, s = 26.35, half 18.85 -> 56.1-93.9
  AB gain (9 defined; the 100 % pre-test has none): 1 0 1 .5 1 .5 .5 1 .5, mean 0.67 -> 0.39-0.94
  BA pre 15.0, s = 24.15, half 17.28 -> -2.3-32.3; post 90.0, s = 21.08, half 15.08 -> 74.9-105.1
  BA gain 1 1 .5 .5 1 .8 .5 1 1 1 ... mean 0.90 -> 0.75-1.05
  (shown cut to the scale, and saying so: 0.0-32.3, 74.9-100.0 and 0.75-1.00)
  Cohort pre 22.5 -> 8.3-36.7; post 82.5 -> 71.0-94.0; mean gain (19) 0.79 -> 0.64-0.94;
  class gain (82.5 - 22.5) / 77.5 = 0.77.
  Form A: as pre 30.0 (n 10), as post 90.0 (n 10), all sittings 60.0 -> 40.5-79.5 (n 20);
  Form B: as pre 15.0, as post 75.0, all sittings 45.0 -> 26.6-63.4: B is the harder form, and
  each order's gain shows it, while the cohort figures average both orders.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from tables_support import parse, rows_by_name

from trainer.store.accounts import create_trainer
from trainer.web.state import database

MODULE = """\
id: cb-one
title: Counterbalanced module
summary: A module to study between the tests.
duration_minutes: 30
objectives:
  - {id: know, text: Know the rules.}
  - {id: apply, text: Apply the rules.}
sections:
  - {id: only, title: Only section, body: Reading.}
quiz:
  questions:
    - id: q-practice
      kind: single
      objective: know
      prompt: Practice question?
      options:
        - {id: a, text: Practice right, correct: true}
        - {id: b, text: Practice wrong}
"""


def _bank_question(form: str, number: int, objective: str) -> str:
    return f"""
    - id: q{form}-{number}
      kind: single
      module: cb-one
      objective: {objective}
      prompt: Form {form.upper()} question {number}?
      options:
        - {{id: a, text: Wrong {form.upper()}{number}}}
        - {{id: b, text: Right {form.upper()}{number}, correct: true}}"""


BANK = f"""\
id: cb-bank
title: Test bank
role: assessment
summary: Test-only questions.
duration_minutes: 20
quiz:
  questions:{_bank_question("a", 1, "know")}{_bank_question("a", 2, "apply")}\
{_bank_question("b", 1, "know")}{_bank_question("b", 2, "apply")}
"""

CURRICULUM = """\
id: cb
title: Counterbalanced curriculum
audience: Testers.
author: The test suite
modules: [cb-one]
pre_test: {title: CB pre-test, pass_mark: 50}
post_test: {title: CB post-test, pass_mark: 50}
forms:
  a:
    questions:
      - {module: cb-bank, question: qa-1}
      - {module: cb-bank, question: qa-2}
  b:
    questions:
      - {module: cb-bank, question: qb-1}
      - {module: cb-bank, question: qb-2}
workshops:
  - {id: ws-cb, title: CB workshop, region: Test region, start: "2017-05", end: "2017-05",
     join_code: CBTEST17}
"""

AB = ([50, 50, 50, 0, 0, 0, 0, 100, 50, 0], [100, 50, 100, 50, 100, 50, 50, 100, 100, 50])
BA = ([0, 0, 50, 0, 0, 50, 0, 0, 50, 0], [100, 100, 100, 50, 100, 100, 50, 100, 100, 100])
# 50 % is question 1 (know) right and question 2 (apply) wrong.
MARKS = {0: "WW", 50: "RW", 100: "RR"}


def _trainees() -> list[tuple[str, str, int, int]]:
    """Return (name, pre-test form, pre %, post %) in joining order: AB and BA alternate."""
    found = []
    for index in range(10):
        found.append((f"P{2 * index + 1:02d}", "a", AB[0][index], AB[1][index]))
        found.append((f"P{2 * index + 2:02d}", "b", BA[0][index], BA[1][index]))
    return found


@pytest.fixture
def content_root(tmp_path: Path) -> Path:
    """Return a content root with the two-form curriculum."""
    root = tmp_path / "cb-content"
    (root / "modules").mkdir(parents=True)
    (root / "curriculum").mkdir()
    (root / "modules" / "cb-one.yaml").write_text(MODULE, encoding="utf-8")
    (root / "modules" / "cb-bank.yaml").write_text(BANK, encoding="utf-8")
    (root / "curriculum" / "cb.yaml").write_text(CURRICULUM, encoding="utf-8")
    return root


def _start(client: FlaskClient, path: str, csrf: Callable[[str], str]) -> str:
    token = csrf(client.get("/").get_data(as_text=True))
    started = client.post(path, data={"csrf_token": token})
    assert started.status_code == 303, started.get_data(as_text=True)
    return str(started.headers["Location"])


def _take_test(client: FlaskClient, url: str, form: str, percent: int, parse_quiz: Any,
               post_answers: Callable[..., Any]) -> None:
    html = client.get(url).get_data(as_text=True)
    other = "b" if form == "a" else "a"
    assert f"Form {form.upper()} question 1?" in html  # the participant's own form...
    assert f"Form {other.upper()} question" not in html  # ...and only that one
    page = parse_quiz(html)
    data = {f"q{n}": page.choice(f"q{n}", f"{'Right' if mark == 'R' else 'Wrong'} "
                                         f"{form.upper()}{n}")
            for n, mark in enumerate(MARKS[percent], start=1)}
    assert post_answers(client, url, page, data).status_code == 303


@pytest.fixture
def trainer_client(app: Flask, join: Callable[..., FlaskClient], csrf: Callable[[str], str],
                   parse_quiz: Any, post_answers: Callable[..., Any]) -> FlaskClient:
    """Have the 20 trainees take pre-test, module quiz and post-test; return a trainer client."""
    for name, pre_form, pre, post in _trainees():
        client = join(name, "ws-cb")
        post_form = "b" if pre_form == "a" else "a"
        _take_test(client, _start(client, "/tests/pre/start", csrf), pre_form, pre, parse_quiz,
                   post_answers)
        url = _start(client, "/modules/cb-one/start", csrf)
        page = parse_quiz(client.get(url).get_data(as_text=True))
        post_answers(client, url, page, {"q1": page.choice("q1", "Practice right")})
        _take_test(client, _start(client, "/tests/post/start", csrf), post_form, post,
                   parse_quiz, post_answers)
    create_trainer(database(app), "tess", "a long enough password")
    trainer = app.test_client()
    token = csrf(trainer.get("/trainer/login").get_data(as_text=True))
    assert trainer.post("/trainer/login", data={"username": "tess",
                                                "password": "a long enough password",
                                                "csrf_token": token}).status_code == 303
    return trainer


def test_gain_page_states_the_design_and_per_form_means_with_intervals(
        trainer_client: FlaskClient) -> None:
    html = trainer_client.get("/trainer/workshops/ws-cb/gain").get_data(as_text=True)
    page = parse(html)
    assert "Counterbalanced forms" in html
    assert "one group took form A as pre-test and form B as post-test, the other B then A" in html
    assert page.texts["cohort-n"] == "20"
    assert page.texts["cohort-pre"] == "22.5 %95 % CI 8.3–36.7"
    assert page.texts["cohort-post"] == "82.5 %95 % CI 71.0–94.0"
    assert page.texts["cohort-class-gain"] == "0.77"
    assert page.texts["cohort-mean-gain"] == "0.7995 % CI 0.64–0.94n = 19"
    assert "Only 20 participants" not in html  # 20 is not a small cohort
    orders = rows_by_name(page.tables["design-orders"])
    assert orders["A then B"] == ["10", "30.095 % CI 5.0–55.0", "75.095 % CI 56.1–93.9",
                                  "0.6795 % CI 0.39–0.94"]
    cut = "(t-based, n = 10; cut to the 0–100 % scale)"
    assert orders["B then A"] == ["10", f"15.095 % CI 0.0–32.3 {cut}", f"90.095 % CI 74.9–100.0 {cut}",
                                  "0.9095 % CI 0.75–1.00 (t-based, n = 10; cut at 1, the highest "
                                  "gain possible)"]
    forms = rows_by_name(page.tables["design-forms"])
    assert forms["Form A"] == ["30.095 % CI 5.0–55.0n = 10", f"90.095 % CI 74.9–100.0 {cut}n = 10",
                               "60.095 % CI 40.5–79.5n = 20"]
    assert forms["Form B"] == [f"15.095 % CI 0.0–32.3 {cut}n = 10", "75.095 % CI 56.1–93.9n = 10",
                               "45.095 % CI 26.6–63.4n = 20"]
    participants = rows_by_name(page.tables["gain-table"])
    assert participants["P01"][0] == "A → B"
    assert participants["P02"][0] == "B → A"
    assert participants["P10"] == ["B → A", "0.0", "100.0", "1.00"]
    assert participants["P15"] == ["A → B", "100.0", "100.0", "—"]
    # Per objective: the pre-test's `know` question of form A and of form B count together.
    objectives = rows_by_name(page.tables["objective-table"])
    know = objectives["Know the rules.Counterbalanced module"]
    assert know[0] == "20"
    assert "95 % CI" in know[1]


def test_gain_csv_carries_the_same_figures(trainer_client: FlaskClient) -> None:
    text = trainer_client.get("/trainer/workshops/ws-cb/gain.csv").get_data(as_text=True)
    rows = {tuple(line.split(",")[:3]): line.split(",")[3:]
            for line in text.lstrip("\ufeff").splitlines()[1:]}
    assert rows[("cohort", "all", "pre_percent")] == ["20", "22.5", "8.3471", "36.6529", "no"]
    assert rows[("cohort", "all", "normalised_gain_mean")][0] == "19"
    assert rows[("order", "AB", "pre_percent")] == ["10", "30", "4.9909", "55.0091", "no"]
    assert rows[("order", "BA", "post_percent")] == ["10", "90", "74.919", "100", "yes"]
    assert rows[("form", "A", "percent")] == ["20", "60", "40.4953", "79.5047", "no"]
    assert rows[("form", "B", "percent")] == ["20", "45", "26.5586", "63.4414", "no"]
    results = trainer_client.get("/trainer/workshops/ws-cb/results.csv").get_data(as_text=True)
    lines = results.lstrip("\ufeff").splitlines()
    assert lines[0].endswith(",test_forms")
    assert lines[1].startswith("P01,")
    assert lines[1].endswith(",AB")
    assert lines[2].startswith("P02,")
    assert lines[2].endswith(",BA")


def test_item_analysis_numbers_questions_by_form(trainer_client: FlaskClient) -> None:
    html = trainer_client.get("/trainer/workshops/ws-cb/items").get_data(as_text=True)
    # Each pre-test question was answered by the 10 trainees who took its form first.
    assert 'id="item-pre-qa-1-v1"' in html
    assert 'id="item-pre-qb-1-v1"' in html
    assert '<abbr title="Form A">A</abbr>1' in html
