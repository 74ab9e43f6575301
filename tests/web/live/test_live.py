"""Live sessions through HTTP, on SQLite and PostgreSQL: the presenter's buttons, phones answering,
who may answer, answers after the close, double submits, grading, results, and two workers.
"""

from __future__ import annotations

import csv
import io
import json
import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pydantic import TypeAdapter

from tests.web.live.live_support import phone_answer, poll_url, press, start_session
from trainer.content.models import Question
from trainer.quiz.grading import grade
from trainer.store.accounts import create_trainer
from trainer.store.live import find_live_session, live_answers
from trainer.store.results import workshop_participants
from trainer.web.state import catalogue, database

PASSWORD = "a long enough password"
VECTORS = Path(__file__).resolve().parents[2] / "data" / "grading_vectors.json"
# Shared grading vectors a phone can send as they are (valid option tokens, typed text).
LIVE_VECTORS = ("single-right", "single-wrong", "single-points-right", "tf-right",
                "multiple-two-of-three", "multiple-all-right-plus-one-wrong",
                "multiple-one-third-rounds-to-4-decimals", "short-spaces-and-trailing-period",
                "short-punctuation-at-both-ends", "short-wrong", "numeric-comma-decimal",
                "numeric-thin-space-thousands", "numeric-bad-grouping")


@pytest.fixture
def trainer(app: Flask, csrf: Callable[[str], str]) -> FlaskClient:
    """Return a client logged in as a trainer."""
    create_trainer(database(app), "tess", PASSWORD)
    client = app.test_client()
    token = csrf(client.get("/trainer/login").get_data(as_text=True))
    response = client.post("/trainer/login", data={"username": "tess", "password": PASSWORD,
                                                   "csrf_token": token})
    assert response.status_code == 303
    return client


def test_a_poll_runs_from_start_to_end(app: Flask, trainer: FlaskClient, join: Callable[..., FlaskClient],
                                       csrf: Callable[[str], str], parse_quiz: type) -> None:
    code = start_session(trainer, csrf, source="pick", picks=("canary-kinds/q-single",
                                                              "canary-kinds/q-short"))
    phones = [join(name) for name in ("Amina", "Omar", "Lea")]
    # Before answers open, the phone shows the question but no form, and refreshes itself.
    waiting = phones[0].get(f"/live/{code}").get_data(as_text=True)
    assert "PROMPT-SINGLE" in waiting
    assert 'name="position"' not in waiting
    assert 'http-equiv="refresh"' in waiting
    assert "CANARY-EXPLANATION-SINGLE" not in waiting
    press(trainer, csrf, code, "open")
    answers = {"Amina": "Option alpha", "Omar": "Option beta", "Lea": "Option alpha"}
    for phone, name in zip(phones, answers, strict=True):
        response = phone_answer(phone, code, parse_quiz, csrf,
                                lambda page, name=name: {"q1": page.choice("q1", answers[name])})
        assert response.status_code == 303
    received = phones[0].get(f"/live/{code}").get_data(as_text=True)
    assert "Answer received." in received
    assert "CANARY-EXPLANATION-SINGLE" not in received  # nothing revealed before the reveal
    presenter = trainer.get(f"/trainer/live/{code}").get_data(as_text=True)
    assert "3 of 3 answered" in presenter
    screen = trainer.get(f"/trainer/live/{code}/screen").get_data(as_text=True)
    assert "3 of 3 answered" in screen
    assert "Amina" not in screen
    assert "Omar" not in screen
    assert '<svg role="img"' in screen
    # The join URL, breakable before the room code only.
    assert ('<span class="nowrap">http://localhost/live/</span><wbr>'
            f'<span class="nowrap">{code}</span>') in screen
    assert 'data-right="true"' not in screen  # no right answer before the reveal
    press(trainer, csrf, code, "reveal")
    screen = trainer.get(f"/trainer/live/{code}/screen").get_data(as_text=True)
    bars = re.findall(r'<g class="live-bar( live-bar--right)?" data-count="(\d+)"', screen)
    assert sorted((bool(right), int(count)) for right, count in bars) == [
        (False, 0), (False, 1), (True, 2)]
    revealed = phones[1].get(f"/live/{code}").get_data(as_text=True)
    assert "CANARY-EXPLANATION-SINGLE" in revealed
    assert 'data-count="2"' in revealed
    assert "Your answer is" not in revealed  # a poll is not graded on the phone
    press(trainer, csrf, code, "next")
    press(trainer, csrf, code, "open")
    response = phone_answer(phones[0], code, parse_quiz, csrf, lambda _page: {"q2": "Dual Criminality"})
    assert response.status_code == 303
    press(trainer, csrf, code, "end")
    assert "The session has ended" in phones[0].get(f"/live/{code}").get_data(as_text=True)
    live = find_live_session(database(app), code)
    assert live is not None
    assert live.phase == "ended"
    stored, members = live_answers(database(app), live.id)
    assert members == 3
    assert [(a.participant_name, a.answer.position, a.answer.status) for a in stored] == [
        ("Amina", 0, "correct"), ("Omar", 0, "wrong"), ("Lea", 0, "correct"),
        ("Amina", 1, "correct")]
    # A poll never becomes a test attempt.
    assert all(not p.attempts for p in workshop_participants(database(app), "ws-alpha"))
    results = trainer.get(f"/trainer/live/{code}/results").get_data(as_text=True)
    assert "Took part: 3 of 3 in the room" in results
    assert "Amina" in results
    download = trainer.get(f"/trainer/live/{code}/results.csv")
    rows = list(csv.DictReader(io.StringIO(download.get_data(as_text=True).lstrip("\ufeff"))))
    assert [(r["participant"], r["question"], r["status"]) for r in rows] == [
        ("Amina", "q-single", "correct"), ("Omar", "q-single", "wrong"),
        ("Lea", "q-single", "correct"), ("Amina", "q-short", "correct")]
    assert rows[3]["answer"] == "Dual Criminality"
    every = trainer.get("/trainer/live/workshops/ws-alpha/answers.csv").get_data(as_text=True)
    assert every.count("\r\n") == 5  # the header and the four answers of the one session


def test_outsiders_cannot_answer_or_watch(app: Flask, trainer: FlaskClient, join: Callable[..., FlaskClient],
                                          csrf: Callable[[str], str], client: FlaskClient) -> None:
    code = start_session(trainer, csrf, source="module:canary-kinds")
    press(trainer, csrf, code, "open")
    # Nobody: sent to the start page, for the page, the answer and the poll alike.
    assert client.get(f"/live/{code}").headers["Location"] == "/"
    assert client.post(f"/live/{code}", data={"q1": "x"}).status_code in (302, 400)
    assert client.get(f"/live/{code}/state").status_code == 403
    # A participant of another workshop: 403, and nothing stored.
    beta = join("Bea", "ws-beta")
    assert beta.get(f"/live/{code}").status_code == 403
    token = csrf(beta.get("/").get_data(as_text=True))
    assert beta.post(f"/live/{code}", data={"csrf_token": token, "position": "0",
                                            "q1": "x"}).status_code == 403
    assert beta.get(f"/live/{code}/state").status_code == 403
    # Trainees are not trainers: the presenter, the screen and the results send them to login.
    alpha = join("Amina")
    for path in (f"/trainer/live/{code}", f"/trainer/live/{code}/screen",
                 f"/trainer/live/{code}/results", f"/trainer/live/{code}/results.csv",
                 f"/trainer/live/{code}/state", "/trainer/live/workshops/ws-alpha",
                 "/trainer/live/workshops/ws-alpha/answers.csv"):
        assert alpha.get(path).headers["Location"].startswith("/trainer/login"), path
    token = csrf(alpha.get("/").get_data(as_text=True))
    assert alpha.post(f"/trainer/live/{code}/next", data={"csrf_token": token}).headers[
        "Location"].startswith("/trainer/login")
    live = find_live_session(database(app), code)
    assert live is not None
    assert live.position == 0
    assert live_answers(database(app), live.id) == ([], 0)


def test_an_answer_after_close_is_refused_and_a_double_submit_stores_one(
        app: Flask, trainer: FlaskClient, join: Callable[..., FlaskClient],
        csrf: Callable[[str], str], parse_quiz: type) -> None:
    code = start_session(trainer, csrf, source="pick", mode="quiz",
                         picks=("canary-kinds/q-single", "canary-kinds/q-true-false"))
    phone = join("Amina")
    press(trainer, csrf, code, "open")
    html = phone.get(f"/live/{code}").get_data(as_text=True)
    page = parse_quiz(html)
    right = {"csrf_token": csrf(html), "position": "0", "q1": page.choice("q1", "Option alpha")}
    wrong = {**right, "q1": page.choice("q1", "Option beta")}
    # Double submit (a double tap, a second tab): one answer, the last one while open.
    assert phone.post(f"/live/{code}", data=right).status_code == 303
    assert phone.post(f"/live/{code}", data=wrong).status_code == 303
    live = find_live_session(database(app), code)
    assert live is not None
    stored, _members = live_answers(database(app), live.id)
    assert [(a.answer.position, a.answer.status) for a in stored] == [(0, "wrong")]
    # Bad input: a token that is not this question's is refused with the form, nothing stored.
    bad = phone.post(f"/live/{code}", data={**right, "q1": "not-a-token"})
    assert bad.status_code == 400
    assert "Choose one of the options shown." in bad.get_data(as_text=True)
    press(trainer, csrf, code, "close")
    late = phone.post(f"/live/{code}", data=right, follow_redirects=True)
    assert "your answer was not recorded" in late.get_data(as_text=True)
    stored, _members = live_answers(database(app), live.id)
    assert [(a.answer.position, a.answer.status) for a in stored] == [(0, "wrong")]
    # An answer to a question that is no longer current is refused too (after "next").
    press(trainer, csrf, code, "next")
    press(trainer, csrf, code, "open")
    stale = phone.post(f"/live/{code}", data=right, follow_redirects=True)
    assert "your answer was not recorded" in stale.get_data(as_text=True)
    assert len(live_answers(database(app), live.id)[0]) == 1


# Every kind of question, answered right on a phone (the canary module's quiz, in its order).
RIGHT: list[Callable[[Any], dict[str, object]]] = [
    lambda page: {"q1": page.choice("q1", "Option alpha")},
    lambda page: {"q2": [page.choice("q2", "Multi one"), page.choice("q2", "Multi two")]},
    lambda page: {"q3": page.choice("q3", "False")},
    lambda _page: {"q4": "  Dual   CRIMINALITY "},
    lambda _page: {"q5": "2016"},
    lambda page: {f"q6-{n}": page.select(f"q6-{n}", f"Meaning {word}")
                  for n, word in ((1, "one"), (2, "two"), (3, "three"))},
    lambda page: {f"q7-{n}": page.select(f"q7-{n}", f"Step {word}")
                  for n, word in ((1, "first"), (2, "second"), (3, "third"))},
]


def test_live_quiz_answers_are_graded_by_the_quiz_grader(
        app: Flask, trainer: FlaskClient, join: Callable[..., FlaskClient],
        csrf: Callable[[str], str], parse_quiz: type) -> None:
    code = start_session(trainer, csrf, source="module:canary-kinds", mode="quiz")
    phone = join("Amina")
    live = find_live_session(database(app), code)
    assert live is not None
    for position in range(len(live.questions)):
        press(trainer, csrf, code, "open")
        response = phone_answer(phone, code, parse_quiz, csrf, RIGHT[position])
        assert response.status_code == 303, response.get_data(as_text=True)
        press(trainer, csrf, code, "reveal")
        if position + 1 < len(live.questions):
            press(trainer, csrf, code, "next")
    stored, _members = live_answers(database(app), live.id)
    assert [a.answer.status for a in stored] == ["correct"] * len(live.questions)
    for a in stored:  # the stored grade is the grader's, on the stored response
        question = catalogue(app).question(a.answer.module_id, a.answer.question_id)
        assert a.answer.earned == grade(question, a.answer.response).earned == question.points
    results = trainer.get(f"/trainer/live/{code}/results").get_data(as_text=True)
    assert "facility 100.0 %" in results
    assert re.search(r"Amina</bdi></th><td>7</td><td>100.0</td>", results)


def test_a_session_started_as_the_pre_test_becomes_the_pre_test(
        app: Flask, trainer: FlaskClient, join: Callable[..., FlaskClient],
        csrf: Callable[[str], str], parse_quiz: type) -> None:
    code = start_session(trainer, csrf, source="pre", mode="quiz")
    amina, omar = join("Amina"), join("Omar")
    # Omar already took the pre-test on his own: one attempt each, so his live answers do not count.
    token = csrf(omar.get("/programme").get_data(as_text=True))
    url = omar.post("/tests/pre/start", data={"csrf_token": token}).headers["Location"]
    omar.post(url, data={"csrf_token": csrf(omar.get(url).get_data(as_text=True))})
    press(trainer, csrf, code, "open")
    assert "You have already taken this test" in omar.get(f"/live/{code}").get_data(as_text=True)
    response = phone_answer(amina, code, parse_quiz, csrf,
                            lambda page: {"q1": page.choice("q1", "Option alpha")})
    assert response.status_code == 303
    press(trainer, csrf, code, "end")
    people = {p.display_name: p for p in workshop_participants(database(app), "ws-alpha")}
    pre = [a for a in people["Amina"].attempts if a.kind == "pre"]
    assert len(pre) == 1
    assert pre[0].submitted
    assert pre[0].percent == 50.0  # one of two questions answered right
    assert len([a for a in people["Omar"].attempts if a.kind == "pre"]) == 1


def test_buttons_apply_once_and_refuse_what_does_not_apply(
        app: Flask, trainer: FlaskClient, csrf: Callable[[str], str]) -> None:
    code = start_session(trainer, csrf, source="pick",
                         picks=("canary-kinds/q-single", "canary-kinds/q-short"))
    page = trainer.get(f"/trainer/live/{code}").get_data(as_text=True)
    version = re.search(r'name="version" value="(\d+)"', page)
    assert version
    data = {"csrf_token": csrf(page), "version": version.group(1)}
    # A double click on "Next" (the same version posted twice) moves one question, not two.
    assert trainer.post(f"/trainer/live/{code}/next", data=data).status_code == 303
    again = trainer.post(f"/trainer/live/{code}/next", data=data, follow_redirects=True)
    assert "changed in another window" in again.get_data(as_text=True)
    live = find_live_session(database(app), code)
    assert live is not None
    assert live.position == 1
    refused = press(trainer, csrf, code, "next")  # already the last question
    assert "does not apply now" in refused
    assert press(trainer, csrf, code, "previous")
    assert trainer.post(f"/trainer/live/{code}/dance", data=data).status_code == 404
    assert trainer.get(f"/trainer/live/{code}/next").status_code == 405
    assert trainer.get("/trainer/live/NOSUCH").status_code == 404
    form = trainer.get("/trainer/live/workshops/ws-alpha").get_data(as_text=True)
    empty = trainer.post("/trainer/live/workshops/ws-alpha", data={
        "csrf_token": csrf(form), "source": "pick", "mode": "poll"})
    assert empty.status_code == 400
    assert "Tick at least one question" in empty.get_data(as_text=True)


def test_polls_answer_304_until_the_state_changes(
        app: Flask, trainer: FlaskClient, join: Callable[..., FlaskClient],
        csrf: Callable[[str], str]) -> None:
    code = start_session(trainer, csrf, source="module:canary-kinds")
    phone = join("Amina")
    url = poll_url(phone, code)
    assert url.startswith(f"/live/{code}/state?t=")
    cookieless = app.test_client()  # the script sends no cookie: the token is enough
    first = cookieless.get(url)
    assert first.status_code == 200
    etag = first.headers["ETag"]
    assert cookieless.get(url, headers={"If-None-Match": etag}).status_code == 304
    assert cookieless.get(url[:-1] + "x").status_code == 403  # a wrong token
    assert cookieless.get(f"/live/{code}/state").status_code == 403  # none
    press(trainer, csrf, code, "open")
    changed = cookieless.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    screen = trainer.get(f"/trainer/live/{code}/state")
    assert screen.get_json()["text"] == "0 of 1 answered"
    screen_etag = screen.headers["ETag"]
    join("Omar").get(f"/live/{code}")  # another phone comes into the room: the count changes
    after = trainer.get(f"/trainer/live/{code}/state", headers={"If-None-Match": screen_etag})
    assert after.status_code == 200
    assert after.get_json()["text"] == "0 of 2 answered"


def test_a_session_runs_across_two_workers_sharing_the_database(
        make_app: Callable[..., Flask], csrf: Callable[[str], str], parse_quiz: type) -> None:
    """Two apps (two gunicorn workers, or two hosts) on one database: no state in one process."""
    one, two = make_app(), make_app()
    create_trainer(database(one), "tess", PASSWORD)
    trainer = one.test_client()
    token = csrf(trainer.get("/trainer/login").get_data(as_text=True))
    trainer.post("/trainer/login", data={"username": "tess", "password": PASSWORD,
                                         "csrf_token": token})
    code = start_session(trainer, csrf, source="pick", picks=("canary-kinds/q-single",))
    phone_one = one.test_client()
    token = csrf(phone_one.get("/").get_data(as_text=True))
    phone_one.post("/join", data={"name": "Amina", "workshop": "ws-alpha", "csrf_token": token})
    # The same phone's cookie, served by the other worker from then on.
    phone_two = two.test_client()
    cookie = phone_one.get_cookie("trainer_session")
    assert cookie is not None
    phone_two.set_cookie("trainer_session", cookie.value)
    url = poll_url(phone_two, code)
    etag = phone_two.get(url).headers["ETag"]
    press(trainer, csrf, code, "open")  # on worker one
    assert phone_two.get(url, headers={"If-None-Match": etag}).status_code == 200
    response = phone_answer(phone_two, code, parse_quiz, csrf,
                            lambda page: {"q1": page.choice("q1", "Option alpha")})
    assert response.status_code == 303
    assert "1 of 1 answered" in trainer.get(f"/trainer/live/{code}").get_data(as_text=True)
    press(trainer, csrf, code, "reveal")
    assert "CANARY-EXPLANATION-SINGLE" in phone_two.get(f"/live/{code}").get_data(as_text=True)


def test_typed_answers_are_grouped_as_the_grader_reads_them(
        app: Flask, trainer: FlaskClient, join: Callable[..., FlaskClient],
        csrf: Callable[[str], str], parse_quiz: type) -> None:
    code = start_session(trainer, csrf, source="pick", picks=("canary-kinds/q-short",))
    press(trainer, csrf, code, "open")
    for name, typed in (("A", "Dual criminality"), ("B", "  dual   CRIMINALITY "),
                        ("C", "double criminality"), ("D", "=extradition")):
        response = phone_answer(join(name), code, parse_quiz, csrf,
                                lambda _page, typed=typed: {"q1": typed})
        assert response.status_code == 303
    press(trainer, csrf, code, "reveal")
    screen = trainer.get(f"/trainer/live/{code}/screen").get_data(as_text=True)
    bars = re.findall(r'<g class="live-bar[^"]*" data-count="(\d+)"( data-right="true")?>\s*'
                      r'<text[^>]*>(?:<title>[^<]*</title>)?(.*?)</text>', screen)
    # Each label as shown, its lines (tspans, wrapped for the projector) joined.
    assert [(count, bool(right), " ".join(re.findall(r">([^<]+)<", label)))
            for count, right, label in bars] == [
        ("2", True, "✓ Dual criminality — right answer"),
        ("1", True, "✓ double criminality — right answer"),
        ("1", False, "=extradition")]
    download = trainer.get(f"/trainer/live/{code}/results.csv").get_data(as_text=True)
    assert "'=extradition" in download  # a formula stays text in a spreadsheet


def test_two_workers_taking_the_same_answer_at_once_store_one(
        make_app: Callable[..., Flask], csrf: Callable[[str], str], parse_quiz: type) -> None:
    """A double tap reaching two workers in the same instant: one row, never two, never a 500."""
    one, two = make_app(), make_app()
    create_trainer(database(one), "tess", PASSWORD)
    trainer = one.test_client()
    token = csrf(trainer.get("/trainer/login").get_data(as_text=True))
    trainer.post("/trainer/login", data={"username": "tess", "password": PASSWORD,
                                         "csrf_token": token})
    code = start_session(trainer, csrf, source="pick", picks=("canary-kinds/q-single",))
    press(trainer, csrf, code, "open")
    first = one.test_client()
    token = csrf(first.get("/").get_data(as_text=True))
    first.post("/join", data={"name": "Amina", "workshop": "ws-alpha", "csrf_token": token})
    html = first.get(f"/live/{code}").get_data(as_text=True)
    cookie = first.get_cookie("trainer_session")  # now holding the page's CSRF token too
    assert cookie is not None
    second = two.test_client()
    second.set_cookie("trainer_session", cookie.value)
    form = {"csrf_token": csrf(html), "position": "0",
            "q1": parse_quiz(html).choice("q1", "Option alpha")}
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def tap(client: FlaskClient) -> None:
        barrier.wait()
        statuses.append(client.post(f"/live/{code}", data=form).status_code)

    for _round in range(5):
        statuses.clear()
        threads = [threading.Thread(target=tap, args=(c,)) for c in (first, second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert statuses == [303, 303]
    live = find_live_session(database(one), code)
    assert live is not None
    stored, members = live_answers(database(one), live.id)
    assert [(a.participant_name, a.answer.status) for a in stored] == [("Amina", "correct")]
    assert members == 1


def test_live_finds_the_running_session_of_the_trainees_workshop(
        trainer: FlaskClient, join: Callable[..., FlaskClient], csrf: Callable[[str], str]) -> None:
    phone = join("Amina")
    waiting = phone.get("/live")
    assert waiting.status_code == 200
    assert 'http-equiv="refresh"' in waiting.get_data(as_text=True)  # until one starts
    code = start_session(trainer, csrf, source="module:canary-kinds")
    assert phone.get("/live").headers["Location"] == f"/live/{code}"
    assert phone.get(f"/live?code={code.lower()}").headers["Location"] == f"/live/{code}"
    unknown = phone.get("/live?code=NOPE99", follow_redirects=True).get_data(as_text=True)
    assert "No live session has this room code" in unknown
    # Another workshop's trainee is not sent to it.
    assert join("Bea", "ws-beta").get("/live").status_code == 200
    press(trainer, csrf, code, "end")
    assert phone.get("/live").status_code == 200  # an ended session is not "running"


def test_presenter_and_screen_warn_when_phones_cannot_reach_the_join_address(
        app: Flask, trainer: FlaskClient, csrf: Callable[[str], str]) -> None:
    code = start_session(trainer, csrf, source="pick", picks=("canary-kinds/q-single",))
    views = (f"/trainer/live/{code}", f"/trainer/live/{code}/screen")

    def warned(client: FlaskClient, base_url: str = "http://localhost") -> list[bool]:
        pages = [client.get(path, base_url=base_url).get_data(as_text=True) for path in views]
        for page in pages:
            assert ("Phones cannot reach this" in page) == ('id="unreachable"' in page)
            if 'id="unreachable"' in page:
                assert '<code dir="ltr" lang="en">trainer serve --host 0.0.0.0</code>' in page
                assert "TRAINER_PUBLIC_URL" in page
        return ['id="unreachable"' in page for page in pages]

    # The test client's host, "localhost", as `make serve`'s 127.0.0.1: only this computer.
    assert warned(trainer) == [True, True]
    for public_url in ("http://127.0.0.1:5000", "http://[::1]:5000", "http://127.0.1.1:5000/"):
        app.config["TRAINER_PUBLIC_URL"] = public_url
        assert warned(trainer) == [True, True], public_url
    app.config["TRAINER_PUBLIC_URL"] = "http://192.168.43.10:5000"
    assert warned(trainer) == [False, False]
    # Opened by the laptop's address on the room's network: that address, no warning.
    app.config["TRAINER_PUBLIC_URL"] = None
    app.config["TRUSTED_HOSTS"] = ["192.168.43.10", "localhost"]  # as the warning says
    room = app.test_client()
    base = "http://192.168.43.10:5000"
    token = csrf(room.get("/trainer/login", base_url=base).get_data(as_text=True))
    assert room.post("/trainer/login", base_url=base, data={
        "username": "tess", "password": PASSWORD, "csrf_token": token}).status_code == 303
    assert warned(room, base) == [False, False]
    assert (f'<span class="nowrap">{base}/live/</span><wbr><span class="nowrap">{code}</span>'
            in room.get(views[1], base_url=base).get_data(as_text=True))


def test_a_phone_in_french_sees_the_live_session_in_french(
        trainer: FlaskClient, join: Callable[..., FlaskClient], csrf: Callable[[str], str],
        parse_quiz: type) -> None:
    code = start_session(trainer, csrf, source="pick", picks=("canary-kinds/q-single",))
    phone = join("Amélie")
    back = f"/live/{code}"
    chosen = phone.post("/language", data={
        "language": "fr", "next": back,
        "csrf_token": csrf(phone.get("/programme").get_data(as_text=True))})
    assert chosen.status_code == 303
    assert chosen.headers["Location"] == back
    waiting = phone.get(back).get_data(as_text=True)
    assert '<html lang="fr" dir="ltr">' in waiting
    assert "Lisez la question. L’animateur ouvrira les réponses dans un instant." in waiting
    assert "Read the question" not in waiting
    press(trainer, csrf, code, "open")
    assert "Envoyer ma réponse" in phone.get(back).get_data(as_text=True)
    assert phone_answer(phone, code, parse_quiz, csrf,
                        lambda page: {"q1": page.choice("q1", "Option alpha")}
                        ).status_code == 303
    received = phone.get(back).get_data(as_text=True)
    assert "Réponse reçue." in received
    assert "Vous pouvez la modifier jusqu’à la clôture des réponses." in received
    assert "Modifier ma réponse" in received
    press(trainer, csrf, code, "reveal")
    revealed = phone.get(back).get_data(as_text=True)
    assert "La bonne réponse est affichée." in revealed
    assert "CANARY-EXPLANATION-SINGLE" in revealed
    assert "Answer received" not in revealed


def test_live_answers_grade_the_shared_vectors_as_the_quiz_grader_does(
        make_app: Callable[..., Flask], content_root: Path, csrf: Callable[[str], str],
        parse_quiz: type) -> None:
    vectors = {v["name"]: v for v in json.loads(VECTORS.read_text(encoding="utf-8"))}
    chosen = [vectors[name] for name in LIVE_VECTORS]
    module = {"id": "vectors", "title": "Grading vectors", "language": "en",
              "summary": "The shared grading vectors.", "duration_minutes": 5,
              "objectives": [{"id": "obj-vectors", "text": "Grade alike."}],
              "sections": [{"id": "only", "title": "Only", "body": "Text."}],
              "quiz": {"pass_mark": 50, "questions": [
                  {**v["question"], "id": f"v{number}"} for number, v in enumerate(chosen)]}}
    (content_root / "modules" / "vectors.yaml").write_text(json.dumps(module), encoding="utf-8")
    curriculum = content_root / "curriculum" / "canary.yaml"
    curriculum.write_text(curriculum.read_text(encoding="utf-8").replace(
        "  - canary-second\n", "  - canary-second\n  - vectors\n", 1), encoding="utf-8")
    app = make_app()
    create_trainer(database(app), "tess", PASSWORD)
    trainer = app.test_client()
    token = csrf(trainer.get("/trainer/login").get_data(as_text=True))
    assert trainer.post("/trainer/login", data={"username": "tess", "password": PASSWORD,
                                                "csrf_token": token}).status_code == 303
    code = start_session(trainer, csrf, source="pick", mode="quiz",
                         picks=tuple(f"vectors/v{n}" for n in range(len(chosen))))
    live = find_live_session(database(app), code)
    assert live is not None
    phone = app.test_client()
    token = csrf(phone.get("/").get_data(as_text=True))
    assert phone.post("/join", data={"name": "Vera", "workshop": "ws-alpha",
                                     "csrf_token": token}).status_code == 303
    for number, vector in enumerate(chosen):
        tokens = live.tokens[f"vectors/v{number}"]
        response = vector["response"]
        sent = ([tokens[r] for r in response] if isinstance(response, list)
                else tokens[response] if vector["question"]["kind"] in ("single", "true_false")
                else response)
        press(trainer, csrf, code, "open")
        posted = phone_answer(phone, code, parse_quiz, csrf,
                              lambda page, sent=sent: {page.names()[0]: sent})
        assert posted.status_code == 303, (vector["name"], posted.get_data(as_text=True))
        if number + 1 < len(chosen):
            press(trainer, csrf, code, "next")
    stored, _members = live_answers(database(app), live.id)
    assert len(stored) == len(chosen)
    as_question: TypeAdapter[Question] = TypeAdapter(Question)
    for a in stored:
        vector = chosen[a.answer.position]
        quiz = grade(as_question.validate_python(vector["question"]), vector["response"])
        live_grade = (a.answer.earned, a.answer.max_points, a.answer.status)
        assert live_grade == (quiz.earned, quiz.max, quiz.status), vector["name"]
        expected = vector["expected"]
        assert live_grade == (expected["earned"], expected["max"], expected["status"]), (
            vector["name"])
