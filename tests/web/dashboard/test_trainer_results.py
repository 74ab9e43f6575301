"""Every number on the dashboard against values computed by hand.

Five trainees take a 4-question pre-test, the module quiz and the same 4 questions as post-test
through the real trainee pages. Questions (points, objective): q-a (1, know), q-b (1, know),
q-c (2, apply), q-d true/false (1, apply); 5 points in all.

           pre-test          module quiz (1st)   post-test         pre %  post %  g
  Ana      a R, b W, c W, d W   all right        a R b R c R d W    20     80    60/80 = 0.75
  Ben      a W(B) b W c W d W   all wrong, retake a R b W c W d R     0     40    40/100 = 0.40
  Chloé    a R b R c W d R      all right        all right           60    100    40/40 = 1.00
  Dev      all right            all right        a R b R c R d W    100     80    undefined
  =SUM(1)  a W(C) b R c R d W   —                —                   60      —
Cohort (4 with both tests): pre 45.0, post 75.0, class gain 30/55 = 0.55, mean gain 2.15/3 = 0.72.
Objective know: pre (50+0+100+100)/4 = 62.5, post (100+50+100+100)/4 = 87.5, gain 25/37.5 = 0.67.
Objective apply: pre (0+0+33.3+100)/4 = 33.3, post (66.7+33.3+100+66.7)/4 = 66.7, gain 0.50.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from tables_support import Tables, parse, rows_by_name

from trainer.store.accounts import create_trainer
from trainer.web.state import database

MODULE = """\
id: gain-one
title: Gain module
summary: A module for hand-computed results.
duration_minutes: 30
objectives:
  - id: know
    text: Know the rules.
  - id: apply
    text: Apply the rules.
sections:
  - id: only
    title: Only section
    body: Reading.
quiz:
  pass_mark: 50
  questions:
    - id: q-a
      kind: single
      objective: know
      prompt: Question A?
      options:
        - {id: a, text: Alpha right, correct: true}
        - {id: b, text: Alpha wrong B}
        - {id: c, text: Alpha wrong C}
    - id: q-b
      kind: single
      objective: know
      prompt: Question B?
      options:
        - {id: a, text: Beta wrong}
        - {id: b, text: Beta right, correct: true}
    - id: q-c
      kind: single
      objective: apply
      points: 2
      prompt: Question C?
      options:
        - {id: a, text: Gamma right, correct: true}
        - {id: b, text: Gamma wrong}
    - id: q-d
      kind: true_false
      objective: apply
      prompt: Statement D.
      options:
        - {id: "true", text: "True", correct: true}
        - {id: "false", text: "False"}
"""

TEST = """\
  pass_mark: 60
  questions:
    - {module: gain-one, question: q-a}
    - {module: gain-one, question: q-b}
    - {module: gain-one, question: q-c}
    - {module: gain-one, question: q-d}
"""

CURRICULUM = f"""\
id: gain
title: Gain curriculum
audience: Testers.
author: The test suite
modules: [gain-one]
pre_test:
  title: Gain pre-test
{TEST}post_test:
  title: Gain post-test
{TEST}workshops:
  - id: ws-gain
    title: Gain workshop
    region: Test region
    city: Testville
    start: "2017-05-16"
    end: "2017-05-18"
    join_code: GAIN17
"""

RIGHT = {"q1": "Alpha right", "q2": "Beta right", "q3": "Gamma right", "q4": "True"}
WRONG = {"q1": "Alpha wrong B", "q2": "Beta wrong", "q3": "Gamma wrong", "q4": "False"}


def answers(spec: str) -> dict[str, str]:
    """Turn "RWWW" into option labels; "C" is Alpha's second wrong option."""
    chosen = {}
    for index, mark in enumerate(spec, start=1):
        field = f"q{index}"
        chosen[field] = {"R": RIGHT, "W": WRONG}[mark][field] if mark != "C" else "Alpha wrong C"
    return chosen


TRAINEES: list[tuple[str, str, list[str], str | None]] = [
    # name, pre-test, module attempts, post-test
    ("Ana", "RWWW", ["RRRR"], "RRRW"),
    ("Ben", "WWWW", ["WWWW", "RRRR"], "RWWR"),
    ("Chloé", "RRWR", ["RRRR"], "RRRR"),
    ("Dev", "RRRR", ["RRRR"], "RRRW"),
    ("=SUM(1)", "CRRW", [], None),
]


@pytest.fixture
def content_root(tmp_path: Path) -> Path:
    """Return a content root with the hand-computed module and curriculum."""
    root = tmp_path / "gain-content"
    (root / "modules").mkdir(parents=True)
    (root / "curriculum").mkdir()
    (root / "modules" / "gain-one.yaml").write_text(MODULE, encoding="utf-8")
    (root / "curriculum" / "gain.yaml").write_text(CURRICULUM, encoding="utf-8")
    return root


def _take(client: FlaskClient, url: str, spec: str, parse_quiz: Any,
          post_answers: Callable[..., Any]) -> None:
    page = parse_quiz(client.get(url).get_data(as_text=True))
    data = {field: page.choice(field, label) for field, label in answers(spec).items()}
    response = post_answers(client, url, page, data)
    assert response.status_code == 303


def _start(client: FlaskClient, path: str, csrf: Callable[[str], str]) -> str:
    token = csrf(client.get("/").get_data(as_text=True))
    started = client.post(path, data={"csrf_token": token})
    assert started.status_code == 303, started.get_data(as_text=True)
    return str(started.headers["Location"])


@pytest.fixture
def workshop_taken(app: Flask, join: Callable[..., FlaskClient], csrf: Callable[[str], str],
                   parse_quiz: Any, post_answers: Callable[..., Any]) -> Flask:
    """Have the five trainees of the module docstring take their tests and quizzes."""
    for name, pre, module_attempts, post in TRAINEES:
        client = join(name, "ws-gain")
        _take(client, _start(client, "/tests/pre/start", csrf), pre, parse_quiz, post_answers)
        for spec in module_attempts:
            _take(client, _start(client, "/modules/gain-one/start", csrf), spec, parse_quiz,
                  post_answers)
        if post is not None:
            _take(client, _start(client, "/tests/post/start", csrf), post, parse_quiz,
                  post_answers)
    return app


@pytest.fixture
def trainer_client(workshop_taken: Flask, csrf: Callable[[str], str]) -> FlaskClient:
    """Return a client logged in as a trainer."""
    create_trainer(database(workshop_taken), "tess", "a long enough password")
    client = workshop_taken.test_client()
    token = csrf(client.get("/trainer/login").get_data(as_text=True))
    response = client.post("/trainer/login", data={"username": "tess",
                                                   "password": "a long enough password",
                                                   "csrf_token": token})
    assert response.status_code == 303
    return client


def test_overview_grid_shows_best_scores_pass_fail_and_certificates(
        trainer_client: FlaskClient) -> None:
    page = parse(trainer_client.get("/trainer/workshops/ws-gain").get_data(as_text=True))
    assert page.texts["stat-joined"] == "5"
    assert page.texts["stat-pre"] == "5"
    assert page.texts["stat-post"] == "4"
    assert page.texts["stat-certificates"] == "3"  # post-test pass mark 60: Ana, Chloé, Dev
    assert page.texts["stat-gain"] == "0.55"
    grid = rows_by_name(page.tables["grid"])
    # Pre-test, module (best of attempts), post-test, certificate.
    assert grid["Ana"] == ["20.0 % taken", "100.0 % passed", "80.0 % passed", "PDF — certificate of Ana"]
    assert grid["Ben"] == ["0.0 % taken", "100.0 % passed", "40.0 % not passed", "none yet"]
    assert grid["Chloé"][2] == "100.0 % passed"
    assert grid["Dev"][:3] == ["100.0 % taken", "100.0 % passed", "80.0 % passed"]
    assert grid["=SUM(1)"] == ["60.0 % taken", "not started", "not started", "none yet"]


def test_gain_page_per_participant_cohort_and_objective(trainer_client: FlaskClient) -> None:
    html = trainer_client.get("/trainer/workshops/ws-gain/gain").get_data(as_text=True)
    page = parse(html)
    assert rows_by_name(page.tables["gain-table"]) == {
        "Ana": ["20.0", "80.0", "0.75"],
        "Ben": ["0.0", "40.0", "0.40"],
        "Chloé": ["60.0", "100.0", "1.00"],
        "Dev": ["100.0", "80.0", "—"],  # pre-test 100 %: g is not defined
        "=SUM(1)": ["60.0", "—", "needs both tests"],
    }
    assert page.texts["cohort-n"] == "4"
    # 95 % t-based intervals, t(0.975, 3) = 3.1824: pre 20 0 60 100, s = 44.35, half 70.57;
    # post 80 40 100 80, s = 25.17, half 40.05; gains 0.75 0.40 1.00 (n = 3), t(0.975, 2) =
    # 4.3027, s = 0.3014, half 0.7487. Four people: the intervals are wide, and the page says so;
    # cut to what the scale allows (0-100 %, a gain of at most 1), and marked so.
    assert page.texts["cohort-pre"] == (
        "45.0 %95 % CI 0.0–100.0 (t-based, n = 4; cut to the 0–100 % scale)")
    assert page.texts["cohort-post"] == (
        "75.0 %95 % CI 35.0–100.0 (t-based, n = 4; cut to the 0–100 % scale)")
    assert page.texts["cohort-class-gain"] == "0.55"
    assert page.texts["cohort-mean-gain"] == (
        "0.7295 % CI \u22120.03–1.00 (t-based, n = 3; cut at 1, the highest gain possible)n = 3")
    assert "Only 4 participants took both tests" in html
    objectives = rows_by_name(page.tables["objective-table"])
    know = objectives["Know the rules.Gain module"]
    assert [know[0], know[3]] == ["4", "0.67"]
    assert know[1].startswith("62.5")
    assert know[2].startswith("87.5")
    apply = objectives["Apply the rules.Gain module"]
    assert [apply[0], apply[3]] == ["4", "0.50"]
    assert apply[1].startswith("33.3")
    assert apply[2].startswith("66.7")
    # The chart: an accessible SVG with a text label and value note for every participant.
    assert 'role="img"' in html
    assert "<title id=\"gain-chart-title\">" in html
    assert "20.0 → 80.0  g 0.75" in html
    assert "45.0 → 75.0  ⟨g⟩ 0.55" in html


def _item_rows(page: Tables, section: str) -> list[list[str]]:
    return page.tables[f"items-table-{section}"][1:]


def test_item_analysis_facility_discrimination_and_distractors(
        trainer_client: FlaskClient) -> None:
    html = trainer_client.get("/trainer/workshops/ws-gain/items").get_data(as_text=True)
    page = parse(html)
    pre = _item_rows(page, "pre")
    # Pre-test q-a: right for Ana, Chloé, Dev (3 of 5); totals 1, 0, 3, 5, 3, top and bottom 27 %
    # of 5 = 1 participant each (Dev, Ben): D = 1 - 0; item-rest r = 0.6 / sqrt(1.2 x 12.8).
    number, question, n, facility, d, r, flags = pre[0]
    assert (number, n, facility, d, r, flags) == ("1", "5", "60.0", "1.00", "0.15", "too few to flag")
    assert "Alpha right (right) 3 · 60 %" in question
    assert "Alpha wrong B 1 · 20 %" in question
    assert "Alpha wrong C 1 · 20 %" in question
    assert [row[3] for row in pre] == ["60.0", "60.0", "40.0", "40.0"]
    post = _item_rows(page, "post")
    # Post-test q-a: everyone right, no correlation (no variance); too easy, but 4 responses are
    # too few to flag (tests/web/test_item_analysis_care.py flags with 30).
    assert post[0][2:] == ["4", "100.0", "0.00", "—", "too few to flag"]
    # Post-test q-d: Ben (bottom) right, Chloé (top) right, Ana and Dev wrong; r = -1.5/sqrt(6.75).
    assert post[3][2:] == ["4", "50.0", "0.00", "−0.58", "too few to flag"]
    assert "Fewer than 10 responses: figures shown, no flags (too few to judge)." in html
    module = _item_rows(page, "gain-one")
    # Module quiz: first attempts only (Ben's retake all right does not count): 3 of 4 right.
    assert [row[3] for row in module] == ["75.0"] * 4
    assert {row[4] for row in module} == {"1.00"}


def test_results_csv_has_the_same_numbers_and_no_formula(trainer_client: FlaskClient) -> None:
    response = trainer_client.get("/trainer/workshops/ws-gain/results.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    lines = response.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[0] == ("participant,joined,pre_test_percent,post_test_percent,normalised_gain,"
                        "gain-one_best_percent,gain-one_passed,post_test_passed,certificate")
    rows = {line.split(",")[0]: line.split(",")[2:] for line in lines[1:]}
    assert rows["Ana"] == ["20", "80", "0.75", "100", "yes", "yes", "yes"]
    assert rows["Ben"] == ["0", "40", "0.4", "100", "yes", "no", "no"]
    assert rows["Dev"] == ["100", "80", "", "100", "yes", "yes", "yes"]
    assert rows["'=SUM(1)"] == ["60", "", "", "", "", "", "no"]


def test_items_csv_lists_every_analysed_question(trainer_client: FlaskClient) -> None:
    text = trainer_client.get("/trainer/workshops/ws-gain/items.csv").get_data(as_text=True)
    lines = text.lstrip("\ufeff").splitlines()
    assert len(lines) == 1 + 4 * 3
    first = lines[1].split(",")
    assert first[:5] == ["pre", "1", "gain-one", "q-a", "1"]
    assert first[6:12] == ["5", "60", "1", "0.1531", "", "0"]
    assert lines[1].endswith("a*=3; b=1; c=1,yes,,a*=60.0%; b=20.0%; c=20.0%,")  # 5: too few


def test_certificate_pdf_and_its_code_verify_offline(trainer_client: FlaskClient,
                                                     workshop_taken: Flask) -> None:
    import io
    import re

    import pypdf
    from click.testing import CliRunner

    from trainer.cli.accounts import verify_command

    grid = trainer_client.get("/trainer/workshops/ws-gain").get_data(as_text=True)
    links = re.findall(r'href="(/trainer/workshops/ws-gain/certificates/[^"]+\.pdf)"', grid)
    assert len(links) == 3  # Ana, Chloé, Dev passed the post-test; Ben did not
    response = trainer_client.get(links[0])
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    text = " ".join(pypdf.PdfReader(io.BytesIO(response.data)).pages[0].extract_text().split())
    assert "Ana" in text
    assert "Gain workshop" in text
    assert "Gain module" in text  # the module Ana passed
    code = re.search(r"\b[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{2}\b", text)
    assert code is not None
    again = pypdf.PdfReader(io.BytesIO(trainer_client.get(links[0]).data)).pages[0]
    assert code.group(0) in " ".join(again.extract_text().split())  # same certificate, same code
    env = {"TRAINER_INSTANCE_PATH": workshop_taken.instance_path,
           "DATABASE_URL": workshop_taken.config["DATABASE_URL"], "SECRET_KEY": "x"}
    valid = CliRunner().invoke(verify_command, [code.group(0).lower()], env=env)
    assert valid.exit_code == 0, valid.output
    assert "VALID. Certificate of Ana, workshop ws-gain" in valid.output
    forged = code.group(0)[:12] + ("0" if code.group(0)[12] != "0" else "1") + code.group(0)[13:]
    invalid = CliRunner().invoke(verify_command, [forged], env=env)
    assert invalid.exit_code == 1
    assert "NOT VALID" in invalid.output
    nonsense = CliRunner().invoke(verify_command, ["hello"], env=env)
    assert nonsense.exit_code == 1
    assert "a verification code has 18 letters and digits" in nonsense.output
