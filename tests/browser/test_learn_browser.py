"""A trainee in a real Chromium: join, read, answer every kind by keyboard, see feedback; axe-core.

The app runs in a thread on 127.0.0.1 with a free port, on the canary fixture content of
tests/web/data (and, for the layout checks, on the sample curriculum). axe-core is injected from
node_modules (installed by `make node-deps`); the browser context bypasses the page's CSP for that
injection only.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from browser_support import axe_violations
from flask import Flask
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import func, select

from trainer.store.models import Response
from trainer.web.state import database

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
FIXTURE_CONTENT = REPO / "tests" / "web" / "data"


@pytest.fixture
def live_app(make_live_app: Callable[..., Flask]) -> Flask:
    return make_live_app()


@pytest.fixture
def base_url(live_app: Flask, live_url: Callable[[Flask], str]) -> str:
    return live_url(live_app)


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    errors: list[str] = []
    # Error pages (400, 404) are expected in some tests; script errors and CSP refusals are not.
    opened.on("console", lambda m: errors.append(m.text) if m.type == "error" and not
              m.text.startswith("Failed to load resource: the server responded") else None)
    opened.on("pageerror", lambda e: errors.append(str(e)))
    yield opened
    context.close()
    assert errors == [], errors


def tab_to(page: Page, selector: str, limit: int = 80) -> None:
    """Press Tab until the element matching `selector` has the focus."""
    for _ in range(limit):
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)",
                         selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def choose_radio(page: Page, name: str, label: str) -> None:
    """Check the radio of group `name` labelled `label`, with the arrow keys."""
    labels: list[str] = page.eval_on_selector_all(
        f"input[name='{name}']", "els => els.map(e => e.labels[0].innerText.trim())")
    tab_to(page, f"input[name='{name}']")
    target = labels.index(label)
    if target == 0:
        page.keyboard.press("Space")
    for _ in range(target):
        page.keyboard.press("ArrowDown")


def check_boxes(page: Page, name: str, wanted: list[str]) -> None:
    """Tick the checkboxes of `name` labelled in `wanted`, tabbing through the group."""
    labels: list[str] = page.eval_on_selector_all(
        f"input[name='{name}']", "els => els.map(e => e.labels[0].innerText.trim())")
    tab_to(page, f"input[name='{name}']")
    for index, label in enumerate(labels):
        if label in wanted:
            page.keyboard.press("Space")
        if index < len(labels) - 1:
            page.keyboard.press("Tab")


def choose_option(page: Page, name: str, text: str) -> None:
    """Pick the option `text` of the select `name` with the arrow keys."""
    options: list[str] = page.eval_on_selector_all(
        f"select[name='{name}'] option", "els => els.map(e => e.textContent.trim())")
    tab_to(page, f"select[name='{name}']")
    for _ in range(options.index(text)):
        page.keyboard.press("ArrowDown")


def type_into(page: Page, name: str, text: str) -> None:
    """Tab to the text field `name` and type."""
    tab_to(page, f"input[name='{name}']")
    page.keyboard.type(text)


def join_by_keyboard(page: Page, base_url: str, name: str) -> None:
    page.goto(base_url + "/")
    type_into(page, "name", name)
    tab_to(page, "input[name='code']")
    page.keyboard.type("alpha17")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Canary curriculum")


def submit_by_keyboard(page: Page) -> None:
    """Finish (the review page), then submit for grading, by keyboard."""
    tab_to(page, "button[data-finish]")
    page.keyboard.press("Enter")
    expect(page.locator(".eyebrow")).to_have_text("Check before you submit")
    tab_to(page, "button[data-submit]")
    page.keyboard.press("Enter")


def order_by_keyboard(page: Page, question: int, wanted: list[str]) -> None:
    """Put an ordering question's list in the `wanted` order with its move-up buttons.

    The list starts in a shuffled order that counts as no answer until the trainee moves an item
    or keeps the order as shown: when the shuffle already gave `wanted`, keep it.
    """
    items = page.locator(f"#question-{question} .order-list__text")
    expect(items.first).to_be_visible()  # learn.js has made the list
    moved = False
    for target, text in enumerate(wanted):
        while (current := items.all_inner_texts().index(text)) > target:
            tab_to(page, f"#question-{question} .order-list__item:nth-child({current + 1}) "
                         "[data-move='up']")
            page.keyboard.press("Enter")
            moved = True
    assert items.all_inner_texts() == wanted
    keep = page.locator(f"#question-{question} .order-list__keep")
    if moved:
        expect(keep).to_have_count(0)  # a move is an answer: the keep button has gone
    else:
        tab_to(page, f"#question-{question} .order-list__keep")
        page.keyboard.press("Enter")
        expect(keep).to_have_count(0)


def test_a_trainee_goes_through_a_module_with_the_keyboard_alone(
        page: Page, base_url: str, live_app: Flask) -> None:
    join_by_keyboard(page, base_url, "Keyboard Kim")
    assert axe_violations(page) == []

    tab_to(page, "form[action='/tests/pre/start'] button")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Canary pre-test")
    choose_radio(page, "q1", "Option alpha")
    choose_radio(page, "q2", "Yes")
    submit_by_keyboard(page)
    expect(page.locator(".score__verdict")).to_contain_text("Your score: 100%")

    page.goto(base_url + "/programme")
    tab_to(page, "a[href='/modules/canary-kinds']")
    page.keyboard.press("Enter")
    expect(page.locator(".case-study")).to_contain_text("CASE-STUDY-MARKER")
    assert axe_violations(page) == []
    tab_to(page, "form[action='/modules/canary-kinds/start'] button")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Canary module with every question kind")
    assert "CANARY-" not in page.content()
    assert axe_violations(page) == []

    choose_radio(page, "q1", "Option alpha")
    check_boxes(page, "q2", ["Multi one", "Multi two"])
    choose_radio(page, "q3", "False")
    type_into(page, "q4", "double criminality")
    type_into(page, "q5", "2016")
    for index, text in enumerate(("Meaning one", "Meaning two", "Meaning three"), start=1):
        choose_option(page, f"q6-{index}", text)
    order_by_keyboard(page, 7, ["Step first", "Step second", "Step third"])
    submit_by_keyboard(page)

    expect(page.locator(".score__verdict")).to_have_text("Passed with 100%")
    expect(page.locator(".status--correct")).to_have_count(7)
    expect(page.locator(".explanation").first).to_contain_text("CANARY-EXPLANATION-SINGLE")
    expect(page.locator(".answer__feedback").first).to_contain_text("CANARY-FEEDBACK-SINGLE-A")
    assert axe_violations(page) == []


def test_wrong_answers_show_feedback_and_a_double_click_submits_once(
        page: Page, base_url: str, live_app: Flask) -> None:
    join_by_keyboard(page, base_url, "Clicky Chris")
    page.get_by_role("button", name="Take the pre-test").click()
    finish_and_submit(page)
    page.goto(base_url + "/modules/canary-kinds")
    page.get_by_role("button", name="Take the quiz").first.click()
    page.get_by_label("Option beta").check()
    page.get_by_label("Multi three").check()
    order_by_keyboard(page, 7, ["Step third", "Step first", "Step second"])  # 1/2: partial
    page.get_by_role("button", name="Finish: check my answers").click()
    page.get_by_role("button", name="Submit for grading").dblclick()
    expect(page.locator(".score__verdict")).to_contain_text("Not passed")
    expect(page.get_by_text("CANARY-FEEDBACK-SINGLE-B")).to_be_visible()
    expect(page.get_by_text("CANARY-FEEDBACK-MULTIPLE-C")).to_be_visible()
    expect(page.locator(".result--partial")).to_have_count(1)
    with database(live_app).read() as session:
        stored = session.scalar(select(func.count()).select_from(Response))
    assert stored == 2 + 7  # the pre-test's two responses, and this quiz's seven, once


def finish_and_submit(page: Page) -> None:
    """Finish a quiz and submit it from the review page, by clicking."""
    page.get_by_role("button", name="Finish: check my answers").click()
    page.get_by_role("button", name="Submit for grading").click()


def test_the_home_page_and_error_page_pass_axe(page: Page, base_url: str) -> None:
    page.goto(base_url + "/")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Start").click()  # empty form: errors shown
    expect(page.locator(".error-summary")).to_be_visible()
    assert axe_violations(page) == []
    page.goto(base_url + "/no-such-page")
    assert axe_violations(page) == []


@pytest.fixture
def sample_url(sample_root: Path, make_live_app: Callable[..., Flask],
               live_url: Callable[[Flask], str]) -> str:
    return live_url(make_live_app(sample_root))


@pytest.mark.parametrize("width", [360, 1280])
def test_sample_pages_fit_a_phone_and_a_laptop(browser: Browser, sample_url: str,
                                               width: int, tmp_path: Path) -> None:
    """Every trainee page of the sample curriculum, without sideways scrolling; screenshots."""
    shots = Path(os.environ.get("TRAINER_SCREENSHOTS", tmp_path / "shots"))
    shots.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()

    def check(name: str) -> None:
        # A click starts a navigation; measured before the new page's stylesheet applies, the
        # unstyled page is wider (that made this test flaky once the server answered faster).
        page.wait_for_load_state("load")
        overflow = page.evaluate("document.documentElement.scrollWidth")
        page.screenshot(path=str(shots / f"{name}-{width}.png"), full_page=True)
        assert overflow <= width, f"{name} is {overflow}px wide at {width}px"

    page.goto(sample_url + "/")
    check("home")
    page.get_by_label("Your name").fill("Amina K.")
    page.get_by_label("Your workshop", exact=True).select_option("southeast-asia-2017")  # English
    page.get_by_role("button", name="Start").click()
    check("programme")
    page.get_by_role("button", name="Take the pre-test").click()
    check("pretest")
    finish_and_submit(page)
    page.goto(sample_url + "/programme")
    page.locator(".step__title a").first.click()
    check("module")
    page.get_by_role("button", name="Take the quiz").first.click()
    check("quiz")
    for group in page.locator("ul.choices").all():
        group.locator("input").first.check()
    page.get_by_role("button", name="Finish: check my answers").click()
    check("review")
    page.get_by_role("button", name="Submit for grading").click()
    expect(page.locator(".score")).to_be_visible()
    check("result")
    context.close()
