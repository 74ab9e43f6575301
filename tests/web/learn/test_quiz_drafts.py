"""Draft answers: saved on the server as the trainee goes, shown again, ordered, never graded;
the review step before the one-way submission; the result's summary and "only what I missed"."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.web.clock_support import let_csrf_tokens_age
from trainer.store.models import Attempt, Response
from trainer.web.caches import caches
from trainer.web.state import database

JSON = {"Accept": "application/json"}


def _attempt(app: Flask, url: str) -> Attempt:
    public_id = url.rsplit("/", 1)[-1]
    with database(app).read() as session:
        found = session.scalar(select(Attempt).where(Attempt.public_id == public_id))
        assert found is not None
        found.responses  # noqa: B018 - loaded while the session is open
        return found


def _save(client: FlaskClient, url: str, page: Any, answers: dict[str, Any], *,
          seq: int | None = None, go: str = "stay", headers: dict[str, str] | None = None) -> Any:
    data: dict[str, Any] = {"csrf_token": _token(page.html), "go": go, **answers}
    if seq is not None:
        data["seq"] = str(seq)
    return client.post(f"{url}/save", data=data, headers=headers or {})


def _token(html: str) -> str:
    found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    assert found
    return found.group(1)


def test_saving_without_javascript_keeps_every_kind_and_grades_nothing(
        open_quiz: Callable[..., Any], right_answers: Callable[..., Any], app: Flask,
        parse_quiz: Any) -> None:
    client, url, page = open_quiz()
    answers = right_answers(page)
    saved = _save(client, url, page, answers)
    assert saved.status_code == 303
    assert saved.headers["Location"].endswith(url)
    attempt = _attempt(app, url)
    assert attempt.submitted_at is None
    assert attempt.responses == []
    html = client.get(url).get_data(as_text=True)
    assert "Saved at " in html
    assert "7 of 7 answered" in html
    again = parse_quiz(html)
    shown = {c.name: c.value for c in again.controls if c.kind in ("text", "select")}
    checked = {(c.name, c.value) for c in again.controls if c.checked}
    for name, value in answers.items():
        if isinstance(value, list):
            assert {(name, v) for v in value} <= checked
        elif name in shown:
            assert shown[name] == value.strip(), name
        else:
            assert (name, value) in checked, name
    # Reopened from the module page ("Continue the quiz"): the same attempt, answers in place.
    module = client.get("/modules/canary-kinds").get_data(as_text=True)
    started = client.post("/modules/canary-kinds/start", data={"csrf_token": _token(module)})
    assert started.headers["Location"].endswith(url)
    assert "7 of 7 answered" in client.get(url).get_data(as_text=True)


def test_a_stale_save_never_overwrites_a_newer_one(open_quiz: Callable[..., Any],
                                                   app: Flask) -> None:
    client, url, page = open_quiz()
    newer = _save(client, url, page, {"q4": "newer"}, seq=2000, headers=JSON)
    assert newer.status_code == 200
    assert newer.get_json()["status"] == "saved"
    older = _save(client, url, page, {"q4": "older"}, seq=1000, headers=JSON)
    assert older.status_code == 200
    assert older.get_json()["status"] == "stale"
    repeat = _save(client, url, page, {"q4": "newer"}, seq=2000, headers=JSON)
    assert repeat.get_json()["status"] == "saved"  # a retry of a stored save
    attempt = _attempt(app, url)
    assert attempt.draft_answers == {"q4": "newer"}
    assert attempt.draft_seq == 2000


def test_a_save_naming_its_fields_keeps_what_another_tab_saved(open_quiz: Callable[..., Any],
                                                               app: Flask) -> None:
    """learn.js names the questions its tab changed, each with the moment of its change: two tabs
    of one attempt each keep their answers, and an older change still fills a field no newer save
    spoke for."""
    client, url, page = open_quiz()
    multi = page.choice("q2", "Multi one")
    # Tab B (changed q2 at 2000) is heard first, then tab A (changed q4 at 1000) from its retry.
    b = _save(client, url, page, {"q2": multi, "fields": "q2:2000"}, seq=2000, headers=JSON)
    a = _save(client, url, page, {"q4": "dual criminality", "q2": "", "fields": "q4:1000"},
              seq=1000, headers=JSON)
    assert (b.get_json()["status"], a.get_json()["status"]) == ("saved", "saved")
    assert _attempt(app, url).draft_answers == {"q2": [multi], "q4": "dual criminality"}
    # A tab's own buttons (a form post) name what it changed: the other answers stay.
    posted = _save(client, url, page, {"q4": "", "q2": multi, "fields": "q2:3000"})
    assert posted.status_code == 303
    assert _attempt(app, url).draft_answers == {"q2": [multi], "q4": "dual criminality"}
    # An older change of a field a newer save holds is refused there, and clears nothing.
    stale = _save(client, url, page, {"q2": "", "fields": "q2:2500"}, seq=2500, headers=JSON)
    assert stale.get_json()["status"] == "stale"
    # Nothing named: nothing written (a tab whose changes were all confirmed already).
    _save(client, url, page, {"q4": "", "fields": ""})
    assert _attempt(app, url).draft_answers == {"q2": [multi], "q4": "dual criminality"}
    # Malformed: a clear 400, nothing stored.
    token = _token(page.html)
    for fields in ("q4:abc", "q4:-5", f"q4:{2**70}", "q4:" + "9" * 5000):
        response = client.post(f"{url}/save", data={"csrf_token": token, "q4": "x",
                                                     "fields": fields})
        assert response.status_code == 400, fields
    twice = client.post(f"{url}/save", data={"csrf_token": token, "q4": "x",
                                             "fields": ["q4:5", "q4:6"]})
    assert twice.status_code == 400
    assert _attempt(app, url).draft_answers == {"q2": [multi], "q4": "dual criminality"}


def test_forged_values_are_not_kept_in_a_draft(open_quiz: Callable[..., Any], app: Flask) -> None:
    client, url, page = open_quiz()
    _save(client, url, page, {"q1": "a", "score": "100", "q4": "x" * 600,
                              "q2": [page.choice("q2", "Multi one"), "zzz"]})
    draft = _attempt(app, url).draft_answers
    assert draft == {"q2": [page.choice("q2", "Multi one")], "q4": "x" * 500}


def test_a_save_after_submission_is_refused_and_changes_nothing(
        open_quiz: Callable[..., Any], right_answers: Callable[..., Any], app: Flask,
        post_answers: Callable[..., Any]) -> None:
    client, url, page = open_quiz()
    _save(client, url, page, {"q4": "dual criminality"}, seq=10)
    review = client.get(f"{url}/review").get_data(as_text=True)
    assert client.post(url, data={"csrf_token": _token(review)}).status_code == 303
    before = _attempt(app, url)
    late = _save(client, url, page, right_answers(page), seq=99, headers=JSON)
    assert late.status_code == 409
    plain = _save(client, url, page, right_answers(page))
    assert plain.status_code == 303
    after = _attempt(app, url)
    assert (after.draft_seq, after.draft_answers, after.earned) == (
        before.draft_seq, before.draft_answers, before.earned)
    assert [r.response for r in after.responses if r.question_id == "q-short"] == [
        "dual criminality"]


def test_sixteen_saves_and_a_submit_at_once_make_one_submission_of_the_last_save(
        open_quiz: Callable[..., Any], app: Flask) -> None:
    client, url, page = open_quiz()
    review_html = client.get(f"{url}/review").get_data(as_text=True)
    barrier = threading.Barrier(17)
    codes: list[int] = []

    def saver(n: int) -> None:
        barrier.wait()
        codes.append(_save(client, url, page, {"q4": f"answer {n}"}, seq=100 + n,
                           headers=JSON).status_code)

    def submitter() -> None:
        barrier.wait()
        codes.append(client.post(url, data={"csrf_token": _token(review_html)}).status_code)

    threads = [threading.Thread(target=saver, args=(n,)) for n in range(16)]
    threads.append(threading.Thread(target=submitter))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert set(codes) <= {200, 303, 409}
    assert len(codes) == 17
    assert codes.count(303) == 1
    attempt = _attempt(app, url)
    assert attempt.submitted_at is not None
    assert len(attempt.responses) == 7  # graded once
    with database(app).read() as session:
        rows = session.scalars(select(Response).where(Response.attempt_id == attempt.id)).all()
    graded = next(r.response for r in rows if r.question_id == "q-short")
    # What was graded is the last save accepted before the submission (or nothing).
    assert graded == (attempt.draft_answers or {}).get("q4")


def test_the_review_lists_unanswered_and_invalid_questions(
        open_quiz: Callable[..., Any]) -> None:
    client, url, page = open_quiz()
    _save(client, url, page, {"q1": page.choice("q1", "Option alpha"), "q5": "about twenty",
                              "q6-1": page.select("q6-1", "Meaning one")}, go="review")
    html = client.get(f"{url}/review").get_data(as_text=True)
    assert "1 of 7 answered" in html
    assert "2 questions need your attention" in html
    assert re.search(r"Question 5</span>.*?not a number", html, re.S)
    assert re.search(r"Question 6</span>.*?not every item is matched", html, re.S)
    assert "4 questions are not answered" in html
    assert f'href="{url}#question-5"' in html
    assert "Submit for grading" in html
    assert "You take this test once" not in html  # a module quiz can be taken again


def test_the_finish_button_saves_then_shows_the_review(open_quiz: Callable[..., Any],
                                                      app: Flask) -> None:
    client, url, page = open_quiz()
    finished = _save(client, url, page, {"q4": "dual criminality"}, go="review")
    assert finished.status_code == 303
    assert finished.headers["Location"].endswith("/review")
    assert _attempt(app, url).submitted_at is None


def test_a_pre_test_review_says_it_is_taken_once(join: Callable[..., FlaskClient],
                                                 csrf: Callable[[str], str]) -> None:
    client = join()
    started = client.post("/tests/pre/start",
                          data={"csrf_token": csrf(client.get("/programme").get_data(as_text=True))})
    url = started.headers["Location"]
    assert "You take this test once." in client.get(url).get_data(as_text=True)
    assert "You take this test once." in client.get(f"{url}/review").get_data(as_text=True)


def test_the_result_summarises_and_shows_only_what_was_missed(
        open_quiz: Callable[..., Any], right_answers: Callable[..., Any],
        post_answers: Callable[..., Any]) -> None:
    client, url, page = open_quiz()
    answers = right_answers(page)
    answers["q1"] = page.choice("q1", "Option beta")
    post_answers(client, url, page, answers)
    html = client.get(url).get_data(as_text=True)
    summary = html[html.index('class="summary-list"'):html.index("</ol>", html.index("summary-list"))]
    assert summary.count("<li") == 7
    assert summary.count("summary-list__item--correct") == 6
    assert f'href="{url}#r1"' in summary
    assert "Show only what I missed" in html
    missed = client.get(f"{url}?missed=1").get_data(as_text=True)
    assert 'id="r1"' in missed
    assert 'id="r2"' not in missed
    assert "Show every question" in missed


def test_a_save_with_an_expired_token_keeps_the_answers(make_app: Callable[..., Flask],
                                                        csrf: Callable[[str], str],
                                                        parse_quiz: Any,
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
    fetched = client.post(f"{pre}/save", data={"csrf_token": csrf(page.html), "q1": chosen,
                                                "seq": "5"}, headers=JSON)
    assert fetched.status_code == 400
    assert fetched.get_json()["status"] == "expired"
    plain = client.post(f"{pre}/save", data={"csrf_token": csrf(page.html), "q1": chosen})
    assert plain.status_code == 400
    html = plain.get_data(as_text=True)
    again = parse_quiz(html)
    assert [c.checked for c in again.controls if c.value == chosen] == [True]
    saved = client.post(f"{pre}/save", data={"csrf_token": csrf(html), "q1": chosen,
                                             "page": "0"})
    assert saved.status_code == 303
    assert _attempt(app, pre).draft_answers == {"q1": chosen}


def test_odd_saves_get_clear_answers_never_a_500(open_quiz: Callable[..., Any],
                                                 join: Callable[..., FlaskClient],
                                                 app: Flask) -> None:
    client, url, page = open_quiz()
    token = _token(page.html)
    assert client.get(f"{url}/save").status_code == 405
    for seq in ("-1", "abc", str(2**70), "0"):
        response = client.post(f"{url}/save", data={"csrf_token": token, "seq": seq, "q4": "x"})
        assert response.status_code == 400, seq
    odd_page = client.post(f"{url}/save", data={"csrf_token": token, "page": "zz", "q4": "y"})
    assert odd_page.status_code == 303
    assert _attempt(app, url).draft_answers == {"q4": "y"}
    assert client.post("/attempts/nope/save", data={"csrf_token": token}).status_code == 404
    other = join("Bob")
    other_token = _token(other.get("/programme").get_data(as_text=True))
    assert other.post(f"{url}/save", data={"csrf_token": other_token, "q4": "z"}
                      ).status_code == 404
    assert other.get(f"{url}/review").status_code == 404
    assert _attempt(app, url).draft_answers == {"q4": "y"}


def test_a_submission_the_worker_no_longer_keeps_is_graded_as_one_it_keeps(
        open_quiz: Callable[..., Any], right_answers: Callable[..., Any], app: Flask) -> None:
    """Another worker, or an attempt presented long ago: graded from its plan, the same grade."""
    graded: list[list[tuple[Any, ...]]] = []
    for kept in (True, False):
        client, url, page = open_quiz()
        answers = right_answers(page)
        answers.pop("q2", None)  # one left unanswered
        assert _save(client, url, page, answers).status_code == 303
        review_html = client.get(f"{url}/review").get_data(as_text=True)
        if not kept:
            caches(app).presented.clear()
        assert client.post(url, data={"csrf_token": _token(review_html)}).status_code == 303
        if not kept:  # graded without presenting the attempt again
            assert len(caches(app).presented) == 0
        attempt = _attempt(app, url)
        assert attempt.submitted_at is not None
        graded.append([(r.question_id, r.response, r.earned, r.max_points, r.status)
                       for r in attempt.responses])
    assert graded[0] == graded[1]
    assert {status for *_rest, status in graded[0]} >= {"correct", "unanswered"}
