"""Session cookies verified once per worker for a minute: same answers as verifying every time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from flask import Flask, flash, get_flashed_messages, session

from tests.web.clock_support import Clock
from trainer.web.sessions import RecentCookieSessionInterface

COOKIE = "trainer_session"


def _with_probe(app: Flask) -> Flask:
    """Add routes that show the session and flash a message into it."""

    @app.get("/t/show")
    def show() -> dict[str, object]:
        return {"session": dict(session), "flashes": get_flashed_messages()}

    @app.get("/t/set")
    def set_value() -> str:
        session["note"] = "kept"
        return "ok"

    @app.get("/t/flash")
    def flash_one() -> str:
        flash("hello")  # changes the session's _flashes list in place when one exists
        flash("again")
        return "ok"

    return app


def _cookie(app: Flask) -> str:
    client = app.test_client()
    client.get("/t/set")
    found = client.get_cookie(COOKIE)
    assert found is not None
    return found.value


def _show(app: Flask, cookie: str) -> dict[str, object]:
    client = app.test_client()
    client.set_cookie(COOKIE, cookie)
    found: dict[str, object] = client.get("/t/show").get_json()
    return found


def test_every_app_has_its_own_interface(make_app: Callable[..., Flask]) -> None:
    first, second = make_app(), make_app()
    assert isinstance(first.session_interface, RecentCookieSessionInterface)
    assert first.session_interface is not second.session_interface


def test_a_verified_cookie_reads_the_same_and_a_tampered_one_is_refused(
        make_app: Callable[..., Flask]) -> None:
    app = _with_probe(make_app())
    cookie = _cookie(app)
    assert _show(app, cookie)["session"] == {"note": "kept"}
    assert _show(app, cookie)["session"] == {"note": "kept"}  # now from the worker's memory
    tampered = cookie[:-2] + ("AA" if not cookie.endswith("AA") else "BB")
    assert _show(app, tampered)["session"] == {}


def test_another_apps_key_is_not_trusted_through_the_cache(
        make_app: Callable[..., Flask]) -> None:
    signer = _with_probe(make_app(SECRET_KEY="one key, long enough to sign cookies with"))
    other = _with_probe(make_app(SECRET_KEY="another key entirely, as long as the first"))
    cookie = _cookie(signer)
    assert _show(signer, cookie)["session"] == {"note": "kept"}
    assert _show(other, cookie)["session"] == {}


def test_a_change_made_in_place_never_reaches_the_next_request_with_the_old_cookie(
        make_app: Callable[..., Flask]) -> None:
    app = _with_probe(make_app())
    client = app.test_client()
    client.get("/t/set")
    client.get("/t/flash")  # leaves a _flashes list in the cookie
    with_flashes = client.get_cookie(COOKIE)
    assert with_flashes is not None
    replayed = app.test_client()
    replayed.set_cookie(COOKIE, with_flashes.value)
    replayed.get("/t/flash")  # appends to the list it read, then stores a new cookie
    assert _show(app, with_flashes.value)["flashes"] == ["hello", "again"]


def test_an_expired_cookie_is_refused_even_after_it_was_verified(
        make_app: Callable[..., Flask], clock: Clock) -> None:
    app = clock.use(_with_probe(make_app(PERMANENT_SESSION_LIFETIME=timedelta(seconds=2))))
    cookie = _cookie(app)
    assert _show(app, cookie)["session"] == {"note": "kept"}
    clock.advance(3.1)
    assert _show(app, cookie)["session"] == {}
