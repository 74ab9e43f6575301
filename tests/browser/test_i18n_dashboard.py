"""The trainer dashboard and the author preview in Arabic, in a real Chromium, at 1280 and 360 px.

Checks what a person would: `dir="rtl"`, the layout mirrored (headings and the first table column
on the right), no page wider than a phone, and axe-core finds nothing. Screenshots of every page go
to the test's temporary folder (pytest prints where) for a person to look at.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_support import REPO, axe_violations, serving
from flask import Flask
from playwright.sync_api import Browser, Page
from test_dashboard_browser import CURRICULUM, MODULE, _trainee

from trainer.store.accounts import create_trainer
from trainer.store.migrate import upgrade
from trainer.web import create_app
from trainer.web.author.views import create_preview_app
from trainer.web.state import database

pytestmark = pytest.mark.browser

PASSWORD = "a long enough password"
WIDTHS = (1280, 360)


@pytest.fixture
def dashboard_url(tmp_path: Path) -> Iterator[str]:
    root = tmp_path / "content"
    (root / "modules").mkdir(parents=True)
    (root / "curriculum").mkdir()
    (root / "modules" / "dash-one.yaml").write_text(MODULE, encoding="utf-8")
    (root / "curriculum" / "dash.yaml").write_text(CURRICULUM, encoding="utf-8")
    app: Flask = create_app({"INSTANCE_PATH": str(tmp_path / "instance"),
                             "TRAINER_CONTENT_ROOT": str(root),
                             "DATABASE_URL": f"sqlite:///{tmp_path / 'rtl-dashboard.sqlite3'}"})
    upgrade(app.config["DATABASE_URL"])
    create_trainer(database(app), "tess", PASSWORD)
    with serving(app) as url:
        yield url
    database(app).dispose()


def _look(page: Page, shots: Path, name: str) -> dict[str, Any]:
    """Screenshot the page and measure what a right-to-left page must get right."""
    page.wait_for_load_state("load")  # after a click: measure the styled page
    page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
    return page.evaluate("""() => {
        const h1 = document.querySelector('main h1').getBoundingClientRect();
        const main = document.querySelector('main').getBoundingClientRect();
        return {lang: document.documentElement.lang, dir: document.documentElement.dir,
                overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
                h1Right: h1.right, mainRight: main.right, h1Left: h1.left, mainLeft: main.left};
    }""")


def _right_aligned(seen: dict[str, Any]) -> bool:
    """Whether the page heading hugs the right edge of the main column, not the left."""
    return bool(seen["mainRight"] - seen["h1Right"] < seen["h1Left"] - seen["mainLeft"] + 1)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_arabic_dashboard_is_mirrored_and_accessible(browser: Browser, dashboard_url: str,
                                                         tmp_path: Path, width: int) -> None:
    _trainee(browser, dashboard_url, "عمر الفاروق", ["Alpha wrong", "True"], ["Alpha right", "True"])
    _trainee(browser, dashboard_url, "Amina K.", ["Alpha wrong", "False"], ["Alpha right", "False"])
    context = browser.new_context(bypass_csp=True, viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(dashboard_url + "/trainer/login")
    page.click('.language-switch button[value="ar"]')
    page.wait_for_selector('html[lang="ar"]')
    page.fill("#username", "tess")
    page.fill("#password", PASSWORD)
    page.click("form[action='/trainer/login'] button[type=submit]")
    page.wait_for_selector("main h1")
    assert page.evaluate("document.documentElement.lang") == "ar"  # the choice survived login
    problems = {}
    for name, path in (("index", "/trainer/"), ("workshop", "/trainer/workshops/ws-dash"),
                       ("gain", "/trainer/workshops/ws-dash/gain"),
                       ("items", "/trainer/workshops/ws-dash/items")):
        page.goto(dashboard_url + path)
        seen = _look(page, tmp_path, f"dashboard-ar-{width}-{name}")
        assert (seen["lang"], seen["dir"]) == ("ar", "rtl"), name
        assert seen["overflow"] <= 0, (name, seen)
        assert _right_aligned(seen), (name, seen)
        problems[name] = axe_violations(page)
        if name == "workshop":
            # The participant column, first in reading order, is on the right.
            first, last = page.evaluate("""() => {
                const cells = document.querySelectorAll('#grid thead th');
                return [cells[0].getBoundingClientRect().left,
                        cells[cells.length - 1].getBoundingClientRect().left];
            }""")
            assert first > last
    assert problems == dict.fromkeys(problems, []), problems
    context.close()


@pytest.fixture
def preview_url() -> Iterator[str]:
    with serving(create_preview_app(REPO)) as url:
        yield url


@pytest.mark.parametrize("width", WIDTHS)
def test_the_arabic_author_preview_shows_translations(browser: Browser, preview_url: str,
                                                     tmp_path: Path, width: int) -> None:
    context = browser.new_context(bypass_csp=True, viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(preview_url + "/author/")
    page.click('.language-switch button[value="ar"]')
    page.wait_for_selector('html[lang="ar"]')
    problems = {}
    for name, path in (("index", "/author/"), ("module", "/author/module/mandate-2322"),
                       ("module-ar", "/author/module/mandate-2322?lang=ar"),
                       ("module-fr", "/author/module/mandate-2322?lang=fr")):
        page.goto(preview_url + path)
        seen = _look(page, tmp_path, f"preview-ar-{width}-{name}")
        assert (seen["lang"], seen["dir"]) == ("ar", "rtl"), name
        assert seen["overflow"] <= 0, (name, seen)
        problems[name] = axe_violations(page)
    # The Arabic translation: its title is the page's language, so it hugs the right edge.
    page.goto(preview_url + "/author/module/mandate-2322?lang=ar")
    assert _right_aligned(_look(page, tmp_path, f"preview-ar-{width}-module-ar"))
    assert page.locator('nav.tabs a[aria-current="page"]').get_attribute("lang") == "ar"
    assert problems == dict.fromkeys(problems, []), problems
    context.close()
