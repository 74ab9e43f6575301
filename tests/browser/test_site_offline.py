"""The offline site from file:// in Chromium with networking off: the pre-test opens the module quizzes,
take one, come back to the front page, export the results file, and read it with parse_results_file;
the post-test opens only once every module quiz is taken, and each test is taken once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Route

from trainer.content.catalogue import Catalogue, load_catalogue
from trainer.export.site import build_site, write_site
from trainer.interchange.results_file import parse_results_file
from trainer.quiz.grading import grade

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def content(repo_root: Path) -> Catalogue:
    return load_catalogue(repo_root / "tests" / "data" / "package_content")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, content: Catalogue) -> Path:
    curriculum, workshop = content.workshop("test-edition")
    target = tmp_path_factory.mktemp("usb") / "site"
    write_site(build_site(content, curriculum, workshop), target)
    return target


@pytest.fixture
def offline_browser(browser: Browser) -> Browser:
    """The session's Chromium (tests/browser/conftest.py): one Playwright per run."""
    return browser


def take_pre_test(page: Page, site: Path) -> None:
    """Answer the pre-test (its one question right) and submit it."""
    page.goto((site / "pre" / "index.html").as_uri())
    page.locator('#q1 input[value="0"]').check()
    page.locator("#submit").click()
    assert "You scored 2 of 2 points (100%)." in page.locator("#score").inner_text()


@pytest.fixture
def offline_page(offline_browser: Browser) -> Iterator[tuple[Page, list[str]]]:
    """A page whose context has networking off and records any request that is not file:."""
    context = offline_browser.new_context(offline=True, accept_downloads=True)
    requests: list[str] = []

    def refuse(route: Route) -> None:
        requests.append(route.request.url)
        route.abort()

    context.route("http*://**/*", refuse)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text)
            if message.type == "error" else None)
    yield page, requests
    context.close()
    assert errors == []


def test_take_a_quiz_offline_and_export_results(offline_page: tuple[Page, list[str]], site: Path,
                                                content: Catalogue, tmp_path: Path) -> None:
    page, requests = offline_page
    page.goto((site / "m02" / "index.html").as_uri())
    locked = page.locator("#quiz-locked")
    assert locked.inner_text().startswith("Take the pre-test first")
    assert page.locator("#quiz-form").is_hidden()
    take_pre_test(page, site)
    assert page.locator("#retry").is_hidden()  # a test is taken once
    page.goto((site / "index.html").as_uri())
    assert page.locator("h1").inner_text() == "Practice curriculum"
    assert page.locator('[data-test="pre"] .status').inner_text() == "Taken — score 100%"
    page.get_by_role("link", name="2. A short second module").click()
    page.locator('#q1 input[value="0"]').check()
    page.locator("#q2 input").fill("3")
    page.locator("#submit").click()
    assert "You scored 1 of 2 points (50%). You passed." in page.locator("#score").inner_text()
    page.get_by_role("link", name="All modules").last.click()

    status = page.locator('[data-module="short-module"] .status')
    assert status.inner_text() == "Passed — latest score 50%"
    assert page.locator('[data-module="all-kinds"] .status').is_hidden()
    page.locator("#export").click()
    assert "Type your name first" in page.locator("#export-error").inner_text()
    page.locator("#participant").fill("  Amina   K. ")
    with page.expect_download() as download_info:
        page.locator("#export").click()
    download = download_info.value
    assert download.suggested_filename == "results-practice.json"
    saved = tmp_path / "results.json"
    download.save_as(saved)
    assert requests == []

    results = parse_results_file(saved.read_bytes())
    assert results.curriculum == "practice"
    assert results.workshop == "test-edition"
    assert results.participant == "Amina K."
    assert results.version == 2
    assert results.learner is not None
    pre, attempt = results.attempts
    assert (pre.kind, pre.module, pre.module_hash, pre.percent) == ("pre", None, None, 100)
    assert [(a.module, a.question, a.response) for a in pre.answers] == [
        ("all-kinds", "q-single", "a")]
    assert None not in (pre.id, attempt.id)
    assert pre.id != attempt.id
    assert attempt.kind == "module"
    assert attempt.module == "short-module"
    assert attempt.module_hash == content.module_hashes["short-module"]
    assert (attempt.earned, attempt.max, attempt.percent, attempt.passed) == (1, 2, 50, True)
    assert [a.response for a in attempt.answers] == ["justice", "3"]
    # What an importer does: re-grade the stored responses with the Python grader.
    for answer in attempt.answers:
        question = content.question("short-module", answer.question)
        assert content.question_hash("short-module", answer.question) == answer.question_hash
        assert grade(question, answer.response).earned == answer.earned


def test_progress_survives_closing_the_page(offline_page: tuple[Page, list[str]],
                                            site: Path) -> None:
    page, requests = offline_page
    take_pre_test(page, site)
    page.goto((site / "m01" / "index.html").as_uri())
    page.locator('#q3 input[value="1"]').check()
    page.locator('#q6 select[data-pair="1"]').select_option(label="Extradite or prosecute")
    page.goto("about:blank")
    page.goto((site / "m01" / "index.html").as_uri())
    assert page.locator('#q3 input[value="1"]').is_checked()
    chosen = page.locator('#q6 select[data-pair="1"] option:checked').inner_text()
    assert chosen == "Extradite or prosecute"
    assert requests == []


def test_front_page_reads_well_on_a_phone(offline_browser: Browser, site: Path) -> None:
    context = offline_browser.new_context(offline=True, viewport={"width": 360, "height": 740})
    page = context.new_page()
    try:
        page.goto((site / "m01" / "index.html").as_uri())
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0
    finally:
        context.close()


def test_post_test_opens_after_every_module_quiz_and_is_taken_once(
        offline_page: tuple[Page, list[str]], site: Path) -> None:
    page, requests = offline_page
    take_pre_test(page, site)
    page.goto((site / "post" / "index.html").as_uri())
    assert "once you have taken every module quiz (2 still to do)" in (
        page.locator("#quiz-locked").inner_text())
    for folder in ("m01", "m02"):
        page.goto((site / folder / "index.html").as_uri())
        page.locator("#submit").click()
    page.goto((site / "post" / "index.html").as_uri())
    assert page.locator("#quiz-locked").is_hidden()
    page.locator('#q1 input[value="0"]').check()
    page.locator("#submit").click()
    assert "You passed." in page.locator("#score").inner_text()
    assert page.locator("#retry").is_hidden()
    page.reload()  # the result stays; the test cannot be taken again
    assert page.locator("#submit").is_hidden()
    kinds = page.evaluate("window.TrainerSiteStore.attempts().map(a => a.kind)")
    assert kinds == ["pre", "module", "module", "post"]
    assert requests == []
