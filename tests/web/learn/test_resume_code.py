"""Personal resume codes through the trainee pages: shown once joined, signing in elsewhere,
normalised input, wrong codes throttled per address, a new code retiring the old one."""

from __future__ import annotations

import re
from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient

from trainer.services.resume_codes import ALPHABET

CODE = re.compile(r'id="resume-code">([A-Z0-9]{4}-[A-Z0-9]{4})<')


def _code(client: FlaskClient) -> str:
    found = CODE.search(client.get("/programme").get_data(as_text=True))
    assert found, "no resume code on the programme page"
    return found.group(1)


def _resume(app: Flask, csrf: Callable[[str], str], code: str,
            client: FlaskClient | None = None) -> tuple[FlaskClient, int]:
    client = client or app.test_client()
    token = csrf(client.get("/").get_data(as_text=True))
    response = client.post("/resume", data={"resume_code": code, "csrf_token": token})
    return client, response.status_code


def test_a_code_signs_in_the_same_participant_elsewhere(
        app: Flask, join: Callable[..., FlaskClient], csrf: Callable[[str], str]) -> None:
    first = join("Budi Santoso")
    code = _code(first)
    assert set(code.replace("-", "")) <= set(ALPHABET)
    assert not set(code) & set("01OIL")
    # Typed in lower case with a space instead of the dash: the same code.
    second, status = _resume(app, csrf, code.lower().replace("-", " "))
    assert status == 303
    page = second.get("/programme").get_data(as_text=True)
    assert "Budi Santoso" in page
    assert _code(second) == code
    assert second.get("/").get_data(as_text=True).count("Welcome back") == 1


def test_the_start_page_offers_the_code_not_ask_your_trainer(client: FlaskClient) -> None:
    html = client.get("/").get_data(as_text=True)
    assert "I have a resume code" in html
    assert "if you change device, ask your trainer" not in html


def test_wrong_codes_are_throttled_per_address(
        app: Flask, join: Callable[..., FlaskClient], csrf: Callable[[str], str]) -> None:
    code = _code(join())
    guesser = app.test_client()
    statuses = [_resume(app, csrf, "ABCD-EFGH", guesser)[1] for _ in range(10)]
    assert statuses == [400] * 10
    assert _resume(app, csrf, "ABCD-EFGH", guesser)[1] == 429
    # Even the right code waits now, from that address.
    assert _resume(app, csrf, code, guesser)[1] == 429
    token = csrf(guesser.get("/").get_data(as_text=True))
    page = guesser.post("/resume", data={"resume_code": code, "csrf_token": token})
    assert "Too many wrong codes" in page.get_data(as_text=True)
    # Another address is not held up by this one.
    other = app.test_client()
    token = csrf(other.get("/").get_data(as_text=True))
    assert other.post("/resume", data={"resume_code": code, "csrf_token": token},
                      environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code == 303


def test_a_new_code_retires_the_old_one(
        app: Flask, join: Callable[..., FlaskClient], csrf: Callable[[str], str]) -> None:
    trainee = join()
    old = _code(trainee)
    token = csrf(trainee.get("/programme").get_data(as_text=True))
    assert trainee.post("/resume-code/new", data={"csrf_token": token}).status_code == 303
    new = _code(trainee)
    assert new != old
    assert _resume(app, csrf, old)[1] == 400
    assert _resume(app, csrf, new)[1] == 303


def test_the_store_keeps_only_a_hash(app: Flask, join: Callable[..., FlaskClient]) -> None:
    from sqlalchemy import text

    from trainer.web.state import database

    code = _code(join())
    with database(app).engine.connect() as connection:
        stored = connection.execute(text("SELECT resume_code_hash FROM participant")).scalar()
    assert stored is not None
    assert code.replace("-", "") not in stored
    assert len(stored) == 64
