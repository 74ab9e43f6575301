"""Packages in the workshop's language: the offline site exported in Arabic (`trainer export site
--language ar`) opened from file:// runs right to left with the player's words in Arabic, axe-clean;
a SCORM package in French reports its score and status to scorm-again."""

from __future__ import annotations

import functools
import http.server
import io
import os
import re
import shutil
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_support import axe_violations
from click.testing import CliRunner
from playwright.sync_api import Browser, Page

from trainer.cli.export import export
from trainer.content.catalogue import load_catalogue
from trainer.export.scorm import build_scorm

pytestmark = pytest.mark.browser
# Screenshots for a person to look at, when TRAINER_SCREENSHOTS names a folder.
SHOTS = os.environ.get("TRAINER_SCREENSHOTS")


@pytest.fixture(scope="module")
def arabic_site(tmp_path_factory: pytest.TempPathFactory, sample_root: Path) -> Path:
    target = tmp_path_factory.mktemp("usb") / "site"
    result = CliRunner().invoke(export, ["site", str(sample_root / "curriculum" / "gcai.yaml"),
                                         "--workshop", "sahel-maghreb-2016", "--language", "ar",
                                         "-o", str(target)])
    assert result.exit_code == 0, result.output
    return target


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    # axe-core is injected as an inline script, which the packages' CSP forbids: bypass it here.
    context = browser.new_context(offline=True, bypass_csp=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert errors == []


def _shot(page: Page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("width", [1280, 360])
def test_the_arabic_site_runs_right_to_left_in_arabic(page: Page, arabic_site: Path,
                                                      sample_root: Path, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    page.goto((arabic_site / "index.html").as_uri())
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "ar"
    arabic = load_catalogue(sample_root).curriculum_in("gcai", "ar")
    assert page.locator("h1").inner_text() == arabic.title
    assert page.locator("h1").get_attribute("lang") is None  # the page's own language
    assert axe_violations(page) == []
    _shot(page, f"site-ar-index-{width}")
    page.goto((arabic_site / "m01" / "index.html").as_uri())
    assert page.locator("#quiz-locked").inner_text().startswith("أدِّ الاختبار القبلي أولًا")
    page.goto((arabic_site / "pre" / "index.html").as_uri())
    assert page.locator("#lms-status").inner_text() == "إجاباتك محفوظة في هذا المتصفح على هذا الجهاز."
    page.locator("#submit").click()  # nothing answered
    score = page.locator("#score").inner_text()
    assert score.startswith("حصلت على 0 من ")
    assert page.locator(".verdict").first.inner_text().startswith("بلا إجابة.")
    assert axe_violations(page) == []
    _shot(page, f"site-ar-pretest-{width}")
    # The page's width holds at 360 px: nothing runs off to the left.
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002, ARG002 - stdlib signature
        return


@pytest.fixture(scope="module")
def french_lms(tmp_path_factory: pytest.TempPathFactory, repo_root: Path) -> Iterator[str]:
    """Serve the test LMS with scorm-again and a package of `all-kinds` in French."""
    root = tmp_path_factory.mktemp("lms-fr")
    for name in ("lms.html", "lms.js"):
        shutil.copy(repo_root / "tests" / "data" / "scorm_lms" / name, root / name)
    scorm_again = repo_root / "node_modules" / "scorm-again" / "dist" / "scorm12.min.js"
    (root / "scorm12.js").write_bytes(scorm_again.read_bytes())
    catalogue = load_catalogue(repo_root / "tests" / "data" / "package_content")
    package = build_scorm(catalogue, [catalogue.module("all-kinds")], "Entraînement", "practice",
                          language="fr")
    zipfile.ZipFile(io.BytesIO(package)).extractall(root / "pkg")
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.skipif(
    not (Path(__file__).resolve().parents[2] / "node_modules" / "scorm-again").exists(),
    reason="npm package scorm-again not installed (make node-deps installs it)",
)
def test_a_french_scorm_package_reports_to_scorm_again(browser: Browser, french_lms: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{french_lms}/lms.html?sco=m01/index.html&runtime=scorm-again")
    frame = page.frame_locator("#sco")
    frame.locator("#quiz-form").wait_for(state="visible")
    assert frame.locator("html").get_attribute("lang") == "fr"
    # The module is English: its text is marked so, inside the French player.
    assert frame.locator("h1").get_attribute("lang") == "en"
    assert frame.locator("#submit").inner_text() == "Envoyer les réponses"
    frame.locator('#q1 input[value="0"]').check()
    frame.locator("#submit").click()
    frame.locator("#result").wait_for(state="visible")
    score = frame.locator("#score").inner_text()
    assert score.startswith("Points obtenus\u00a0: ")
    assert "Il faut " in score
    # French numbers: a decimal comma, and the percent to one decimal as on the web app.
    shown = re.search(r": (\d+(?:,\d+)?) sur (\d+) \((\d+(?:,\d)?)\u00a0%\)", score)
    assert shown is not None, score
    assert not re.search(r"\d\.\d", score), score
    cmi: dict[str, Any] = page.evaluate("JSON.parse(JSON.stringify(window.scormAgain.cmi))")
    raw = float(cmi["core"]["score"]["raw"])
    assert 0 < raw < 60
    assert cmi["core"]["lesson_status"] == "failed"
    assert cmi["interactions"]["0"]["result"] == "correct"
    context.close()
