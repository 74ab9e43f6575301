"""The dashboard upload of offline results files: trainer-only, CSRF, size limit, the report page,
and imported participants in the grid (marked offline) and the learning gain."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from trainer.content.catalogue import Catalogue
from trainer.content.models import (
    Matching,
    MultipleChoice,
    Numeric,
    Ordering,
    Question,
    ShortAnswer,
)
from trainer.store.accounts import create_trainer
from trainer.store.models import Attempt
from trainer.web.state import catalogue, database

PASSWORD = "a long enough password"
IMPORT = "/trainer/workshops/ws-alpha/import"


def _right(question: Question) -> object:
    if isinstance(question, ShortAnswer):
        return question.accepted[0]
    if isinstance(question, Numeric):
        return str(question.answer if question.answer is not None else question.range.min)  # type: ignore[union-attr]
    if isinstance(question, Matching):
        return {pair.id: pair.id for pair in question.pairs}
    if isinstance(question, Ordering):
        return [item.id for item in question.items]
    right = [o.id for o in question.options if o.correct]
    return right if isinstance(question, MultipleChoice) else right[0]


def _attempt(content: Catalogue, attempt_id: str, kind: str, pairs: list[tuple[str, str]],
             right: bool) -> dict[str, Any]:
    answers = [{"module": m, "question": q, "question_hash": content.question_hash(m, q),
                "response": _right(content.question(m, q)) if right else None,
                "earned": 0, "max": content.question(m, q).points, "status": "unanswered"}
               for m, q in pairs]
    module = pairs[0][0] if kind == "module" else None
    return {"id": attempt_id, "kind": kind, "module": module,
            "module_hash": content.module_hashes[module] if module else None,
            "started_at": "2017-05-16T09:00:00Z", "submitted_at": "2017-05-16T09:30:00Z",
            "earned": 0, "max": sum(a["max"] for a in answers), "percent": 0, "passed": False,
            "answers": answers}


def results_file(content: Catalogue, *, pre: bool = True, post: bool = False,
                 learner: str = "b" * 32, name: str = "Offline Olga") -> bytes:
    """Return a results file for ws-alpha: a blank pre-test and canary-second right (or more)."""
    curriculum, _workshop = content.workshop("ws-alpha")
    attempts = []
    if pre:
        attempts.append(_attempt(content, "pre-attempt-00001", "pre",
                                 [(r.module, r.question) for r in curriculum.pre_test.questions],
                                 right=False))
    second = content.module("canary-second")
    attempts.append(_attempt(content, "second-attempt-001", "module",
                             [("canary-second", q.id) for q in second.quiz.questions], right=True))
    if post:
        attempts.append(_attempt(content, "post-attempt-00001", "post",
                                 [(r.module, r.question) for r in curriculum.post_test.questions],
                                 right=True))
    return json.dumps({
        "format": "trainer-results", "version": 2, "curriculum": "canary",
        "workshop": "ws-alpha", "learner": learner, "participant": name,
        "exported_at": "2017-05-16T17:00:00Z", "attempts": attempts}).encode()


@pytest.fixture
def trainer(app: Flask, csrf: Callable[[str], str]) -> FlaskClient:
    """Return a client signed in as a trainer."""
    create_trainer(database(app), "tess", PASSWORD)
    client = app.test_client()
    page = client.get("/trainer/login").get_data(as_text=True)
    response = client.post("/trainer/login", data={"username": "tess", "password": PASSWORD,
                                                   "csrf_token": csrf(page)})
    assert response.status_code == 303
    return client


def _token(client: FlaskClient) -> str:
    page = client.get("/trainer/workshops/ws-alpha").get_data(as_text=True)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, "no upload form on the workshop page"
    return found.group(1)


def _upload(client: FlaskClient, *files: tuple[bytes, str], token: str | None = None
            ) -> Any:
    """Post files as a browser does (the body made here: the test client spools big ones)."""
    boundary = "----trainer-test-boundary"
    body = io.BytesIO()
    if token is not None:
        body.write(f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'
                   f"{token}\r\n".encode())
    for data, name in files:
        body.write(f'--{boundary}\r\nContent-Disposition: form-data; name="files"; '
                   f'filename="{name}"\r\nContent-Type: application/json\r\n\r\n'.encode())
        body.write(data + b"\r\n")
    body.write(f"--{boundary}--\r\n".encode())
    return client.post(IMPORT, data=body.getvalue(),
                       content_type=f"multipart/form-data; boundary={boundary}")


def _attempts(app: Flask) -> int:
    with database(app).read() as session:
        return int(session.scalar(select(func.count()).select_from(Attempt)) or 0)


def test_upload_imports_and_the_grid_marks_offline_participants(app: Flask,
                                                                trainer: FlaskClient) -> None:
    body = results_file(catalogue(app))
    response = _upload(trainer, (body, "olga.json"), token=_token(trainer))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "olga.json" in page
    assert re.search(r'class="import-participant"><bdi>Offline Olga</bdi> <span class="meta">'
                     r"new</span>", page)
    assert '<dd class="import-imported">2</dd>' in page
    assert '<dd class="import-duplicates">0</dd>' in page
    assert '<dd class="import-refused-count">0</dd>' in page
    # The file claimed 0 % for the right answers: the dashboard re-graded them.
    assert "Scores graded again differ from the file" in page
    grid = trainer.get("/trainer/workshops/ws-alpha").get_data(as_text=True)
    assert re.search(r'<bdi>Offline Olga</bdi></a> <span class="badge">offline</span>', grid)
    assert '<dd id="stat-joined">1</dd>' in grid
    assert '<dd id="stat-pre">1</dd>' in grid
    again = _upload(trainer, (body, "olga-again.json"), token=_token(trainer))
    text = again.get_data(as_text=True)
    assert '<dd class="import-imported">0</dd>' in text
    assert '<dd class="import-duplicates">2</dd>' in text
    assert "already known" in text
    assert _attempts(app) == 2


def test_offline_participants_count_in_the_learning_gain(app: Flask, trainer: FlaskClient
                                                         ) -> None:
    body = results_file(catalogue(app), post=True)
    assert _upload(trainer, (body, "olga.json"), token=_token(trainer)).status_code == 200
    gain = trainer.get("/trainer/workshops/ws-alpha/gain").get_data(as_text=True)
    assert '<dd id="cohort-n">1</dd>' in gain
    assert '<dd id="cohort-pre">0.0 %</dd>' in gain
    assert '<dd id="cohort-post">100.0 %</dd>' in gain


def test_refusals_are_listed_with_where_and_why(app: Flask, trainer: FlaskClient) -> None:
    data = json.loads(results_file(catalogue(app)))
    data["attempts"][1]["answers"][0]["question_hash"] = "0" * 64
    question = data["attempts"][1]["answers"][0]["question"]
    response = _upload(trainer, (json.dumps(data).encode(), "stale.json"),
                       (b"{not json", "broken.json"), token=_token(trainer))
    page = response.get_data(as_text=True)
    assert '<dd class="import-imported">1</dd>' in page
    assert f"<code>canary-second/{question}</code>" in page
    assert "This question has changed since the site was made" in page
    assert "Module quiz: " in page
    assert "This file was not imported: nothing from it was stored." in page
    assert "not a results file (invalid JSON" in page
    assert _attempts(app) == 1


def test_only_trainers_may_upload(app: Flask, join: Callable[..., FlaskClient]) -> None:
    body = results_file(catalogue(app))
    for client in (app.test_client(), join()):
        response = _upload(client, (body, "olga.json"))
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/trainer/login")
    assert _attempts(app) == 0


def test_upload_needs_a_csrf_token(app: Flask, trainer: FlaskClient) -> None:
    body = results_file(catalogue(app))
    assert _upload(trainer, (body, "olga.json")).status_code == 400
    assert _upload(trainer, (body, "olga.json"), token="forged").status_code == 400
    assert _attempts(app) == 0


def test_the_upload_form_and_an_empty_upload(trainer: FlaskClient) -> None:
    page = trainer.get(IMPORT).get_data(as_text=True)
    assert 'type="file" id="import-files" name="files"' in page
    response = trainer.post(IMPORT, data={"csrf_token": _token(trainer)})
    assert response.status_code == 400
    assert "Choose one or more results files first." in response.get_data(as_text=True)
    assert trainer.get("/trainer/workshops/no-such/import").status_code == 404


def test_the_route_takes_files_larger_than_the_app_limit_but_not_beyond_its_own(
        make_app: Callable[..., Flask], csrf: Callable[[str], str]) -> None:
    app = make_app(TRAINER_IMPORT_MAX_BYTES=900 * 1024)
    create_trainer(database(app), "tess", PASSWORD)
    client = app.test_client()
    login = client.get("/trainer/login").get_data(as_text=True)
    client.post("/trainer/login", data={"username": "tess", "password": PASSWORD,
                                        "csrf_token": csrf(login)})
    body = results_file(catalogue(app))
    padded = body[:-1] + b" " * (700 * 1024) + b"}"  # over the app's 512 KiB, valid JSON
    response = _upload(client, (padded, "padded.json"), token=_token(client))
    assert response.status_code == 200
    assert '<dd class="import-imported">2</dd>' in response.get_data(as_text=True)
    too_big = _upload(client, (b" " * (1024 * 1024), "huge.json"), token=_token(client))
    assert too_big.status_code == 413
    assert _attempts(app) == 2
