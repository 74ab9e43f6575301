"""The learning-gain and item-analysis pages with counterbalanced forms, in a real Chromium.

Twelve trainees (two with Arabic names) take forms A and B in both orders; then the gain page
(design, per-form means, intervals) and the item analysis (n, no flags below 10, typed answers)
are looked at in English and Arabic at 1280 and 360 px: no page wider than the screen, the Arabic
pages right to left, and axe-core finds nothing. Screenshots go to the test's temporary folder.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import axe_violations, serving
from flask import Flask
from flask.testing import FlaskClient
from playwright.sync_api import Browser

from trainer.store.accounts import create_trainer
from trainer.store.migrate import upgrade
from trainer.web import create_app
from trainer.web.state import database

pytestmark = pytest.mark.browser

PASSWORD = "a long enough password"
MODULE = """\
id: gi-one
title: Cooperation basics
summary: Reading between the tests.
duration_minutes: 30
objectives:
  - {id: know, text: Name the principles of international cooperation in criminal matters.}
  - {id: apply, text: Choose the right channel for a request.}
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
BANK = """\
id: gi-bank
title: Test bank
role: assessment
summary: Test-only questions.
duration_minutes: 20
quiz:
  questions:
    - id: qa-1
      kind: single
      module: gi-one
      objective: know
      prompt: Which principle requires the conduct to be an offence in both States?
      options:
        - {id: a, text: Speciality}
        - {id: b, text: Dual criminality, correct: true}
    - id: qa-2
      kind: short_answer
      module: gi-one
      objective: apply
      prompt: Which authority should receive an incoming request for assistance?
      accepted: [central authority, the central authority]
    - id: qb-1
      kind: single
      module: gi-one
      objective: know
      prompt: Which rule limits a trial after surrender to the offences granted?
      options:
        - {id: a, text: The speciality rule, correct: true}
        - {id: b, text: The political-offence exception}
    - id: qb-2
      kind: short_answer
      module: gi-one
      objective: apply
      prompt: Which body do States designate to send and receive MLA requests?
      accepted: [central authority, the central authority]
"""
CURRICULUM = """\
id: gi
title: Gain and items
audience: Testers.
author: The test suite
modules: [gi-one]
pre_test: {title: Pre-test, pass_mark: 50}
post_test: {title: Post-test, pass_mark: 50}
forms:
  a: {questions: [{module: gi-bank, question: qa-1}, {module: gi-bank, question: qa-2}]}
  b: {questions: [{module: gi-bank, question: qb-1}, {module: gi-bank, question: qb-2}]}
workshops:
  - {id: ws-gi, title: Regional workshop, region: Test region, start: "2017-05", end: "2017-05"}
"""
NAMES = ["Amina K.", "عمر الفاروق", "Ben", "Chloé", "Dev", "ليلى", "Eve", "Farid", "Gita",
         "Hugo", "Ines", "Jon"]
TYPED = ["central authority", "Central  Authority", "the ministry", "police", "CA",
         "central authority", "the prosecutor", "central authority", "embassy", "ministry of justice",
         "the central authority", "interpol"]


def _token(html: str) -> str:
    found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    assert found
    return found.group(1)


def _answer(client: FlaskClient, path: str, right: bool, typed: str) -> None:
    url = client.post(path, data={"csrf_token": _token(client.get("/").get_data(as_text=True))}
                      ).headers["Location"]
    html = client.get(url).get_data(as_text=True)
    labels = dict(re.findall(r'<label[^>]*for="([^"]+)"[^>]*>(?:<[^>]+>)*([^<]+)', html))
    inputs = re.findall(r'<input[^>]*type="radio"[^>]*>', html)
    wanted = ("Dual criminality", "The speciality rule") if right else (
        "Speciality", "The political-offence exception")
    data = {"csrf_token": _token(html)}
    for tag in inputs:
        element = re.search(r'id="([^"]+)"', tag)
        value = re.search(r'value="([^"]+)"', tag)
        if element and value and labels.get(element.group(1), "").strip() in wanted:
            data["q1"] = value.group(1)
    assert "q1" in data
    if 'name="q2"' in html:
        data["q2"] = typed
    assert client.post(url, data=data).status_code == 303


def _practice(client: FlaskClient) -> None:
    url = client.post("/modules/gi-one/start",
                      data={"csrf_token": _token(client.get("/").get_data(as_text=True))}
                      ).headers["Location"]
    html = client.get(url).get_data(as_text=True)
    value = re.search(r'name="q1"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="q1"', html)
    assert value
    client.post(url, data={"csrf_token": _token(html), "q1": value.group(1)})


@pytest.fixture
def dashboard_url(tmp_path: Path) -> Iterator[str]:
    root = tmp_path / "content"
    (root / "modules").mkdir(parents=True)
    (root / "curriculum").mkdir()
    (root / "modules" / "gi-one.yaml").write_text(MODULE, encoding="utf-8")
    (root / "modules" / "gi-bank.yaml").write_text(BANK, encoding="utf-8")
    (root / "curriculum" / "gi.yaml").write_text(CURRICULUM, encoding="utf-8")
    app: Flask = create_app({"INSTANCE_PATH": str(tmp_path / "instance"),
                             "TRAINER_CONTENT_ROOT": str(root),
                             "DATABASE_URL": f"sqlite:///{tmp_path / 'gain-items.sqlite3'}"})
    upgrade(app.config["DATABASE_URL"])
    for index, name in enumerate(NAMES):
        client = app.test_client()
        token = _token(client.get("/").get_data(as_text=True))
        client.post("/join", data={"name": name, "workshop": "ws-gi", "csrf_token": token})
        _answer(client, "/tests/pre/start", index % 3 == 0, TYPED[index])
        _practice(client)
        _answer(client, "/tests/post/start", index % 4 != 1, TYPED[(index + 5) % len(TYPED)])
    create_trainer(database(app), "tess", PASSWORD)
    with serving(app) as url:
        yield url
    database(app).dispose()


@pytest.mark.parametrize("language", ["en", "ar"])
@pytest.mark.parametrize("width", [1280, 360])
def test_gain_and_item_analysis_pages_read_well(browser: Browser, dashboard_url: str,
                                                tmp_path: Path, width: int, language: str) -> None:
    context = browser.new_context(bypass_csp=True, viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(dashboard_url + "/trainer/login")
    if language == "ar":
        page.click('.language-switch button[value="ar"]')
        page.wait_for_selector('html[lang="ar"]')
    page.fill("#username", "tess")
    page.fill("#password", PASSWORD)
    page.click("form[action='/trainer/login'] button[type=submit]")
    page.wait_for_selector("main h1")
    problems = {}
    for name in ("gain", "items"):
        page.goto(f"{dashboard_url}/trainer/workshops/ws-gi/{name}")
        page.wait_for_load_state("load")
        page.screenshot(path=str(tmp_path / f"{name}-{language}-{width}.png"), full_page=True)
        seen = page.evaluate("""() => ({lang: document.documentElement.lang,
            dir: document.documentElement.dir,
            overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth})""")
        assert seen["lang"] == language
        assert seen["dir"] == ("rtl" if language == "ar" else "ltr")
        assert seen["overflow"] <= 0, (name, seen)
        problems[name] = axe_violations(page)
    page.goto(f"{dashboard_url}/trainer/workshops/ws-gi/gain")
    assert page.locator("#design-orders tbody tr").count() == 2
    assert page.locator("#cohort-pre .ci").count() == 1
    page.goto(f"{dashboard_url}/trainer/workshops/ws-gi/items")
    assert page.locator(".typed-answers li").count() > 0
    # Six responses per test item: too few to flag; twelve to the module quiz's one question, all
    # the same answer: flagged.
    assert page.locator("#items-pre .badge--failed, #items-post .badge--failed").count() == 0
    assert page.locator("#items-pre .note").count() == 1
    assert page.locator("#items-gi-one .badge--failed").count() == 1
    assert problems == dict.fromkeys(problems, []), problems
    context.close()
