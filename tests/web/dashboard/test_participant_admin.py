"""Participant management on the dashboard, on SQLite and PostgreSQL: the participant page and
attempt review, rename, merge (nothing lost; first pre-test and last post-test count), remove
(gone from every table and from the CSVs), resume codes revoked and re-issued, the audit log."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import inspect, text

from tests.web.live.live_support import phone_answer, press, start_session
from trainer.store.accounts import create_trainer
from trainer.web.state import database

PASSWORD = "a long enough password"


def _start(client: FlaskClient, path: str, csrf: Callable[[str], str]) -> str:
    token = csrf(client.get("/programme").get_data(as_text=True))
    started = client.post(path, data={"csrf_token": token})
    assert started.status_code == 303, started.get_data(as_text=True)
    return str(started.headers["Location"])


def _take(client: FlaskClient, path: str, csrf: Callable[[str], str], parse_quiz: Any,
          answers: dict[str, str]) -> str:
    url = _start(client, path, csrf)
    page = parse_quiz(client.get(url).get_data(as_text=True))
    data = {name: page.choice(name, label) for name, label in answers.items()}
    response = client.post(url, data={"csrf_token": csrf(page.html), **data})
    assert response.status_code == 303
    return url.rsplit("/", 1)[1]


@pytest.fixture
def take(csrf: Callable[[str], str], parse_quiz: Any) -> Callable[..., str]:
    """Return a function: a trainee takes a quiz or test (labels of the options they pick)."""
    def taker(client: FlaskClient, path: str, **answers: str) -> str:
        return _take(client, path, csrf, parse_quiz, answers)

    return taker


def _whole_workshop(client: FlaskClient, take: Callable[..., str], pre: str, post: str) -> None:
    take(client, "/tests/pre/start", q1=pre)
    take(client, "/modules/canary-kinds/start")
    take(client, "/modules/canary-second/start", q1="Yes")
    take(client, "/tests/post/start", q1=post, q2="Yes")


@pytest.fixture
def trainer(app: Flask, csrf: Callable[[str], str]) -> FlaskClient:
    """Return a client logged in as the trainer "tess"."""
    create_trainer(database(app), "tess", PASSWORD)
    client = app.test_client()
    token = csrf(client.get("/trainer/login").get_data(as_text=True))
    assert client.post("/trainer/login", data={"username": "tess", "password": PASSWORD,
                                               "csrf_token": token}).status_code == 303
    return client


def _participant_urls(trainer: FlaskClient) -> dict[str, str]:
    grid = trainer.get("/trainer/workshops/ws-alpha").get_data(as_text=True)
    found = re.findall(r'href="(/trainer/workshops/ws-alpha/participants/[^"]+)"><bdi>([^<]+)<',
                       grid)
    return {name: url for url, name in found}


def _rows(app: Flask, sql: str, **params: object) -> list[tuple[Any, ...]]:
    with database(app).engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(sql), params)]


def _attempts_of(app: Flask, name: str) -> set[tuple[Any, ...]]:
    """Every attempt of the participant called `name`, with its grades and responses."""
    rows = _rows(app, """
        SELECT a.public_id, a.kind, a.module_id, a.percent, a.passed, a.set_aside,
               r.question_id, r.earned, r.status
        FROM attempt a JOIN participant p ON p.id = a.participant_id
        LEFT JOIN response r ON r.attempt_id = a.id
        WHERE p.display_name = :name""", name=name)
    return {row[:5] + row[6:] for row in rows}


def test_participant_page_lists_every_attempt_and_reviews_it(
        app: Flask, join: Callable[..., FlaskClient], take: Callable[..., str],
        trainer: FlaskClient) -> None:
    amina = join("Amina K.")
    _whole_workshop(amina, take, pre="Option alpha", post="False")
    page_url = _participant_urls(trainer)["Amina K."]
    page = trainer.get(page_url).get_data(as_text=True)
    assert page.count("/attempts/") == 4  # pre, two modules, post: each opens its review
    assert 'id="figure-post">100.0 %' in page
    assert re.search(r"<code>[0-9a-f]{8}</code>", page)
    review_links = re.findall(rf'href="({re.escape(page_url)}/attempts/[^"]+)"', page)
    post_review = trainer.get(review_links[0]).get_data(as_text=True)  # newest first
    assert "PROMPT-TF" in post_review
    assert "CANARY-EXPLANATION-TF" in post_review  # what the trainee saw after submitting
    assert "Your answer — right" in post_review
    # Another workshop's path, or a made-up attempt: 404.
    assert trainer.get(review_links[0].replace("ws-alpha", "ws-beta")).status_code == 404
    assert trainer.get(page_url + "/attempts/nope").status_code == 404
    # Trainees cannot see it.
    assert "/trainer/login" in amina.get(review_links[0]).headers["Location"]


def test_participant_page_shows_the_live_sessions_they_were_in(
        app: Flask, join: Callable[..., FlaskClient], trainer: FlaskClient,
        csrf: Callable[[str], str], parse_quiz: Any) -> None:
    amina = join("Amina K.")
    url = _participant_urls(trainer)["Amina K."]
    assert "Not in any live session yet." in trainer.get(url).get_data(as_text=True)
    poll = start_session(trainer, csrf, source="pick", picks=("canary-kinds/q-single",))
    press(trainer, csrf, poll, "open")
    assert phone_answer(amina, poll, parse_quiz, csrf,
                        lambda page: {"q1": page.choice("q1", "Option beta")}).status_code == 303
    press(trainer, csrf, poll, "end")
    # A graded session of 4 points (1 + 2 + 1): right on the first and the last, the second
    # not answered: 2 of 4 points.
    quiz = start_session(trainer, csrf, source="pick", mode="quiz", picks=(
        "canary-kinds/q-single", "canary-kinds/q-multiple", "canary-kinds/q-true-false"))
    press(trainer, csrf, quiz, "open")
    assert phone_answer(amina, quiz, parse_quiz, csrf,
                        lambda page: {"q1": page.choice("q1", "Option alpha")}).status_code == 303
    for _step in range(2):
        press(trainer, csrf, quiz, "next")
    press(trainer, csrf, quiz, "open")
    assert phone_answer(amina, quiz, parse_quiz, csrf,
                        lambda page: {"q3": page.choice("q3", "False")}).status_code == 303
    press(trainer, csrf, quiz, "end")
    page = trainer.get(url).get_data(as_text=True)
    section = page[page.index('id="live-title"'):page.index('id="code-title"')]
    rows = re.findall(r"<tr>(.*?)</tr>", section, re.S)[1:]
    text_of = [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in rows]
    assert len(text_of) == 2  # newest first
    assert f"Hand-picked questions {quiz}" in text_of[0]
    assert "2 of 3" in text_of[0]
    assert text_of[0].endswith("50.0 %")
    assert f"Hand-picked questions {poll}" in text_of[1]
    assert "1 of 1" in text_of[1]
    assert text_of[1].endswith("poll, not graded")
    assert f'href="/trainer/live/{quiz}/results"' in section


def _live_answers_of(app: Flask, name: str) -> set[tuple[Any, ...]]:
    """Every live answer of the participant called `name`, with its grade."""
    return set(_rows(app, """
        SELECT s.room_code, l.position, l.question_id, l.response, l.earned, l.status
        FROM live_answer l JOIN participant p ON p.id = l.participant_id
        JOIN live_session s ON s.id = l.session_id WHERE p.display_name = :name""", name=name))


def _live_quiz_on_both_phones(trainer: FlaskClient, csrf: Callable[[str], str], parse_quiz: Any,
                              laptop: FlaskClient, phone: FlaskClient) -> str:
    """Run a live quiz where both records answer the first question (the laptop first, wrong;
    then the phone, right) and only the laptop the second; return the room code."""
    code = start_session(trainer, csrf, source="pick", mode="quiz",
                         picks=("canary-kinds/q-single", "canary-kinds/q-short"))
    press(trainer, csrf, code, "open")
    for device, label in ((laptop, "Option beta"), (phone, "Option alpha")):
        response = phone_answer(device, code, parse_quiz, csrf,
                                lambda page, label=label: {"q1": page.choice("q1", label)})
        assert response.status_code == 303
    press(trainer, csrf, code, "reveal")
    press(trainer, csrf, code, "next")
    press(trainer, csrf, code, "open")
    assert phone_answer(laptop, code, parse_quiz, csrf,
                        lambda _page: {"q2": "Dual Criminality"}).status_code == 303
    press(trainer, csrf, code, "end")
    return code


def test_merge_keeps_every_attempt_and_the_first_pre_and_last_post_test(
        app: Flask, join: Callable[..., FlaskClient], take: Callable[..., str],
        trainer: FlaskClient, csrf: Callable[[str], str], parse_quiz: Any) -> None:
    laptop = join("Budi Santoso")
    _whole_workshop(laptop, take, pre="Option alpha", post="True")  # post 50 %
    phone = join("Budi S.")
    _whole_workshop(phone, take, pre="Option beta", post="False")  # later post 100 %
    code = _live_quiz_on_both_phones(trainer, csrf, parse_quiz, laptop, phone)
    before = _attempts_of(app, "Budi Santoso") | _attempts_of(app, "Budi S.")
    live_before = _live_answers_of(app, "Budi Santoso") | _live_answers_of(app, "Budi S.")
    assert len(live_before) == 3
    urls = _participant_urls(trainer)
    kept = urls["Budi Santoso"]
    other_id = urls["Budi S."].rsplit("/", 1)[1]
    confirm = trainer.get(f"{kept}/merge?other={other_id}")
    assert confirm.status_code == 200
    html = confirm.get_data(as_text=True)
    assert "the first one counts" in html
    assert "the last one counts" in html
    assert "the later answer is kept" in html
    live_cells = re.findall(r'</td><td class="num">(\d+)</td>', html)
    assert live_cells == ["2", "1"]  # live answers: the laptop's two, the phone's one
    merged = trainer.post(f"{kept}/merge", data={"other": other_id, "csrf_token": csrf(html)})
    assert merged.status_code == 303
    after = _attempts_of(app, "Budi Santoso")
    # Nothing lost: every attempt, response and grade of both, now one participant's.
    assert after == before
    assert len(after) > 10
    # Live answers too: both answered the first question, and the later answer (the phone's,
    # right) is kept; the laptop's answer to the second question moved. In the room once.
    laptop_first = (code, 0, "q-single", 0.0, "wrong")
    assert {row[:3] + row[4:] for row in _live_answers_of(app, "Budi Santoso")} == {
        row[:3] + row[4:] for row in live_before} - {laptop_first}
    assert _rows(app, "SELECT count(*) FROM live_member") == [(1,)]
    assert _rows(app, "SELECT count(*) FROM live_answer") == [(2,)]
    assert _rows(app, "SELECT count(*) FROM participant WHERE display_name = 'Budi S.'") == [(0,)]
    # The first pre-test (the laptop's, 50 %) and the last post-test (the phone's, 100 %) count.
    counted = _rows(app, """SELECT kind, percent FROM attempt a JOIN participant p
                            ON p.id = a.participant_id WHERE kind != 'module' AND NOT set_aside
                            ORDER BY kind""")
    assert counted == [("post", 100.0), ("pre", 50.0)]
    page = trainer.get(kept).get_data(as_text=True)
    assert page.count("set aside by a merge") == 2
    assert 'id="figure-pre">50.0 %' in page
    assert 'id="figure-post">100.0 %' in page
    # The phone's session ended with its record; the laptop's carries on, with every attempt.
    assert phone.get("/programme").status_code == 302
    assert laptop.get("/programme").status_code == 200
    # Merging with someone gone (the same form sent again: a second click) changes nothing and
    # says so on the kept participant's page, not as an error page.
    again = trainer.post(f"{kept}/merge", data={"other": other_id, "csrf_token": csrf(html)})
    assert again.status_code == 303
    assert again.headers["Location"].endswith(kept)
    assert "no longer exists: nothing was merged" in trainer.get(kept).get_data(as_text=True)
    assert _attempts_of(app, "Budi Santoso") == before
    myself = trainer.post(f"{kept}/merge", data={"other": kept.rsplit("/", 1)[1],
                                                 "csrf_token": csrf(html)})
    assert myself.status_code == 400  # with oneself: refused, on the participant's page
    audit = trainer.get("/trainer/audit").get_data(as_text=True)
    plain = audit.replace("<bdi>", "").replace("</bdi>", "")
    assert "Merged Budi S. into Budi Santoso" in plain
    assert "1 live answer moved; 1 live answer deleted (both had answered the same question)" in plain
    assert "tess" in audit


def _every_table_mentions(app: Flask, needle: str) -> list[str]:
    """Return the tables with a text cell containing `needle` (every column of every table)."""
    found = []
    with database(app).engine.connect() as connection:
        inspector = inspect(connection)
        for table in inspector.get_table_names():
            for row in connection.execute(text(f'SELECT * FROM "{table}"')):  # noqa: S608
                if any(needle in str(value) for value in row):
                    found.append(table)
                    break
    return found


def test_remove_deletes_every_trace_and_is_recorded(
        app: Flask, join: Callable[..., FlaskClient], take: Callable[..., str],
        trainer: FlaskClient, csrf: Callable[[str], str], parse_quiz: Any) -> None:
    gone = join("Zed Removable")
    _whole_workshop(gone, take, pre="Option alpha", post="False")
    stays = join("Stays Here")
    take(stays, "/tests/pre/start", q1="Option alpha")
    code = start_session(trainer, csrf, source="pick", picks=("canary-kinds/q-single",))
    press(trainer, csrf, code, "open")
    for device in (gone, stays):
        assert phone_answer(device, code, parse_quiz, csrf,
                            lambda page: {"q1": page.choice("q1", "Option alpha")}
                            ).status_code == 303
    url = _participant_urls(trainer)["Zed Removable"]
    public_id = url.rsplit("/", 1)[1]
    rename = trainer.post(f"{url}/rename", data={"name": "Zed Renamed",
                                                  "csrf_token": csrf(trainer.get(url).get_data(
                                                      as_text=True))})
    assert rename.status_code == 303
    assert "Zed Renamed" in trainer.get("/trainer/audit").get_data(as_text=True)
    attempt_ids = [r[0] for r in _rows(app, "SELECT a.id FROM attempt a JOIN participant p ON "
                                            "p.id = a.participant_id WHERE p.public_id = :p",
                                       p=public_id)]
    assert len(attempt_ids) == 4
    confirm = trainer.get(f"{url}/remove").get_data(as_text=True)
    assert "cannot be undone" in confirm
    assert "Their 1 answer in live sessions is deleted too" in confirm
    assert trainer.get(f"{url}/remove").status_code == 200  # a GET changes nothing
    assert trainer.post(f"{url}/remove").status_code == 400  # no CSRF token: refused
    assert trainer.post(f"{url}/remove", data={"csrf_token": csrf(confirm)}).status_code == 303
    # Gone from every table: participant, attempts, responses, and its names from the log.
    for needle in ("Zed Removable", "Zed Renamed", public_id):
        assert _every_table_mentions(app, needle) == [], needle
    ids = ",".join(str(i) for i in attempt_ids)
    assert _rows(app, f"SELECT count(*) FROM response WHERE attempt_id IN ({ids})"  # noqa: S608
                 ) == [(0,)]
    assert _rows(app, f"SELECT count(*) FROM attempt WHERE id IN ({ids})") == [(0,)]  # noqa: S608
    # Their live answer and place in the room too; the other participant's stay.
    assert _rows(app, "SELECT count(*) FROM live_answer") == [(1,)]
    assert _rows(app, "SELECT count(*) FROM live_member") == [(1,)]
    # Gone from the CSVs; the other participant is still there.
    for csv_path in ("results.csv", "items.csv"):
        body = trainer.get(f"/trainer/workshops/ws-alpha/{csv_path}").get_data(as_text=True)
        assert "Zed" not in body
    assert "Stays Here" in trainer.get("/trainer/workshops/ws-alpha/results.csv").get_data(
        as_text=True)
    # Its session has ended; its pages are 404 on the dashboard; the log says who removed whom.
    assert gone.get("/programme").status_code == 302
    assert trainer.get(url).status_code == 404
    # The confirmation sent again (a second click): the workshop page says there was nothing
    # left to remove, not "not found".
    again = trainer.post(f"{url}/remove", data={"csrf_token": csrf(confirm)})
    assert again.status_code == 303
    assert again.headers["Location"].endswith("/trainer/workshops/ws-alpha")
    assert "there was nothing to remove" in trainer.get(again.headers["Location"]).get_data(
        as_text=True)
    audit = trainer.get("/trainer/audit").get_data(as_text=True)
    assert re.search(r"Removed participant #\d+ with 4 attempts and 1 live answer\s*<", audit)
    assert "Renamed — to —" in audit.replace("<bdi>", "").replace("</bdi>", "")


def test_a_trainer_revokes_and_reissues_a_resume_code(
        app: Flask, join: Callable[..., FlaskClient], trainer: FlaskClient,
        csrf: Callable[[str], str]) -> None:
    trainee = join("Coded")
    old = re.search(r'id="resume-code">([A-Z0-9-]{9})<',
                    trainee.get("/programme").get_data(as_text=True))
    assert old is not None
    url = _participant_urls(trainer)["Coded"]
    token = csrf(trainer.get(url).get_data(as_text=True))
    assert trainer.post(f"{url}/resume-code", data={"action": "revoke", "csrf_token": token}
                        ).status_code == 303

    def resume(code: str) -> int:
        client = app.test_client()
        page = client.get("/").get_data(as_text=True)
        return client.post("/resume", data={"resume_code": code,
                                            "csrf_token": csrf(page)}).status_code

    assert resume(old.group(1)) == 400
    assert trainer.post(f"{url}/resume-code", data={"action": "issue", "csrf_token": token}
                        ).status_code == 303
    page = trainer.get(url).get_data(as_text=True)
    new = re.search(r'id="new-resume-code">([A-Z0-9-]{9})<', page)
    assert new is not None  # shown once ...
    assert 'id="new-resume-code"' not in trainer.get(url).get_data(as_text=True)  # ... only
    assert resume(new.group(1)) == 303
    audit = trainer.get("/trainer/audit").get_data(as_text=True)
    assert "Revoked the resume code of" in audit
    assert "Issued a new resume code to" in audit


def test_another_worker_still_caching_a_removed_participant_writes_nothing(
        make_app: Callable[..., Flask], csrf: Callable[[str], str]) -> None:
    """Two workers (two apps on one database): one removes a participant the other has cached;
    the other's trainee is sent to the start page when they write, never a 500."""
    worker_one, worker_two = make_app(), make_app()
    trainee = worker_two.test_client()
    token = csrf(trainee.get("/").get_data(as_text=True))
    assert trainee.post("/join", data={"name": "Cached Carl", "workshop": "ws-alpha",
                                       "csrf_token": token}).status_code == 303
    assert trainee.get("/programme").status_code == 200  # worker two now caches Carl
    create_trainer(database(worker_one), "tess", PASSWORD)
    trainer = worker_one.test_client()
    token = csrf(trainer.get("/trainer/login").get_data(as_text=True))
    trainer.post("/trainer/login", data={"username": "tess", "password": PASSWORD,
                                         "csrf_token": token})
    url = _participant_urls(trainer)["Cached Carl"]
    confirm = trainer.get(f"{url}/remove").get_data(as_text=True)
    assert trainer.post(f"{url}/remove", data={"csrf_token": csrf(confirm)}).status_code == 303
    # Sessions live in the database: the removal ends the trainee's session on every worker at
    # once, so the next page is the start page and a write finds no trainee.
    programme = trainee.get("/programme")
    assert programme.status_code == 302
    assert programme.headers["Location"] == "/"
    started = trainee.post("/tests/pre/start",
                           data={"csrf_token": csrf(trainee.get("/").get_data(as_text=True))})
    assert started.status_code == 302
    assert started.headers["Location"] == "/"
    assert _rows(worker_one, "SELECT count(*) FROM attempt") == [(0,)]


def test_removing_someone_who_took_nothing_says_so_plainly(
        join: Callable[..., FlaskClient], trainer: FlaskClient) -> None:
    join("Nadia Newcomer")
    url = _participant_urls(trainer)["Nadia Newcomer"]
    confirm = trainer.get(f"{url}/remove").get_data(as_text=True)
    assert "They have taken no quiz or test yet" in confirm
    assert "Their 0 attempts" not in confirm
