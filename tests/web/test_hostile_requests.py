"""Hostile requests of the review (issue 16): foreign Host, foreign Origin or Referer, fields sent
twice or ten thousand times, HSTS, the CSV header. Each is refused with nothing changed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from trainer.settings import read_settings
from trainer.store.accounts import create_trainer
from trainer.store.models import Participant, Response
from trainer.web.state import database

PASSWORD = "a long enough password"


def count(app: Flask, model: type[Any]) -> int:
    with database(app).read() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


# -- Host ---------------------------------------------------------------------------------------


def test_a_foreign_host_is_refused(app: Flask) -> None:
    client = app.test_client()
    assert client.get("/", headers={"Host": "evil.example"}).status_code == 400
    assert client.get("/ping", headers={"Host": "evil.example:5000"}).status_code == 400
    assert client.get("/", base_url="http://localhost:5000").status_code == 200
    assert client.get("/", base_url="http://127.0.0.1:5000").status_code == 200


def test_trusted_hosts_come_from_the_environment(make_app: Callable[..., Flask],
                                                 tmp_path: Path) -> None:
    settings = read_settings(tmp_path, environ={
        "TRAINER_TRUSTED_HOSTS": "training.example.org, .example.net"})
    assert settings["TRUSTED_HOSTS"] == ["training.example.org", ".example.net"]
    app = make_app(TRUSTED_HOSTS=settings["TRUSTED_HOSTS"])
    client = app.test_client()
    assert client.get("/", base_url="https://training.example.org").status_code == 200
    assert client.get("/", base_url="https://www.example.net").status_code == 200
    assert client.get("/", base_url="http://localhost").status_code == 400


# -- Origin and Referer -------------------------------------------------------------------------


def _join_data(client: FlaskClient, csrf: Callable[[str], str]) -> dict[str, str]:
    token = csrf(client.get("/").get_data(as_text=True))
    return {"name": "Mallory", "workshop": "ws-alpha", "csrf_token": token}


@pytest.mark.parametrize("headers", [
    {"Origin": "https://evil.example"},
    {"Origin": "http://localhost.evil.example"},
    {"Origin": "null"},
    {"Referer": "https://evil.example/page"},
    {"Origin": "https://evil.example", "Referer": "http://localhost/"},
])
def test_a_post_from_another_origin_is_refused_and_changes_nothing(
        app: Flask, csrf: Callable[[str], str], headers: dict[str, str]) -> None:
    client = app.test_client()
    refused = client.post("/join", data=_join_data(client, csrf), headers=headers)
    assert refused.status_code == 400
    assert count(app, Participant) == 0
    assert client.get("/programme").status_code == 302  # not signed in


@pytest.mark.parametrize("headers", [
    {"Origin": "http://localhost"},
    {"Referer": "http://localhost/"},
    {},  # neither: the CSRF token alone decides
])
def test_a_post_from_this_site_is_accepted(app: Flask, csrf: Callable[[str], str],
                                           headers: dict[str, str]) -> None:
    client = app.test_client()
    assert client.post("/join", data=_join_data(client, csrf), headers=headers).status_code == 303
    assert count(app, Participant) == 1


def test_the_origin_check_covers_every_post(app: Flask, join: Callable[..., FlaskClient],
                                            csrf: Callable[[str], str]) -> None:
    trainee = join()
    token = csrf(trainee.get("/programme").get_data(as_text=True))
    evil = {"Origin": "https://evil.example"}
    for path in ("/leave", "/language", "/tests/pre/start", "/trainer/login"):
        assert trainee.post(path, data={"csrf_token": token}, headers=evil).status_code == 400
    assert trainee.get("/programme").status_code == 200  # /leave did not happen


# -- Form shapes --------------------------------------------------------------------------------


def test_a_single_choice_sent_twice_is_refused_and_nothing_stored(
        open_quiz: Callable[..., Any], app: Flask, right_answers: Callable[..., Any],
        post_answers: Callable[..., Any]) -> None:
    client, url, page = open_quiz()
    before = count(app, Response)
    answers = right_answers(page)
    twice = dict(answers, q1=[page.choice("q1", "Option alpha"), page.choice("q1", "Option beta")])
    assert post_answers(client, url, page, twice).status_code == 400
    same_twice = dict(answers, q1=[answers["q1"], answers["q1"]])
    assert post_answers(client, url, page, same_twice).status_code == 400
    text_twice = dict(answers, q4=["Dual criminality", "anything"])
    assert post_answers(client, url, page, text_twice).status_code == 400
    checkbox_twice = dict(answers, q2=[*answers["q2"], answers["q2"][0]])
    assert post_answers(client, url, page, checkbox_twice).status_code == 400
    assert count(app, Response) == before
    assert "data-quiz" in client.get(url).get_data(as_text=True)  # still open
    assert post_answers(client, url, page, answers).status_code == 303
    assert "Passed with 100%" in client.get(url).get_data(as_text=True)


def test_two_csrf_tokens_or_names_are_refused(app: Flask, csrf: Callable[[str], str]) -> None:
    client = app.test_client()
    data: dict[str, Any] = _join_data(client, csrf)
    assert client.post("/join", data=dict(data, csrf_token=[data["csrf_token"]] * 2)
                       ).status_code == 400
    assert client.post("/join", data=dict(data, name=["One", "Two"])).status_code == 400
    assert count(app, Participant) == 0
    # A POST without a form class of its own (the language switcher) too.
    switched = client.post("/language", data={"language": "fr",
                                              "csrf_token": [data["csrf_token"]] * 2})
    assert switched.status_code == 400
    assert 'lang="en"' in client.get("/").get_data(as_text=True)


def test_ten_thousand_copies_of_a_field_are_refused_before_parsing(
        open_quiz: Callable[..., Any], app: Flask, right_answers: Callable[..., Any]) -> None:
    client, url, page = open_quiz()
    before = count(app, Response)
    token = page.html.split('name="csrf_token" type="hidden" value="', 1)[1].split('"', 1)[0]
    body = "&".join([f"csrf_token={token}", *(["q1=" + right_answers(page)["q1"]] * 10_000)])
    refused = client.post(url, data=body, content_type="application/x-www-form-urlencoded")
    assert refused.status_code == 413
    assert count(app, Response) == before
    limit = app.config["MAX_FORM_PARTS"]
    assert 20 <= limit <= 200  # the largest quiz of the fixture content, and a margin
    just_over = "&".join([f"csrf_token={token}", *(f"x{i}=1" for i in range(limit))])
    assert client.post(url, data=just_over,
                       content_type="application/x-www-form-urlencoded").status_code == 413
    assert count(app, Response) == before


def test_a_configured_form_parts_limit_is_kept(make_app: Callable[..., Flask]) -> None:
    assert make_app(MAX_FORM_PARTS=500).config["MAX_FORM_PARTS"] == 500


# -- HSTS and the CSV header --------------------------------------------------------------------


def test_hsts_only_with_secure_cookies(make_app: Callable[..., Flask]) -> None:
    plain = make_app().test_client().get("/ping")
    assert "Strict-Transport-Security" not in plain.headers
    secure = make_app(SESSION_COOKIE_SECURE=True).test_client().get("/ping")
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000"
    shorter = make_app(SESSION_COOKIE_SECURE=True, TRAINER_HSTS_MAX_AGE=600)
    assert shorter.test_client().get("/").headers["Strict-Transport-Security"] == "max-age=600"


def test_hsts_max_age_from_the_environment(tmp_path: Path) -> None:
    assert read_settings(tmp_path, environ={"TRAINER_HSTS_MAX_AGE": "86400"}
                         )["TRAINER_HSTS_MAX_AGE"] == 86400


def test_the_results_csv_names_its_charset_once(app: Flask, csrf: Callable[[str], str]) -> None:
    create_trainer(database(app), "tess", PASSWORD)
    client = app.test_client()
    page = client.get("/trainer/login").get_data(as_text=True)
    client.post("/trainer/login", data={"username": "tess", "password": PASSWORD,
                                        "csrf_token": csrf(page)})
    response = client.get("/trainer/workshops/ws-alpha/results.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers.getlist("Content-Type") == ["text/csv; charset=utf-8"]
