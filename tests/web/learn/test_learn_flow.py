"""The trainee's routes through the Flask test client: join, programme, read, quiz, result."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from trainer.store.models import Attempt, Participant, Response
from trainer.web.state import database

Join = Callable[..., FlaskClient]


def count(app: Flask, model: type[Any]) -> int:
    with database(app).read() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_home_lists_workshops_with_dates_and_a_join_form(client: FlaskClient) -> None:
    html = client.get("/").get_data(as_text=True)
    # One date formatter for web and print (trainer.locales.format_dates, CLDR intervals).
    assert "Alpha workshop — Alphaville, 16\u2009–\u200918 May 2017" in html
    assert "Beta workshop — Betatown, March 2016" in html
    assert 'name="code"' in html
    assert '<html lang="en" dir="ltr">' in html


def test_join_by_picking_a_workshop_creates_a_participant_and_a_session(
        app: Flask, client: FlaskClient, csrf: Callable[[str], str]) -> None:
    token = csrf(client.get("/").get_data(as_text=True))
    response = client.post("/join", data={"name": "  Amina   K. ", "workshop": "ws-beta",
                                          "csrf_token": token})
    assert response.status_code == 303
    assert response.headers["Location"] == "/programme"
    with database(app).read() as session:
        participant = session.scalars(select(Participant)).one()
    assert (participant.display_name, participant.workshop_id) == ("Amina K.", "ws-beta")
    page = client.get("/programme").get_data(as_text=True)
    assert "Connecté en tant que <bdi>Amina K.</bdi>" in page  # ws-beta runs in French
    assert '<html lang="fr" dir="ltr">' in page  # the workshop's language


def test_join_by_code_ignores_case_and_spaces(client: FlaskClient, csrf: Callable[[str], str]
                                              ) -> None:
    token = csrf(client.get("/").get_data(as_text=True))
    response = client.post("/join", data={"name": "Li", "code": " alpha 17", "csrf_token": token})
    assert response.status_code == 303
    assert "Alpha workshop" in client.get("/programme").get_data(as_text=True)


def test_join_refuses_an_unknown_code_and_a_missing_name(
        app: Flask, client: FlaskClient, csrf: Callable[[str], str]) -> None:
    token = csrf(client.get("/").get_data(as_text=True))
    response = client.post("/join", data={"name": "Li", "code": "NOPE99", "csrf_token": token})
    assert response.status_code == 400
    assert "No workshop has this code" in response.get_data(as_text=True)
    response = client.post("/join", data={"name": "", "workshop": "ws-alpha",
                                          "csrf_token": token})
    assert response.status_code == 400
    assert "Enter your name." in response.get_data(as_text=True)
    response = client.post("/join", data={"name": "Li", "csrf_token": token})
    assert "Choose your workshop, or enter its join code." in response.get_data(as_text=True)
    assert count(app, Participant) == 0


def test_pages_need_a_trainee_session(client: FlaskClient) -> None:
    for url in ("/programme", "/modules/canary-kinds", "/attempts/whatever"):
        response = client.get(url)
        assert response.status_code == 302
        assert response.headers["Location"] == "/"


def test_leave_ends_the_session(join: Join, csrf: Callable[[str], str]) -> None:
    client = join()
    token = csrf(client.get("/").get_data(as_text=True))
    assert client.post("/leave", data={"csrf_token": token}).status_code == 303
    assert client.get("/programme").status_code == 302


def test_programme_lists_steps_in_order_with_progress(join: Join) -> None:
    html = join().get("/programme").get_data(as_text=True)
    order = [html.index(text) for text in ("Canary pre-test", "Canary module with every",
                                           "Second canary module", "Canary post-test")]
    assert order == sorted(order)
    assert html.count("Not started") == 4
    assert "Opens when you have taken the pre-test and every module quiz." in html


def test_module_page_shows_reading_and_sets_case_studies_apart(join: Join) -> None:
    html = join().get("/modules/canary-kinds").get_data(as_text=True)
    assert "READING-MARKER" in html
    case = re.search(r'<section class="panel section case-study"[^>]*>(.*?)</section>', html,
                     re.S)
    assert case
    assert "CASE-STUDY-MARKER" in case.group(1)
    assert not re.search(r"CANARY-[A-Z-]+", html)  # no feedback, explanations or notes
    assert "Take the pre-test first" in html


def test_a_module_outside_the_workshop_is_not_found(join: Join) -> None:
    assert join().get("/modules/no-such-module").status_code == 404


def test_module_quiz_opens_only_after_the_pre_test(join: Join, csrf: Callable[[str], str],
                                                   app: Flask) -> None:
    client = join()
    token = csrf(client.get("/programme").get_data(as_text=True))
    response = client.post("/modules/canary-kinds/start", data={"csrf_token": token})
    assert response.headers["Location"] == "/programme"
    assert count(app, Attempt) == 0


def test_quiz_page_reveals_nothing_before_submission(open_quiz: Callable[..., Any]) -> None:
    _client, _url, page = open_quiz()
    assert not re.search(r"CANARY-[A-Z-]+", page.html)
    assert "correct" not in page.html.lower()
    for prompt in ("PROMPT-SINGLE", "PROMPT-MULTIPLE", "PROMPT-TF", "PROMPT-SHORT",
                   "PROMPT-NUMERIC", "PROMPT-MATCHING", "PROMPT-ORDERING"):
        assert prompt in page.html
    # Options are posted as per-attempt tokens, never as the option ids of the YAML.
    values = {c.value for c in page.controls if c.kind in ("radio", "checkbox")}
    assert values.isdisjoint({"a", "b", "c", "d", "true", "false"})
    assert all(re.fullmatch(r"[0-9a-f]{8}", v) for v in values)
    assert page.names() == ["q1", "q2", "q3", "q4", "q5", "q6-1", "q6-2", "q6-3",
                            "q7-1", "q7-2", "q7-3"]
    assert "CASE-STUDY-MARKER" in page.html  # the case study shown with its question


def test_every_kind_right_scores_full_marks_and_shows_explanations(
        open_quiz: Callable[..., Any], right_answers: Callable[..., Any],
        post_answers: Callable[..., Any], app: Flask) -> None:
    client, url, page = open_quiz()
    response = post_answers(client, url, page, right_answers(page))
    assert response.status_code == 303
    assert response.headers["Location"] == url
    html = client.get(url).get_data(as_text=True)
    assert "Passed with 100%" in html
    assert "8 of 8 points" in html
    assert html.count("status--correct") == 7
    for kind in ("SINGLE", "MULTIPLE", "TF", "SHORT", "NUMERIC", "MATCHING", "ORDERING"):
        assert f"CANARY-EXPLANATION-{kind}" in html
    assert "CANARY-FEEDBACK-SINGLE-A" in html  # feedback of the option chosen
    assert "CANARY-FEEDBACK-SINGLE-B" not in html  # not of options not chosen
    assert "CANARY-FEEDBACK-SHORT" not in html  # wrong-answer feedback only when wrong
    with database(app).read() as session:
        responses = session.scalars(
            select(Response).join(Attempt)
            .where(Attempt.public_id == url.rsplit("/", 1)[1]).order_by(Response.position)).all()
    assert [r.response for r in responses][3:5] == ["Dual   CRIMINALITY", "2016"]
    assert responses[0].response == "a"  # stored as ids, never tokens
    assert responses[5].response == {"p-one": "p-one", "p-two": "p-two", "p-three": "p-three"}
    assert responses[6].response == ["s-first", "s-second", "s-third"]


def test_wrong_and_partial_answers_are_graded_and_explained(
        open_quiz: Callable[..., Any], post_answers: Callable[..., Any]) -> None:
    client, url, page = open_quiz()
    answers = {
        "q1": page.choice("q1", "Option beta"),
        "q2": [page.choice("q2", "Multi one"), page.choice("q2", "Multi three")],
        "q4": "single criminality",
        "q5": "2,017",
        "q6-1": page.select("q6-1", "Meaning one"),
        "q6-2": page.select("q6-2", "Meaning extra"),
        "q7-1": page.select("q7-1", "Step third"),
        "q7-2": page.select("q7-2", "Step first"),
        "q7-3": page.select("q7-3", "Step second"),
    }
    post_answers(client, url, page, answers)
    html = client.get(url).get_data(as_text=True)
    # single 0/1, multiple (1-1)/2*2=0, tf unanswered, short 0, numeric 0,
    # matching 1/3, ordering 1/2 (first is followed by second; relative_to_next) of 8 points.
    assert "Not passed: 10.4%" in html
    assert "CANARY-FEEDBACK-SINGLE-B" in html
    assert "CANARY-FEEDBACK-MULTIPLE-C" in html
    assert "CANARY-FEEDBACK-SHORT" in html
    assert "Not answered" in html
    assert html.count("status--partial") == 2
    assert "Meaning extra" in html
    assert "no answer" in html


def test_double_submit_replay_and_second_tab_record_one_result(
        open_quiz: Callable[..., Any], right_answers: Callable[..., Any],
        post_answers: Callable[..., Any], app: Flask, make_app: Callable[..., Flask]) -> None:
    client, url, page = open_quiz()
    answers = right_answers(page)
    first = post_answers(client, url, page, answers)
    replay = post_answers(client, url, page, {"q1": page.choice("q1", "Option beta")})
    assert first.status_code == replay.status_code == 303
    assert count(app, Response) == 7 + 2  # the pre-test's two, and this quiz once
    assert "Passed with 100%" in client.get(url).get_data(as_text=True)


def test_forged_fields_change_nothing(open_quiz: Callable[..., Any], app: Flask,
                                      post_answers: Callable[..., Any]) -> None:
    client, url, page = open_quiz()
    before = count(app, Response)
    forged = post_answers(client, url, page, {"q1": "a"})  # an option id, not a token
    assert forged.status_code == 400
    assert "Choose one of the options shown." in forged.get_data(as_text=True)
    other = post_answers(client, url, page, {"q2": [page.choice("q2", "Multi one"), "ffffffff"]})
    assert other.status_code == 400
    cross = post_answers(client, url, page, {"q1": page.choice("q2", "Multi one")})
    assert cross.status_code == 400
    assert count(app, Response) == before
    extra = post_answers(client, url, page, {"score": "100", "q99": "x", "earned": "8",
                                             "passed": "1"})
    assert extra.status_code == 303
    html = client.get(url).get_data(as_text=True)
    assert "Not passed: 0%" in html


def test_another_attempts_tokens_are_refused_on_the_same_quiz(
        open_quiz: Callable[..., Any], join: Join, app: Flask, right_answers: Callable[..., Any],
        post_answers: Callable[..., Any]) -> None:
    """Two attempts at one quiz share a form class; each accepts only its own tokens."""
    alice, alice_url, alice_page = open_quiz()
    bob, bob_url, bob_page = open_quiz(join("Bob"))
    before = count(app, Response)
    borrowed = right_answers(alice_page)
    assert set(borrowed)
    assert borrowed != right_answers(bob_page)
    refused = post_answers(bob, bob_url, bob_page, borrowed)
    assert refused.status_code == 400
    assert "Choose one of the options shown." in refused.get_data(as_text=True)
    assert count(app, Response) == before
    assert post_answers(alice, alice_url, alice_page, borrowed).status_code == 303
    assert post_answers(bob, bob_url, bob_page, right_answers(bob_page)).status_code == 303
    assert "Passed with 100%" in bob.get(bob_url).get_data(as_text=True)


def test_ordering_must_use_each_step_once(open_quiz: Callable[..., Any],
                                          post_answers: Callable[..., Any]) -> None:
    client, url, page = open_quiz()
    step = page.select("q7-1", "Step first")
    response = post_answers(client, url, page, {"q7-1": step, "q7-2": step,
                                                "q4": "kept answer"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "using each step once" in html
    assert 'value="kept answer"' in html


def test_another_trainees_attempt_is_not_found(open_quiz: Callable[..., Any], join: Join,
                                               csrf: Callable[[str], str],
                                               post_answers: Callable[..., Any]) -> None:
    _alice, url, page = open_quiz()
    bob = join("Bob")
    assert bob.get(url).status_code == 404
    token = csrf(bob.get("/programme").get_data(as_text=True))
    assert bob.post(url, data={"csrf_token": token, "q1": page.choice("q1", "Option alpha")}
                    ).status_code == 404
    assert bob.get("/attempts/not-an-attempt").status_code == 404


def test_start_twice_resumes_and_retake_after_submit_is_a_new_attempt(
        open_quiz: Callable[..., Any], csrf: Callable[[str], str],
        post_answers: Callable[..., Any]) -> None:
    client, url, page = open_quiz()
    token = csrf(page.html)
    again = client.post("/modules/canary-kinds/start", data={"csrf_token": token})
    assert again.headers["Location"] == url
    post_answers(client, url, page, {})
    retake = client.post("/modules/canary-kinds/start", data={"csrf_token": token})
    assert retake.headers["Location"] != url
    html = client.get("/modules/canary-kinds").get_data(as_text=True)
    assert "Your attempts" in html


def test_pre_test_is_taken_once_and_post_test_opens_after_the_modules(
        join: Join, csrf: Callable[[str], str], app: Flask,
        parse_quiz: Callable[[str], Any], post_answers: Callable[..., Any]) -> None:
    client = join()
    token = csrf(client.get("/programme").get_data(as_text=True))
    locked = client.post("/tests/post/start", data={"csrf_token": token})
    assert locked.headers["Location"] == "/programme"
    pre_url = client.post("/tests/pre/start", data={"csrf_token": token}).headers["Location"]
    page = parse_quiz(client.get(pre_url).get_data(as_text=True))
    assert "PROMPT-SINGLE" in page.html
    assert "PROMPT-ONLY" in page.html
    post_answers(client, pre_url, page, {"q1": page.choice("q1", "Option alpha")})
    assert client.post("/tests/pre/start", data={"csrf_token": token}
                       ).headers["Location"] == pre_url
    result = client.get(pre_url).get_data(as_text=True)
    assert "Your score: 50%" in result
    for module in ("canary-kinds", "canary-second"):
        url = client.post(f"/modules/{module}/start", data={"csrf_token": token}
                          ).headers["Location"]
        post_answers(client, url, parse_quiz(client.get(url).get_data(as_text=True)), {})
    post_url = client.post("/tests/post/start", data={"csrf_token": token}).headers["Location"]
    assert "PROMPT-TF" in client.get(post_url).get_data(as_text=True)
    with database(app).read() as session:
        kinds = sorted(a.kind for a in session.scalars(select(Attempt)))
    assert kinds == ["module", "module", "post", "pre"]


def test_unknown_test_name_is_not_found(join: Join, csrf: Callable[[str], str]) -> None:
    client = join()
    token = csrf(client.get("/programme").get_data(as_text=True))
    assert client.post("/tests/mid/start", data={"csrf_token": token}).status_code == 404


def test_results_survive_a_restart_and_a_later_yaml_edit(
        open_quiz: Callable[..., Any], right_answers: Callable[..., Any],
        post_answers: Callable[..., Any], make_app: Callable[..., Flask],
        content_root: Path) -> None:
    client, url, page = open_quiz()
    post_answers(client, url, page, right_answers(page))
    module = content_root / "modules" / "canary-kinds.yaml"
    text = module.read_text(encoding="utf-8")
    # Make option b the right one: a re-grade would now fail question 1.
    text = text.replace("text: Option alpha\n          correct: true",
                        "text: Option alpha").replace("text: Option beta",
                                                      "text: Option beta\n          correct: true")
    module.write_text(text, encoding="utf-8")
    restarted = make_app()
    other = restarted.test_client()
    with client.session_transaction() as old, other.session_transaction() as new:
        new.update(old)
    html = other.get(url).get_data(as_text=True)
    assert "Passed with 100%" in html
    assert "has been edited since you answered it" in html
    assert html.count("has been edited") == 1


def test_an_edit_between_start_and_submit_stores_nothing(
        open_quiz: Callable[..., Any], post_answers: Callable[..., Any],
        make_app: Callable[..., Flask], content_root: Path, app: Flask) -> None:
    client, url, page = open_quiz()
    module = content_root / "modules" / "canary-kinds.yaml"
    module.write_text(module.read_text(encoding="utf-8").replace("PROMPT-TF", "PROMPT-TF2"),
                      encoding="utf-8")
    restarted = make_app()
    other = restarted.test_client()
    with client.session_transaction() as old, other.session_transaction() as new:
        new.update(old)
    before = count(app, Response)
    response = other.get(url)
    assert response.status_code == 409
    assert "This quiz has been updated" in response.get_data(as_text=True)
    post_answers(other, url, page, {"q1": page.choice("q1", "Option alpha")})
    assert count(app, Response) == before


def test_pages_are_light(open_quiz: Callable[..., Any], right_answers: Callable[..., Any],
                         post_answers: Callable[..., Any]) -> None:
    client, url, page = open_quiz()
    sizes = {"home": len(client.get("/").data), "programme": len(client.get("/programme").data),
             "module": len(client.get("/modules/canary-kinds").data), "quiz": len(page.html)}
    post_answers(client, url, page, right_answers(page))
    sizes["result"] = len(client.get(url).data)
    with client.get("/static/trainer.css") as css:
        sizes["css"] = len(css.data)
    assert max(sizes.values()) < 100_000, sizes
