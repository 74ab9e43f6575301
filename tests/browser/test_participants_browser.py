"""Resume codes and the trainer's participant pages in a real Chromium.

A trainee joins in one browser context and answers; their resume code, typed in a second context,
signs in as the same participant with the same attempts; ten wrong codes from one address are
throttled; a code the trainer revoked no longer works. The participant page and an attempt review
are looked at as the trainer sees them, at 1280 and 360 px, in English and Arabic: axe-core finds
nothing, nothing is wider than the phone, and screenshots go to SCREENSHOTS (or the test's
temporary folder) for a person to look at.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import axe_violations, serving
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page
from test_dashboard_browser import CURRICULUM, MODULE

from trainer.store.accounts import create_trainer
from trainer.store.migrate import upgrade
from trainer.web import create_app
from trainer.web.state import database

pytestmark = pytest.mark.browser

PASSWORD = "a long enough password"


@pytest.fixture
def base_url(tmp_path: Path) -> Iterator[str]:
    root = tmp_path / "content"
    (root / "modules").mkdir(parents=True)
    (root / "curriculum").mkdir()
    (root / "modules" / "dash-one.yaml").write_text(MODULE, encoding="utf-8")
    (root / "curriculum" / "dash.yaml").write_text(CURRICULUM, encoding="utf-8")
    app: Flask = create_app({"INSTANCE_PATH": str(tmp_path / "instance"),
                             "TRAINER_CONTENT_ROOT": str(root),
                             "DATABASE_URL": f"sqlite:///{tmp_path / 'participants.sqlite3'}"})
    upgrade(app.config["DATABASE_URL"])
    create_trainer(database(app), "tess", PASSWORD)
    with serving(app) as url:
        yield url
    database(app).dispose()


def _shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _answer(page: Page, labels: list[str]) -> None:
    for label in labels:
        page.get_by_label(label, exact=True).check()
    page.get_by_role("button", name="Finish: check my answers").click()
    page.get_by_role("button", name="Submit for grading").click()
    page.wait_for_load_state()


def _join_and_answer(context: BrowserContext, base_url: str, name: str) -> str:
    """Join, take the pre-test and the module quiz; return the resume code shown."""
    page = context.new_page()
    page.goto(base_url + "/")
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Or enter the join code from your trainer").fill("dash17")
    page.get_by_role("button", name="Start").click()
    page.get_by_role("button", name="Take the pre-test").click()
    _answer(page, ["Alpha wrong", "True"])
    page.goto(base_url + "/modules/dash-one")
    page.locator("form button[type=submit].button--large").click()
    _answer(page, ["Alpha right", "False"])
    page.goto(base_url + "/programme")
    code = page.locator("#resume-code").text_content() or ""
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", code), code
    page.close()
    return code


def _enter_code(page: Page, base_url: str, code: str) -> None:
    page.goto(base_url + "/")
    page.get_by_label("I have a resume code").fill(code)
    page.get_by_label("I have a resume code").press("Enter")
    page.wait_for_load_state()


def _attempt_links(page: Page) -> list[str]:
    return sorted(page.locator("main a[href*='/attempts/']").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"))


def _login(page: Page, base_url: str) -> None:
    page.goto(base_url + "/trainer/login")
    page.fill("#username", "tess")
    page.fill("#password", PASSWORD)
    page.click("form[action='/trainer/login'] button[type=submit]")
    page.wait_for_selector("main h1")


def test_a_resume_code_carries_a_trainee_to_another_device(browser: Browser, base_url: str,
                                                          tmp_path: Path) -> None:
    first = browser.new_context()
    code = _join_and_answer(first, base_url, "Budi Santoso")
    page = first.new_page()
    page.goto(base_url + "/modules/dash-one")
    history_before = page.locator("main table").inner_text()
    # The second device: the code typed in lower case, with a space.
    phone = browser.new_context(viewport={"width": 360, "height": 740}, bypass_csp=True)
    other = phone.new_page()
    _enter_code(other, base_url, code.lower().replace("-", " "))
    assert other.url.endswith("/programme")
    assert "Budi Santoso" in (other.locator(".nav__who").text_content() or "")
    assert other.locator("#resume-code").text_content() == code
    other.screenshot(path=str(_shots(tmp_path) / "programme-code-en-360.png"), full_page=True)
    assert axe_violations(other) == []
    other.goto(base_url + "/modules/dash-one")
    assert other.locator("main table").inner_text() == history_before  # the same attempts
    assert other.evaluate("document.documentElement.scrollWidth") <= 360
    # Ten wrong codes from one address, then even the right one waits.
    guesser = browser.new_context(bypass_csp=True).new_page()
    for _ in range(10):
        _enter_code(guesser, base_url, "ABCD-EFGH")
        assert "This code does not work" in guesser.content()
    _enter_code(guesser, base_url, code)
    assert "Too many wrong codes" in guesser.content()
    guesser.screenshot(path=str(_shots(tmp_path) / "home-throttled-en-1280.png"), full_page=True)
    assert axe_violations(guesser) == []
    assert not guesser.url.endswith("/programme")
    guesser.context.close()
    first.close()
    phone.close()


def test_a_revoked_code_no_longer_works(browser: Browser, base_url: str) -> None:
    code = _join_and_answer(browser.new_context(), base_url, "Revoked Rita")
    trainer = browser.new_context().new_page()
    _login(trainer, base_url)
    trainer.goto(base_url + "/trainer/workshops/ws-dash")
    trainer.get_by_role("link", name="Revoked Rita").click()
    trainer.get_by_role("button", name="Revoke the code").click()
    trainer.wait_for_load_state()
    page = browser.new_context().new_page()
    _enter_code(page, base_url, code)
    assert "This code does not work" in page.content()
    assert not page.url.endswith("/programme")
    trainer.context.close()
    page.context.close()


@pytest.mark.parametrize("language", ["en", "ar"])
@pytest.mark.parametrize("width", [1280, 360])
def test_the_participant_page_and_a_review_as_the_trainer_sees_them(
        browser: Browser, base_url: str, tmp_path: Path, width: int, language: str) -> None:
    _join_and_answer(browser.new_context(), base_url, "عمر الفاروق" if language == "ar"
                     else "Amina Keïta with a rather long name")
    context = browser.new_context(bypass_csp=True, viewport={"width": width, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(base_url + "/trainer/login")
    if language == "ar":
        page.click('.language-switch button[value="ar"]')
        page.wait_for_selector('html[lang="ar"]')
    _login(page, base_url)
    page.goto(base_url + "/trainer/workshops/ws-dash")
    page.locator("#grid tbody th a").first.click()
    page.wait_for_load_state("load")
    shots = _shots(tmp_path)
    assert page.evaluate("document.documentElement.lang") == language
    page.screenshot(path=str(shots / f"participant-{language}-{width}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert axe_violations(page) == []
    links = _attempt_links(page)
    assert len(links) == 2  # the pre-test and the module quiz
    page.goto(base_url + links[0])
    page.wait_for_load_state("load")
    page.screenshot(path=str(shots / f"review-{language}-{width}.png"), full_page=True)
    assert page.locator(".result").count() == 2  # every question, with its right answer
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert axe_violations(page) == []
    page.goto(page.url.split("/attempts/")[0] + "/remove")
    page.screenshot(path=str(shots / f"remove-{language}-{width}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    # The question is one sentence with the name inside it: it flows as text (as a flex row it
    # put wide gaps around the name and broke its lines between the pieces).
    assert page.eval_on_selector("#remove-title bdi", "e => getComputedStyle(e).display") == (
        "inline")
    assert axe_violations(page) == []
    page.goto(base_url + "/trainer/audit")
    page.screenshot(path=str(shots / f"audit-{language}-{width}.png"), full_page=True)
    assert axe_violations(page) == []
    assert errors == []
    context.close()


def test_the_start_page_offers_the_resume_code_in_arabic_on_a_phone(
        browser: Browser, base_url: str, tmp_path: Path) -> None:
    context = browser.new_context(bypass_csp=True, viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(base_url + "/")
    page.click('.language-switch button[value="ar"]')
    page.wait_for_selector('html[lang="ar"]')
    page.screenshot(path=str(_shots(tmp_path) / "home-ar-360.png"), full_page=True)
    assert page.get_by_label("لديّ رمز استئناف").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert axe_violations(page) == []
    context.close()


@pytest.mark.parametrize("javascript", [True, False])
def test_a_handbook_shows_a_working_page_then_downloads(
        browser: Browser, base_url: str, tmp_path: Path, javascript: bool) -> None:
    context = browser.new_context(bypass_csp=True, accept_downloads=True,
                                  java_script_enabled=javascript,
                                  viewport={"width": 360, "height": 740})
    page = context.new_page()
    _login(page, base_url)
    page.goto(base_url + "/trainer/workshops/ws-dash")
    link = page.get_by_role("link", name="Facilitator handbook (PDF)").first
    shots = _shots(tmp_path)
    if javascript:
        # The script polls the status and starts the download by itself.
        with page.expect_download(timeout=120_000) as download:
            link.click()
            page.wait_for_selector(".job__spinner, #job-download")
            assert page.url.endswith("/handbook/facilitator/status")
            page.screenshot(path=str(shots / "job-working-js-360.png"), full_page=True)
            assert axe_violations(page) == []
    else:
        link.click()
        page.wait_for_load_state("load")
        assert page.url.endswith("/handbook/facilitator/status")
        assert "Working for" in page.content()
        page.screenshot(path=str(shots / "job-working-nojs-360.png"), full_page=True)
        # Without JavaScript the page reloads itself (meta refresh) until the link appears.
        page.wait_for_selector("#job-download", timeout=120_000)
        page.screenshot(path=str(shots / "job-ready-nojs-360.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        with page.expect_download() as download:
            page.click("#job-download")
    assert download.value.suggested_filename.endswith("-facilitator.pdf")
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
    context.close()
