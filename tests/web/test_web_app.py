"""The app factory and its guards: config layers, secret key, headers, CSRF, limits, error pages."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.web.clock_support import let_csrf_tokens_age
from trainer.errors import ContentError
from trainer.web import create_app
from trainer.web.config import ConfigError


def test_every_response_carries_the_security_headers(client: FlaskClient) -> None:
    responses = [client.get("/"), client.get("/nowhere"), client.get("/static/trainer.css")]
    for response in responses:
        csp = response.headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp
        assert "script-src 'self'" in csp
        assert "unsafe-inline" not in csp
        assert "object-src 'none'" in csp
        assert "base-uri 'none'" in csp
        assert "frame-ancestors 'none'" in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"
        response.close()
    assert responses[0].headers["Cache-Control"] == "no-store"


def test_pages_have_no_inline_script_or_style(open_quiz: Callable[..., Any]) -> None:
    client, _url, page = open_quiz()
    for html in (page.html, client.get("/programme").get_data(as_text=True),
                 client.get("/modules/canary-kinds").get_data(as_text=True)):
        assert "<style" not in html
        assert "style=" not in html
        assert "<script>" not in html
        assert " on" + "click=" not in html


def test_session_cookie_is_httponly_and_samesite_lax(client: FlaskClient, join: Any) -> None:
    trainee = join()
    cookie = trainee.get_cookie("trainer_session")
    assert cookie is not None
    assert cookie.http_only
    assert cookie.same_site == "Lax"


def test_secure_cookies_when_asked(make_app: Callable[..., Flask],
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRAINER_SECURE_COOKIES", "1")
    assert make_app().config["SESSION_COOKIE_SECURE"] is True


def test_a_post_without_csrf_token_is_refused(app: Flask, client: FlaskClient) -> None:
    response = client.post("/join", data={"name": "Eve", "workshop": "ws-alpha"})
    assert response.status_code == 400
    assert "This form has expired" in response.get_data(as_text=True)
    assert client.get("/programme").status_code == 302  # nobody joined


def test_state_changing_routes_refuse_get(join: Any) -> None:
    client = join()
    for url in ("/join", "/leave", "/modules/canary-kinds/start", "/tests/pre/start"):
        response = client.get(url)
        assert response.status_code == 405, url
        assert "POST" in response.headers["Allow"]


def test_an_expired_token_keeps_the_answers(make_app: Callable[..., Flask], tmp_path: Path,
                                            csrf: Callable[[str], str],
                                            parse_quiz: Callable[[str], Any],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    app = make_app(WTF_CSRF_TIME_LIMIT=1)
    client = app.test_client()
    token = csrf(client.get("/").get_data(as_text=True))
    client.post("/join", data={"name": "Slow", "workshop": "ws-alpha", "csrf_token": token})
    token = csrf(client.get("/programme").get_data(as_text=True))
    pre = client.post("/tests/pre/start", data={"csrf_token": token}).headers["Location"]
    page = parse_quiz(client.get(pre).get_data(as_text=True))
    chosen = page.choice("q1", "Option alpha")
    let_csrf_tokens_age(monkeypatch, 2.1)  # the token's lifetime (1 s) is over
    response = client.post(pre, data={"csrf_token": csrf(page.html), "q1": chosen})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Your answers are kept below" in html
    again = parse_quiz(html)
    assert [c.checked for c in again.controls if c.value == chosen] == [True]
    assert csrf(html) != csrf(page.html)  # a fresh token to submit with
    response = client.post(pre, data={"csrf_token": csrf(html), "q1": chosen})
    assert response.status_code == 303
    assert "Your score: 50%" in client.get(pre).get_data(as_text=True)


def test_request_size_is_limited(client: FlaskClient, csrf: Callable[[str], str]) -> None:
    token = csrf(client.get("/").get_data(as_text=True))
    response = client.post("/join", data={"name": "x" * 600_000, "csrf_token": token})
    assert response.status_code == 413
    assert "Too much at once" in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/join", "/language", "/trainer/login", "/trainer/logout"])
def test_an_oversized_post_is_413_on_every_blueprint(client: FlaskClient, path: str) -> None:
    response = client.post(path, data={"name": "x" * 600_000})
    assert response.status_code == 413
    assert "Too much at once" in response.get_data(as_text=True)


def test_error_pages_are_friendly(client: FlaskClient) -> None:
    response = client.get("/no/such/page")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "Page not found" in html
    assert "Traceback" not in html
    assert '<html lang="en" dir="ltr">' in html


def test_a_crash_shows_the_500_page(make_app: Callable[..., Flask]) -> None:
    app = make_app(TESTING=False)

    @app.get("/boom")
    def boom() -> str:
        raise RuntimeError("kaboom")

    app.logger.disabled = True
    response = app.test_client().get("/boom")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "Something broke on our side" in html
    assert "kaboom" not in html


def test_secret_key_is_generated_once_into_the_instance_folder(
        make_app: Callable[..., Flask], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = make_app()
    key_file = tmp_path / "instance" / "secret_key"
    assert key_file.read_text(encoding="ascii").strip() == first.secret_key
    assert len(first.secret_key or "") >= 32
    assert make_app().secret_key == first.secret_key
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"


def test_secret_key_from_environment_wins(make_app: Callable[..., Flask],
                                          monkeypatch: pytest.MonkeyPatch, tmp_path: Path
                                          ) -> None:
    monkeypatch.setenv("SECRET_KEY", "from-the-environment-" + "x" * 20)
    assert make_app().secret_key == "from-the-environment-" + "x" * 20
    assert not (tmp_path / "instance" / "secret_key").exists()


def test_instance_config_file_is_read(make_app: Callable[..., Flask], tmp_path: Path) -> None:
    (tmp_path / "instance").mkdir()
    (tmp_path / "instance" / "config.py").write_text('TRAINER_SITE_NAME = "GCAI quizzes"\n',
                                                     encoding="utf-8")
    app = make_app()
    assert "GCAI quizzes" in app.test_client().get("/").get_data(as_text=True)


def test_production_refuses_to_start_without_a_secret_key(
        tmp_path: Path, content_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("TRAINER_ENV", "production")
    with pytest.raises(ConfigError, match="no SECRET_KEY"):
        create_app({"INSTANCE_PATH": str(tmp_path / "prod"),
                    "TRAINER_CONTENT_ROOT": str(content_root)})
    assert not (tmp_path / "prod" / "secret_key").exists()


def test_bad_content_stops_the_app_with_located_errors(tmp_path: Path, content_root: Path
                                                       ) -> None:
    (content_root / "modules" / "canary-second.yaml").write_text("id: [unclosed\n",
                                                                 encoding="utf-8")
    with pytest.raises(ContentError) as raised:
        create_app({"INSTANCE_PATH": str(tmp_path / "i"),
                    "TRAINER_CONTENT_ROOT": str(content_root)})
    assert "canary-second.yaml:" in str(raised.value)
