"""A live session in real Chromium: a presenter, the room's screen and five phones.

The facilitator starts a graded session of two questions from the dashboard and opens the screen
view in another window; five trainees join on their phones (one with JavaScript off, one in
Arabic). The presenter opens answers, the phones answer, the screen's count reaches 5 without a
reload, the reveal shows the bars with the right counts and the explanation on the phones; next
question; end; the results page lists the five. The pages run under the real CSP (no inline
script); axe-core runs afterwards in contexts that may inject it. Screenshots at real sizes
(phone 360 px in English and Arabic, screen 1920x1080, presenter 1280) go to $LIVE_SHOTS or a
temporary folder.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import axe_violations, serving
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page, expect

from trainer.store.accounts import create_trainer
from trainer.store.migrate import upgrade
from trainer.web import create_app
from trainer.web.state import database

pytestmark = pytest.mark.browser

DATA = Path(__file__).resolve().parents[1] / "web" / "data"
PASSWORD = "a long enough password"
PHONE = {"width": 360, "height": 740}
SCREEN = {"width": 1920, "height": 1080}
WAIT_MS = 15_000  # the JavaScript-off phone reloads itself every few seconds


@pytest.fixture
def live_app(tmp_path: Path) -> Flask:
    root = tmp_path / "content"
    shutil.copytree(DATA, root)
    app = create_app({"INSTANCE_PATH": str(tmp_path / "instance"),
                      "TRAINER_CONTENT_ROOT": str(root),
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'live.sqlite3'}"})
    upgrade(app.config["DATABASE_URL"])
    create_trainer(database(app), "tess", PASSWORD)
    return app


@pytest.fixture
def base_url(live_app: Flask) -> Iterator[str]:
    with serving(live_app) as url:
        yield url
    database(live_app).dispose()


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("LIVE_SHOTS") or tmp_path / "shots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _watch(page: Page, errors: list[str]) -> Page:
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    return page


def _phone(browser: Browser, base_url: str, name: str, errors: list[str], *,
           javascript: bool = True, arabic: bool = False) -> tuple[BrowserContext, Page]:
    context = browser.new_context(viewport=PHONE, java_script_enabled=javascript)
    page = _watch(context.new_page(), errors)
    page.goto(base_url + "/")
    if arabic:
        page.click('.language-switch button[value="ar"]')
        page.wait_for_selector('html[lang="ar"]')
    page.locator("#name").fill(name)
    page.locator("#code").fill("alpha17")
    page.locator("form[action='/join'] button[type=submit]").click()
    page.wait_for_url("**/programme")
    page.goto(base_url + "/live")
    return context, page


def _press(presenter: Page, label: str) -> None:
    presenter.get_by_role("button", name=label).click()
    presenter.wait_for_load_state("load")


def test_a_live_session_with_a_presenter_a_screen_and_five_phones(
        browser: Browser, base_url: str, shots: Path) -> None:
    errors: list[str] = []
    desk = browser.new_context(viewport={"width": 1280, "height": 900})
    presenter = _watch(desk.new_page(), errors)
    presenter.goto(base_url + "/trainer/live/workshops/ws-alpha")
    presenter.get_by_label("Username").fill("tess")
    presenter.get_by_label("Password").fill(PASSWORD)
    presenter.get_by_role("button", name="Log in").click()
    presenter.wait_for_url("**/trainer/live/workshops/ws-alpha")
    presenter.locator("#source").select_option("pick")
    presenter.get_by_label("Which one is right? PROMPT-SINGLE", exact=False).check()
    presenter.get_by_label("The sky is green. PROMPT-TF", exact=False).check()
    presenter.get_by_label("Quiz: graded", exact=False).check()
    presenter.get_by_role("button", name="Start the session").click()
    presenter.wait_for_url("**/trainer/live/*")
    code = presenter.url.rsplit("/", 1)[1]
    # The screen: another window of the facilitator's browser, on the projector.
    projector = browser.new_context(viewport=SCREEN, storage_state=desk.storage_state())
    screen = _watch(projector.new_page(), errors)
    screen.goto(f"{base_url}/trainer/live/{code}/screen")
    expect(screen.locator(".screen__code .code")).to_have_text(code)
    assert screen.locator(".screen__qr svg[role=img]").count() == 1
    phones = [
        _phone(browser, base_url, "Amina", errors),
        _phone(browser, base_url, "Omar", errors),
        _phone(browser, base_url, "Léa", errors),
        _phone(browser, base_url, "Nadia (no JS)", errors, javascript=False),
        _phone(browser, base_url, "Karim", errors, arabic=True),
    ]
    for _context, page in phones:
        assert page.url.endswith(f"/live/{code}")
        expect(page.locator("#live-status")).to_be_visible()
    expect(screen.locator("[data-live-count]")).to_have_text("0 of 5 answered")
    screen.evaluate("window.notReloaded = true")
    _press(presenter, "Open answers")
    picks = ["Option alpha", "Option alpha", "Option beta", "Option alpha", "Option gamma"]
    for (_context, page), label in zip(phones, picks, strict=True):
        page.locator("form.live-form").wait_for(timeout=WAIT_MS)  # no reload by hand
        page.get_by_label(label, exact=True).check()
        page.locator("form.live-form button[type=submit]").click()
        page.wait_for_load_state("load")
        expect(page.locator("#live-status strong")).to_be_visible()
    # The screen counted the five answers without reloading.
    expect(screen.locator("[data-live-count]")).to_have_text("5 of 5 answered", timeout=WAIT_MS)
    assert screen.evaluate("window.notReloaded") is True
    phones[0][1].screenshot(path=str(shots / "phone-en-360-answered.png"), full_page=True)
    _press(presenter, "Reveal the answer")
    bars = screen.locator("svg.live-chart g.live-bar")
    expect(bars).to_have_count(3, timeout=WAIT_MS)
    seen = {}
    for index in range(3):
        bar = bars.nth(index)
        label = (bar.locator("text").first.text_content() or "").replace("✓", "")
        seen[label.split("—")[0].strip()] = (bar.get_attribute("data-count"),
                                             bar.get_attribute("data-right"))
    assert seen == {"Option alpha": ("3", "true"), "Option beta": ("1", None),
                    "Option gamma": ("1", None)}
    assert screen.evaluate("window.notReloaded") is True
    for _context, page in phones:
        expect(page.locator("#live-explanation")).to_contain_text("CANARY-EXPLANATION-SINGLE",
                                                                   timeout=WAIT_MS)
    expect(phones[0][1].locator(".live-verdict")).to_have_text("Your answer is right.")
    expect(phones[2][1].locator(".live-verdict")).to_have_text("Your answer is not right.")
    screen.screenshot(path=str(shots / "screen-1920-revealed.png"))
    phones[0][1].screenshot(path=str(shots / "phone-en-360-revealed.png"), full_page=True)
    phones[4][1].screenshot(path=str(shots / "phone-ar-360-revealed.png"), full_page=True)
    presenter.screenshot(path=str(shots / "presenter-1280-revealed.png"), full_page=True)
    _press(presenter, "Next question")
    expect(screen.locator(".screen__eyebrow")).to_have_text("Question 2 of 2", timeout=WAIT_MS)
    _press(presenter, "Open answers")
    expect(screen.locator(".screen__phase")).to_have_text("Answer now on your phone",
                                                          timeout=WAIT_MS)
    screen.screenshot(path=str(shots / "screen-1920-open.png"))
    phones[0][1].locator("form.live-form").wait_for(timeout=WAIT_MS)
    phones[0][1].get_by_label("False", exact=True).check()
    phones[0][1].locator("form.live-form button[type=submit]").click()
    phones[4][1].locator("form.live-form").wait_for(timeout=WAIT_MS)
    phones[4][1].screenshot(path=str(shots / "phone-ar-360-open.png"), full_page=True)
    assert phones[4][1].evaluate("document.documentElement.dir") == "rtl"
    assert phones[4][1].evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    presenter.once("dialog", lambda dialog: dialog.accept())  # "End the session for everyone?"
    _press(presenter, "End the session")
    for _context, page in phones[:3]:
        expect(page.locator("h1")).to_have_text("The session has ended. Thank you!",
                                                timeout=WAIT_MS)
    expect(screen.locator(".screen__thanks")).to_be_visible(timeout=WAIT_MS)
    # The dashboard keeps the session: five participants, each one's answers.
    presenter.goto(f"{base_url}/trainer/live/{code}/results")
    expect(presenter.locator("#live-participation")).to_have_text("Took part: 5 of 5 in the room")
    scores = presenter.locator("#live-scores tbody th").all_text_contents()
    assert sorted(scores) == sorted(["Amina", "Omar", "Léa", "Nadia (no JS)", "Karim"])
    assert errors == []
    for context in [desk, projector] + [c for c, _p in phones]:
        context.close()


def test_live_pages_pass_axe_at_their_real_sizes(browser: Browser, base_url: str,
                                                 shots: Path) -> None:
    desk = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    presenter = desk.new_page()
    presenter.goto(base_url + "/trainer/login")
    presenter.get_by_label("Username").fill("tess")
    presenter.get_by_label("Password").fill(PASSWORD)
    presenter.get_by_role("button", name="Log in").click()
    presenter.goto(base_url + "/trainer/live/workshops/ws-alpha")
    assert axe_violations(presenter) == []
    presenter.locator("#source").select_option("module:canary-kinds")
    presenter.get_by_role("button", name="Start the session").click()
    presenter.wait_for_url("**/trainer/live/*")
    code = presenter.url.rsplit("/", 1)[1]
    phone_context = browser.new_context(viewport=PHONE, bypass_csp=True)
    phone = phone_context.new_page()
    phone.goto(base_url + "/")
    phone.click('.language-switch button[value="ar"]')
    phone.wait_for_selector('html[lang="ar"]')
    phone.locator("#name").fill("Karim")
    phone.locator("#code").fill("ALPHA17")
    phone.locator("form[action='/join'] button[type=submit]").click()
    phone.wait_for_url("**/programme")
    phone.goto(f"{base_url}/live/{code}")
    assert axe_violations(phone) == [], "phone, ready"
    projector = browser.new_context(viewport=SCREEN, bypass_csp=True,
                                    storage_state=desk.storage_state())
    screen = projector.new_page()
    screen.goto(f"{base_url}/trainer/live/{code}/screen")
    assert axe_violations(screen) == [], "screen, ready"
    for number in range(1, 8):  # every kind of question, open on the phone, then revealed
        _press(presenter, "Open answers")
        assert axe_violations(presenter) == [], f"presenter, question {number}"
        phone.goto(f"{base_url}/live/{code}")
        phone.locator("form.live-form").wait_for()
        assert axe_violations(phone) == [], f"phone, question {number}"
        assert phone.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
        phone.screenshot(path=str(shots / f"phone-ar-360-q{number}.png"), full_page=True)
        _press(presenter, "Reveal the answer")
        screen.goto(f"{base_url}/trainer/live/{code}/screen")
        assert axe_violations(screen) == [], f"screen, question {number}"
        screen.screenshot(path=str(shots / f"screen-1920-q{number}.png"))
        phone.goto(f"{base_url}/live/{code}")
        assert axe_violations(phone) == [], f"phone revealed, question {number}"
        if number < 7:
            _press(presenter, "Next question")
    presenter.goto(f"{base_url}/trainer/live/{code}/results")
    assert axe_violations(presenter) == [], "results"
    for context in (desk, phone_context, projector):
        context.close()


# What the screen must do at both projector sizes, read in the page: sans type everywhere, the
# explanation as large as the answers' text, no scrolling, and the join address broken only
# before the room code (the code on one line).
SCREEN_CHECKS = """() => {
  const px = el => parseFloat(getComputedStyle(el).fontSize);
  const family = el => getComputedStyle(el).fontFamily;
  const explanation = document.querySelector('.live-explanation');
  const url = document.querySelector('.screen__url');
  const code = [...url.querySelectorAll('span')].pop();
  const lineHeight = parseFloat(getComputedStyle(url).lineHeight) || px(url) * 1.5;
  return {
    explanationPx: px(explanation), promptPx: px(document.querySelector('.live-prompt')),
    explanationFamily: family(explanation), bodyFamily: family(document.body),
    codeLines: Math.round(code.getBoundingClientRect().height / lineHeight),
    codeText: code.textContent,
    urlOverflow: url.scrollWidth - url.clientWidth,
    pageOverflowX: document.documentElement.scrollWidth - innerWidth,
    pageOverflowY: document.documentElement.scrollHeight - innerHeight,
    sideBottom: document.querySelector('.screen__code').getBoundingClientRect().bottom,
  };
}"""


def test_the_screen_is_legible_from_the_back_of_the_room(browser: Browser, base_url: str,
                                                         shots: Path) -> None:
    desk = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    presenter = desk.new_page()
    presenter.goto(base_url + "/trainer/login")
    presenter.get_by_label("Username").fill("tess")
    presenter.get_by_label("Password").fill(PASSWORD)
    presenter.get_by_role("button", name="Log in").click()
    presenter.goto(base_url + "/trainer/live/workshops/ws-alpha")
    presenter.locator("#source").select_option("module:canary-kinds")
    presenter.get_by_role("button", name="Start the session").click()
    presenter.wait_for_url("**/trainer/live/*")
    code = presenter.url.rsplit("/", 1)[1]
    _press(presenter, "Open answers")
    _press(presenter, "Reveal the answer")
    for width, height in ((1920, 1080), (1280, 720)):
        projector = browser.new_context(viewport={"width": width, "height": height},
                                        bypass_csp=True, storage_state=desk.storage_state())
        screen = projector.new_page()
        screen.goto(f"{base_url}/trainer/live/{code}/screen")
        screen.screenshot(path=str(shots / f"screen-{width}-legible.png"))
        found = screen.evaluate(SCREEN_CHECKS)
        where = f"{width}x{height}: {found}"
        assert "serif" not in found["explanationFamily"].replace("sans-serif", ""), where
        assert found["explanationFamily"] == found["bodyFamily"], where
        assert found["explanationPx"] >= 0.018 * width, where  # 35 px on a 1920 px screen
        assert found["promptPx"] >= 0.036 * width, where
        assert found["codeText"] == code, where
        assert found["codeLines"] == 1, where
        assert found["urlOverflow"] <= 0, where
        assert found["pageOverflowX"] <= 0, where
        assert found["pageOverflowY"] <= 0, where
        assert found["sideBottom"] <= height, where
        assert axe_violations(screen) == [], where
        projector.close()
    desk.close()
