"""The dashboard in French and Arabic, and its PDFs in the workshop's language.

One trainee of an Arabic-language workshop passes the post-test; the trainer, whose interface
is in French or Arabic, downloads the report, the certificate and the handbooks.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pypdf
import pytest
from flask import Flask
from flask.testing import FlaskClient

from trainer.store.accounts import create_trainer
from trainer.web.state import database

PASSWORD = "a long enough password"
HTML_TAG = re.compile(r'<html lang="([a-z]+)" dir="(ltr|rtl)">')

MODULE = """\
id: lang-one
title: Language module
summary: A module for the language tests.
duration_minutes: 30
objectives:
  - id: know
    text: Know the rules.
sections:
  - id: only
    title: Only section
    body: Reading.
quiz:
  pass_mark: 50
  questions:
    - id: q-a
      kind: single
      objective: know
      prompt: Question A?
      options:
        - {id: a, text: Alpha right, correct: true}
        - {id: b, text: Alpha wrong}
"""

TEST = """\
  pass_mark: 50
  questions:
    - {module: lang-one, question: q-a}
"""

CURRICULUM = f"""\
id: lang
title: Language curriculum
audience: Testers.
author: The test suite
modules: [lang-one]
pre_test:
  title: Language pre-test
{TEST}post_test:
  title: Language post-test
{TEST}workshops:
  - id: ws-ar
    title: Arabic workshop
    region: Test region
    city: Testville
    start: "2017-05-16"
    end: "2017-05-18"
    language: ar
    join_code: ARAB17
  - id: ws-en
    title: English workshop
    region: Test region
    start: "2017-05-16"
    end: "2017-05-18"
    language: en
    join_code: ENGL17
"""


@pytest.fixture
def content_root(tmp_path: Path) -> Path:
    """Return a content root with one module and a curriculum with an Arabic workshop."""
    root = tmp_path / "lang-content"
    (root / "modules").mkdir(parents=True)
    (root / "curriculum").mkdir()
    (root / "modules" / "lang-one.yaml").write_text(MODULE, encoding="utf-8")
    (root / "curriculum" / "lang.yaml").write_text(CURRICULUM, encoding="utf-8")
    return root


def _text(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return " ".join(unicodedata.normalize("NFKC", " ".join(
        page.extract_text() for page in reader.pages)).split())


def _choose(client: FlaskClient, csrf: Callable[[str], str], language: str, back: str) -> None:
    token = csrf(client.get(back).get_data(as_text=True))
    response = client.post("/language", data={"language": language, "next": back,
                                              "csrf_token": token})
    assert response.status_code == 303


def _login(client: FlaskClient, csrf: Callable[[str], str]) -> None:
    token = csrf(client.get("/trainer/login").get_data(as_text=True))
    response = client.post("/trainer/login", data={"username": "tess", "password": PASSWORD,
                                                   "csrf_token": token})
    assert response.status_code == 303


@pytest.fixture
def trainer_app(app: Flask) -> Flask:
    """Return the app with the trainer tess."""
    create_trainer(database(app), "tess", PASSWORD)
    return app


@pytest.fixture
def passed(trainer_app: Flask, join: Callable[..., FlaskClient], csrf: Callable[[str], str],
           parse_quiz: Any, post_answers: Callable[..., Any]) -> Flask:
    """Have Amina of the Arabic workshop take the pre-test, pass the module and the post-test."""
    client = join("Amina K.", "ws-ar")
    for start, label in (("/tests/pre/start", "Alpha wrong"), ("/modules/lang-one/start",
                                                               "Alpha right"),
                         ("/tests/post/start", "Alpha right")):
        token = csrf(client.get("/").get_data(as_text=True))
        url = client.post(start, data={"csrf_token": token}).headers["Location"]
        page = parse_quiz(client.get(url).get_data(as_text=True))
        assert post_answers(client, url, page, {"q1": page.choice("q1", label)}).status_code == 303
    return trainer_app


def test_the_language_chosen_before_login_survives_login_and_logout(
        trainer_app: Flask, csrf: Callable[[str], str]) -> None:
    client = trainer_app.test_client()
    _choose(client, csrf, "ar", "/trainer/login")
    login_page = client.get("/trainer/login").get_data(as_text=True)
    assert HTML_TAG.search(login_page).groups() == ("ar", "rtl")  # type: ignore[union-attr]
    _login(client, csrf)
    with client.session_transaction() as session:
        assert session["language"] == "ar"
        assert "_user_id" in session
    page = client.get("/trainer/").get_data(as_text=True)
    assert HTML_TAG.search(page).groups() == ("ar", "rtl")  # type: ignore[union-attr]
    assert "حلقات العمل" in page
    token = csrf(page)
    assert client.post("/trainer/logout", data={"csrf_token": token}).status_code == 303
    with client.session_transaction() as session:
        assert set(session) <= {"language", "_flashes", "csrf_token"}
    assert HTML_TAG.search(client.get("/trainer/login").get_data(as_text=True)).groups() == (
        "ar", "rtl")  # type: ignore[union-attr]


def test_a_login_without_a_choice_follows_the_browser(trainer_app: Flask,
                                                      csrf: Callable[[str], str]) -> None:
    client = trainer_app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "fr"
    _login(client, csrf)
    with client.session_transaction() as session:
        assert "language" not in session
    page = client.get("/trainer/").get_data(as_text=True)
    assert HTML_TAG.search(page).groups() == ("fr", "ltr")  # type: ignore[union-attr]
    assert "Ateliers" in page


@pytest.mark.parametrize(("language", "direction", "words"), [
    ("fr", "ltr", ["Qui a fait quoi", "Téléchargements", "Manuel dans une autre langue",
                   "Les PDF sont dans la langue de l’atelier\u00a0: arabe."]),
    ("ar", "rtl", ["التنزيلات", "الدليل بلغة أخرى", "ملفات PDF بلغة حلقة العمل: العربية."]),
])
def test_dashboard_pages_in_french_and_arabic(passed: Flask, csrf: Callable[[str], str],
                                              language: str, direction: str,
                                              words: list[str]) -> None:
    client = passed.test_client()
    _choose(client, csrf, language, "/trainer/login")
    _login(client, csrf)
    for path in ("/trainer/", "/trainer/workshops/ws-ar", "/trainer/workshops/ws-ar/gain",
                 "/trainer/workshops/ws-ar/items"):
        html = client.get(path).get_data(as_text=True)
        assert HTML_TAG.search(html).groups() == (language, direction), path  # type: ignore[union-attr]
        for english in ("Workshops", "Downloads", "Log out", "Learning gain", "Item analysis"):
            assert f">{english}<" not in html, (path, english)
    html = client.get("/trainer/workshops/ws-ar").get_data(as_text=True)
    for word in words:
        assert word in html, word
    # The content (written in English) keeps its language inside the translated page.
    assert '<h1 lang="en" dir="ltr">Arabic workshop</h1>' in html
    # The handbook selector offers every language, the workshop's chosen.
    assert '<option value="ar" lang="ar" selected>العربية</option>' in html
    assert 'formaction="/trainer/workshops/ws-ar/handbook/facilitator.pdf"' in html


def test_report_and_certificate_are_in_the_workshop_language(passed: Flask,
                                                             csrf: Callable[[str], str]) -> None:
    client = passed.test_client()
    _choose(client, csrf, "fr", "/trainer/login")  # the trainer reads French
    _login(client, csrf)
    report = client.get("/trainer/workshops/ws-ar/report.pdf")
    assert report.status_code == 200
    text = _text(report.data)
    assert "نتائج حلقة العمل" in text
    assert "Résultats" not in text
    grid = client.get("/trainer/workshops/ws-ar").get_data(as_text=True)
    link = re.search(r'href="(/trainer/workshops/ws-ar/certificates/[^"]+\.pdf)"', grid)
    assert link is not None
    certificate = client.get(link.group(1))
    assert certificate.status_code == 200
    text = _text(certificate.data)
    for phrase in ("شهادة إتمام", "Amina K.", "Language module", "مايو"):
        assert phrase in text, phrase
    english = client.get("/trainer/workshops/ws-en/report.pdf")
    assert "Workshop results".upper() in _text(english.data)


def test_handbook_in_the_workshop_language_or_the_one_asked_for(
        passed: Flask, csrf: Callable[[str], str], download: Callable[..., Any]) -> None:
    client = passed.test_client()
    _login(client, csrf)
    default = download(client, "/trainer/workshops/ws-ar/handbook/participant.pdf")
    assert default.status_code == 200
    assert "المحتويات" in _text(default.data)
    assert "-fr.pdf" not in default.headers["Content-Disposition"]
    default.close()
    french = download(client, "/trainer/workshops/ws-ar/handbook/participant.pdf?language=fr")
    assert french.status_code == 200
    assert "Sommaire" in _text(french.data)
    assert french.headers["Content-Disposition"].endswith('-fr.pdf"')
    french.close()
    assert client.get("/trainer/workshops/ws-ar/handbook/participant.pdf?language=de"
                      ).status_code == 404
