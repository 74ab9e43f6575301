"""Fixtures for the web tests: fixture content with canaries, an app on a fresh database, trainees.

`migrated_database_url` comes from tests/pg_server.py: every test runs on SQLite and on PostgreSQL,
on a database copied from one migrated once per run (`make_app` still runs the migrations, which
then find nothing to do, so an app given another DATABASE_URL is migrated as before).
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.web.clock_support import Clock
from trainer.store.accounts import create_trainer
from trainer.store.migrate import upgrade
from trainer.web import create_app
from trainer.web.state import database

DATA = Path(__file__).resolve().parent / "data"
CANARY = re.compile(r"CANARY-[A-Z-]+")


@pytest.fixture
def content_root(tmp_path: Path) -> Path:
    """Return a content root holding the canary fixture modules and curriculum."""
    root = tmp_path / "content"
    shutil.copytree(DATA, root)
    return root


@pytest.fixture
def make_app(tmp_path: Path, content_root: Path, migrated_database_url: str
             ) -> Iterator[Callable[..., Flask]]:
    """Return a factory of apps sharing this test's instance folder, content and database."""
    apps: list[Flask] = []

    def factory(**overrides: object) -> Flask:
        config: dict[str, object] = {
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "TRAINER_CONTENT_ROOT": str(content_root),
            "DATABASE_URL": migrated_database_url,
            "TESTING": True,
        }
        config.update(overrides)
        app = create_app(config)
        upgrade(app.config["DATABASE_URL"])
        apps.append(app)
        return app

    yield factory
    for app in apps:
        database(app).dispose()


@pytest.fixture
def clock() -> Clock:
    """Return a clock the test moves by hand (`clock.use(app)`), so lifetimes need no sleep."""
    return Clock()


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Flask:
    """Return the app on the fixture content, CSRF on, as in production."""
    return make_app()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """Return a test client without a session."""
    return app.test_client()


def csrf_token(html: str) -> str:
    """Return the first CSRF token in a page."""
    found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    assert found, "no CSRF token on the page"
    return found.group(1)


@pytest.fixture
def join(app: Flask) -> Callable[..., FlaskClient]:
    """Return a function that makes a new client join a workshop (by id) and returns it."""

    def joiner(name: str = "Amina K.", workshop: str = "ws-alpha") -> FlaskClient:
        client = app.test_client()
        token = csrf_token(client.get("/").get_data(as_text=True))
        response = client.post("/join", data={"name": name, "workshop": workshop,
                                              "csrf_token": token})
        assert response.status_code == 303, response.get_data(as_text=True)
        return client

    return joiner


@dataclass
class Control:
    """A form control of a quiz page."""

    kind: str
    name: str
    value: str = ""
    label: str = ""
    checked: bool = False
    options: dict[str, str] = field(default_factory=dict)  # select: visible text → value


class QuizPageParser(HTMLParser):
    """Collect the inputs and selects of a page with their label texts."""

    def __init__(self) -> None:
        super().__init__()
        self.controls: list[Control] = []
        self.labels: dict[str, str] = {}
        self._label_for: str | None = None
        self._label_text: list[str] = []
        self._in_label = False
        self._select: Control | None = None
        self._option_value: str | None = None
        self._option_text: list[str] = []
        self._ids: dict[str, Control] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "label":
            self._in_label, self._label_for, self._label_text = True, a.get("for"), []
        elif tag == "input" and a.get("type") in ("radio", "checkbox", "text"):
            control = Control(a["type"], a["name"], a.get("value", ""),
                              checked="checked" in a)
            self.controls.append(control)
            self._ids[a.get("id", "")] = control
        elif tag == "select":
            self._select = Control("select", a["name"])
            self.controls.append(self._select)
            self._ids[a.get("id", "")] = self._select
        elif tag == "option":
            self._option_value, self._option_text = a.get("value", ""), []
            if self._select is not None and "selected" in a:
                self._select.value = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self._in_label = False
            if self._label_for:
                self.labels[self._label_for] = " ".join("".join(self._label_text).split())
        elif tag == "option" and self._select is not None and self._option_value is not None:
            self._select.options[" ".join("".join(self._option_text).split())] = (
                self._option_value)
            self._option_value = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data: str) -> None:
        if self._in_label:
            self._label_text.append(data)
        if self._option_value is not None:
            self._option_text.append(data)

    def close(self) -> None:
        super().close()
        for element_id, control in self._ids.items():
            control.label = self.labels.get(element_id, "")


class QuizPage:
    """A parsed quiz page: find the token behind a visible option text."""

    def __init__(self, html: str) -> None:
        parser = QuizPageParser()
        parser.feed(html)
        parser.close()
        self.html = html
        self.controls = parser.controls

    def choice(self, name: str, label: str) -> str:
        """Return the value of the radio/checkbox `name` whose label is `label`."""
        for control in self.controls:
            if control.name == name and control.label == label:
                return control.value
        found = [(c.name, c.label) for c in self.controls]
        raise AssertionError(f"no option {label!r} in {name}; the page has {found}")

    def select(self, name: str, text: str) -> str:
        """Return the value of the option `text` of the select `name`."""
        for control in self.controls:
            if control.name == name and control.kind == "select":
                return control.options[text]
        raise AssertionError(f"no select {name}")

    def label(self, name: str) -> str:
        """Return the label of a select or text field."""
        return next(c.label for c in self.controls if c.name == name)

    def names(self) -> list[str]:
        """Return every control name, once, in page order."""
        return list(dict.fromkeys(c.name for c in self.controls if c.name != "csrf_token"))


@pytest.fixture
def parse_quiz() -> type[QuizPage]:
    """Return the QuizPage class (tests cannot import conftest modules)."""
    return QuizPage


@pytest.fixture
def csrf() -> Callable[[str], str]:
    """Return the function that reads the CSRF token of a page."""
    return csrf_token


def _right_answers(page: QuizPage) -> dict[str, str | list[str]]:
    return {
        "q1": page.choice("q1", "Option alpha"),
        "q2": [page.choice("q2", "Multi one"), page.choice("q2", "Multi two")],
        "q3": page.choice("q3", "False"),
        "q4": "  Dual   CRIMINALITY ",
        "q5": "2016",
        "q6-1": page.select("q6-1", "Meaning one"),
        "q6-2": page.select("q6-2", "Meaning two"),
        "q6-3": page.select("q6-3", "Meaning three"),
        "q7-1": page.select("q7-1", "Step first"),
        "q7-2": page.select("q7-2", "Step second"),
        "q7-3": page.select("q7-3", "Step third"),
    }


@pytest.fixture
def right_answers() -> Callable[[QuizPage], dict[str, str | list[str]]]:
    """Return the function that fills the canary module's quiz with every right answer."""
    return _right_answers


@pytest.fixture
def open_quiz(join: Callable[..., FlaskClient], csrf: Callable[[str], str]
              ) -> Callable[..., tuple[FlaskClient, str, QuizPage]]:
    """Return a function: a trainee who has done the pre-test opens a module quiz."""

    def opener(client: FlaskClient | None = None, module: str = "canary-kinds"
               ) -> tuple[FlaskClient, str, QuizPage]:
        client = client or join()
        take_pre_test(client)
        token = csrf(client.get(f"/modules/{module}").get_data(as_text=True))
        started = client.post(f"/modules/{module}/start", data={"csrf_token": token})
        assert started.status_code == 303
        url = started.headers["Location"]
        return client, url, QuizPage(client.get(url).get_data(as_text=True))

    return opener


def take_pre_test(client: FlaskClient) -> str:
    """Submit the pre-test blank (once) and return its URL."""
    token = csrf_token(client.get("/programme").get_data(as_text=True))
    started = client.post("/tests/pre/start", data={"csrf_token": token})
    url = started.headers["Location"]
    page = client.get(url).get_data(as_text=True)
    if 'data-quiz' in page:
        client.post(url, data={"csrf_token": csrf_token(page)})
    return str(url)


def submit(client: FlaskClient, url: str, page: QuizPage, answers: dict[str, str | list[str]]
           ) -> object:
    """Post answers to a quiz page with its CSRF token."""
    return client.post(url, data={"csrf_token": csrf_token(page.html), **answers})


@pytest.fixture
def post_answers() -> Callable[..., object]:
    """Return the function that posts answers to a quiz with its CSRF token."""
    return submit


def finish_exports() -> None:
    """Wait for the export jobs running in this process (trainer.services.jobs) to end."""
    import threading

    for thread in threading.enumerate():
        if thread.name.startswith("export "):
            thread.join()


@pytest.fixture
def wait_for_exports() -> Callable[[], None]:
    """Return the function that waits for the background export jobs to end."""
    return finish_exports


def download_export(client: FlaskClient, url: str) -> object:
    """GET an export (handbook, certificates): start it, let it finish, then download it."""
    first = client.get(url)
    if first.status_code != 303:
        return first
    finish_exports()
    return client.get(url)


@pytest.fixture
def download() -> Callable[[FlaskClient, str], Any]:
    """Return the function that downloads an export made in the background."""
    return download_export


TRAINER_PASSWORD = "a long enough password"


@pytest.fixture
def sample_site(tmp_path: Path, sample_root: Path) -> Iterator[Flask]:
    """Return the app on the sample curriculum (SQLite, CSRF on), with one trainer account,
    "tess" (log in with `log_in_trainer`)."""
    url = f"sqlite:///{tmp_path / 'sample.sqlite3'}"
    upgrade(url)
    app = create_app({"INSTANCE_PATH": str(tmp_path / "instance"),
                      "TRAINER_CONTENT_ROOT": str(sample_root), "DATABASE_URL": url,
                      "SECRET_KEY": "s" * 40})
    with app.app_context():
        create_trainer(database(app), "tess", TRAINER_PASSWORD)
    yield app
    database(app).dispose()


@pytest.fixture
def log_in_trainer() -> Callable[[FlaskClient], FlaskClient]:
    """Return the function that logs a client in as the trainer "tess" of `sample_site`."""

    def log_in(client: FlaskClient) -> FlaskClient:
        token = csrf_token(client.get("/trainer/login").get_data(as_text=True))
        assert client.post("/trainer/login", data={"username": "tess", "password": TRAINER_PASSWORD,
                                                   "csrf_token": token}).status_code == 303
        return client

    return log_in
