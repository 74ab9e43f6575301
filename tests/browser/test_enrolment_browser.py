"""Enrolment and sessions in a real Chromium: a trainer makes a workshop join-code only with a
cap and a new code, a trainee on an Arabic phone is refused with the old code and joins with the
new one, and "log out everywhere" ends the trainer's session in another browser. axe-core must
find nothing on the pages, at 1280 px and 360 px; no page is wider than the phone.

Set SCREENSHOT_DIR to keep screenshots of each page (en and ar, laptop and phone).
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

from trainer.store.accounts import create_trainer
from trainer.store.migrate import upgrade
from trainer.web import create_app
from trainer.web.state import database

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
PASSWORD = "a long enough password"
WORKSHOP = "sahel-maghreb-2016"
SIZES = {"laptop": {"width": 1280, "height": 900}, "phone": {"width": 360, "height": 740}}


@pytest.fixture
def live_app(tmp_path: Path) -> Flask:
    app = create_app({"INSTANCE_PATH": str(tmp_path / "instance"),
                      "TRAINER_CONTENT_ROOT": str(REPO),
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'enrolment.sqlite3'}"})
    upgrade(app.config["DATABASE_URL"])
    create_trainer(database(app), "tess", PASSWORD)
    return app


@pytest.fixture
def base_url(live_app: Flask) -> Iterator[str]:
    with serving(live_app) as url:
        yield url
    database(live_app).dispose()


def _shot(page: Page, name: str) -> None:
    folder = os.environ.get("SCREENSHOT_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def _check(page: Page, name: str, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width, name
    assert axe_violations(page) == [], name
    _shot(page, name)


def _context(browser: Browser, size: str, language: str) -> BrowserContext:
    return browser.new_context(bypass_csp=True, viewport=SIZES[size], locale=language,
                               extra_http_headers={"Accept-Language": language})


def _log_in(page: Page, base_url: str) -> None:
    page.goto(base_url + "/trainer/login")
    page.locator("#username").fill("tess")
    page.locator("#password").fill(PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()


def test_a_trainer_controls_enrolment_and_a_trainee_sees_why(browser: Browser,
                                                             base_url: str) -> None:
    trainer = _context(browser, "laptop", "en")
    page = trainer.new_page()
    _log_in(page, base_url)
    page.goto(f"{base_url}/trainer/workshops/{WORKSHOP}")
    assert page.get_by_label("Listed on the start page").is_checked()
    page.get_by_label("Listed on the start page").uncheck()
    page.get_by_label("Most participants").fill("1")
    page.get_by_role("button", name="Save enrolment settings").click()
    page.wait_for_load_state()
    assert "Enrolment settings saved." in page.content()
    assert not page.get_by_label("Listed on the start page").is_checked()
    assert page.get_by_label("Most participants").input_value() == "1"
    page.get_by_role("button", name="New join code").click()
    page.wait_for_load_state()
    code = page.locator("#join-code").inner_text()
    assert re.fullmatch(r"[A-Z0-9]{8}", code)
    assert code != "MALTA16"
    _check(page, "workshop-enrolment-en-laptop", 1280)
    page.goto(base_url + "/trainer/")
    _check(page, "dashboard-index-en-laptop", 1280)
    trainer.close()

    for size in ("phone", "laptop"):
        trainee = _context(browser, size, "ar")
        phone = trainee.new_page()
        width = SIZES[size]["width"]
        phone.goto(base_url + "/")
        assert WORKSHOP not in phone.content()  # join-code only now
        phone.locator("#name").fill("أمينة")
        phone.locator("#code").fill("MALTA16")  # the old code
        phone.locator("#code").press("Enter")
        phone.wait_for_load_state()
        assert "لا توجد حلقة عمل بهذا الرمز" in phone.content()
        _check(phone, f"home-old-code-ar-{size}", width)
        phone.locator("#code").fill(code.lower())
        phone.locator("#code").press("Enter")
        phone.wait_for_load_state()
        if size == "phone":
            assert phone.url.endswith("/programme")
        else:  # the cap of one is reached: refused, in Arabic
            assert "حلقة العمل هذه مكتملة العدد" in phone.content()
            _check(phone, f"home-full-ar-{size}", width)
        trainee.close()


def test_log_out_everywhere_ends_another_browsers_session(browser: Browser,
                                                          base_url: str) -> None:
    laptop_context = _context(browser, "laptop", "en")
    phone_context = _context(browser, "phone", "ar")
    laptop, phone = laptop_context.new_page(), phone_context.new_page()
    _log_in(laptop, base_url)
    _log_in(phone, base_url)
    phone.goto(base_url + "/trainer/")
    _check(phone, "dashboard-index-ar-phone", 360)
    phone.goto(f"{base_url}/trainer/workshops/{WORKSHOP}")
    _check(phone, "workshop-enrolment-ar-phone", 360)
    laptop.goto(base_url + "/trainer/")
    laptop.get_by_role("button", name="Log out everywhere").click()
    laptop.wait_for_load_state()
    assert "/trainer/login" in laptop.url
    assert "You have logged out on every device." in laptop.content()
    phone.reload()
    assert "/trainer/login" in phone.url
    laptop_context.close()
    phone_context.close()
