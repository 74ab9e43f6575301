"""Server-side sessions: a cookie captured before logout, leave, "log out everywhere", a new
password or the end of its lifetime is anonymous afterwards, on every app sharing the database."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.web.clock_support import Clock
from trainer.cli.accounts import set_password_command
from trainer.store.accounts import create_trainer
from trainer.store.models import Attempt
from trainer.web.state import database

PASSWORD = "a long enough password"
COOKIE = "trainer_session"
RESULTS = "/trainer/workshops/ws-alpha/results.csv"


def _login(client: FlaskClient, csrf: Callable[[str], str]) -> None:
    page = client.get("/trainer/login").get_data(as_text=True)
    response = client.post("/trainer/login", data={"username": "tess", "password": PASSWORD,
                                                   "csrf_token": csrf(page)})
    assert response.status_code == 303, response.get_data(as_text=True)


def _cookie(client: FlaskClient) -> str:
    found = client.get_cookie(COOKIE)
    assert found is not None
    return found.value


def _replay(app: Flask, cookie: str, path: str = RESULTS) -> int:
    """Send `cookie` from a fresh browser, as curl -b would; return the status."""
    client = app.test_client()
    client.set_cookie(COOKIE, cookie)
    response = client.get(path)
    if response.status_code == 302:
        assert response.headers["Location"].startswith(("/trainer/login", "/")), response.headers
    return response.status_code


@pytest.fixture
def tess_app(make_app: Callable[..., Flask]) -> Callable[..., Flask]:
    """Return an app factory whose first app creates the trainer tess."""
    made: list[Flask] = []

    def factory(**overrides: object) -> Flask:
        app = make_app(**overrides)
        if not made:
            create_trainer(database(app), "tess", PASSWORD)
        made.append(app)
        return app

    return factory


def test_a_trainer_cookie_kept_from_before_logout_is_anonymous_on_every_worker(
        tess_app: Callable[..., Flask], csrf: Callable[[str], str]) -> None:
    worker_one, worker_two = tess_app(), tess_app()  # two workers (or hosts) on one database
    browser = worker_one.test_client()
    _login(browser, csrf)
    kept = _cookie(browser)
    assert _replay(worker_two, kept) == 200  # the session holds across workers
    assert _replay(worker_one, kept) == 200
    page = browser.get("/trainer/").get_data(as_text=True)
    assert browser.post("/trainer/logout", data={"csrf_token": csrf(page)}).status_code == 303
    assert _replay(worker_two, kept) == 302  # at once, on the worker that did not log out
    assert _replay(worker_one, kept) == 302
    assert browser.get(RESULTS).status_code == 302


def test_a_trainee_cookie_kept_from_before_leaving_is_anonymous(
        make_app: Callable[..., Flask], csrf: Callable[[str], str]) -> None:
    worker_one, worker_two = make_app(), make_app()
    browser = worker_one.test_client()
    home = browser.get("/").get_data(as_text=True)
    joined = browser.post("/join", data={"name": "Amina", "workshop": "ws-alpha",
                                         "csrf_token": csrf(home)})
    assert joined.status_code == 303
    kept = _cookie(browser)
    assert _replay(worker_two, kept, "/programme") == 200
    page = browser.get("/").get_data(as_text=True)
    assert browser.post("/leave", data={"csrf_token": csrf(page)}).status_code == 303
    replayed = worker_two.test_client()
    replayed.set_cookie(COOKIE, kept)
    response = replayed.get("/programme")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "Welcome back" not in replayed.get("/").get_data(as_text=True)


def test_an_idle_trainer_session_ends(tess_app: Callable[..., Flask],
                                      csrf: Callable[[str], str], clock: Clock) -> None:
    app = clock.use(tess_app(TRAINER_SESSION_IDLE_TIMEOUT=timedelta(seconds=1.5)))
    browser = app.test_client()
    _login(browser, csrf)
    for _ in range(3):  # seen every second: the idle limit keeps moving forward
        clock.advance(1)
        assert browser.get(RESULTS).status_code == 200
    clock.advance(1.7)
    assert browser.get(RESULTS).status_code == 302


def test_a_trainer_session_ends_after_its_lifetime_however_busy(
        tess_app: Callable[..., Flask], csrf: Callable[[str], str], clock: Clock) -> None:
    app = clock.use(tess_app(TRAINER_SESSION_LIFETIME=timedelta(seconds=2)))
    browser = app.test_client()
    _login(browser, csrf)
    assert browser.get(RESULTS).status_code == 200
    for _ in range(6):  # busy every 0.4 s, 2.4 s in all
        clock.advance(0.4)
        browser.get(RESULTS)
    assert browser.get(RESULTS).status_code == 302
    _login(browser, csrf)  # a new login starts a new lifetime
    assert browser.get(RESULTS).status_code == 200


def test_log_out_everywhere_ends_the_session_of_another_browser(
        tess_app: Callable[..., Flask], csrf: Callable[[str], str]) -> None:
    worker_one, worker_two = tess_app(), tess_app()
    laptop, phone = worker_one.test_client(), worker_two.test_client()
    _login(laptop, csrf)
    _login(phone, csrf)
    assert phone.get(RESULTS).status_code == 200
    page = laptop.get("/trainer/").get_data(as_text=True)
    assert "Log out everywhere" in page
    ended = laptop.post("/trainer/logout-everywhere", data={"csrf_token": csrf(page)})
    assert ended.status_code == 303
    assert ended.headers["Location"] == "/trainer/login"
    assert phone.get(RESULTS).status_code == 302
    assert laptop.get(RESULTS).status_code == 302
    _login(phone, csrf)  # logging in again works
    assert phone.get(RESULTS).status_code == 200


def test_log_out_everywhere_needs_its_csrf_token(tess_app: Callable[..., Flask],
                                                 csrf: Callable[[str], str]) -> None:
    browser = tess_app().test_client()
    _login(browser, csrf)
    assert browser.post("/trainer/logout-everywhere").status_code == 400
    assert browser.get(RESULTS).status_code == 200


def test_a_new_password_from_the_command_line_ends_every_session(
        tess_app: Callable[..., Flask], csrf: Callable[[str], str]) -> None:
    app = tess_app()
    database_url = app.config["DATABASE_URL"]
    browser = app.test_client()
    _login(browser, csrf)
    assert browser.get(RESULTS).status_code == 200
    result = CliRunner().invoke(
        set_password_command, ["tess", "--password-stdin"], input="another long password\n",
        env={"DATABASE_URL": database_url, "TRAINER_INSTANCE_PATH": app.instance_path})
    assert result.exit_code == 0, result.output
    assert "1 session(s) ended" in result.output
    assert browser.get(RESULTS).status_code == 302
    unknown = CliRunner().invoke(
        set_password_command, ["nobody", "--password-stdin"], input="another long password\n",
        env={"DATABASE_URL": database_url, "TRAINER_INSTANCE_PATH": app.instance_path})
    assert unknown.exit_code == 1
    assert "no trainer called 'nobody'" in unknown.output


def test_a_trainee_session_ends_at_the_workshop_end_plus_the_grace(
        make_app: Callable[..., Flask], csrf: Callable[[str], str], clock: Clock) -> None:
    # ws-alpha ended in 2017: the session lasts the grace from joining, here a second and a half.
    app = clock.use(make_app(TRAINER_TRAINEE_SESSION_GRACE=timedelta(seconds=1.5)))
    browser = app.test_client()
    home = browser.get("/").get_data(as_text=True)
    browser.post("/join", data={"name": "Amina", "workshop": "ws-alpha",
                                "csrf_token": csrf(home)})
    assert browser.get("/programme").status_code == 200
    clock.advance(1.7)
    assert browser.get("/programme").status_code == 302


def test_a_signed_cookie_without_a_server_session_is_anonymous(
        tess_app: Callable[..., Flask], join: Callable[..., FlaskClient]) -> None:
    """A cookie signed with the site's key but naming no server session (as every cookie of the
    release before) signs nobody in, trainee or trainer."""
    app = tess_app()
    trainee = join()
    participant = trainee.get("/programme")
    assert participant.status_code == 200
    serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    cookie_trainee = serializer.dumps({"participant": "x" * 22})
    cookie_trainer = serializer.dumps({"_user_id": "1", "_fresh": True})
    assert _replay(app, cookie_trainee, "/programme") == 302
    assert _replay(app, cookie_trainer) == 302
    forged_sid = serializer.dumps({"_user_id": "1", "sid": "made-up"})
    assert _replay(app, forged_sid) == 302


def test_a_form_sent_after_the_session_ended_changes_nothing_and_leads_back(
        tess_app: Callable[..., Flask], csrf: Callable[[str], str], clock: Clock) -> None:
    """An idle trainer rotates the join code: nothing changes, the login page says why, and
    logging in leads back to the workshop page."""
    app = clock.use(tess_app(TRAINER_SESSION_IDLE_TIMEOUT=timedelta(seconds=1.5)))
    browser = app.test_client()
    _login(browser, csrf)
    workshop = "/trainer/workshops/ws-alpha"
    page = browser.get(workshop).get_data(as_text=True)
    code = re.search(r'id="join-code">([A-Z0-9]+)<', page)
    assert code
    clock.advance(2)
    sent = browser.post(f"{workshop}/join-code", data={"csrf_token": csrf(page)},
                        headers={"Referer": f"http://localhost{workshop}"})
    assert sent.status_code == 302
    assert sent.headers["Location"] == f"/trainer/login?next={workshop}"
    login = browser.get(sent.headers["Location"]).get_data(as_text=True)
    assert "Your session has ended, so nothing was changed. Log in, then try again." in login
    back = browser.post("/trainer/login", data={"username": "tess", "password": PASSWORD,
                                                "next": workshop, "csrf_token": csrf(login)})
    assert back.headers["Location"] == workshop
    assert f'id="join-code">{code.group(1)}<' in browser.get(workshop).get_data(as_text=True)
    # Another site's page is never where the login leads.
    clock.advance(2)
    page = browser.get("/trainer/login").get_data(as_text=True)
    foreign = browser.post(f"{workshop}/join-code", data={"csrf_token": csrf(page)},
                           headers={"Referer": "http://evil.example/trainer/x"})
    assert foreign.status_code == 400  # a foreign origin is refused before anything else
    # Logging out of a session that has ended already: logged out, as asked.
    ended = browser.post("/trainer/logout", data={"csrf_token": csrf(page)})
    assert ended.headers["Location"] == "/trainer/login"
    assert "You have logged out." in browser.get("/trainer/login").get_data(as_text=True)


def test_a_background_save_after_leaving_is_a_401_that_keeps_nothing(
        app: Flask, open_quiz: Callable[..., Any], csrf: Callable[[str], str]) -> None:
    """learn.js hears that the trainee is signed out (its answers stay in the browser), instead
    of following a redirect to the start page and retrying for ever."""
    client, url, page = open_quiz()
    programme = client.get("/programme").get_data(as_text=True)
    assert client.post("/leave", data={"csrf_token": csrf(programme)}).status_code == 303
    saved = client.post(f"{url}/save", data={"csrf_token": csrf(page.html), "q4": "x",
                                             "fields": "q4:5"},
                        headers={"Accept": "application/json"})
    assert saved.status_code == 401
    assert saved.get_json()["status"] == "signed_out"
    assert "Your answers are kept in this browser" in saved.get_json()["message"]
    with database(app).read() as session:
        drafts = session.scalars(select(Attempt.draft_answers)).all()
    assert all(not draft for draft in drafts)
    plain = client.post(f"{url}/save", data={"csrf_token": csrf(page.html), "q4": "x"})
    assert plain.status_code == 302  # a form post: to the start page, as before
