"""The whole offline loop in Chromium: a learner takes the pre-test and a module quiz in the offline
site from file:// with networking off and saves the results file; a trainer uploads it on the
dashboard and imports it again with `trainer import-results`; the grid shows the right numbers once.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from browser_support import TRAINER_PASSWORD, serving
from click.testing import CliRunner
from flask import Flask
from playwright.sync_api import Browser, Route

from trainer.cli.results import import_results_command
from trainer.content.catalogue import load_catalogue
from trainer.export.site import build_site, write_site

pytestmark = pytest.mark.browser

PASSWORD = TRAINER_PASSWORD


@pytest.fixture
def content_dir(repo_root: Path) -> Path:
    return repo_root / "tests" / "data" / "package_content"


@pytest.fixture
def live_app(content_dir: Path, make_live_app: Callable[..., Flask]) -> Flask:
    return make_live_app(content_dir, trainer="tess")


def _learn_offline(browser: Browser, content_dir: Path, folder: Path) -> Path:
    """Take the pre-test (right) and module 2 (one of two right) offline; return the saved file."""
    catalogue = load_catalogue(content_dir)
    curriculum, workshop = catalogue.workshop("test-edition")
    site = folder / "site"
    write_site(build_site(catalogue, curriculum, workshop), site)
    context = browser.new_context(offline=True, accept_downloads=True)
    requests: list[str] = []

    def refuse(route: Route) -> None:
        requests.append(route.request.url)
        route.abort()

    context.route("http*://**/*", refuse)
    page = context.new_page()
    try:
        page.goto((site / "index.html").as_uri())
        page.get_by_role("link", name="Pre-test").click()
        page.locator('#q1 input[value="0"]').check()
        page.locator("#submit").click()
        page.get_by_role("link", name="All modules").last.click()
        page.get_by_role("link", name="2. A short second module").click()
        page.locator('#q1 input[value="0"]').check()
        page.locator("#q2 input").fill("3")
        page.locator("#submit").click()
        page.get_by_role("link", name="All modules").last.click()
        page.locator("#participant").fill("Amina K.")
        with page.expect_download() as download:
            page.locator("#export").click()
        saved = folder / "results-practice.json"
        download.value.save_as(saved)
    finally:
        context.close()
    assert requests == []
    return saved


def test_results_from_the_offline_site_reach_the_dashboard(
        browser: Browser, live_app: Flask, content_dir: Path, tmp_path: Path) -> None:
    saved = _learn_offline(browser, content_dir, tmp_path)
    with serving(live_app) as base_url:
        context = browser.new_context()
        page = context.new_page()
        try:
            page.goto(base_url + "/trainer/login")
            page.get_by_label("Username").fill("tess")
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Log in").click()
            page.goto(base_url + "/trainer/workshops/test-edition")
            page.get_by_label("Results files (.json) saved by participants from the offline "
                              "site").set_input_files(str(saved))
            page.get_by_role("button", name="Import results").click()
            assert page.locator(".import-imported").inner_text() == "2"
            assert page.locator(".import-refused-count").inner_text() == "0"

            cli = CliRunner().invoke(
                import_results_command, [str(saved), "--root", str(content_dir)],
                env={"DATABASE_URL": live_app.config["DATABASE_URL"],
                     "TRAINER_INSTANCE_PATH": str(tmp_path / "instance")})
            assert cli.exit_code == 0, cli.output
            assert ("participant 'Amina K.' (matched) in workshop test-edition: 0 attempt(s) "
                    "imported, 2 already imported (skipped), 0 refused") in cli.output

            page.goto(base_url + "/trainer/workshops/test-edition")
            assert page.locator("#stat-joined").inner_text() == "1"
            assert page.locator("#stat-pre").inner_text() == "1"
            row = page.locator("#grid tbody tr")
            assert row.count() == 1
            assert row.locator("th").inner_text().startswith("Amina K.")
            assert row.locator(".badge").inner_text() == "offline"
            cells = [c.inner_text().split("\n")[0].strip() for c in row.locator("td").all()]
            assert cells[0].startswith("100.0")  # pre-test: q-single right
            assert cells[1].startswith("—")  # module 1 not taken
            assert cells[2].startswith("50.0✓")  # module 2: one of two, pass mark 50
        finally:
            context.close()
