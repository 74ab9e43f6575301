"""Fixtures of the browser tests: one real Chromium (Debian's) for the session, driven by Playwright,
and live apps: `make_live_app` (an app over some content on a fresh SQLite database, with a trainer
account when asked) and `live_url` (serve an app on 127.0.0.1 for the test; its database is
closed afterwards)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from browser_support import AXE, CHROMIUM, CHROMIUM_ARGS, TRAINER_PASSWORD, serving
from flask import Flask
from playwright.sync_api import Browser, sync_playwright

from trainer.store.accounts import create_trainer
from trainer.store.migrate import upgrade
from trainer.web import create_app
from trainer.web.state import database

REPO = Path(__file__).resolve().parents[2]
WEB_FIXTURE_CONTENT = REPO / "tests" / "web" / "data"


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


@pytest.fixture
def make_live_app(tmp_path: Path) -> Iterator[Callable[..., Flask]]:
    """Return a factory of apps on a fresh SQLite database of this test.

    `content`: the content root (default: tests/web/data); `trainer`: a username to create with
    TRAINER_PASSWORD; any other keyword is a config setting.
    """
    apps: list[Flask] = []

    def factory(content: Path = WEB_FIXTURE_CONTENT, *, trainer: str | None = None,
                **config: Any) -> Flask:
        folder = tmp_path / f"app{len(apps)}"
        url = f"sqlite:///{folder / 'trainer.sqlite3'}"
        app = create_app({"INSTANCE_PATH": str(folder / "instance"), "DATABASE_URL": url,
                          "TRAINER_CONTENT_ROOT": str(content), **config})
        upgrade(url)
        if trainer:
            create_trainer(database(app), trainer, TRAINER_PASSWORD)
        apps.append(app)
        return app

    yield factory
    for app in apps:
        database(app).dispose()


@pytest.fixture
def live_url() -> Iterator[Callable[[Flask], str]]:
    """Return a function that serves an app on 127.0.0.1 for the rest of the test: its base URL."""
    with ExitStack() as stack:
        yield lambda app: stack.enter_context(serving(app))
