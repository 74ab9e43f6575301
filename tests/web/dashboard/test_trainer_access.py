"""Trainer dashboard access: login, throttling, open redirects, session renewal, authorisation."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from trainer.store.accounts import create_trainer
from trainer.web.state import database

PASSWORD = "a long enough password"


@pytest.fixture
def trainer_app(app: Flask) -> Flask:
    """Return the app with one trainer account, tess."""
    create_trainer(database(app), "tess", PASSWORD)
    return app


def login(client: FlaskClient, csrf: Callable[[str], str], username: str = "tess",
          password: str = PASSWORD, next_url: str | None = None) -> TestResponse:
    """Post the login form (with its CSRF token) and return the response."""
    path = "/trainer/login" + (f"?next={next_url}" if next_url is not None else "")
    page = client.get(path).get_data(as_text=True)
    data = {"username": username, "password": password, "csrf_token": csrf(page)}
    hidden = re.search(r'id="next" name="next" type="hidden" value="([^"]*)"', page)
    if hidden:
        data["next"] = hidden.group(1)
    if next_url is not None:
        data["next"] = next_url  # as a forged form would send it, too
    return client.post("/trainer/login", data=data)


def _dashboard_urls(app: Flask) -> list[str]:
    urls = []
    values = {"workshop_id": "ws-alpha", "public_id": "x", "edition": "facilitator",
              "attempt_id": "y", "kind": "scorm"}
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("trainer.") and rule.endpoint != "trainer.login":
            url = rule.build({k: values[k] for k in rule.arguments})[1]
            # POST-only routes (logout, rename …) are tried with a POST.
            urls.append(url if "GET" in (rule.methods or ()) else f"POST {url}")
    return urls


def test_every_dashboard_route_sends_anonymous_visitors_and_trainees_to_login(
        trainer_app: Flask, join: Callable[..., FlaskClient]) -> None:
    urls = _dashboard_urls(trainer_app)
    assert len(urls) >= 10
    trainee = join()
    for client in (trainer_app.test_client(), trainee):
        for url in urls:
            response = (client.post(url.removeprefix("POST ")) if url.startswith("POST ")
                        else client.get(url))
            assert response.status_code in (302, 400), url  # 400: POST without a CSRF token
            if response.status_code == 302:
                assert response.headers["Location"].startswith("/trainer/login"), url
                assert b"%PDF" not in response.data
                assert b"participant," not in response.data


def test_login_then_every_page_opens(trainer_app: Flask, csrf: Callable[[str], str]) -> None:
    client = trainer_app.test_client()
    response = login(client, csrf)
    assert response.status_code == 303
    assert response.headers["Location"] == "/trainer/"
    for path in ("/trainer/", "/trainer/workshops/ws-alpha", "/trainer/workshops/ws-alpha/gain",
                 "/trainer/workshops/ws-alpha/items"):
        page = client.get(path)
        assert page.status_code == 200, path
        assert "Signed in as tess" in page.get_data(as_text=True)
    assert "ALPHA17" in client.get("/trainer/").get_data(as_text=True)
    assert client.get("/trainer/workshops/no-such").status_code == 404


def test_unknown_user_and_wrong_password_get_the_same_answer(
        trainer_app: Flask, csrf: Callable[[str], str]) -> None:
    wrong_password = login(trainer_app.test_client(), csrf, "tess", "not the password!")
    unknown_user = login(trainer_app.test_client(), csrf, "nobody", PASSWORD)
    for response in (wrong_password, unknown_user):
        assert response.status_code == 400
        assert "Wrong username or password." in response.get_data(as_text=True)


@pytest.mark.parametrize("target", ["//evil.example/x", "/\\evil.example", "https://evil.example/",
                                    "http:/evil.example", "/%09/evil.example", "javascript:alert(1)",
                                    "\\\\evil.example"])
def test_next_never_leaves_the_site(trainer_app: Flask, csrf: Callable[[str], str],
                                    target: str) -> None:
    response = login(trainer_app.test_client(), csrf, next_url=target)
    assert response.status_code == 303
    assert response.headers["Location"] in ("/trainer/", target)
    location = response.headers["Location"]
    assert location.startswith("/")
    assert not location.startswith(("//", "/\\"))
    assert "evil" not in location or location == "/%09/evil.example"


def test_next_to_a_dashboard_page_is_honoured(trainer_app: Flask,
                                              csrf: Callable[[str], str]) -> None:
    client = trainer_app.test_client()
    first = client.get("/trainer/workshops/ws-alpha/gain")
    assert first.headers["Location"] == "/trainer/login?next=/trainer/workshops/ws-alpha/gain"
    response = login(client, csrf, next_url="/trainer/workshops/ws-alpha/gain")
    assert response.headers["Location"] == "/trainer/workshops/ws-alpha/gain"


def test_login_is_throttled_per_username(trainer_app: Flask, csrf: Callable[[str], str]) -> None:
    client = trainer_app.test_client()
    statuses = [login(client, csrf, "tess", f"wrong password {i}").status_code
                for i in range(6)]
    assert statuses == [400] * 5 + [429]
    # Even the right password is refused while throttled, with a message, not a crash.
    blocked = login(client, csrf)
    assert blocked.status_code == 429
    assert "Too many login attempts" in blocked.get_data(as_text=True)


def test_login_is_throttled_per_address(make_app: Callable[..., Flask],
                                        csrf: Callable[[str], str]) -> None:
    app = make_app(TRAINER_LOGIN_LIMIT_PER_ADDRESS="3 per minute")
    client = app.test_client()
    statuses = [login(client, csrf, f"user{i}", "wrong password!").status_code
                for i in range(4)]
    assert statuses == [400, 400, 400, 429]


def test_login_starts_a_new_session(trainer_app: Flask, join: Callable[..., FlaskClient],
                                    csrf: Callable[[str], str]) -> None:
    client = join()  # a trainee session on this browser
    assert client.get("/programme").status_code == 200
    before = client.get_cookie("trainer_session")
    assert before is not None
    login(client, csrf)
    after = client.get_cookie("trainer_session")
    assert after is not None
    assert after.value != before.value
    # Nothing of the old session survives: the trainee is no longer signed in here.
    assert client.get("/programme").status_code == 302
    with client.session_transaction() as session:
        assert "participant" not in session
        assert session.get("_user_id")


def test_logout_is_post_only_and_ends_the_session(trainer_app: Flask,
                                                  csrf: Callable[[str], str]) -> None:
    client = trainer_app.test_client()
    login(client, csrf)
    assert client.get("/trainer/logout").status_code == 405
    page = client.get("/trainer/").get_data(as_text=True)
    assert client.post("/trainer/logout", data={"csrf_token": csrf(page)}).status_code == 303
    assert client.get("/trainer/").status_code == 302


def test_login_needs_a_csrf_token(trainer_app: Flask) -> None:
    response = trainer_app.test_client().post(
        "/trainer/login", data={"username": "tess", "password": PASSWORD})
    assert response.status_code == 400


def test_no_certificate_without_a_passed_post_test(trainer_app: Flask,
                                                   join: Callable[..., FlaskClient],
                                                   csrf: Callable[[str], str]) -> None:
    trainee = join("Ana", "ws-alpha")
    with trainee.session_transaction() as session:
        public_id = session["participant"]
    client = trainer_app.test_client()
    login(client, csrf)
    assert client.get(f"/trainer/workshops/ws-alpha/certificates/{public_id}.pdf").status_code == 404
    # Another workshop's URL does not reach this participant either.
    assert client.get(f"/trainer/workshops/ws-beta/certificates/{public_id}.pdf").status_code == 404
    assert client.get("/trainer/workshops/ws-alpha/handbook/answers.pdf").status_code == 404
