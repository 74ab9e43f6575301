"""A workshop wholly in its language: the curriculum's own text translated, a notice (with the
switcher) when joining changes the interface language, per-answer feedback in another language than
the page's marked with its own lang and dir, and a case study's label printed once."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape
from sqlalchemy import select

from trainer.store.migrate import upgrade
from trainer.store.models import Attempt
from trainer.web import create_app
from trainer.web.state import catalogue, database

TOKEN = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


@pytest.fixture
def app(tmp_path: Path, sample_root: Path) -> Iterator[Flask]:
    """The sample, with the Arabic translation of mandate-2322 taken out (an English module)."""
    root = tmp_path / "content"
    shutil.copytree(sample_root / "modules", root / "modules")
    shutil.copytree(sample_root / "curriculum", root / "curriculum")
    (root / "modules" / "ar" / "mandate-2322.yaml").unlink()
    app = create_app({"INSTANCE_PATH": str(tmp_path / "instance"), "TRAINER_CONTENT_ROOT": str(root),
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'w.sqlite3'}", "TESTING": True})
    upgrade(app.config["DATABASE_URL"])
    yield app
    database(app).dispose()


def _token(html: str) -> str:
    found = TOKEN.search(html)
    assert found, "no CSRF token on the page"
    return found.group(1)


def _join(client: FlaskClient, code: str) -> str:
    token = _token(client.get("/").get_data(as_text=True))
    response = client.post("/join", data={"name": "Amina K.", "code": code, "csrf_token": token})
    assert response.status_code == 303
    return client.get(response.headers["Location"]).get_data(as_text=True)


def _choose(client: FlaskClient, language: str) -> None:
    token = _token(client.get("/").get_data(as_text=True))
    assert client.post("/language", data={"language": language, "next": "/",
                                          "csrf_token": token}).status_code == 303


def test_joining_a_french_workshop_from_an_english_browser_says_so(app: Flask) -> None:
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en-GB,en;q=0.9"
    html = _join(client, "MALTA16")
    assert '<html lang="fr" dir="ltr">' in html
    notice = re.search(r'<div class="flash flash--info flash--language">(.*?)</div>', html, re.S)
    assert notice, html
    assert "Cet atelier se déroule en français" in notice.group(1)
    assert 'aria-label="Choisir la langue de l’interface"' in notice.group(1)
    assert 'value="en" lang="en"' in notice.group(1)  # the switcher, at hand
    # Shown once: the next page has no notice.
    assert "flash--language" not in client.get("/programme").get_data(as_text=True)
    # A French browser joining the French workshop needs no notice.
    french = app.test_client()
    french.environ_base["HTTP_ACCEPT_LANGUAGE"] = "fr-FR,fr;q=0.9"
    assert "flash--language" not in _join(french, "MALTA16")


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_programme_shows_the_translated_curriculum(app: Flask, language: str) -> None:
    client = app.test_client()
    _choose(client, language)
    _join(client, "JAKARTA17")  # an English workshop, seen in the language the trainee chose
    html = client.get("/programme").get_data(as_text=True)
    shown = catalogue(app).curriculum_in("gcai", language)
    workshop = next(w for w in shown.workshops if w.id == "southeast-asia-2017")
    assert shown.language == language
    assert f"<h1>{escape(shown.title)}</h1>" in html  # the page's language: no lang attribute
    assert f'<h2 class="step__title">{escape(shown.pre_test.title)}</h2>' in html
    assert f'<h2 class="step__title">{escape(shown.post_test.title)}</h2>' in html
    assert f'<p class="eyebrow">{escape(workshop.title)} · {escape(workshop.city)}</p>' in html
    assert f"<title>{escape(shown.title)} ·" in html
    home = client.get("/").get_data(as_text=True)
    assert f"<bdi>{escape(workshop.title)}</bdi>" in home


def test_english_feedback_on_an_arabic_result_page_keeps_its_direction(app: Flask) -> None:
    client = app.test_client()
    _choose(client, "ar")
    _join(client, "JAKARTA17")
    token = _token(client.get("/programme").get_data(as_text=True))
    pre = client.post("/tests/pre/start", data={"csrf_token": token}).headers["Location"]
    quiz = client.get(pre).get_data(as_text=True)
    # The pre-test shows the case study's label once (English title in an Arabic page).
    assert "Case study: Case study:" not in quiz
    assert "دراسة حالة: Case study" not in quiz
    client.post(pre, data={"csrf_token": _token(quiz)})
    token = _token(client.get("/modules/mandate-2322").get_data(as_text=True))
    url = client.post("/modules/mandate-2322/start", data={"csrf_token": token}).headers["Location"]
    page = client.get(url).get_data(as_text=True)
    assert "دراسة حالة: Case study" not in page
    assert 'دراسة حالة: <bdi lang="en" dir="ltr">briefing the Minister' in page
    public_id = url.rsplit("/", 1)[-1]
    with database(app).read() as session:
        tokens = dict(session.scalars(select(Attempt).where(Attempt.public_id == public_id)).one().tokens)
    module = catalogue(app).module("mandate-2322")
    answers: dict[str, str] = {}
    for number, question in enumerate(module.quiz.questions, start=1):
        wrong = [o.id for o in getattr(question, "options", []) if not o.correct and o.feedback]
        if question.kind == "single" and wrong:
            answers[f"q{number}"] = tokens[f"mandate-2322/{question.id}"][wrong[0]]
    assert answers
    client.post(url, data={"csrf_token": _token(page), **answers})
    result = client.get(url).get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in result
    feedback = re.findall(r'<div class="answer__feedback"([^>]*)>', result)
    assert len(feedback) >= len(answers)
    assert set(feedback) == {' lang="en" dir="ltr"'}
