"""Taking a quiz in a real Chromium, with and without JavaScript: Enter never grades, answers
are saved as the trainee goes (and while offline), the review step, the result's summary;
axe-core and no sideways scrolling on the quiz, review and result pages in English and Arabic.

The Enter checks run on the sample curriculum (the pre-test of SASIA17 has a text box as its
second question, as in the report that started this); the every-kind checks on the canary
fixture module of tests/web/data.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_support import axe_violations, serving
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlalchemy import func, select

from trainer.store.migrate import upgrade
from trainer.store.models import Attempt, Response
from trainer.web import create_app
from trainer.web.state import database

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
FIXTURE_CONTENT = REPO / "tests" / "web" / "data"


def _app(tmp_path: Path, content: Path) -> Flask:
    app = create_app({"INSTANCE_PATH": str(tmp_path / "instance"),
                      "TRAINER_CONTENT_ROOT": str(content),
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'browser.sqlite3'}"})
    upgrade(app.config["DATABASE_URL"])
    return app


@pytest.fixture
def sample_app(tmp_path: Path, sample_root: Path) -> Flask:
    return _app(tmp_path, sample_root)


@pytest.fixture
def canary_app(tmp_path: Path) -> Flask:
    content = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, content)
    return _app(tmp_path, content)


@pytest.fixture
def sample_url(sample_app: Flask) -> Iterator[str]:
    with serving(sample_app) as url:
        yield url
    database(sample_app).dispose()


@pytest.fixture
def canary_url(canary_app: Flask) -> Iterator[str]:
    with serving(canary_app) as url:
        yield url
    database(canary_app).dispose()


def _context(browser: Browser, *, javascript: bool = True, width: int = 1280) -> BrowserContext:
    return browser.new_context(java_script_enabled=javascript, bypass_csp=True,
                               viewport={"width": width, "height": 900})


def _watch(page: Page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" and not
            m.text.startswith("Failed to load resource") else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


def _join(page: Page, base_url: str, code: str) -> None:
    page.goto(base_url + "/")
    page.get_by_label("Your name").fill("Amina K.")
    page.get_by_label("Or enter the join code from your trainer").fill(code)
    page.get_by_role("button", name="Start").click()
    page.wait_for_load_state()


def _counts(app: Flask) -> tuple[int, int]:
    """Return (submitted attempts, stored responses)."""
    with database(app).read() as session:
        submitted = session.scalar(select(func.count()).select_from(Attempt)
                                   .where(Attempt.submitted_at.is_not(None)))
        responses = session.scalar(select(func.count()).select_from(Response))
    return int(submitted or 0), int(responses or 0)


def _finish_and_submit(page: Page) -> None:
    page.get_by_role("button", name="Finish: check my answers").click()
    page.get_by_role("button", name="Submit for grading").click()
    expect(page.locator(".score")).to_be_visible()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_enter_in_a_text_box_never_grades_a_pre_test_or_a_module_quiz(
        browser: Browser, sample_url: str, sample_app: Flask, javascript: bool) -> None:
    context = _context(browser, javascript=javascript)
    page = context.new_page()
    errors = _watch(page)
    _join(page, sample_url, "SASIA17")
    page.get_by_role("button", name="Take the pre-test").click()
    if javascript:  # the JavaScript path, not the form's own Enter while learn.js loads
        expect(page.locator("form[data-quiz][data-enhanced]")).to_have_count(1)
    pre_url = page.url
    page.locator("#question-1 input").first.check()
    # The first typed answer of the pre-test (its form depends on the participant's turn).
    typed = ("fieldset[data-kind='short_answer'] input[type=text], "
             "fieldset[data-kind='numeric'] input[type=text]")
    box = page.locator(typed).first
    box_id = box.get_attribute("id")
    box.fill("12")  # an answer a short-answer and a number box both take
    box.press("Enter")
    page.wait_for_load_state()
    if javascript:  # saved a moment later, and the focus moved on
        expect(page.locator("[data-save-state]")).to_contain_text("Saved at", timeout=10000)
    else:  # the form's first button: "Save my answers"
        expect(page.locator("[data-save-state]")).to_contain_text("Saved at")
    assert page.url.split("?")[0] == pre_url
    assert _counts(sample_app) == (0, 0)
    page.reload()
    expect(page.locator(f"#{box_id}")).to_have_value("12")
    expect(page.locator("[data-answered-count]")).to_contain_text("2 of")
    _finish_and_submit(page)
    assert _counts(sample_app)[0] == 1

    page.goto(sample_url + "/modules/mandate-2322")
    page.get_by_role("button", name="Take the quiz").first.click()
    if javascript:
        expect(page.locator("form[data-quiz][data-enhanced]")).to_have_count(1)
    quiz_url = page.url
    box = page.locator("fieldset[data-kind='short_answer'] input[type=text]").first
    box.fill("CTED")
    box.press("Enter")
    page.wait_for_load_state()
    expect(page.locator("[data-save-state]")).to_contain_text("Saved at", timeout=10000)
    assert page.url.split("?")[0] == quiz_url
    assert _counts(sample_app)[0] == 1  # the pre-test only: the quiz is still open
    expect(page.locator("form[data-quiz]")).to_be_visible()
    context.close()
    assert errors == []


def _answer_every_kind(page: Page) -> None:
    page.get_by_label("Option alpha").check()
    page.get_by_label("Multi one").check()
    page.get_by_label("Multi two").check()
    page.get_by_label("False", exact=True).check()
    page.locator("input[name='q4']").fill("double criminality")
    page.locator("input[name='q5']").fill("2016")
    for index, text in enumerate(("Meaning one", "Meaning two", "Meaning three"), start=1):
        page.locator(f"select[name='q6-{index}']").select_option(label=text)


def _order(page: Page, wanted: list[str], *, javascript: bool) -> None:
    """Order question 7 with its move buttons (JS) or its drop-downs (no JS).

    The shuffled list counts as no answer until an item is moved or the order is kept as shown:
    when the shuffle already gave `wanted`, keep it.
    """
    if javascript:
        expect(page.locator("form[data-quiz][data-enhanced]")).to_have_count(1)
        items = page.locator("#question-7 .order-list__text")
        moved = False
        for target, text in enumerate(wanted):
            while (current := items.all_inner_texts().index(text)) > target:
                page.locator(f"#question-7 .order-list__item:nth-child({current + 1}) "
                             "[data-move='up']").click()
                moved = True
        assert items.all_inner_texts() == wanted
        if not moved:
            page.locator("#question-7 .order-list__keep").click()
        expect(page.locator("#question-7 .order-list__keep")).to_have_count(0)
    else:
        for index, text in enumerate(wanted, start=1):
            page.locator(f"select[name='q7-{index}']").select_option(label=text)


def _take_pre_test(page: Page, base_url: str) -> None:
    page.goto(base_url + "/programme")
    page.get_by_role("button", name="Take the pre-test").click()
    _finish_and_submit(page)


def _open_canary_quiz_with_javascript(page: Page, base_url: str) -> str:
    """Join, take the pre-test, open the canary module's quiz once learn.js runs on it; return
    the attempt's public id."""
    _join(page, base_url, "alpha17")
    _take_pre_test(page, base_url)
    page.goto(base_url + "/modules/canary-kinds")
    page.get_by_role("button", name="Take the quiz").first.click()
    expect(page.locator("form[data-quiz][data-enhanced]")).to_have_count(1)
    return page.url.rsplit("/", 1)[-1]


def _stored_draft(app: Flask, public_id: str) -> dict[str, Any] | None:
    with database(app).read() as session:
        found: dict[str, Any] | None = session.scalar(
            select(Attempt.draft_answers).where(Attempt.public_id == public_id))
        return found


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_every_answer_is_back_when_the_attempt_is_reopened(
        browser: Browser, canary_url: str, javascript: bool) -> None:
    context = _context(browser, javascript=javascript)
    page = context.new_page()
    errors = _watch(page)
    _join(page, canary_url, "alpha17")
    _take_pre_test(page, canary_url)
    page.goto(canary_url + "/modules/canary-kinds")
    page.get_by_role("button", name="Take the quiz").first.click()
    _answer_every_kind(page)
    _order(page, ["Step first", "Step second", "Step third"], javascript=javascript)
    if javascript:
        expect(page.locator("[data-answered-count]")).to_have_text("7 of 7 answered")
        expect(page.locator("[data-save-state]")).to_contain_text("Saved at", timeout=10000)
    else:
        page.get_by_role("button", name="Save my answers").click()
        # The page the save answers with (303 back to the quiz) has come: closing the tab while
        # that navigation was under way once left Playwright waiting for ever.
        expect(page.locator("[data-save-state]")).to_contain_text("Saved at", timeout=10000)
    page.close()  # the tab is closed

    page = context.new_page()
    errors += _watch(page)
    page.goto(canary_url + "/modules/canary-kinds")
    page.get_by_role("button", name="Continue the quiz").first.click()
    expect(page.locator("[data-answered-count]")).to_have_text("7 of 7 answered")
    expect(page.get_by_label("Option alpha")).to_be_checked()
    expect(page.get_by_label("Multi two")).to_be_checked()
    expect(page.get_by_label("False", exact=True)).to_be_checked()
    expect(page.locator("input[name='q4']")).to_have_value("double criminality")
    expect(page.locator("input[name='q5']")).to_have_value("2016")
    _finish_and_submit(page)
    expect(page.locator(".score__verdict")).to_have_text("Passed with 100%")
    context.close()
    assert errors == []


def test_answers_given_offline_reach_the_server_when_the_network_returns(
        browser: Browser, canary_url: str, canary_app: Flask) -> None:
    context = _context(browser)
    page = context.new_page()
    errors = _watch(page)
    # Offline only once learn.js runs: going offline while it loads leaves the page without it.
    public_id = _open_canary_quiz_with_javascript(page, canary_url)
    context.set_offline(True)
    page.locator("input[name='q4']").fill("answered offline")
    page.get_by_label("Option alpha").check()
    expect(page.locator("[data-save-state]")).to_contain_text("offline", timeout=10000)
    assert not _stored_draft(canary_app, public_id)
    context.set_offline(False)  # no click: the browser's "online" event sends them
    expect(page.locator("[data-save-state]")).to_contain_text("Saved at", timeout=10000)
    stored = _stored_draft(canary_app, public_id)
    assert stored is not None
    assert stored["q4"] == "answered offline"
    context.close()
    # The offline fetch failures are the browser's own "net::ERR_INTERNET_DISCONNECTED".
    assert [e for e in errors if "ERR_INTERNET_DISCONNECTED" not in e] == []


def test_two_tabs_of_one_attempt_keep_each_others_answers(
        browser: Browser, canary_url: str, canary_app: Flask) -> None:
    """Tab B, opened before tab A's answer, saves its own: A's answer stays, B shows it, and B's
    own buttons (a form post) do not clear it either."""
    context = _context(browser)
    first = context.new_page()
    errors = _watch(first)
    public_id = _open_canary_quiz_with_javascript(first, canary_url)
    second = context.new_page()
    errors += _watch(second)
    second.goto(first.url)
    expect(second.locator("form[data-quiz][data-enhanced]")).to_have_count(1)

    first.get_by_label("Option alpha").check()
    expect(first.locator("[data-save-state]")).to_contain_text("Saved at", timeout=10000)
    expect(second.get_by_label("Option alpha")).to_be_checked()  # shown in the other tab
    expect(second.locator("[data-answered-count]")).to_have_text("1 of 7 answered")
    second.locator("input[name='q4']").fill("dual criminality")
    expect(second.locator("[data-save-state]")).to_contain_text("Saved at", timeout=10000)
    stored = _stored_draft(canary_app, public_id)
    assert stored is not None
    assert stored["q4"] == "dual criminality"
    assert "q1" in stored  # tab A's answer, kept
    first.locator("input[name='q5']").fill("2016")
    first.get_by_role("button", name="Finish: check my answers").click()  # a form post
    expect(first.get_by_role("button", name="Submit for grading")).to_be_visible()
    stored = _stored_draft(canary_app, public_id)
    assert stored is not None
    assert {name: stored.get(name) for name in ("q4", "q5")} == {
        "q4": "dual criminality", "q5": "2016"}
    assert "q1" in stored
    context.close()
    assert errors == []


@pytest.mark.parametrize("language", ["en", "ar"])
@pytest.mark.parametrize("width", [1280, 360])
def test_quiz_review_and_result_pass_axe_and_fit_the_screen(
        browser: Browser, canary_url: str, language: str, width: int, tmp_path: Path) -> None:
    shots = Path(os.environ.get("TRAINER_SCREENSHOTS", tmp_path / "shots"))
    shots.mkdir(parents=True, exist_ok=True)
    context = _context(browser, width=width)
    page = context.new_page()
    errors = _watch(page)

    def check(name: str) -> None:
        page.wait_for_load_state("load")
        page.screenshot(path=str(shots / f"{name}-{language}-{width}.png"), full_page=True)
        width_seen = page.evaluate("document.documentElement.scrollWidth")
        assert width_seen <= width, f"{name} is {width_seen}px wide at {width}px"
        assert axe_violations(page) == [], name

    _join(page, canary_url, "alpha17")
    if language != "en":
        page.click(f'.language-switch button[value="{language}"]')
        page.wait_for_selector(f'html[lang="{language}"]')
    page.goto(canary_url + "/programme")
    page.locator("form[action='/tests/pre/start'] button").click()
    page.locator("[data-finish]").click()
    page.locator("[data-submit]").click()
    page.goto(canary_url + "/modules/canary-kinds")
    page.locator("form[action='/modules/canary-kinds/start'] button").first.click()
    page.locator("input[name='q1']").first.check()
    page.locator("input[name='q5']").fill("about twenty")
    page.locator("select[name='q6-1']").select_option(index=1)
    expect(page.locator("[data-save-state][data-kind='saved']")).to_be_visible(timeout=10000)
    check("quiz")
    page.locator("[data-finish]").click()
    expect(page.locator(".review-item--attention")).to_have_count(2)
    check("review")
    page.locator("[data-submit]").click()
    expect(page.locator(".score")).to_be_visible()
    check("result")
    context.close()
    assert errors == []
