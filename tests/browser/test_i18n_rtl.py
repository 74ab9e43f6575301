"""Arabic and French trainees in a real Chromium: the switcher, lang/dir, a mirrored layout, axe-core.

Runs on the sample curriculum (its modules mandate-2322 and mla-extradition-guardrails are
translated into French and Arabic). Screenshots of each page at 1280 and 360 px go to the test's
temporary folder (pytest prints where) for a person to look at.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_support import REPO, axe_violations, serving
from flask import Flask
from playwright.sync_api import Browser, Page

from trainer.store.migrate import upgrade
from trainer.web import create_app
from trainer.web.state import database

pytestmark = pytest.mark.browser


@pytest.fixture
def base_url(tmp_path: Path) -> Iterator[str]:
    app: Flask = create_app({"INSTANCE_PATH": str(tmp_path / "instance"),
                             "TRAINER_CONTENT_ROOT": str(REPO),
                             "DATABASE_URL": f"sqlite:///{tmp_path / 'rtl.sqlite3'}"})
    upgrade(app.config["DATABASE_URL"])
    with serving(app) as url:
        yield url
    database(app).dispose()


def _page(browser: Browser, width: int) -> Page:
    context = browser.new_context(bypass_csp=True, viewport={"width": width, "height": 900})
    return context.new_page()


def _walk(page: Page, base_url: str, language: str, shots: Path, width: int) -> dict[str, Any]:
    """Go through start page, module, quiz and result in `language`; check and shoot each page."""
    seen: dict[str, Any] = {}

    def look(name: str) -> None:
        page.wait_for_load_state("load")  # after a click: measure the styled page
        page.screenshot(path=str(shots / f"{language}-{width}-{name}.png"), full_page=True)
        seen[name] = {
            "lang": page.evaluate("document.documentElement.lang"),
            "dir": page.evaluate("document.documentElement.dir"),
            "overflow": page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"),
            "axe": axe_violations(page),
        }

    page.goto(base_url + "/")
    page.click(f'.language-switch button[value="{language}"]')
    page.wait_for_selector(f'html[lang="{language}"]')
    look("home")
    page.fill("#name", "Amina K.")
    page.fill("#code", "MALTA16")
    page.click("form[action='/join'] button[type=submit]")
    page.click("form[action='/tests/pre/start'] button")
    page.click("[data-finish]")
    page.click("[data-submit]")
    page.goto(base_url + "/programme")
    look("programme")
    page.goto(base_url + "/modules/mandate-2322")
    look("module")
    page.click("form[action='/modules/mandate-2322/start'] button")
    page.wait_for_selector("[data-quiz]")
    look("quiz")
    seen["choice"] = page.evaluate("""() => {
        const choice = document.querySelector('.choice');
        const input = choice.querySelector('input').getBoundingClientRect();
        const text = choice.querySelector('.choice__text').getBoundingClientRect();
        const box = choice.getBoundingClientRect();
        const prompt = document.querySelector('.question__prompt');
        const walker = document.createTreeWalker(prompt, NodeFilter.SHOW_TEXT,
            {acceptNode: n => n.data.trim() ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_SKIP});
        const range = document.createRange();
        range.selectNodeContents(walker.nextNode());
        const words = range.getBoundingClientRect();
        const field = prompt.getBoundingClientRect();
        return {inputLeft: input.left, inputRight: input.right, textLeft: text.left,
                textRight: text.right, boxLeft: box.left, boxRight: box.right,
                wordsLeft: words.left, wordsRight: words.right,
                fieldLeft: field.left, fieldRight: field.right};
    }""")
    page.locator(".choice").first.click()
    page.click("[data-finish]")
    page.click("[data-submit]")
    page.wait_for_selector(".score")
    look("result")
    return seen


@pytest.mark.parametrize("width", [1280, 360])
def test_arabic_pages_are_right_to_left_and_accessible(browser: Browser, base_url: str,
                                                       tmp_path: Path, width: int) -> None:
    page = _page(browser, width)
    seen = _walk(page, base_url, "ar", tmp_path, width)
    page.context.close()
    for name in ("home", "programme", "module", "quiz", "result"):
        assert (seen[name]["lang"], seen[name]["dir"]) == ("ar", "rtl"), name
        assert seen[name]["axe"] == [], (name, seen[name]["axe"])
        assert seen[name]["overflow"] <= 0, f"{name} scrolls sideways at {width} px"
    choice = seen["choice"]
    # The radio sits at the inline start, which is the right in Arabic; the text to its left.
    assert choice["inputLeft"] >= choice["textRight"] - 1
    assert choice["boxRight"] - choice["inputRight"] < choice["inputLeft"] - choice["boxLeft"]
    # The prompt's words start at the right edge of their block.
    assert choice["fieldRight"] - choice["wordsRight"] < 2
    assert choice["wordsLeft"] - choice["fieldLeft"] > 2


def test_french_pages_are_left_to_right_and_accessible(browser: Browser, base_url: str,
                                                       tmp_path: Path) -> None:
    page = _page(browser, 1280)
    seen = _walk(page, base_url, "fr", tmp_path, 1280)
    page.context.close()
    for name in ("home", "programme", "module", "quiz", "result"):
        assert (seen[name]["lang"], seen[name]["dir"]) == ("fr", "ltr"), name
        assert seen[name]["axe"] == [], (name, seen[name]["axe"])
    choice = seen["choice"]
    assert choice["inputRight"] <= choice["textLeft"] + 1
    assert choice["wordsLeft"] - choice["fieldLeft"] < 2


def test_the_switcher_changes_the_page_in_place(browser: Browser, base_url: str) -> None:
    page = _page(browser, 1280)
    page.goto(base_url + "/trainer/login")
    assert page.evaluate("document.documentElement.dir") == "ltr"
    page.click('.language-switch button[value="ar"]')
    page.wait_for_selector('html[lang="ar"][dir="rtl"]')
    assert page.url.endswith("/trainer/login")
    assert page.locator('.language-switch button[aria-current="true"]').inner_text() == "العربية"
    # The brand (first in the header) now sits at the right of the switcher.
    brand = page.locator(".brand").bounding_box()
    switch = page.locator(".language-switch").bounding_box()
    assert brand
    assert switch
    assert brand["x"] > switch["x"]
    page.context.close()
