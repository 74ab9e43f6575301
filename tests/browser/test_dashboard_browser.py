"""The trainer dashboard in a real Chromium, after real trainees took the tests in their browsers.

Two trainees join, take the pre-test, the module quiz and the post-test through the trainee pages;
a trainer logs in, opens the workshop, reads the gain chart and the item analysis, downloads the
CSV and a certificate. axe-core (WCAG 2.1 A/AA) must find nothing on any dashboard page, on a
laptop and on a 360 px phone, and no page may be wider than the phone.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from browser_support import TRAINER_PASSWORD, axe_violations
from flask import Flask
from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
PASSWORD = TRAINER_PASSWORD

MODULE = """\
id: dash-one
title: Dashboard module
summary: A module for the dashboard browser test.
duration_minutes: 20
objectives:
  - {id: know, text: Know the rules.}
sections:
  - {id: only, title: Only section, body: Reading.}
quiz:
  pass_mark: 50
  questions:
    - id: q-a
      kind: single
      objective: know
      prompt: Question A?
      options:
        - {id: a, text: Alpha right, correct: true}
        - {id: b, text: Alpha wrong}
    - id: q-b
      kind: true_false
      objective: know
      prompt: Statement B.
      options:
        - {id: "true", text: "True", correct: true}
        - {id: "false", text: "False"}
"""
TEST = """\
  pass_mark: 50
  questions:
    - {module: dash-one, question: q-a}
    - {module: dash-one, question: q-b}
"""
CURRICULUM = f"""\
id: dash
title: Dashboard curriculum
audience: Testers.
author: The test suite
modules: [dash-one]
pre_test:
  title: Dash pre-test
{TEST}post_test:
  title: Dash post-test
{TEST}workshops:
  - id: ws-dash
    title: Dashboard workshop
    region: Test region
    city: Testville
    start: "2017-05-16"
    end: "2017-05-18"
    join_code: DASH17
"""


@pytest.fixture
def live_app(tmp_path: Path, make_live_app: Callable[..., Flask]) -> Flask:
    root = tmp_path / "content"
    (root / "modules").mkdir(parents=True)
    (root / "curriculum").mkdir()
    (root / "modules" / "dash-one.yaml").write_text(MODULE, encoding="utf-8")
    (root / "curriculum" / "dash.yaml").write_text(CURRICULUM, encoding="utf-8")
    return make_live_app(root, trainer="tess", TRAINER_PDF_TIME_LIMIT=120)


@pytest.fixture
def base_url(live_app: Flask, live_url: Callable[[Flask], str]) -> str:
    return live_url(live_app)


def _answer(page: Page, labels: list[str]) -> None:
    for label in labels:
        page.get_by_label(label, exact=True).check()
    page.get_by_role("button", name="Finish: check my answers").click()
    page.get_by_role("button", name="Submit for grading").click()
    page.wait_for_load_state()


def _trainee(browser: Browser, base_url: str, name: str, pre: list[str], post: list[str]
             ) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(base_url + "/")
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Or enter the join code from your trainer").fill("dash17")
    page.get_by_role("button", name="Start").click()
    page.get_by_role("button", name="Take the pre-test").click()
    _answer(page, pre)
    page.goto(base_url + "/modules/dash-one")
    page.locator("form button[type=submit].button--large").click()
    _answer(page, ["Alpha right", "True"])
    page.goto(base_url + "/programme")
    page.get_by_role("button", name="Take the post-test").click()
    _answer(page, post)
    context.close()


def test_a_trainer_sees_real_trainees_results(browser: Browser, base_url: str,
                                              tmp_path: Path) -> None:
    _trainee(browser, base_url, "Amina", ["Alpha wrong", "True"], ["Alpha right", "True"])
    _trainee(browser, base_url, "Omar", ["Alpha wrong", "False"], ["Alpha right", "False"])
    context = browser.new_context(bypass_csp=True, accept_downloads=True,
                                  viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(base_url + "/trainer/workshops/ws-dash/gain")
    assert "/trainer/login" in page.url
    assert axe_violations(page) == []
    page.get_by_label("Username").fill("tess")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    # Back where the trainer wanted to go: the gain page. Amina 50 → 100 (g 1.00),
    # Omar 0 → 50 (g 0.50); cohort 25 → 75, class gain 50/75 = 0.67.
    assert page.url.endswith("/trainer/workshops/ws-dash/gain")
    chart = page.locator("svg[role=img]")
    assert chart.locator("title").first.text_content() == (
        "Learning gain: pre-test and post-test percent")
    assert "50.0 → 100.0  g 1.00" in (chart.text_content() or "")
    assert page.locator("#cohort-class-gain").text_content() == "0.67"
    assert axe_violations(page) == []
    page.get_by_role("link", name="Item analysis").click()
    row = page.locator("#items-table-pre tbody tr").first
    cells = [" ".join((c or "").split()) for c in row.locator("td").all_text_contents()]
    assert cells[2:6] == ["2", "0.0", "0.00", "—"]  # both chose Alpha wrong in the pre-test
    assert axe_violations(page) == []
    page.get_by_role("link", name="Participants").click()
    assert axe_violations(page) == []
    with page.expect_download() as csv_download:
        page.get_by_role("link", name="Results per participant (CSV)").click()
    csv_text = Path(csv_download.value.path()).read_text(encoding="utf-8-sig")
    assert "Amina," in csv_text
    assert "Omar," in csv_text
    with page.expect_download() as certificate_download:
        page.get_by_role("link", name="PDF — certificate of Amina").click()
    pdf = Path(certificate_download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    assert certificate_download.value.suggested_filename == "certificate-ws-dash-amina.pdf"
    # Omar's post-test, 50 %, meets the pass mark of 50: he gets a certificate too.
    assert page.get_by_role("link", name="PDF — certificate of Omar").count() == 1
    page.goto(base_url + "/trainer/")
    assert axe_violations(page) == []
    assert errors == []
    context.close()


def test_dashboard_pages_fit_a_phone(browser: Browser, base_url: str) -> None:
    _trainee(browser, base_url, "Amina Keïta with a rather long name", ["Alpha wrong", "True"],
             ["Alpha right", "True"])
    context = browser.new_context(bypass_csp=True, viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(base_url + "/trainer/login")
    page.get_by_label("Username").fill("tess")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    for path in ("/trainer/", "/trainer/workshops/ws-dash", "/trainer/workshops/ws-dash/gain",
                 "/trainer/workshops/ws-dash/items"):
        page.goto(base_url + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, path
        assert axe_violations(page) == [], path
    context.close()
