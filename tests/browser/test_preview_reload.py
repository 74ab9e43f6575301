"""Live reload in a real browser: saving a file reloads the author preview; errors show in the page."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import serving
from playwright.sync_api import Browser, Page, expect

from trainer.content.scaffold import module_skeleton
from trainer.web.author.views import create_preview_app

pytestmark = pytest.mark.browser



def _save(file: Path, text: str) -> None:
    """Write `text` and move the modification time on, as a later save by an editor would."""
    before = file.stat().st_mtime_ns if file.exists() else 0
    file.write_text(text, encoding="utf-8")
    later = max(file.stat().st_mtime_ns, before + 1_000_000_000)
    os.utime(file, ns=(later, later))


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "modules").mkdir()
    _save(tmp_path / "modules" / "alpha.yaml", module_skeleton("alpha", "Alpha, first draft"))
    return tmp_path


@pytest.fixture
def base_url(root: Path) -> Iterator[str]:
    with serving(create_preview_app(root)) as url:
        yield url


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    yield context.new_page()
    context.close()


def test_saving_a_file_reloads_the_page(root: Path, base_url: str, page: Page) -> None:
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text)
            if message.type == "error" else None)
    page.goto(f"{base_url}/author/module/alpha")
    expect(page.locator("h1")).to_have_text("Alpha, first draft")
    file = root / "modules" / "alpha.yaml"
    good = file.read_text(encoding="utf-8")

    _save(file, good.replace('"Alpha, first draft"', '"Alpha, second draft"'))
    # The promise is "within a second of the save": the timeout fails the test beyond it.
    expect(page.locator("h1")).to_have_text("Alpha, second draft", timeout=1000)

    # A mistake: the located error list replaces the module, without a crash.
    _save(file, good.replace("duration_minutes: 60", "duration_minutes: sixty"))
    expect(page.locator("h1")).to_have_text("1 problem in the content", timeout=2000)
    expect(page.locator(".issue").first).to_contain_text(
        "alpha.yaml:15:1: duration_minutes: input should be a valid integer")

    # Fixed: the module comes back by itself.
    _save(file, good)
    expect(page.locator("h1")).to_have_text("Alpha, first draft", timeout=2000)
    assert errors == []  # no CSP violation or script error on the way
