"""Fixtures of the browser tests: one real Chromium (Debian's) for the session, driven by Playwright."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import AXE, CHROMIUM, CHROMIUM_ARGS
from playwright.sync_api import Browser, sync_playwright


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Return Debian's Chromium, launched headless once for the whole run."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make system-deps` (Debian package chromium)")
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `make node-deps` (npm package axe-core)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()
