"""Interface language: Accept-Language, the workshop's language, the switcher; translated content
marked with its language; grading the same in every language (on the sample curriculum)."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from trainer.store.migrate import upgrade
from trainer.store.models import Attempt
from trainer.web import create_app
from trainer.web.state import catalogue, database

HTML_TAG = re.compile(r"<html lang=\"([a-z]+)\" dir=\"(ltr|rtl)\">")
TOKEN = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def _sample_app(tmp_path: Path, root: Path) -> Flask:
    app = create_app({"INSTANCE_PATH": str(tmp_path / "instance"), "TRAINER_CONTENT_ROOT": str(root),
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'i18n.sqlite3'}", "TESTING": True})
    upgrade(app.config["DATABASE_URL"])
    return app


@pytest.fixture
def sample_app(tmp_path: Path, sample_root: Path) -> Iterator[Flask]:
    app = _sample_app(tmp_path, sample_root)
    yield app
    database(app).dispose()


def _token(html: str) -> str:
    found = TOKEN.search(html)
    assert found, "no CSRF token on the page"
    return found.group(1)


def _html_tag(html: str) -> tuple[str, str]:
    found = HTML_TAG.search(html)
    assert found, html[:200]
    return found.group(1), found.group(2)


def _join(client: FlaskClient, code: str = "MALTA16") -> None:
    token = _token(client.get("/").get_data(as_text=True))
    response = client.post("/join", data={"name": "Amina K.", "code": code, "csrf_token": token})
    assert response.status_code == 303, response.get_data(as_text=True)


def _choose(client: FlaskClient, language: str, back: str = "/") -> str:
    token = _token(client.get(back).get_data(as_text=True))
    response = client.post("/language", data={"language": language, "next": back,
                                               "csrf_token": token})
    assert response.status_code == 303
    return str(response.headers["Location"])


@pytest.mark.parametrize(("header", "lang", "direction", "text"), [
    ("fr-FR,fr;q=0.9", "fr", "ltr", "Rejoignez votre atelier"),
    ("ar", "ar", "rtl", "انضم إلى حلقة العمل"),
    ("de, en;q=0.5", "en", "ltr", "Join your workshop"),
    ("", "en", "ltr", "Join your workshop"),
])
def test_accept_language_picks_the_start_page_language(sample_app: Flask, header: str, lang: str,
                                                       direction: str, text: str) -> None:
    page = sample_app.test_client().get("/", headers={"Accept-Language": header})
    html = page.get_data(as_text=True)
    assert _html_tag(html) == (lang, direction)
    assert text in html


def test_the_workshop_language_wins_over_the_browser(sample_app: Flask) -> None:
    client = sample_app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "ar"
    _join(client, "MALTA16")  # the Sahel-Maghreb workshop runs in French
    html = client.get("/programme").get_data(as_text=True)
    assert _html_tag(html) == ("fr", "ltr")
    assert "Mon programme" in html


def test_the_switcher_overrides_the_workshop_and_survives_joining(sample_app: Flask) -> None:
    client = sample_app.test_client()
    assert _choose(client, "ar") == "/"
    assert _html_tag(client.get("/").get_data(as_text=True)) == ("ar", "rtl")
    _join(client, "MALTA16")
    html = client.get("/programme").get_data(as_text=True)
    assert _html_tag(html) == ("ar", "rtl")
    assert "برنامجي" in html
    assert _choose(client, "en", "/programme") == "/programme"
    assert _html_tag(client.get("/programme").get_data(as_text=True)) == ("en", "ltr")


def test_the_switcher_is_on_every_page_and_marks_the_current_language(sample_app: Flask) -> None:
    client = sample_app.test_client()
    for path in ("/", "/trainer/login", "/no-such-page"):
        html = client.get(path, headers={"Accept-Language": "fr"}).get_data(as_text=True)
        assert 'action="/language"' in html, path
        assert re.search(r'value="fr" lang="fr" aria-current="true">Français<', html), path
        assert 'value="ar" lang="ar">العربية<' in html, path


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/\\evil",
                                    "javascript:alert(1)", ""])
def test_the_switcher_goes_back_only_to_this_site(sample_app: Flask, target: str) -> None:
    client = sample_app.test_client()
    token = _token(client.get("/").get_data(as_text=True))
    response = client.post("/language", data={"language": "fr", "next": target,
                                              "csrf_token": token})
    assert response.headers["Location"] == "/"


def test_the_switcher_needs_post_csrf_and_a_known_language(sample_app: Flask) -> None:
    client = sample_app.test_client()
    assert client.get("/language").status_code == 405
    assert client.post("/language", data={"language": "ar"}).status_code == 400
    token = _token(client.get("/").get_data(as_text=True))
    client.post("/language", data={"language": "xx", "csrf_token": token})
    assert _html_tag(client.get("/").get_data(as_text=True)) == ("en", "ltr")


def test_a_translated_module_is_shown_in_the_trainee_language(tmp_path: Path, sample_root: Path) -> None:
    root = tmp_path / "content"
    shutil.copytree(sample_root / "modules", root / "modules")
    shutil.copytree(sample_root / "curriculum", root / "curriculum")
    (root / "modules" / "ar" / "electronic-evidence.yaml").unlink()  # one module left in English
    sample_app = _sample_app(tmp_path, root)
    client = sample_app.test_client()
    _choose(client, "ar")
    _join(client)
    html = client.get("/modules/mandate-2322").get_data(as_text=True)
    arabic = catalogue(sample_app).module_in("mandate-2322", "ar")
    assert arabic.language == "ar"
    assert f"<h1>{arabic.title}</h1>" in html  # same language as the page: no lang attribute


def test_an_untranslated_module_is_marked_with_its_language(tmp_path: Path,
                                                            sample_root: Path) -> None:
    """A module with no Arabic translation keeps its source language, marked for screen readers."""
    root = tmp_path / "content"
    shutil.copytree(sample_root / "modules", root / "modules")
    shutil.copytree(sample_root / "curriculum", root / "curriculum")
    (root / "modules" / "ar" / "electronic-evidence.yaml").unlink()
    app = _sample_app(tmp_path, root)
    try:
        client = app.test_client()
        _choose(client, "ar")
        _join(client)
        other = client.get("/modules/electronic-evidence").get_data(as_text=True)
        source = catalogue(app).module("electronic-evidence")
        assert f'<h1 lang="en" dir="ltr">{source.title}</h1>' in other
    finally:
        database(app).dispose()


def test_an_entry_that_falls_back_is_marked_with_the_source_language(tmp_path: Path,
                                                                     sample_root: Path) -> None:
    root = tmp_path / "content"
    shutil.copytree(sample_root / "modules", root / "modules")
    shutil.copytree(sample_root / "curriculum", root / "curriculum")
    source = root / "modules" / "mandate-2322.yaml"
    text = source.read_text(encoding="utf-8")
    title = re.search(r"^title: (.+)$", text, re.MULTILINE)
    assert title
    # The source title changes after translation: the French title is stale and falls back.
    source.write_text(text.replace(title.group(0), "title: A retitled mandate module", 1),
                      encoding="utf-8")
    app = _sample_app(tmp_path, root)
    try:
        client = app.test_client()
        _join(client, "MALTA16")
        html = client.get("/modules/mandate-2322").get_data(as_text=True)
        assert _html_tag(html) == ("fr", "ltr")
        assert '<h1 lang="en" dir="ltr">A retitled mandate module</h1>' in html
        french = catalogue(app).module_in("mandate-2322", "fr")
        section = french.sections[0]
        assert f'<section class="panel section" id="section-{section.id}"' in html
        assert f"{section.title}</h2>" in html  # still translated, not marked
    finally:
        database(app).dispose()


def _attempt_score(client: FlaskClient, app: Flask) -> tuple[float, str]:
    """Start the module quiz, answer every choice question right by id, return the stored score."""
    token = _token(client.get("/programme").get_data(as_text=True))
    pre = client.post("/tests/pre/start", data={"csrf_token": token}).headers["Location"]
    page = client.get(pre).get_data(as_text=True)
    if "data-quiz" in page:
        client.post(pre, data={"csrf_token": _token(page)})
    token = _token(client.get("/modules/mandate-2322").get_data(as_text=True))
    url = client.post("/modules/mandate-2322/start", data={"csrf_token": token}).headers["Location"]
    page = client.get(url).get_data(as_text=True)
    public_id = url.rsplit("/", 1)[-1]
    with database(app).read() as session:
        attempt = session.scalars(select(Attempt).where(Attempt.public_id == public_id)).one()
        tokens = dict(attempt.tokens)
    module = catalogue(app).module("mandate-2322")
    answers: dict[str, str | list[str]] = {}
    for number, question in enumerate(module.quiz.questions, start=1):
        options = getattr(question, "options", None)
        if options is None:
            continue
        mapping = tokens[f"mandate-2322/{question.id}"]
        right = [mapping[o.id] for o in options if o.correct]
        answers[f"q{number}"] = right if question.kind == "multiple" else right[0]
    client.post(url, data={"csrf_token": _token(page), **answers})
    result = client.get(url).get_data(as_text=True)
    with database(app).read() as session:
        attempt = session.scalars(select(Attempt).where(Attempt.public_id == public_id)).one()
        return float(attempt.earned or 0), result


def test_grading_is_the_same_in_every_language(sample_app: Flask) -> None:
    scores = {}
    for language in ("en", "fr", "ar"):
        client = sample_app.test_client()
        _choose(client, language)
        _join(client)
        scores[language], result = _attempt_score(client, sample_app)
        assert _html_tag(result)[0] == language
    assert scores["en"] > 0
    assert scores == {"en": scores["en"], "fr": scores["en"], "ar": scores["en"]}


def _answer_key(question: object) -> list[tuple[str, bool]]:
    return [(o.id, o.correct) for o in getattr(question, "options", [])]


def test_translated_modules_keep_ids_and_answer_keys(sample_app: Flask) -> None:
    found = catalogue(sample_app)
    for module_id in ("mandate-2322", "mla-extradition-guardrails"):
        source = found.module(module_id)
        for language in ("fr", "ar"):
            translated = found.module_in(module_id, language)
            assert translated.language == language
            for original, shown in zip(source.quiz.questions, translated.quiz.questions,
                                       strict=True):
                assert shown.id == original.id
                assert shown.kind == original.kind
                assert _answer_key(shown) == _answer_key(original)
                assert getattr(shown, "answer", None) == getattr(original, "answer", None)


@pytest.mark.parametrize(("language", "words"), [
    ("en", "Too long: 100 characters, at most 80."),
    ("fr", "Texte trop long\u00a0: 100 caractères, 80 au maximum."),
    ("ar", "النص طويل جدًا: عدد أحرفه 100، والحد الأقصى 80.")])
def test_a_name_too_long_is_refused_in_the_page_language(sample_app: Flask, language: str,
                                                         words: str) -> None:
    client = sample_app.test_client()
    _choose(client, language)
    token = _token(client.get("/").get_data(as_text=True))
    response = client.post("/join", data={"name": "x" * 100, "code": "MALTA16", "csrf_token": token})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert words in page  # WTForms' own message was English on an Arabic page
    assert "Field cannot be longer" not in page
